/**
 * The wallet's key hierarchy, all in WebCrypto (the platform's audited primitives; no JS crypto on the hot path):
 *
 *   PIN ──PBKDF2-SHA-256 (≥ 600,000 it., 16-byte salt)──► 512 bits ─┬─ first 256: KEK (AES-GCM, wraps the data key)
 *                                                                   └─ last 256: SHA-256 → "check" value
 *   passkey PRF output ──HKDF-SHA-256──► KEK (optional second wrapping of the same data key)
 *   data key (random AES-256-GCM) ──► encrypts every credential and audit record (fresh 12-byte IV each write)
 *
 * The check value tells a wrong PIN (check differs: count a failure) from a damaged vault (check matches but the
 * GCM tag fails: report tampering, do not burn the user's attempts). It gives an offline attacker nothing the
 * wrapped key's own GCM tag would not: both let a guess be tested at the same PBKDF2 cost.
 */
import { bufferSource, bytesEqual, concatBytes, randomBytes, utf8 } from './bytes.ts';
import { walletError } from './errors.ts';

/** OWASP 2023 guidance for PBKDF2-HMAC-SHA-256. The wallet refuses fewer outside of tests. */
export const DEFAULT_PBKDF2_ITERATIONS = 600_000;
export const MIN_PBKDF2_ITERATIONS = 600_000;
/** Refuse absurd counts from a backup header (a hostile file must not hang the page). */
export const MAX_PBKDF2_ITERATIONS = 10_000_000;

const IV_BYTES = 12;
export const SALT_BYTES = 16;

export interface PinKeys {
  readonly kek: CryptoKey;
  readonly check: Uint8Array;
}

/** NFKC so the same PIN typed on different keyboards (full-width digits on a Chinese IME) gives the same key. */
export function normaliseSecret(secret: string): string {
  return secret.normalize('NFKC');
}

export async function derivePinKeys(secret: string, salt: Uint8Array, iterations: number): Promise<PinKeys> {
  const base = await crypto.subtle.importKey('raw', utf8(normaliseSecret(secret)), 'PBKDF2', false, ['deriveBits']);
  const bits = new Uint8Array(
    await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: bufferSource(salt), iterations }, base, 512),
  );
  const kek = await crypto.subtle.importKey('raw', bits.slice(0, 32), 'AES-GCM', false, [
    'wrapKey',
    'unwrapKey',
    'encrypt',
    'decrypt',
  ]);
  const check = new Uint8Array(await crypto.subtle.digest('SHA-256', bits.slice(32)));
  bits.fill(0);
  return { kek, check };
}

export function checkMatches(a: Uint8Array, b: Uint8Array): boolean {
  return bytesEqual(a, b);
}

/** HKDF turns a passkey's PRF output (32 uniformly random bytes) into a wrapping key bound to this purpose. */
export async function kekFromPrf(prfOutput: Uint8Array, salt: Uint8Array): Promise<CryptoKey> {
  const ikm = await crypto.subtle.importKey('raw', bufferSource(prfOutput), 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: bufferSource(salt), info: utf8('eidkit-wallet/prf-kek/v1') },
    ikm,
    { name: 'AES-GCM', length: 256 },
    false,
    ['wrapKey', 'unwrapKey'],
  );
}

/** Extractable only so it can be wrapped; callers keep the unwrapped session copy non-extractable. */
export function generateDataKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']) as Promise<CryptoKey>;
}

export interface Wrapped {
  readonly iv: Uint8Array;
  readonly wrapped: Uint8Array;
}

export async function wrapDataKey(dataKey: CryptoKey, kek: CryptoKey, aad: string): Promise<Wrapped> {
  const iv = randomBytes(IV_BYTES);
  const wrapped = await crypto.subtle.wrapKey('raw', dataKey, kek, { name: 'AES-GCM', iv, additionalData: utf8(aad) });
  return { iv, wrapped: new Uint8Array(wrapped) };
}

/** Returns null when the GCM tag does not verify (wrong key or altered bytes); the caller decides which it was. */
export async function unwrapDataKey(
  w: Wrapped,
  kek: CryptoKey,
  aad: string,
  extractable: boolean,
): Promise<CryptoKey | null> {
  try {
    return await crypto.subtle.unwrapKey(
      'raw',
      bufferSource(w.wrapped),
      kek,
      { name: 'AES-GCM', iv: bufferSource(w.iv), additionalData: utf8(aad) },
      { name: 'AES-GCM', length: 256 },
      extractable,
      ['encrypt', 'decrypt'],
    );
  } catch {
    return null;
  }
}

export interface Sealed {
  readonly iv: Uint8Array;
  readonly ct: Uint8Array;
}

export async function seal(key: CryptoKey, plaintext: Uint8Array, aad: string): Promise<Sealed> {
  const iv = randomBytes(IV_BYTES);
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: utf8(aad) }, key, bufferSource(plaintext));
  return { iv, ct: new Uint8Array(ct) };
}

/** Authenticated decryption. A failed tag is tampering or corruption: reported, the bytes are never returned. */
export async function unseal(key: CryptoKey, s: Sealed, aad: string, what: string): Promise<Uint8Array> {
  try {
    const pt = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: bufferSource(s.iv), additionalData: utf8(aad) },
      key,
      bufferSource(s.ct),
    );
    return new Uint8Array(pt);
  } catch (e) {
    throw walletError(
      'wallet/tampered',
      `The stored ${what} failed its integrity check (altered or corrupted) and was not shown.`,
      { what },
      e,
    );
  }
}

export { concatBytes, randomBytes };
