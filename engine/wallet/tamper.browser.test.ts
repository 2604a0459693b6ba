import { describe, expect, test } from 'vitest';
import { PIN, addSample, open, rawDb, rejection, uniqueName } from './testing/helpers.ts';

function flip(u: Uint8Array, at: number): Uint8Array {
  const c = u.slice();
  c[at] = (c[at] ?? 0) ^ 0x01;
  return c;
}

describe('tampering and corruption are detected, reported, never shown', () => {
  test('a flipped ciphertext bit, IV or tag: wallet/tampered for that record; the others still list', async () => {
    const name = uniqueName('tamper');
    const w = await open(name);
    await w.setup(PIN);
    await addSample(w, 'good');
    await addSample(w, 'victim-ct');
    await addSample(w, 'victim-iv');
    await addSample(w, 'victim-tag');
    const db = await rawDb(name);
    const ct = await db.get('credentials', 'victim-ct');
    await db.put('credentials', { ...ct, ct: flip(ct.ct, 40) });
    const iv = await db.get('credentials', 'victim-iv');
    await db.put('credentials', { ...iv, iv: flip(iv.iv, 0) });
    const tag = await db.get('credentials', 'victim-tag');
    await db.put('credentials', { ...tag, ct: flip(tag.ct, tag.ct.length - 1) });
    db.close();

    for (const id of ['victim-ct', 'victim-iv', 'victim-tag']) {
      const e = await rejection(w.getCredential(id));
      expect(e.code).toBe('wallet/tampered');
      expect(e).not.toHaveProperty('details.bytes');
      expect((await rejection(w.presentationSigner(id))).code).toBe('wallet/tampered');
    }
    const list = await w.listCredentials();
    expect(list.items.map((c) => c.id)).toEqual(['good']);
    expect(list.damaged.map((d) => [d.id, d.code]).sort()).toEqual([
      ['victim-ct', 'wallet/tampered'],
      ['victim-iv', 'wallet/tampered'],
      ['victim-tag', 'wallet/tampered'],
    ]);
    // The user can clear a damaged record.
    await w.removeCredential('victim-ct');
    expect((await w.listCredentials()).damaged.length).toBe(2);
    w.close();
  });

  test('swapping two intact ciphertexts, or re-pointing a record at another key, fails the binding', async () => {
    const name = uniqueName('swap');
    const w = await open(name);
    await w.setup(PIN);
    const a = await addSample(w, 'a');
    await addSample(w, 'b');
    const db = await rawDb(name);
    const ra = await db.get('credentials', 'a');
    const rb = await db.get('credentials', 'b');
    await db.put('credentials', { ...ra, iv: rb.iv, ct: rb.ct });
    db.close();
    expect((await rejection(w.getCredential('a'))).code).toBe('wallet/tampered');
    expect((await w.getCredential('b')).id).toBe('b');

    // An attacker re-binding credential b to key a's id (to sign b with a's key) breaks b's tag.
    const db2 = await rawDb(name);
    await db2.put('credentials', { ...rb, keyId: a.key.keyId });
    db2.close();
    expect((await rejection(w.presentationSigner('b'))).code).toBe('wallet/tampered');
    w.close();
  });

  test('a damaged vault is reported as tampering and does not burn PIN attempts', async () => {
    const name = uniqueName('vault');
    const w = await open(name);
    await w.setup(PIN);
    w.lock();
    const db = await rawDb(name);
    const vault = await db.get('meta', 'vault');
    await db.put('meta', { ...vault, pin: { ...vault.pin, wrapped: flip(vault.pin.wrapped, 3) } }, 'vault');
    db.close();
    const e = await rejection(w.unlock(PIN));
    expect(e.code).toBe('wallet/tampered');
    expect((await w.status()).failures).toBe(0);
    expect(w.isUnlocked).toBe(false);
    // A wrong PIN is still a wrong PIN (told apart by the check value).
    expect((await rejection(w.unlock('902733'))).code).toBe('wallet/wrong-pin');
    w.close();
  });

  test('a tampered audit entry is reported, not shown', async () => {
    const name = uniqueName('audit-tamper');
    const w = await open(name);
    await w.setup(PIN);
    await addSample(w, 'doc');
    const e1 = await w.recordPresentation({ credentialId: 'doc', disclosed: ['age_over_18'], mode: 'one-way' });
    await w.recordPresentation({ credentialId: 'doc', disclosed: ['family_name'], mode: 'two-way' });
    const db = await rawDb(name);
    const row = await db.get('audit', e1.id);
    await db.put('audit', { ...row, ct: flip(row.ct, 5) });
    db.close();
    const log = await w.auditLog();
    expect(log.items.map((i) => i.disclosed)).toEqual([['family_name']]);
    expect(log.damaged).toEqual([{ id: e1.id, code: 'wallet/tampered', message: expect.any(String) }]);
    w.close();
  });
});
