/** COSE_Sign1 (RFC 9052) and EC2 COSE_Key, the two COSE structures ISO 18013-5 uses. */
import { EidkitError } from '../errors.ts';
import { decodeCbor, encodeCbor, Tagged, type CborMap, type CborValue } from './cbor.ts';
import type { Curve, PublicKeyPoint, Signer } from './crypto.ts';
import { CURVE_BYTES, verifyEcdsa } from './crypto.ts';
import { concatBytes } from './bytes.ts';

export const CoseAlg = { ES256: -7, ES384: -35, ES512: -36 } as const;
export const CoseHeader = { alg: 1, crit: 2, contentType: 3, kid: 4, x5chain: 33, x5t: 34 } as const;
/** SHA-256 truncated to 64 bits (RFC 9054), for x5t thumbprints. */
export const COSE_SHA256_64 = -15;

const ALG_CURVE: ReadonlyMap<number, Curve> = new Map([[-7, 'P-256'], [-35, 'P-384'], [-36, 'P-521']]);
const CURVE_ALG: Readonly<Record<Curve, number>> = { 'P-256': -7, 'P-384': -35, 'P-521': -36 };
const CRV_ID: Readonly<Record<Curve, number>> = { 'P-256': 1, 'P-384': 2, 'P-521': 3 };

export interface CoseSign1 {
  readonly protectedBytes: Uint8Array;
  readonly protectedHeaders: CborMap;
  readonly unprotected: CborMap;
  /** null when detached (device signatures). */
  readonly payload: Uint8Array | null;
  readonly signature: Uint8Array;
}

function bad(message: string): EidkitError {
  return new EidkitError('credential/bad-cose', message);
}

/** Reads a COSE_Sign1 (tag 18 optional) from a decoded CBOR value. */
export function readCoseSign1(v: CborValue): CoseSign1 {
  const arr = v instanceof Tagged && v.tag === 18 ? v.value : v;
  if (!Array.isArray(arr) || arr.length !== 4) throw bad('A COSE_Sign1 must be an array of four items.');
  const [p, u, payload, signature] = arr;
  if (!(p instanceof Uint8Array)) throw bad('COSE_Sign1 protected headers must be a byte string.');
  if (!(u instanceof Map)) throw bad('COSE_Sign1 unprotected headers must be a map.');
  if (!(payload instanceof Uint8Array) && payload !== null) throw bad('COSE_Sign1 payload must be bytes or nil.');
  if (!(signature instanceof Uint8Array)) throw bad('COSE_Sign1 signature must be a byte string.');
  let protectedHeaders: CborMap = new Map();
  if (p.length > 0) {
    // Integers only: alg -7.0 (a float) must not read as ES256.
    const decoded = decodeCbor(p, { maxDepth: 8, integersOnly: true });
    if (!(decoded instanceof Map)) throw bad('COSE_Sign1 protected headers must encode a map.');
    protectedHeaders = decoded;
  }
  for (const k of protectedHeaders.keys()) {
    if (u.has(k)) throw bad(`COSE header ${String(k)} appears both protected and unprotected.`);
  }
  checkCrit(protectedHeaders, u);
  return { protectedBytes: p, protectedHeaders, unprotected: u, payload, signature };
}

/** Header labels eidkit understands: alg, crit, content type, kid, typ (RFC 9596), x5chain, x5t. */
const UNDERSTOOD_HEADERS: ReadonlySet<number | string> = new Set([1, 2, 3, 4, 16, 33, 34]);

/**
 * RFC 9052 §3.1 crit: the listed headers must be understood, or the message must be refused. It must be protected,
 * a non-empty array, and name headers that are present in the protected bucket.
 */
function checkCrit(protectedHeaders: CborMap, unprotected: CborMap): void {
  if (unprotected.has(CoseHeader.crit)) throw bad('The crit header must be protected.');
  if (!protectedHeaders.has(CoseHeader.crit)) return;
  const crit = protectedHeaders.get(CoseHeader.crit);
  if (!Array.isArray(crit) || crit.length === 0) throw bad('The crit header must be a non-empty array of labels.');
  for (const label of crit) {
    if (typeof label !== 'number' && typeof label !== 'string') throw bad('crit labels must be integers or text.');
    if (!UNDERSTOOD_HEADERS.has(label) || label === CoseHeader.crit) throw bad(`Critical COSE header ${JSON.stringify(label)} is not understood; refused.`);
    if (!protectedHeaders.has(label)) throw bad(`Critical COSE header ${JSON.stringify(label)} is not in the protected headers.`);
  }
}

