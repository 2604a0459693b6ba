import { describe, expect, test } from 'vitest';
import { p256 } from '@noble/curves/nist.js';
import { isEidkitError } from '../errors.ts';
import {
  MARKER,
  PIN,
  addSample,
  containsBytes,
  dumpDatabase,
  fakeClock,
  open,
  rawDb,
  rejection,
  sampleBytes,
  sampleMeta,
  uniqueName,
} from './testing/helpers.ts';

describe('wallet basics (real IndexedDB + WebCrypto in Chromium)', () => {
  test('setup, lock, unlock; data survives closing and reopening the database', async () => {
    const name = uniqueName('persist');
    const w = await open(name);
    expect(await w.status()).toMatchObject({ initialised: false, unlocked: false, schemaVersion: 2 });
    await w.setup(PIN);
    expect(w.isUnlocked).toBe(true);
    const { bytes, key } = await addSample(w, 'doc-1');
    w.close();

    // A new object, a new connection, nothing in memory: what a reload gives.
    const again = await open(name);
    expect(await again.status()).toMatchObject({ initialised: true, unlocked: false, failures: 0, attemptsBeforeWipe: 10 });
    expect((await rejection(again.listCredentials())).code).toBe('wallet/locked');
    await again.unlock(PIN);
    const got = await again.getCredential('doc-1');
    expect(got.bytes).toEqual(bytes);
    expect(got.meta).toEqual(sampleMeta('doc-1'));
    expect(got.keyId).toBe(key.keyId);
    expect(got.needsRebinding).toBe(false);
    again.lock();
    expect(again.isUnlocked).toBe(false);
    expect((await rejection(again.getCredential('doc-1'))).code).toBe('wallet/locked');
    again.close();
  });

  test('credentials and metadata are not stored in clear', async () => {
    const name = uniqueName('atrest');
    const w = await open(name);
    await w.setup(PIN);
    const { bytes } = await addSample(w, 'doc-secret-id');
    const label = sampleMeta('doc-secret-id').label;
    const dump = await dumpDatabase(name);
    const marker = new TextEncoder().encode(MARKER);
    expect(dump.some((b) => containsBytes(b, marker))).toBe(false);
    expect(dump.some((b) => containsBytes(b, bytes.subarray(100, 132)))).toBe(false);
    expect(dump.some((b) => containsBytes(b, new TextEncoder().encode(label)))).toBe(false);
    expect(dump.some((b) => containsBytes(b, new TextEncoder().encode(PIN)))).toBe(false);
    // Control: the check would have found it had it been there.
    expect(containsBytes(bytes, marker)).toBe(true);
    w.close();
  });

  test('device key: non-extractable P-256, stored as CryptoKey, signs raw r||s that verifies', async () => {
    const name = uniqueName('keys');
    const w = await open(name);
    await w.setup(PIN);
    const { key } = await addSample(w, 'doc-1');
    expect(key.jwk).toEqual({ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String) });
    expect(key.raw.length).toBe(65);
    expect(key.raw[0]).toBe(4);

    const db = await rawDb(name);
    const row = await db.get('keys', key.keyId);
    db.close();
    expect(row.privateKey).toBeInstanceOf(CryptoKey);
    expect(row.privateKey.extractable).toBe(false);
    expect(row.privateKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    await expect(crypto.subtle.exportKey('jwk', row.privateKey)).rejects.toThrow();
    await expect(crypto.subtle.exportKey('pkcs8', row.privateKey)).rejects.toThrow();

    const signer = await w.presentationSigner('doc-1');
    const msg = new TextEncoder().encode('DeviceAuthentication transcript');
    const sig = await signer.sign(msg);
    expect(sig.length).toBe(64);
    // Independent check with @noble/curves: compact (r||s) signature over SHA-256(msg).
    expect(p256.verify(sig, msg, signer.publicKey.raw, { lowS: false })).toBe(true);
    expect(p256.verify(sig, new TextEncoder().encode('other'), signer.publicKey.raw, { lowS: false })).toBe(false);

    // A signer handed out earlier stops working once the wallet locks.
    w.lock();
    expect((await rejection(signer.sign(msg))).code).toBe('wallet/locked');
    w.close();
  });

  test('one device key per credential; pending keys sign enrolment proofs only', async () => {
    const w = await open(uniqueName('onekey'));
    await w.setup(PIN);
    const k = await w.createDeviceKey();
    const pending = await w.enrolmentSigner(k.keyId);
    const pop = await pending.sign(new Uint8Array([1, 2, 3]));
    expect(p256.verify(pop, new Uint8Array([1, 2, 3]), k.raw, { lowS: false })).toBe(true);

    await w.addCredential({ bytes: sampleBytes(), meta: sampleMeta('a'), keyId: k.keyId });
    const second = await rejection(w.addCredential({ bytes: sampleBytes(), meta: sampleMeta('b'), keyId: k.keyId }));
    expect(second.code).toBe('wallet/key-in-use');
    expect((await rejection(w.enrolmentSigner(k.keyId))).code).toBe('wallet/key-in-use');
    expect((await rejection(w.deleteDeviceKey(k.keyId))).code).toBe('wallet/key-in-use');

    const k2 = await w.createDeviceKey();
    expect(k2.keyId).not.toBe(k.keyId);
    expect((await rejection(w.addCredential({ bytes: sampleBytes(), meta: sampleMeta('a'), keyId: k2.keyId }))).code).toBe('wallet/duplicate');
    expect((await rejection(w.addCredential({ bytes: sampleBytes(), meta: sampleMeta('c'), keyId: 'nope' }))).code).toBe('wallet/not-found');
    expect((await w.listDeviceKeys()).map((x) => [x.keyId, x.credentialId]).sort()).toEqual(
      [[k.keyId, 'a'], [k2.keyId, null]].sort(),
    );

    // Removing a credential removes its key in the same transaction.
    await w.removeCredential('a');
    expect((await w.listDeviceKeys()).map((x) => x.keyId)).toEqual([k2.keyId]);
    await w.deleteDeviceKey(k2.keyId);
    expect(await w.listDeviceKeys()).toEqual([]);
    expect((await w.listCredentials()).items).toEqual([]);
    w.close();
  });

  test('renewal keeps the same device key via `replaces`', async () => {
    const w = await open(uniqueName('renew'));
    await w.setup(PIN);
    const { key } = await addSample(w, 'old');
    const bytes = sampleBytes();
    await w.addCredential({ bytes, meta: sampleMeta('new', { validFrom: '2030-01-01' }), keyId: key.keyId, replaces: 'old' });
    const list = await w.listCredentials();
    expect(list.items.map((c) => c.id)).toEqual(['new']);
    expect((await w.getCredential('new')).bytes).toEqual(bytes);
    expect((await w.listDeviceKeys())[0]?.credentialId).toBe('new');
    w.close();
  });

  test('bad input is refused with typed errors and nothing is stored', async () => {
    const w = await open(uniqueName('bad'));
    expect((await rejection(w.setup('123456'))).code).toBe('wallet/weak-pin');
    expect((await rejection(w.setup('1111111'))).code).toBe('wallet/weak-pin');
    expect((await rejection(w.setup('12345'))).code).toBe('wallet/weak-pin');
    expect((await rejection(w.setup(PIN, { maxFailures: 1 }))).code).toBe('wallet/bad-input');
    expect((await rejection(w.setup(PIN, { autoLockMs: 10 }))).code).toBe('wallet/bad-input');
    expect((await w.status()).initialised).toBe(false);
    await w.setup(PIN);
    expect((await rejection(w.setup('735194'))).code).toBe('wallet/already-initialised');
    const k = await w.createDeviceKey();
    const cases: unknown[] = [
      { bytes: new Uint8Array(), meta: sampleMeta('x'), keyId: k.keyId },
      { bytes: 'nope', meta: sampleMeta('x'), keyId: k.keyId },
      { bytes: sampleBytes(), meta: { ...sampleMeta('x'), validUntil: 'tomorrow' }, keyId: k.keyId },
      { bytes: sampleBytes(), meta: { ...sampleMeta('x'), validUntil: '2020-01-01' }, keyId: k.keyId },
      { bytes: sampleBytes(), meta: { ...sampleMeta('x'), statusIndex: -1 }, keyId: k.keyId },
      { bytes: sampleBytes(), meta: { ...sampleMeta('x'), id: '' }, keyId: k.keyId },
      { bytes: sampleBytes(), meta: null, keyId: k.keyId },
    ];
    for (const c of cases) {
      const e = await rejection(w.addCredential(c as never));
      expect(e.code).toBe('wallet/bad-input');
    }
    expect((await w.listCredentials()).items).toEqual([]);
    w.close();
  });

  test('auto-lock after inactivity: checked on access (fake clock) and by a real timer', async () => {
    const clock = fakeClock();
    const w = await open(uniqueName('autolock'), {}, clock);
    await w.setup(PIN, { autoLockMs: 60_000 });
    await addSample(w, 'doc');
    clock.advance(59_000);
    await w.listCredentials(); // activity: restarts the idle window
    clock.advance(59_000);
    expect(w.isUnlocked).toBe(true);
    clock.advance(2_000);
    expect(w.isUnlocked).toBe(false);
    expect((await rejection(w.getCredential('doc'))).code).toBe('wallet/locked');
    w.close();

    const real = await open(uniqueName('autolock-timer'));
    const events: string[] = [];
    real.subscribe((e) => events.push(`${e.type}:${e.source}`));
    await real.setup(PIN, { autoLockMs: 1_000 });
    expect(real.isUnlocked).toBe(true);
    await new Promise((r) => setTimeout(r, 1_400));
    expect(real.isUnlocked).toBe(false);
    expect(events).toContain('locked:local');
    real.close();
  });

  test('a lock that comes while an unlock or a setup is still deriving its key wins: the wallet stays locked', async () => {
    const name = uniqueName('lock-race');
    const w = await open(name);
    const other = await open(name);
    const events: string[] = [];
    w.subscribe((e) => events.push(e.type));

    // Set up, and "lock now" before the setup's key work is done: set up, but locked.
    const setup = w.setup(PIN);
    w.lock();
    await setup;
    expect(w.isUnlocked).toBe(false);
    expect(await w.status()).toMatchObject({ initialised: true, unlocked: false });

    // An unlock overtaken by "lock now" here is refused with wallet/locked; the right PIN is not counted as wrong.
    const unlock = w.unlock(PIN);
    w.lock();
    const e = await rejection(unlock);
    expect(e.code).toBe('wallet/locked');
    expect(e.details).toMatchObject({ lockedMeanwhile: true });
    expect(w.isUnlocked).toBe(false);
    expect(await w.status()).toMatchObject({ unlocked: false, failures: 0 });
    expect(events).not.toContain('unlocked');

    // The same when the lock comes from another tab.
    await other.unlock(PIN);
    const overtaken = w.unlock(PIN);
    other.lock();
    await new Promise((r) => setTimeout(r, 0));
    expect((await rejection(overtaken)).code).toBe('wallet/locked');
    expect(w.isUnlocked).toBe(false);

    // With no lock in between, the same PIN unlocks.
    await w.unlock(PIN);
    expect(w.isUnlocked).toBe(true);
    expect(events).toContain('unlocked');
    w.close();
    other.close();
  });

  test('settings change needs an unlocked wallet and persists', async () => {
    const name = uniqueName('settings');
    const w = await open(name);
    await w.setup(PIN);
    await w.updateSettings({ autoLockMs: 300_000, maxFailures: 5 });
    w.lock();
    expect((await rejection(w.updateSettings({ maxFailures: 50 }))).code).toBe('wallet/locked');
    w.close();
    const again = await open(name);
    expect(await again.status()).toMatchObject({ autoLockMs: 300_000, maxFailures: 5, attemptsBeforeWipe: 5 });
    again.close();
    expect(isEidkitError(await rejection(again.status()), 'wallet/closed')).toBe(true);
  });
});
