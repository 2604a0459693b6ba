import { afterEach, describe, expect, test } from 'vitest';
import { cdp } from 'vitest/browser';
import { passkeyPrfSupport } from './passkey.ts';
import { PIN, addSample, open, rawDb, rejection, uniqueName } from './testing/helpers.ts';

/**
 * Passkey (WebAuthn PRF) unlock, exercised headless through Chromium's virtual authenticator (DevTools protocol):
 * real navigator.credentials calls, a CTAP2 platform authenticator with the PRF (hmac-secret) extension, and
 * controllable user verification. What this cannot show: a real fingerprint/face sensor and its own lockout.
 */
const authenticators: string[] = [];

async function addAuthenticator(opts: { hasPrf: boolean; verified?: boolean }): Promise<string> {
  const s = cdp();
  await s.send('WebAuthn.enable', {});
  const { authenticatorId } = (await s.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: opts.verified ?? true,
      automaticPresenceSimulation: true,
      hasPrf: opts.hasPrf,
    },
  } as never)) as { authenticatorId: string };
  authenticators.push(authenticatorId);
  return authenticatorId;
}

async function removeAuthenticator(id: string): Promise<void> {
  await cdp().send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: id });
  authenticators.splice(authenticators.indexOf(id), 1);
}

afterEach(async () => {
  for (const id of [...authenticators]) await removeAuthenticator(id);
});

describe('passkey unlock (WebAuthn PRF) with the PIN as fallback', () => {
  test('feature detection reports PRF support in this Chromium', async () => {
    expect(await passkeyPrfSupport()).toBe('available');
  });

  test('enable with the PIN, then unlock with the passkey alone; the PIN keeps working', async () => {
    const auth = await addAuthenticator({ hasPrf: true });
    const w = await open(uniqueName('passkey'));
    await w.setup(PIN);
    const { bytes } = await addSample(w, 'doc');
    expect((await rejection(w.enablePasskey('902733'))).code).toBe('wallet/wrong-pin');
    await w.enablePasskey(PIN);
    expect((await w.status()).passkeyEnabled).toBe(true);

    const db = await rawDb(w.name);
    const vault = await db.get('meta', 'vault');
    db.close();
    expect(vault.prf.credentialId.length).toBeGreaterThan(0);
    expect(vault.prf.salt.length).toBe(32);

    w.lock();
    await w.unlockWithPasskey();
    expect(w.isUnlocked).toBe(true);
    expect((await w.getCredential('doc')).bytes).toEqual(bytes);
    expect((await w.status()).failures).toBe(0); // the earlier wrong PIN is forgiven after user verification

    // User verification refused (wrong finger): no unlock, no PIN attempt used, PIN still opens.
    w.lock();
    await cdp().send('WebAuthn.setUserVerified', { authenticatorId: auth, isUserVerified: false });
    expect((await rejection(w.unlockWithPasskey())).code).toBe('wallet/passkey-failed');
    expect(w.isUnlocked).toBe(false);
    expect((await w.status()).failures).toBe(0);
    await w.unlock(PIN);
    expect(w.isUnlocked).toBe(true);

    // Passkey lost (authenticator gone): the PIN is the way back in.
    w.lock();
    await removeAuthenticator(auth);
    expect((await rejection(w.unlockWithPasskey({ timeoutMs: 1_000 }))).code).toBe('wallet/passkey-failed');
    // ... or the citizen taps "use PIN instead" while the browser waits.
    const ctl = new AbortController();
    const waiting = w.unlockWithPasskey({ signal: ctl.signal });
    ctl.abort();
    expect((await rejection(waiting)).code).toBe('wallet/passkey-failed');
    await w.unlock(PIN);
    await w.disablePasskey();
    w.lock();
    expect((await rejection(w.unlockWithPasskey())).code).toBe('wallet/passkey-unavailable');
    w.close();
  });

  test('an authenticator without PRF is refused at enrolment', async () => {
    await addAuthenticator({ hasPrf: false });
    const w = await open(uniqueName('noprf'));
    await w.setup(PIN);
    expect((await rejection(w.enablePasskey(PIN))).code).toBe('wallet/passkey-unavailable');
    expect((await w.status()).passkeyEnabled).toBe(false);
    w.close();
  });

  test('an altered passkey slot is reported as tampering', async () => {
    await addAuthenticator({ hasPrf: true });
    const w = await open(uniqueName('prf-tamper'));
    await w.setup(PIN);
    await w.enablePasskey(PIN);
    w.lock();
    const db = await rawDb(w.name);
    const vault = await db.get('meta', 'vault');
    const wrapped = vault.prf.wrapped.slice();
    wrapped[0] ^= 1;
    await db.put('meta', { ...vault, prf: { ...vault.prf, wrapped } }, 'vault');
    db.close();
    expect((await rejection(w.unlockWithPasskey())).code).toBe('wallet/tampered');
    expect(w.isUnlocked).toBe(false);
    w.close();
  });
});
