/**
 * The wallet's record codec: records written by the old cbor-x codec (bytes captured from cbor-x 1.6.9 with the exact
 * options the wallet used) still open, unchanged, so no stored credential, log entry or backup file is lost; new
 * records are deterministic strict CBOR; hostile encodings are refused as wallet/tampered.
 */
import { describe, expect, it } from 'vitest';
import { decodeAudit, encodeAudit } from './audit.ts';
import { decodeCbor, encodeCbor } from './codec.ts';
import { decodePayload, encodePayload, type CredentialPayload } from './records.ts';

const hex = (h: string) => Uint8Array.from(h.match(/../g)!.map((b) => parseInt(b, 16)));

// cbor-x wrote every object with a 16-bit map head (0xb9) and integers above 2^32 as float64.
const LEGACY_PAYLOAD = hex(
    'b90006617601646d657461b900086269646c434e2d31323334353637383967646f6354797065766f72672e69736f2e323332' +
    '32302e312e636e2e656964656c6162656c7352c3a9736964656e7420494420e5bca0e4b889666973737565726e5465737420' +
    '417574686f726974796976616c696446726f6d7818323032362d31322d30325431303a30303a30302e3030305a6a76616c69' +
    '64556e74696c7818323032372d31322d30325431303a30303a30302e3030305a6b737461747573496e646578076a73746174' +
    '75734c697374f765627974657345a10102ff006e6e65656473526562696e64696e67f46761646465644174fb4279ade81317' +
    'b0006a726573746f7265644174f6',
);
const LEGACY_AUDIT = hex(
    'b90008617601626964782436663163326239652d303030302d343030302d383030302d303030303030303030303031626174' +
    '7818323032362d31322d30325431303a30353a30302e3030305a6c63726564656e7469616c49646c434e2d31323334353637' +
    '383967646f6354797065766f72672e69736f2e32333232302e312e636e2e65696469646973636c6f736564826b66616d696c' +
    '795f6e616d656b6167655f6f7665725f3138646d6f6465676f6e652d776179687665726966696572f6',
);
const LEGACY_BACKUP = hex(
    'b900066176016a6578706f727465644174fb4279ade85c4e00006b63726564656e7469616c7381b90003646d657461b90008' +
    '6269646c434e2d31323334353637383967646f6354797065766f72672e69736f2e32333232302e312e636e2e656964656c61' +
    '62656c7352c3a9736964656e7420494420e5bca0e4b889666973737565726e5465737420417574686f726974796976616c69' +
    '6446726f6d7818323032362d31322d30325431303a30303a30302e3030305a6a76616c6964556e74696c7818323032372d31' +
    '322d30325431303a30303a30302e3030305a6b737461747573496e646578f66a7374617475734c697374781868747470733a' +
    '2f2f782e6578616d706c652f73746174757365627974657359012c000102030405060708090a0b0c0d0e0f10111213141516' +
    '1718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748' +
    '494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a' +
    '7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabac' +
    'adaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcddde' +
    'dfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f10' +
    '1112131415161718191a1b1c1d1e1f202122232425262728292a2b6761646465644174fb4279ade81317b000656175646974' +
    '81b900086176f7626964782436663163326239652d303030302d343030302d383030302d3030303030303030303030316261' +
    '747818323032362d31322d30325431303a30353a30302e3030305a6c63726564656e7469616c49646c434e2d313233343536' +
    '37383967646f6354797065766f72672e69736f2e32333232302e312e636e2e65696469646973636c6f736564826b66616d69' +
    '6c795f6e616d656b6167655f6f7665725f3138646d6f6465676f6e652d776179687665726966696572f66166fb3fe0000000' +
    '000000636e65673a0001116f',
);

const meta = {
  id: 'CN-123456789',
  docType: 'org.iso.23220.1.cn.eid',
  label: 'Résident ID 张三',
  issuer: 'Test Authority',
  validFrom: '2026-12-02T10:00:00.000Z',
  validUntil: '2027-12-02T10:00:00.000Z',
  statusIndex: 7,
};

describe('wallet record codec', () => {
  it('opens a credential record cbor-x wrote, field for field', () => {
    const p = decodePayload(LEGACY_PAYLOAD, 'CN-123456789');
    expect(p.meta).toMatchObject(meta);
    expect(p.bytes).toEqual(Uint8Array.from([0xa1, 0x01, 0x02, 0xff, 0x00]));
    expect(p.addedAt).toBe(1764669600123);
    expect(p.needsRebinding).toBe(false);
    expect(p.restoredAt).toBeNull();
  });

  it('opens an audit entry cbor-x wrote', () => {
    const e = decodeAudit(LEGACY_AUDIT, '6f1c2b9e-0000-4000-8000-000000000001');
    expect(e).toEqual({
      id: '6f1c2b9e-0000-4000-8000-000000000001',
      at: '2026-12-02T10:05:00.000Z',
      credentialId: 'CN-123456789',
      docType: 'org.iso.23220.1.cn.eid',
      disclosed: ['family_name', 'age_over_18'],
      mode: 'one-way',
      verifier: null,
    });
  });

  it('opens backup contents cbor-x wrote (300-byte credential, floats, negatives, undefined)', () => {
    const v = decodeCbor(LEGACY_BACKUP) as Record<string, any>;
    expect(v.v).toBe(1);
    expect(v.exportedAt).toBe(1764669900000);
    expect(v.f).toBe(0.5);
    expect(v.neg).toBe(-70000);
    expect(v.credentials[0].bytes).toEqual(new Uint8Array(300).map((_, i) => i & 0xff));
    expect(v.credentials[0].meta.statusList).toBe('https://x.example/status');
    expect(v.audit[0].v).toBeUndefined();
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
  });

  it('writes deterministic CBOR that reads back the same, shortest heads and sorted keys', () => {
    const payload: CredentialPayload = { v: 1, meta, bytes: Uint8Array.of(1, 2, 3), needsRebinding: true, addedAt: 1764669600123, restoredAt: 1764669700000 };
    const a = encodePayload(payload);
    expect(a[0]).toBe(0xa6); // a 6-entry map, shortest head
    expect(encodePayload({ ...payload, meta: { ...meta } })).toEqual(a);
    expect(decodePayload(a, meta.id)).toEqual({ ...payload, meta: { ...meta, statusList: null } });
    const legacy = decodeAudit(LEGACY_AUDIT, '6f1c2b9e-0000-4000-8000-000000000001');
    expect(decodeAudit(encodeAudit(legacy), legacy.id)).toEqual(legacy);
    // Rewriting a legacy record in the new encoding changes its bytes, never its values.
    expect(encodeAudit(legacy)).not.toEqual(LEGACY_AUDIT);
  });

  it('refuses duplicate keys, trailing bytes, tags, non-text keys and truncation as wallet/tampered', () => {
    const cases = [
      hex('a2617601617602'), // {"v":1,"v":2}
      hex('a1617601ff'), // trailing byte
      hex('c11a00000001'), // tag 1 (a date): never written by the wallet
      hex('a10101'), // {1: 1}
      LEGACY_PAYLOAD.subarray(0, 40),
    ];
    for (const c of cases) expect(() => decodeCbor(c), Buffer.from(c).toString('hex')).toThrow(expect.objectContaining({ code: 'wallet/tampered' }));
  });

  it('keeps a "__proto__" key as data', () => {
    const v = decodeCbor(encodeCbor(new Map([['__proto__', { polluted: true }]]))) as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.keys(v)).toEqual(['__proto__']);
  });
});
