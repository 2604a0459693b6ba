/**
 * Property: whatever is done to a valid presentation, verification returns a report (never throws, never hangs) and
 * says "valid" only when the input still means exactly the original (same canonical CBOR).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestIssuer, type TestIssuer } from './test-issuer.ts';
import { issueCredential } from './mdoc.ts';
import { createPresentation } from './present.ts';
import { verifyPresentation } from './verify.ts';
import { generateP256KeyPair, publicKeyPoint, webCryptoSigner } from './crypto.ts';
import { signerOf } from './issuer-keys.ts';
import { decodeCbor, encodeCbor } from './cbor.ts';
import { fromQrText, toQrText } from './qr-codec.ts';
import { DISCLOSURE_PRESETS } from './model.ts';
import { person } from '../../test-fixtures/credential/person.ts';

const now = new Date();
let issuer: TestIssuer;
let valid: Uint8Array;
let canonical: string;

const canon = (b: Uint8Array): string | undefined => {
  try {
    return Buffer.from(encodeCbor(decodeCbor(b))).toString('hex');
  } catch {
    return undefined;
  }
};

beforeAll(async () => {
  issuer = await createTestIssuer({ now });
  const device = await generateP256KeyPair(false);
  const credential = await issueCredential({
    data: { ...person, biometric_template_face: { model: 'm', version: '1', data: crypto.getRandomValues(new Uint8Array(256)) } },
    devicePublicKey: await publicKeyPoint(device.publicKey),
    documentSigner: { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) },
    status: { index: 9, uri: issuer.statusUri },
    signed: now,
  });
  valid = (await createPresentation({ credential, disclose: DISCLOSURE_PRESETS.default, deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'one-way', at: now } })).bytes;
  canonical = canon(valid)!;
});

type Op =
  | { kind: 'set'; at: number; value: number }
  | { kind: 'xor'; at: number; bit: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'copy'; from: number; to: number; length: number }
  | { kind: 'truncate'; at: number };

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: position.map((p) => p), value: fc.integer({ min: 0, max: 255 }) }).map((o) => ({ ...o, at: o.at })),
  fc.record({ kind: fc.constant('xor' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: position, bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('copy' as const), from: position, to: position, length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
) as fc.Arbitrary<Op>;

function apply(src: Uint8Array, ops: readonly Op[]): Uint8Array {
  let b = Array.from(src);
  for (const o of ops) {
    const idx = (p: number) => Math.floor(p * Math.max(1, b.length));
    switch (o.kind) {
      case 'set':
        if (b.length) b[idx(o.at)] = o.value;
        break;
      case 'xor':
        if (b.length) b[idx(o.at)]! ^= 1 << o.bit;
        break;
      case 'insert':
        b.splice(idx(o.at), 0, ...o.bytes);
        break;
      case 'delete':
        b.splice(idx(o.at), o.length);
        break;
      case 'copy': {
        const from = idx(o.from);
        b.splice(idx(o.to), Math.min(o.length, b.length - from), ...b.slice(from, from + o.length));
        break;
      }
      case 'truncate':
        b = b.slice(0, idx(o.at));
        break;
    }
  }
  return Uint8Array.from(b);
}

describe('fuzzed presentations', () => {
  it('binary: 8,000 mutated presentations never throw and are valid only if unchanged in meaning', async () => {
    let validCount = 0;
    let changed = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 4 }), async (ops) => {
        const mutated = apply(valid, ops);
        if (!(mutated.length === valid.length && mutated.every((x, i) => x === valid[i]))) changed++;
        const report = await verifyPresentation(mutated, issuer.trust, [issuer.status], now);
        expect(['valid', 'warning', 'invalid']).toContain(report.verdict);
        if (report.verdict !== 'invalid') {
          const same = mutated.length === valid.length && mutated.every((x, i) => x === valid[i]);
          if (!same) {
            validCount++;
            if (process.env.EIDKIT_FUZZ_DEBUG) console.log(JSON.stringify(ops), Buffer.from(mutated).toString('hex').slice(0, 60));
          }
          expect(report.verdict).toBe('valid');
          expect(canon(mutated)).toBe(canonical);
        }
      }),
      { numRuns: 8_000, seed: 18013 },
    );
    // fast-check likes edge cases, some of which change nothing (copying a range onto itself); the rest must count.
    expect(changed).toBeGreaterThan(7_500);
    // A changed input may only survive as the same meaning (e.g. a non-shortest integer head in the envelope).
    expect(validCount).toBeLessThan(20);
  });

  it('QR text: 2,000 mutated texts never throw and are valid only if unchanged in meaning', async () => {
    const text = toQrText(valid);
    const charOp = fc.record({
      at: position,
      kind: fc.constantFrom('replace', 'insert', 'delete'),
      ch: fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:'.split('')),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(charOp, { minLength: 1, maxLength: 3 }), async (ops) => {
        let t = text;
        for (const o of ops) {
          const i = Math.floor(o.at * t.length);
          t = o.kind === 'replace' ? t.slice(0, i) + o.ch + t.slice(i + 1) : o.kind === 'insert' ? t.slice(0, i) + o.ch + t.slice(i) : t.slice(0, i) + t.slice(i + 1);
        }
        const report = await verifyPresentation(t, issuer.trust, [issuer.status], now);
        if (report.verdict !== 'invalid') {
          expect(report.verdict).toBe('valid');
          expect(canon(fromQrText(t))).toBe(canonical);
        }
      }),
      { numRuns: 2_000, seed: 45 },
    );
  });
});
