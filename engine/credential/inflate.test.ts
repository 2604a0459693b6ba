/**
 * The capped inflate (engine/credential/inflate.ts) against fflate's encoder: every stream fflate writes (any level,
 * stored, flushed tiny blocks, with and without the QR dictionary, raw and zlib) reads back byte for byte; damage,
 * truncation and a wrong checksum are bad-deflate; more output than the cap is too-large.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Deflate, deflateSync, zlibSync } from 'fflate';
import { inflateCapped, inflateCappedAsync } from './inflate.ts';
import { QR_DICTIONARY_V1 } from './qr-dictionary.ts';
import { concatBytes } from './bytes.ts';

const codeOf = (f: () => unknown): string => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
};

/** Data of a few kinds: random, text-like, runs, and the dictionary's own words (so its matches are used). */
const data = fc.oneof(
  fc.uint8Array({ maxLength: 5000 }),
  fc.array(fc.constantFrom('given_name', 'family_name', 'org.eidkit.eid.1', ' ', '1990-04-12', 'issuer', '\u738b'), { maxLength: 800 }).map((w) => new TextEncoder().encode(w.join(''))),
  fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 3000 })), { maxLength: 40 }).map((runs) => concatBytes(...runs.map(([b, n]) => new Uint8Array(n).fill(b)))),
);
const level = fc.constantFrom(0, 1, 2, 4, 6, 9) as fc.Arbitrary<0 | 1 | 2 | 4 | 6 | 9>;

describe('inflateCapped', () => {
  it('reads back 3,000 fflate streams byte for byte (raw and zlib, any level, with and without the QR dictionary)', () => {
    fc.assert(
      fc.property(data, level, fc.boolean(), fc.boolean(), (d, lv, zlib, dict) => {
        const opts = dict ? { level: lv, dictionary: QR_DICTIONARY_V1 } : { level: lv };
        const packed = zlib ? zlibSync(d, opts) : deflateSync(d, opts);
        const out = inflateCapped(packed, { maxBytes: 1 << 20, zlib, ...(dict ? { dictionary: QR_DICTIONARY_V1 } : {}) });
        expect(out).toEqual(d);
      }),
      { numRuns: 3_000, seed: 1951 },
    );
  });

  it('reads big inputs, stored blocks and streams of tiny flushed blocks', () => {
    const big = new Uint8Array(300_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251 ^ (i >> 9);
    for (const lv of [0, 6, 9] as const) expect(inflateCapped(deflateSync(big, { level: lv }), { maxBytes: 300_000 })).toEqual(big);
    const parts: Uint8Array[] = [];
    const d = new Deflate({ level: 9, dictionary: QR_DICTIONARY_V1 }, (c) => void parts.push(c));
    const text: string[] = [];
    for (let i = 0; i < 2_000; i++) {
      const piece = `ab${String.fromCharCode(97 + (i % 26))}`;
      text.push(piece);
      d.push(new TextEncoder().encode(piece));
      d.flush();
    }
    d.push(new Uint8Array(), true);
    expect(new TextDecoder().decode(inflateCapped(concatBytes(...parts), { maxBytes: 1 << 20, dictionary: QR_DICTIONARY_V1 }))).toBe(text.join(''));
  });

  it('exactly at the cap is fine; one byte over is too-large', () => {
    const d = new Uint8Array(10_000).fill(3);
    expect(inflateCapped(deflateSync(d), { maxBytes: 10_000 })).toEqual(d);
    expect(codeOf(() => inflateCapped(deflateSync(d), { maxBytes: 9_999 }))).toBe('credential/too-large');
    expect(codeOf(() => inflateCapped(deflateSync(d, { level: 0 }), { maxBytes: 9_999 }))).toBe('credential/too-large');
  });

  it('truncation anywhere, flipped bits and a wrong checksum are refused, never a wrong result', () => {
    const d = new TextEncoder().encode('the quick brown fox jumps over the lazy dog '.repeat(50));
    const raw = deflateSync(d, { level: 9 });
    for (let cut = 0; cut < raw.length; cut++) expect(codeOf(() => inflateCapped(raw.subarray(0, cut), { maxBytes: 1 << 20 })), `cut ${cut}`).toBe('credential/bad-deflate');
    const z = zlibSync(d);
    const wrongSum = z.slice();
    wrongSum[wrongSum.length - 1]! ^= 1;
    expect(codeOf(() => inflateCapped(wrongSum, { maxBytes: 1 << 20, zlib: true }))).toBe('credential/bad-deflate');
    expect(codeOf(() => inflateCapped(z.subarray(0, z.length - 2), { maxBytes: 1 << 20, zlib: true }))).toBe('credential/bad-deflate');
    // A flipped bit fails, or (a padding bit after the last block) changes nothing: never a different result.
    fc.assert(
      fc.property(fc.nat({ max: z.length * 8 - 1 }), (bitAt) => {
        const bad = z.slice();
        bad[bitAt >> 3]! ^= 1 << (bitAt & 7);
        let out: Uint8Array | undefined;
        const code = codeOf(() => (out = inflateCapped(bad, { maxBytes: 1 << 20, zlib: true })));
        if (code === 'ok') expect(out).toEqual(d);
        else expect(code).toBe('credential/bad-deflate');
      }),
      { numRuns: 500, seed: 1950 },
    );
  });

  it('a zlib stream asking for a preset dictionary needs the right one', () => {
    const d = new TextEncoder().encode('given_name family_name given_name');
    const z = zlibSync(d, { dictionary: QR_DICTIONARY_V1 });
    expect(inflateCapped(z, { maxBytes: 1000, zlib: true, dictionary: QR_DICTIONARY_V1 })).toEqual(d);
    expect(codeOf(() => inflateCapped(z, { maxBytes: 1000, zlib: true }))).toBe('credential/bad-deflate');
    expect(codeOf(() => inflateCapped(z, { maxBytes: 1000, zlib: true, dictionary: new Uint8Array([1, 2, 3]) }))).toBe('credential/bad-deflate');
  });

  it('the async (native) path and this one agree', async () => {
    const d = new TextEncoder().encode('status '.repeat(3000));
    const z = zlibSync(d);
    expect(await inflateCappedAsync(z, { maxBytes: 1 << 20, zlib: true })).toEqual(inflateCapped(z, { maxBytes: 1 << 20, zlib: true }));
    await expect(inflateCappedAsync(z, { maxBytes: 100, zlib: true })).rejects.toMatchObject({ code: 'credential/too-large' });
  });
});
