import { describe, expect, test } from 'vitest';
import { MAX_AUDIT_ENTRIES } from './audit.ts';
import { PIN, addSample, containsBytes, dumpDatabase, fakeClock, open, rejection, uniqueName } from './testing/helpers.ts';

describe('presentation audit log', () => {
  test('records what was disclosed and when, oldest first, encrypted at rest', async () => {
    const clock = fakeClock();
    const name = uniqueName('audit');
    const w = await open(name, {}, clock);
    await w.setup(PIN);
    await addSample(w, 'doc');
    const e1 = await w.recordPresentation({ credentialId: 'doc', disclosed: ['age_over_18'], mode: 'one-way' });
    clock.advance(90_000);
    const e2 = await w.recordPresentation({
      credentialId: 'doc',
      disclosed: ['family_name', 'given_name', 'org.iso.18013.5.1:portrait', 'biometric_template_face'],
      mode: 'two-way',
      verifier: 'Westlake Hotel reception',
    });
    expect(e1.at).toBe(new Date(clock.now() - 90_000).toISOString());
    expect(e2).toMatchObject({ docType: 'org.eidkit.eid.1', mode: 'two-way', verifier: 'Westlake Hotel reception' });
    const log = await w.auditLog();
    expect(log.damaged).toEqual([]);
    expect(log.items).toEqual([e1, e2]);
    const dump = await dumpDatabase(name);
    expect(dump.some((b) => containsBytes(b, new TextEncoder().encode('Westlake')))).toBe(false);
    expect(dump.some((b) => containsBytes(b, new TextEncoder().encode('given_name')))).toBe(false);
    await w.clearAuditLog();
    expect((await w.auditLog()).items).toEqual([]);
    w.close();
  });

  test('refuses anything but element names: no values, bytes, templates or extra fields', async () => {
    const w = await open(uniqueName('audit-refuse'));
    await w.setup(PIN);
    await addSample(w, 'doc');
    const bad: unknown[] = [
      { credentialId: 'doc', disclosed: ['portrait'], mode: 'one-way', portrait: new Uint8Array([0xff, 0xd8]) },
      { credentialId: 'doc', disclosed: ['biometric_template_face'], mode: 'one-way', template: new Float32Array(512) },
      { credentialId: 'doc', disclosed: [new Uint8Array([1, 2])], mode: 'one-way' },
      { credentialId: 'doc', disclosed: ['family_name=Li'], mode: 'one-way' },
      { credentialId: 'doc', disclosed: [], mode: 'one-way' },
      { credentialId: 'doc', disclosed: ['age_over_18', 'age_over_18'], mode: 'one-way' },
      { credentialId: 'doc', disclosed: ['age_over_18'], mode: 'nfc' },
      { credentialId: 'doc', disclosed: ['age_over_18'], mode: 'one-way', verifier: 'line1\nline2' },
      { credentialId: 'doc', disclosed: ['age_over_18'], mode: 'one-way', verifier: 'x'.repeat(121) },
      null,
    ];
    for (const r of bad) expect((await rejection(w.recordPresentation(r as never))).code).toBe('wallet/bad-audit-entry');
    expect((await rejection(w.recordPresentation({ credentialId: 'nope', disclosed: ['age_over_18'], mode: 'one-way' }))).code).toBe(
      'wallet/not-found',
    );
    expect((await w.auditLog()).items).toEqual([]);
    w.close();
  });

  test(`keeps the newest ${MAX_AUDIT_ENTRIES} entries`, async () => {
    const clock = fakeClock();
    const w = await open(uniqueName('audit-prune'), {}, clock);
    await w.setup(PIN);
    await addSample(w, 'doc');
    const first: string[] = [];
    for (let i = 0; i < MAX_AUDIT_ENTRIES + 3; i++) {
      clock.advance(1_000);
      const e = await w.recordPresentation({ credentialId: 'doc', disclosed: ['age_over_18'], mode: 'one-way' });
      if (i < 4) first.push(e.id);
    }
    const log = await w.auditLog();
    expect(log.items).toHaveLength(MAX_AUDIT_ENTRIES);
    expect(log.items[0]?.id).toBe(first[3]);
    expect(log.items.map((e) => e.id)).not.toContain(first[2]);
    w.close();
  });
});
