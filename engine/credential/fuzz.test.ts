/**
 * Property: whatever is done to a valid presentation, verification returns a report (never throws, never hangs) and
 * says "valid" only when the input still means exactly the original (same canonical CBOR).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestIssuer, type TestIssuer } from './test-issuer.ts';
import { issueCredential } from './mdoc.ts';
import { createPresentation } from './present.ts';
import { verifyPresentation, type VerificationReport, type VerifyPolicy } from './verify.ts';
import { createChallenge, sessionTranscript } from './transcript.ts';
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
/** Policies a verifier may pass; the presentation is one-way, so only the first two may ever accept it. */
let policies: { readonly policy: VerifyPolicy; readonly oneWayOk: boolean }[];

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
  const { challenge } = await createChallenge(now.getTime());
  policies = [
    { policy: {}, oneWayOk: true },
    { policy: { mode: 'one-way' }, oneWayOk: true },
    { policy: { mode: 'two-way' }, oneWayOk: false },
    // A supplied challenge or transcript cannot be downgraded by leaving mode at its default (issue 14).
    { policy: { challenge }, oneWayOk: false },
    { policy: { challenge, mode: 'any' }, oneWayOk: false },
    // A session of the verifier's own (not the transcript this code was signed over: that one, unwrapped, is a real answer).
    { policy: { sessionTranscript: sessionTranscript({ kind: 'one-way', time: Math.floor(now.getTime() / 1000) + 7 }) }, oneWayOk: false },
  ];
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

/** Properties every report must have, whatever the input (issue 14): no crash path, nothing shown when invalid. */
function holdsAlways(report: VerificationReport): void {
  expect(report.checks.some((c) => c.code === 'credential/internal')).toBe(false);
  expect(Object.getPrototypeOf(report.elements)).toBeNull();
  if (report.verdict === 'invalid') expect(Object.keys(report.elements)).toEqual([]);
}

describe('fuzzed presentations', () => {
  it('binary: 8,000 mutated presentations, under any verifier policy, never throw and are valid only if unchanged in meaning and the policy allows one-way', async () => {
    let validCount = 0;
    let changed = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 4 }), fc.nat(), async (ops, which) => {
        const mutated = apply(valid, ops);
        if (!(mutated.length === valid.length && mutated.every((x, i) => x === valid[i]))) changed++;
        const { policy, oneWayOk } = policies[which % policies.length]!;
        const report = await verifyPresentation(mutated, issuer.trust, [issuer.status], now, policy);
        expect(['valid', 'warning', 'invalid']).toContain(report.verdict);
        holdsAlways(report);
        // No policy downgrade: a one-way code is never accepted where a challenge or a session was asked for.
        if (!oneWayOk) expect(report.verdict).toBe('invalid');
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
        holdsAlways(report);
        if (report.verdict !== 'invalid') {
          expect(report.verdict).toBe('valid');
          expect(canon(fromQrText(t))).toBe(canonical);
        }
      }),
      { numRuns: 2_000, seed: 45 },
    );
  });
});

/**
 * Structural mutations re-signed with the real DS key, so they get past the issuer signature and reach the deep
 * checks: hostile digestAlgorithm names, status indices up to 2^53, element ids that are Object.prototype names,
 * calendar dates that do not exist, and protected headers with a float or foreign alg or an unknown crit. Oracle: no internal error, no prototype, and "valid" only when every field is one a
 * correct verifier may accept.
 */
