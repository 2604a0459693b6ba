/**
 * ECDSA and SHA-256 through WebCrypto (browsers and Node ≥ 20 alike). WebCrypto costs the verifier page zero bytes, runs
 * natively, checks that imported points are on the curve, and lets a holder's device key stay a non-extractable
 * CryptoKey. Everything that signs goes through a `Signer` callback so callers never hand us private key bytes.
 */
import { EidkitError } from '../errors.ts';
import { bs, concatBytes } from './bytes.ts';

/** Signs `data` and resolves to the IEEE P1363 signature (r‖s), the form COSE uses. */
export type Signer = (data: Uint8Array) => Promise<Uint8Array>;

export type Curve = 'P-256' | 'P-384' | 'P-521';

/** A public key as an uncompressed point (0x04 ‖ x ‖ y) with its curve. */
export interface PublicKeyPoint {
  readonly curve: Curve;
  readonly point: Uint8Array;
}

export const CURVE_BYTES: Readonly<Record<Curve, number>> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };
export const CURVE_HASH: Readonly<Record<Curve, string>> = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' };

export function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) {
    throw new EidkitError(
      'credential/no-webcrypto',
      'WebCrypto is not available: open the page over HTTPS (or localhost) so the browser enables crypto.subtle.',
    );
  }
  return s;
}

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest('SHA-256', bs(data)));
}

/** A fresh P-256 ECDSA key pair. Holder device keys use extractable = false. */
export async function generateP256KeyPair(extractable: boolean): Promise<CryptoKeyPair> {
  return subtle().generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, extractable, ['sign', 'verify']);
}

export function webCryptoSigner(privateKey: CryptoKey): Signer {
  const curve = (privateKey.algorithm as EcKeyAlgorithm).namedCurve as Curve;
  return async (data) =>
    new Uint8Array(await subtle().sign({ name: 'ECDSA', hash: CURVE_HASH[curve] ?? 'SHA-256' }, privateKey, bs(data)));
}

export async function publicKeyPoint(publicKey: CryptoKey): Promise<PublicKeyPoint> {
  const curve = (publicKey.algorithm as EcKeyAlgorithm).namedCurve as Curve;
  return { curve, point: new Uint8Array(await subtle().exportKey('raw', publicKey)) };
}

function isCryptoKey(key: unknown): key is CryptoKey {
  return typeof CryptoKey !== 'undefined' && key instanceof CryptoKey;
}

/**
 * A `Signer`, or an ECDSA private `CryptoKey` made into one (`webCryptoSigner`). Anything else throws
 * `credential/bad-input` naming the option (`what`).
 */
export function asSigner(key: Signer | CryptoKey | undefined, what: string): Signer {
  if (typeof key === 'function') return key;
  if (isCryptoKey(key)) {
    if (key.type !== 'private' || key.algorithm.name !== 'ECDSA' || !key.usages.includes('sign')) {
      throw new EidkitError('credential/bad-key', `${what} must be an ECDSA private key that may sign; got a ${key.type} ${key.algorithm.name} key.`);
    }
    return webCryptoSigner(key);
  }
  throw new EidkitError('credential/bad-input', `${what} must be a Signer ((bytes) => Promise<r‖s>) or an ECDSA private CryptoKey; got ${key === null ? 'null' : typeof key}.`);
}

/**
 * A public key as `{ curve, point }`, from that form or from an ECDSA public `CryptoKey` (exported with
 * `publicKeyPoint`). Anything else throws `credential/bad-input` naming the option (`what`).
 */
export async function asPublicKeyPoint(key: PublicKeyPoint | CryptoKey | undefined, what: string): Promise<PublicKeyPoint> {
  if (isCryptoKey(key)) {
    if (key.type !== 'public' || key.algorithm.name !== 'ECDSA') {
      throw new EidkitError('credential/bad-key', `${what} must be an ECDSA public key; got a ${key.type} ${key.algorithm.name} key.`);
    }
    return publicKeyPoint(key);
  }
  if (typeof key !== 'object' || key === null || !('point' in key)) {
    throw new EidkitError('credential/bad-input', `${what} must be a P-256 public CryptoKey or { curve: 'P-256', point: 65 bytes }; got ${key === null ? 'null' : typeof key}.`);
  }
  return key;
}

