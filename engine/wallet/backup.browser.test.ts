import { describe, expect, test } from 'vitest';
import { openBackup } from './backup.ts';
import { inspectBackup } from './index.ts';
import {
  MARKER,
  PIN,
  TEST_ITERATIONS,
  addSample,
  containsBytes,
  open,
  rejection,
  sampleBytes,
  sampleMeta,
  uniqueName,
} from './testing/helpers.ts';

const PASS = 'moving-phones 2026!';

async function oldPhone() {
  const w = await open(uniqueName('old-phone'));
  await w.setup(PIN);
  const a = await addSample(w, 'id-card');
  const b = await addSample(w, 'residence');
  await w.recordPresentation({ credentialId: 'id-card', disclosed: ['age_over_18'], mode: 'one-way' });
  await w.recordPresentation({ credentialId: 'residence', disclosed: ['family_name', 'given_name'], mode: 'two-way', verifier: 'Hotel desk' });
  return { w, a, b };
}

describe('encrypted backup for moving phones', () => {
  test('round trip restores data but not keys: restored credentials refuse to present until re-bound', async () => {
    const { w: old, a, b } = await oldPhone();
    const exp = await old.exportBackup(PASS, { includeAuditLog: true });
    expect(exp.credentialIds.sort()).toEqual(['id-card', 'residence']);
    expect(exp.damaged).toEqual([]);
    expect(inspectBackup(exp.file)).toMatchObject({ kdf: 'PBKDF2-SHA-256', iterations: TEST_ITERATIONS });
    old.close();

    const phone = await open(uniqueName('new-phone'));
    await phone.setup('530817');
    const res = await phone.importBackup(exp.file, PASS);
    expect(res).toEqual({ restored: expect.arrayContaining(['id-card', 'residence']), skipped: [] });

    const list = await phone.listCredentials();
    expect(list.items).toHaveLength(2);
    for (const c of list.items) {
      expect(c.needsRebinding).toBe(true);
      expect(c.keyId).toBeNull();
      expect(c.restoredAt).not.toBeNull();
    }
    expect((await phone.getCredential('id-card')).bytes).toEqual(a.bytes);
    expect((await phone.getCredential('residence')).bytes).toEqual(b.bytes);
    const refused = await rejection(phone.presentationSigner('id-card'));
    expect(refused.code).toBe('wallet/needs-rebinding');
    expect(refused.message).toMatch(/issuer/);
    expect(await phone.listDeviceKeys()).toEqual([]);
    const log = await phone.auditLog();
    expect(log.items.map((e) => e.verifier)).toEqual([null, 'Hotel desk']);

    // Re-binding: a new device key on this phone, the issuer re-issues for it, the restored copy is replaced.
    const key = await phone.createDeviceKey();
    const reissued = sampleBytes();
    await phone.addCredential({ bytes: reissued, meta: sampleMeta('id-card', { validFrom: '2026-02-01' }), keyId: key.keyId, replaces: 'id-card' });
    const signer = await phone.presentationSigner('id-card');
    expect(signer.publicKey.raw).toEqual(key.raw);
    expect((await signer.sign(new Uint8Array([7]))).length).toBe(64);
    const after = await phone.listCredentials();
    expect(after.items.find((c) => c.id === 'id-card')).toMatchObject({ needsRebinding: false, keyId: key.keyId });
    expect(after.items.find((c) => c.id === 'residence')).toMatchObject({ needsRebinding: true });
    phone.close();
  });

  test('the file holds no key material and nothing in clear', async () => {
    const { w, a } = await oldPhone();
    const { file } = await w.exportBackup(PASS);
    expect(containsBytes(file, new TextEncoder().encode(MARKER))).toBe(false);
    expect(containsBytes(file, new TextEncoder().encode('National ID'))).toBe(false);
    expect(containsBytes(file, a.key.raw.subarray(1, 33))).toBe(false);

    const contents = await openBackup(file, PASS);
    expect(Object.keys(contents).sort()).toEqual(['audit', 'credentials', 'exportedAt', 'v']);
    expect(contents.audit).toEqual([]); // only with includeAuditLog
    for (const c of contents.credentials) expect(Object.keys(c).sort()).toEqual(['addedAt', 'bytes', 'meta']);
    const json = JSON.stringify(contents, (_k, v) => (v instanceof Uint8Array ? `bytes:${v.length}` : v));
    expect(json).not.toMatch(/keyId|privateKey|"d"|jwk|pkcs8/);
    expect(json).not.toContain(a.key.keyId);
    w.close();
  });

  test('wrong passphrase, altered file, truncated or foreign file: typed errors and nothing restored', async () => {
    const { w: old } = await oldPhone();
    const { file } = await old.exportBackup(PASS);
    expect((await rejection(old.exportBackup('short'))).code).toBe('wallet/weak-passphrase');
    expect((await rejection(old.exportBackup('aaaaaaaaaaaaaaaa'))).code).toBe('wallet/weak-passphrase');
    old.close();
    const phone = await open(uniqueName('restore-errors'));
    await phone.setup(PIN);

    expect((await rejection(phone.importBackup(file, 'moving-phones 2025!'))).code).toBe('wallet/wrong-passphrase');
    const body = file.slice();
    body[body.length - 40] = (body[body.length - 40] ?? 0) ^ 0x80;
    expect((await rejection(phone.importBackup(body, PASS))).code).toBe('wallet/tampered');
    // An edited header (here its date) breaks the tag too: the header is the ciphertext's additional data.
    const text = new TextDecoder().decode(file);
    const at = text.indexOf('"createdAt":"') + '"createdAt":"'.length;
    const header = file.slice();
    header[at] = header[at] === 0x32 ? 0x31 : 0x32;
    expect((await rejection(phone.importBackup(header, PASS))).code).toBe('wallet/tampered');
    for (const bad of [file.subarray(0, 30), file.subarray(0, file.length - 20).subarray(0, 60), new TextEncoder().encode('hello'), new Uint8Array(0)]) {
      expect((await rejection(phone.importBackup(bad, PASS))).code).toBe('wallet/bad-backup');
    }
    const wrongVersion = file.slice();
    wrongVersion[8] = 9;
    expect((await rejection(phone.importBackup(wrongVersion, PASS))).code).toBe('wallet/bad-backup');
    expect((await phone.listCredentials()).items).toEqual([]);

    phone.lock();
    expect((await rejection(phone.importBackup(file, PASS))).code).toBe('wallet/locked');
    phone.close();
  });

  test('a bound credential is never replaced by its key-less backup copy', async () => {
    const { w } = await oldPhone();
    const { file } = await w.exportBackup(PASS);
    const res = await w.importBackup(file, PASS);
    expect(res).toEqual({ restored: [], skipped: expect.arrayContaining(['id-card', 'residence']) });
    expect((await w.presentationSigner('id-card')).credentialId).toBe('id-card');
    w.close();
  });
});
