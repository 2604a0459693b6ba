import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { isEidkitError } from '../errors.ts';
import { checkPresentationRecord } from './audit.ts';
import { openBackup, readBackupHeader, sealBackup, type BackupContents } from './backup.ts';
import { WALLET_ERROR_CODES } from './errors.ts';
import { checkMeta } from './records.ts';
import { checkPassphrase, checkPin } from './secrets.ts';
import { openWallet } from './wallet.ts';

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isEidkitError(e)) return e.code;
    throw e;
  }
  return 'ok';
}

const meta = {
  id: 'doc-1',
  docType: 'org.eidkit.eid.1',
  label: 'National ID',
  issuer: 'Hangzhou PSB',
  validFrom: '2026-01-01',
  validUntil: '2036-01-01T00:00:00Z',
  statusIndex: 12,
};

describe('input rules (pure, Node)', () => {
  test('PIN rules', () => {
    expect(code(() => checkPin('482915'))).toBe('ok');
    expect(code(() => checkPin('ab12cd'))).toBe('ok');
    for (const bad of ['12345', '123456', '987654', '000000', '7777777', '', 42]) {
      expect(code(() => checkPin(bad as string))).toBe('wallet/weak-pin');
    }
    expect(checkPin('４８２９１５')).toBe('482915'); // NFKC
  });

  test('backup passphrase rules', () => {
    expect(code(() => checkPassphrase('moving-phones 2026'))).toBe('ok');
    for (const bad of ['short', 'ababababababab', '123456789', 7]) {
      expect(code(() => checkPassphrase(bad as string))).toBe('wallet/weak-passphrase');
    }
  });

  test('credential metadata is copied, checked and stripped of unknown fields', () => {
    expect(checkMeta({ ...meta, extra: 'dropped', portrait: new Uint8Array(3) })).toEqual({ ...meta, statusList: null });
    expect(code(() => checkMeta({ ...meta, statusIndex: 1.5 }))).toBe('wallet/bad-input');
    expect(code(() => checkMeta({ ...meta, validFrom: '01/02/2026' }))).toBe('wallet/bad-input');
    expect(code(() => checkMeta({ ...meta, id: 'x'.repeat(129) }))).toBe('wallet/bad-input');
    expect(code(() => checkMeta('nope'))).toBe('wallet/bad-input');
  });

  test('audit records take element names only (property: anything else is refused)', () => {
    expect(checkPresentationRecord({ credentialId: 'd', disclosed: ['age_over_18'], mode: 'one-way' })).toEqual({
      credentialId: 'd',
      disclosed: ['age_over_18'],
      mode: 'one-way',
      verifier: null,
    });
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const c = code(() => checkPresentationRecord({ credentialId: 'd', disclosed: ['age_over_18'], mode: 'one-way', value }));
        return c === 'wallet/bad-audit-entry';
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.anything(), (d) => {
        const c = code(() => checkPresentationRecord({ credentialId: 'd', disclosed: [d], mode: 'one-way' }));
        return c === 'wallet/bad-audit-entry' || (typeof d === 'string' && /^[A-Za-z][A-Za-z0-9_.:-]*$/.test(d));
      }),
      { numRuns: 500 },
    );
  });

  test('error codes are unique and namespaced', () => {
    expect(new Set(WALLET_ERROR_CODES).size).toBe(WALLET_ERROR_CODES.length);
    for (const c of WALLET_ERROR_CODES) expect(c).toMatch(/^wallet\/[a-z-]+$/);
  });

  test('the wallet needs IndexedDB: in Node it says so with a typed error', async () => {
    await expect(openWallet()).rejects.toMatchObject({ code: 'wallet/unsupported' });
  });
});

describe('backup file parsing against hostile bytes (Node WebCrypto)', () => {
  const contents: BackupContents = {
    v: 1,
    exportedAt: Date.UTC(2026, 0, 1),
    credentials: [{ meta: { ...meta, statusList: null }, bytes: new Uint8Array([1, 2, 3, 4, 5]), addedAt: 1 }],
    audit: [],
  };

  test('round trip in Node too', async () => {
    const file = await sealBackup(contents, 'moving-phones 2026', 1_000);
    const back = await openBackup(file, 'moving-phones 2026');
    expect(back.credentials[0]?.meta).toEqual(contents.credentials[0]?.meta);
    expect(Array.from(back.credentials[0]?.bytes ?? [])).toEqual([1, 2, 3, 4, 5]);
    expect(readBackupHeader(file).header.iterations).toBe(1_000);
  });

  test('every mutation of a valid file gives a typed error, never a crash or a silent success', async () => {
    const file = await sealBackup(contents, 'moving-phones 2026', 1_000);
    const allowed = new Set(['wallet/bad-backup', 'wallet/wrong-passphrase', 'wallet/tampered']);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ kind: fc.constant('flip' as const), at: fc.nat(file.length - 1), bit: fc.integer({ min: 0, max: 7 }) }),
          fc.record({ kind: fc.constant('cut' as const), at: fc.nat(file.length - 1) }),
          fc.record({ kind: fc.constant('junk' as const), bytes: fc.uint8Array({ maxLength: 400 }) }),
        ),
        async (m) => {
          let bad: Uint8Array;
          if (m.kind === 'flip') {
            bad = file.slice();
            bad[m.at] = (bad[m.at] ?? 0) ^ (1 << m.bit);
          } else if (m.kind === 'cut') {
            bad = file.subarray(0, m.at);
          } else {
            bad = m.bytes;
          }
          try {
            await openBackup(bad, 'moving-phones 2026');
          } catch (e) {
            return isEidkitError(e) && allowed.has(e.code);
          }
          return false;
        },
      ),
      { numRuns: 400 },
    );
  });

  test('a header claiming an absurd iteration count is refused before any work', async () => {
    const file = await sealBackup(contents, 'moving-phones 2026', 1_000);
    const text = new TextDecoder().decode(file.subarray(11, 11 + ((file[9] ?? 0) << 8 | (file[10] ?? 0))));
    const big = text.replace('"iterations":1000', '"iterations":999999999');
    const header = new TextEncoder().encode(big);
    const patched = new Uint8Array([...file.subarray(0, 9), header.length >> 8, header.length & 0xff, ...header, ...file.subarray(11 + text.length)]);
    expect(code(() => readBackupHeader(patched))).toBe('wallet/bad-backup');
  });
});