export async function importPublicKey(key: PublicKeyPoint): Promise<CryptoKey> {
  try {
    return await subtle().importKey('raw', bs(key.point), { name: 'ECDSA', namedCurve: key.curve }, true, ['verify']);
  } catch (e) {
    throw new EidkitError('credential/bad-key', `The ${key.curve} public key is not a valid curve point.`, undefined, {
      cause: e,
    });
  }
}

export async function importPrivateJwk(jwk: JsonWebKey, extractable = false): Promise<CryptoKey> {
  if (jwk.kty !== 'EC' || !jwk.crv || !(jwk.crv in CURVE_BYTES) || !jwk.d) {
    throw new EidkitError('credential/bad-key', 'Expected an EC private key in JWK form (kty EC, crv P-256, with d).');
  }
  try {
    return await subtle().importKey('jwk', jwk, { name: 'ECDSA', namedCurve: jwk.crv }, extractable, ['sign']);
  } catch (e) {
    throw new EidkitError('credential/bad-key', 'The private key JWK could not be imported.', undefined, { cause: e });
  }
}

/** Verifies a raw (r‖s) ECDSA signature; false for a wrong signature or a malformed key/signature, never a throw. */
export async function verifyEcdsa(key: PublicKeyPoint, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  if (signature.length !== 2 * CURVE_BYTES[key.curve]) return false;
  let k: CryptoKey;
  try {
    k = await importPublicKey(key);
  } catch {
    return false;
  }
  try {
    return await subtle().verify({ name: 'ECDSA', hash: CURVE_HASH[key.curve] }, k, bs(signature), bs(data));
  } catch {
    return false;
  }
}

/** X.509 carries ECDSA signatures as DER `SEQUENCE { r INTEGER, s INTEGER }`; COSE and WebCrypto want r‖s. */
export function derSignatureToRaw(der: Uint8Array, size: number): Uint8Array | undefined {
  // Parsed by hand (not via der.ts) because the shape is fixed and tiny; anything unexpected is rejected.
  if (der[0] !== 0x30) return undefined;
  let p = 2;
  let total = der[1] ?? 0;
  if (total === 0x81) {
    total = der[2] ?? 0;
    p = 3;
  } else if (total > 0x7f) return undefined;
  if (p + total !== der.length) return undefined;
  const parts: Uint8Array[] = [];
  for (let i = 0; i < 2; i++) {
    if (der[p] !== 0x02) return undefined;
    const len = der[p + 1] ?? 0;
    if (len === 0 || len > 0x7f || p + 2 + len > der.length) return undefined;
    let v = der.subarray(p + 2, p + 2 + len);
    if ((v[0]! & 0x80) !== 0) return undefined; // negative
    while (v.length > 1 && v[0] === 0) v = v.subarray(1);
    if (v.length > size) return undefined;
    const padded = new Uint8Array(size);
    padded.set(v, size - v.length);
    parts.push(padded);
    p += 2 + len;
  }
  if (p !== der.length) return undefined;
  return concatBytes(parts[0]!, parts[1]!);
}

export function rawSignatureToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const int = (v: Uint8Array): Uint8Array => {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    let body = v.subarray(i);
    if ((body[0]! & 0x80) !== 0) body = concatBytes(new Uint8Array([0]), body);
    return concatBytes(new Uint8Array([0x02, body.length]), body);
  };
  const body = concatBytes(int(raw.subarray(0, half)), int(raw.subarray(half)));
  const head = body.length < 0x80 ? new Uint8Array([0x30, body.length]) : new Uint8Array([0x30, 0x81, body.length]);
  return concatBytes(head, body);
}
