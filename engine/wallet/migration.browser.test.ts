import { describe, expect, test } from 'vitest';
import { p256 } from '@noble/curves/nist.js';
import { derivePinKeys, generateDataKey, seal, wrapDataKey } from './crypto.ts';
import { exportPublic, generateDeviceKeyPair } from './device-keys.ts';
import { credentialAad, encodePayload } from './records.ts';
import { PIN, TEST_ITERATIONS, fakeClock, open, rawDb, rejection, sampleBytes, sampleMeta, uniqueName } from './testing/helpers.ts';

function idbRequest<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/**
 * Writes a schema-v1 database with the raw IndexedDB API, exactly in the v1 layout (see schema.ts header):
 * credentials{id} · keys{keyId} · settings (out-of-line) · meta (vault, failures as a bare number).
 */
async function createV1Database(name: string, opts: { failures: number; withVault: boolean }) {
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => {
    const db = open.result;
    db.createObjectStore('credentials', { keyPath: 'id' });
    db.createObjectStore('keys', { keyPath: 'keyId' });
    db.createObjectStore('settings');
    db.createObjectStore('meta');
  };
  const db = await idbRequest(open);
  const bytes = sampleBytes();
  const pair = await generateDeviceKeyPair();
  const pub = await exportPublic(pair.publicKey);
  const keyId = 'v1-key-0001';
  const dataKey = await generateDataKey();
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const { kek, check } = await derivePinKeys(PIN, salt, TEST_ITERATIONS);
  const w = await wrapDataKey(dataKey, kek, 'eidkit-wallet/dek/pin/v1');
  const payload = encodePayload({ v: 1, meta: sampleMeta('v1-doc'), bytes, needsRebinding: false, addedAt: Date.UTC(2025, 5, 1), restoredAt: null });
  const sealed = await seal(dataKey, payload, credentialAad('v1-doc', keyId));

  const tx = db.transaction(['credentials', 'keys', 'settings', 'meta'], 'readwrite');
  if (opts.withVault) {
    tx.objectStore('meta').put(
      { fmt: 1, pin: { kdf: 'PBKDF2-SHA-256', iterations: TEST_ITERATIONS, salt, check, iv: w.iv, wrapped: w.wrapped }, createdAt: Date.UTC(2025, 5, 1) },
      'vault',
    );
    tx.objectStore('meta').put(opts.failures, 'failures');
    tx.objectStore('settings').put(300_000, 'autoLockMs');
    tx.objectStore('settings').put(7, 'maxFailures');
    tx.objectStore('credentials').put({ id: 'v1-doc', keyId, fmt: 1, iv: sealed.iv, ct: sealed.ct, updatedAt: Date.UTC(2025, 5, 1) });
    tx.objectStore('keys').put({
      keyId,
      privateKey: pair.privateKey,
      publicKey: pair.publicKey,
      publicJwk: pub.jwk,
      publicRaw: pub.raw,
      createdAt: Date.UTC(2025, 5, 1),
      credentialId: 'v1-doc',
    });
  }
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error);
  });
  db.close();
  return { bytes, pub };
}

describe('schema migration v1 → v2', () => {
  test('a real v1 database opens as v2 with every record, setting and the PIN budget carried over', async () => {
    const name = uniqueName('migrate');
    const { bytes, pub } = await createV1Database(name, { failures: 2, withVault: true });
    const before = await rawDb(name);
    expect(before.version).toBe(1);
    expect(Array.from(before.objectStoreNames).sort()).toEqual(['credentials', 'keys', 'meta', 'settings']);
    before.close();

    const clock = fakeClock();
    const w = await open(name, {}, clock);
    const after = await rawDb(name);
    expect(after.version).toBe(2);
    expect(Array.from(after.objectStoreNames).sort()).toEqual(['audit', 'credentials', 'keys', 'meta']);
    expect(Array.from(after.transaction('credentials').store.indexNames)).toEqual(['byKeyId']);
    expect((await after.getAllKeys('meta')).sort()).toEqual(['gate', 'settings', 'vault']);
    expect(await after.get('meta', 'gate')).toEqual({ failures: 2, lastAttemptAt: clock.now() });
    expect((await after.get('meta', 'vault')).prf).toBeNull();
    after.close();

    expect(await w.status()).toMatchObject({
      initialised: true,
      failures: 2,
      maxFailures: 7,
      attemptsBeforeWipe: 5,
      retryAfterMs: 0,
      autoLockMs: 300_000,
      passkeyEnabled: false,
    });
    await w.unlock(PIN);
    const cred = await w.getCredential('v1-doc');
    expect(cred.bytes).toEqual(bytes);
    expect(cred.meta).toEqual(sampleMeta('v1-doc'));
    const signer = await w.presentationSigner('v1-doc');
    expect(signer.publicKey.raw).toEqual(pub.raw);
    const msg = new Uint8Array([1, 2, 3]);
    expect(p256.verify(await signer.sign(msg), msg, pub.raw, { lowS: false })).toBe(true);
    // v2 features work on the migrated data.
    await w.recordPresentation({ credentialId: 'v1-doc', disclosed: ['age_over_18'], mode: 'one-way' });
    expect((await w.auditLog()).items).toHaveLength(1);
    w.close();
  });

  test('a v1 wallet that was in backoff stays in backoff after the upgrade', async () => {
    const name = uniqueName('migrate-backoff');
    await createV1Database(name, { failures: 5, withVault: true });
    const clock = fakeClock();
    const w = await open(name, {}, clock);
    expect(await w.status()).toMatchObject({ failures: 5, attemptsBeforeWipe: 2, retryAfterMs: 60_000 });
    expect((await rejection(w.unlock(PIN))).code).toBe('wallet/backoff');
    clock.advance(60_000);
    await w.unlock(PIN);
    expect((await w.status()).failures).toBe(0);
    w.close();
  });

  test('an empty v1 database (never set up) upgrades to an empty v2 wallet', async () => {
    const name = uniqueName('migrate-empty');
    await createV1Database(name, { failures: 0, withVault: false });
    const w = await open(name);
    expect(await w.status()).toMatchObject({ initialised: false, failures: 0, wipedAt: null });
    await w.setup(PIN);
    expect((await w.listCredentials()).items).toEqual([]);
    w.close();
  });
});