describe('fuzzed re-signed security objects', () => {
  const NS = 'org.eidkit.eid.1';
  const PROTO_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
  // The issuer's protected header, as bytes (a float cannot be written by encodeCbor), and whether a verifier may take it.
  const PROTECTED: readonly { readonly bytes: Uint8Array; readonly ok: boolean }[] = [
    { bytes: encodeCbor(new Map([[1, -7]])), ok: true },
    { bytes: encodeCbor(new Map<number, unknown>([[1, -7], [2, [1]]]) as never), ok: true },
    { bytes: new Uint8Array([0xa1, 0x01, 0xfb, 0xc0, 0x1c, 0, 0, 0, 0, 0, 0]), ok: false }, // alg -7.0 (float64)
    { bytes: new Uint8Array([0xa1, 0x01, 0xf9, 0xc7, 0x00]), ok: false }, // alg -7.0 (float16)
    { bytes: encodeCbor(new Map([[1, -35]])), ok: false }, // ES384 on a P-256 key
    { bytes: encodeCbor(new Map([[1, 'ES256']])), ok: false },
    { bytes: encodeCbor(new Map()), ok: false }, // no alg
    { bytes: encodeCbor(new Map<number, unknown>([[1, -7], [2, [99]], [99, 'must understand']]) as never), ok: false },
    { bytes: encodeCbor(new Map<number, unknown>([[1, -7], [2, [4]]]) as never), ok: false }, // crit names an absent label
    { bytes: encodeCbor(new Map<number, unknown>([[1, -7], [2, []]]) as never), ok: false },
  ];
  const mutation = fc.record({
    digestAlgorithm: fc.oneof(
      { arbitrary: fc.constant('SHA-256'), weight: 4 },
      { arbitrary: fc.constantFrom('SHA-384', 'sha-256', 'SHA-1', '', ...PROTO_NAMES), weight: 3 },
      { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
    ),
    statusIndex: fc.oneof(fc.integer({ min: 0, max: 1023 }), fc.integer({ min: 1024, max: 2 ** 31 + 2048 }), fc.constantFrom(2 ** 31, 2 ** 31 + 9, 2 ** 32 + 9, 2 ** 53 - 1)),
    element: fc.option(fc.record({ name: fc.constantFrom(...PROTO_NAMES, 'family_name', 'nickname'), value: fc.oneof(fc.boolean(), fc.string({ maxLength: 8 })) })),
    until: fc.record({ y: fc.integer({ min: now.getUTCFullYear() + 1, max: now.getUTCFullYear() + 1 }), m: fc.integer({ min: 1, max: 13 }), d: fc.integer({ min: 1, max: 32 }) }),
    header: fc.oneof({ arbitrary: fc.constant(0), weight: 6 }, { arbitrary: fc.integer({ min: 1, max: PROTECTED.length - 1 }), weight: 4 }),
  });
  const realDate = (y: number, m: number, d: number) => {
    const t = new Date(Date.UTC(y, m - 1, d));
    return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
  };

  it('1,000 re-signed MSOs (and protected headers) never crash and are valid only when every field is acceptable', async () => {
    const { EmbeddedCbor, Tagged } = await import('./cbor.ts');
    const { readCoseSign1, sigStructure } = await import('./cose.ts');
    const { sha256 } = await import('./crypto.ts');
    type M = Map<string | number, unknown>;
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(mutation, async (mut) => {
        const env = decodeCbor(valid) as unknown[];
        const doc = ((env[2] as M).get('documents') as unknown[])[0] as M;
        const issuerSigned = doc.get('issuerSigned') as M;
        const auth = readCoseSign1(issuerSigned.get('issuerAuth') as never);
        const mso = decodeCbor((decodeCbor(auth.payload!) as InstanceType<typeof EmbeddedCbor>).bytes) as M;
        const items = (issuerSigned.get('nameSpaces') as M).get(NS) as InstanceType<typeof EmbeddedCbor>[];
        mso.set('digestAlgorithm', mut.digestAlgorithm);
        ((mso.get('status') as M).get('status_list') as M).set('idx', mut.statusIndex);
        const date = `${mut.until.y}-${String(mut.until.m).padStart(2, '0')}-${String(mut.until.d).padStart(2, '0')}T00:00:00Z`;
        (mso.get('validityInfo') as M).set('validUntil', new Tagged(0, date));
        if (mut.element) {
          const item = EmbeddedCbor.of(new Map<string, never>([['digestID', 77 as never], ['random', new Uint8Array(16) as never], ['elementIdentifier', mut.element.name as never], ['elementValue', mut.element.value as never]]));
          items.push(item);
          ((mso.get('valueDigests') as M).get(NS) as M).set(77, await sha256(item.raw));
        }
        const payload = EmbeddedCbor.of(mso as never).raw;
        const header = PROTECTED[mut.header]!;
        const sig = await signerOf(issuer.ds)(sigStructure(header.bytes, payload));
        issuerSigned.set('issuerAuth', [header.bytes, auth.unprotected, payload, sig]);
        const report = await verifyPresentation(encodeCbor(env as never), issuer.trust, [issuer.status], now);
        holdsAlways(report);
        const dateOk = mut.until.m <= 12 && realDate(mut.until.y, mut.until.m, mut.until.d);
        const acceptable = mut.digestAlgorithm === 'SHA-256' && dateOk && mut.element?.name !== 'family_name' && PROTECTED[mut.header]!.ok;
        if (report.verdict !== 'invalid') {
          accepted++;
          expect(acceptable).toBe(true);
          const status = report.checks.find((c) => c.check === 'status.entry')!;
          if (mut.statusIndex >= 1024) expect(status).toMatchObject({ outcome: 'warn', code: 'credential/status-unknown' });
          if (mut.element) expect(Object.hasOwn(report.elements, mut.element.name)).toBe(true);
        } else if (acceptable) {
          throw new Error(`an acceptable mutation was refused: ${JSON.stringify(mut)} ${JSON.stringify(report.checks.filter((c) => c.outcome === 'fail'))}`);
        }
      }),
      { numRuns: 1_000, seed: 5280 },
    );
    expect(accepted).toBeGreaterThan(100);
  });
});