export function coseSign1ToCbor(s: CoseSign1): CborValue[] {
  return [s.protectedBytes, s.unprotected, s.payload, s.signature];
}

export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array, externalAad = new Uint8Array()): Uint8Array {
  return encodeCbor(['Signature1', protectedBytes, externalAad, payload]);
}

export async function signCoseSign1(opts: {
  readonly curve?: Curve;
  readonly protectedHeaders?: CborMap;
  readonly unprotected?: CborMap;
  /** Attached payload; pass `detached` instead for a detached one. */
  readonly payload?: Uint8Array;
  readonly detached?: Uint8Array;
  readonly signer: Signer;
}): Promise<CoseSign1> {
  const headers: CborMap = new Map(opts.protectedHeaders ?? []);
  headers.set(CoseHeader.alg, CURVE_ALG[opts.curve ?? 'P-256']);
  const protectedBytes = encodeCbor(headers);
  const signed = opts.payload ?? opts.detached;
  if (!signed) throw bad('Nothing to sign.');
  const signature = await opts.signer(sigStructure(protectedBytes, signed));
  if (signature.length !== 2 * CURVE_BYTES[opts.curve ?? 'P-256']) {
    throw new EidkitError('credential/bad-signer', 'The signer must return a raw r‖s ECDSA signature (IEEE P1363).');
  }
  return {
    protectedBytes,
    protectedHeaders: headers,
    unprotected: opts.unprotected ?? new Map(),
    payload: opts.payload ?? null,
    signature,
  };
}

export type CoseVerifyResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'alg-missing' | 'alg-unsupported' | 'alg-mismatch' | 'signature-invalid' };

/** Checks the protected `alg` against the key, then the signature. Never throws. */
export async function verifyCoseSign1(
  s: CoseSign1,
  key: PublicKeyPoint,
  detached?: Uint8Array,
): Promise<CoseVerifyResult> {
  const alg = s.protectedHeaders.get(CoseHeader.alg);
  if (alg === undefined) return { ok: false, reason: 'alg-missing' };
  const curve = typeof alg === 'number' && Number.isSafeInteger(alg) ? ALG_CURVE.get(alg) : undefined;
  if (!curve) return { ok: false, reason: 'alg-unsupported' };
  if (curve !== key.curve) return { ok: false, reason: 'alg-mismatch' };
  const payload = s.payload ?? detached;
  if (!payload) return { ok: false, reason: 'signature-invalid' };
  const ok = await verifyEcdsa(key, s.signature, sigStructure(s.protectedBytes, payload));
  return ok ? { ok: true } : { ok: false, reason: 'signature-invalid' };
}

export function coseKeyFromPoint(key: PublicKeyPoint): CborMap {
  const n = CURVE_BYTES[key.curve];
  return new Map<number, CborValue>([
    [1, 2],
    [-1, CRV_ID[key.curve]],
    [-2, key.point.slice(1, 1 + n)],
    [-3, key.point.slice(1 + n, 1 + 2 * n)],
  ]);
}

/** An EC2 COSE_Key → uncompressed point. The point is checked on the curve when WebCrypto imports it. */
export function pointFromCoseKey(v: CborValue): PublicKeyPoint {
  if (!(v instanceof Map)) throw new EidkitError('credential/bad-key', 'A COSE_Key must be a map.');
  if (v.get(1) !== 2) throw new EidkitError('credential/bad-key', 'Only EC2 COSE keys are supported.');
  const crv = v.get(-1);
  const curve = (Object.keys(CRV_ID) as Curve[]).find((c) => CRV_ID[c] === crv);
  const x = v.get(-2);
  const y = v.get(-3);
  if (!curve || !(x instanceof Uint8Array) || !(y instanceof Uint8Array)) {
    throw new EidkitError('credential/bad-key', 'The COSE key must be a P-256/384/521 key with x and y coordinates.');
  }
  const n = CURVE_BYTES[curve];
  if (x.length !== n || y.length !== n) throw new EidkitError('credential/bad-key', 'COSE key coordinates have the wrong size.');
  return { curve, point: concatBytes(new Uint8Array([4]), x, y) };
}
