/**
 * Passphrase encryption for files that leave the device (the issuer desk's key export): PBKDF2-SHA-256 with 600,000
 * iterations (OWASP 2023 guidance, same floor as the wallet's PIN keys) derives an AES-256-GCM key; the GCM tag detects
 * a wrong passphrase or a damaged file. WebCrypto only — a dozen lines did not justify another dependency.
 */
import { fromBase64, toBase64 } from './bytes.ts';

export const BOX_TYPE = 'eidkit-passphrase-box';
export const PBKDF2_ITERATIONS = 600_000;
export const MIN_PASSPHRASE = 10;

export interface PassphraseBox {
  readonly type: typeof BOX_TYPE;
  readonly version: 1;
  /** What is inside, so a file can say what it is before it is opened. */
  readonly contents: string;
  readonly kdf: { readonly name: 'PBKDF2'; readonly hash: 'SHA-256'; readonly iterations: number; readonly salt: string };
  readonly cipher: { readonly name: 'AES-GCM'; readonly iv: string };
  readonly data: string;
}

export class BoxError extends Error {
  constructor(readonly code: 'not-a-box' | 'wrong-passphrase' | 'weak-passphrase') {
    super(code);
  }
}

async function deriveKey(passphrase: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as Uint8Array<ArrayBuffer>, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

export async function seal(contents: string, plaintext: Uint8Array, passphrase: string, iterations = PBKDF2_ITERATIONS): Promise<PassphraseBox> {
  if (passphrase.length < MIN_PASSPHRASE) throw new BoxError('weak-passphrase');
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await deriveKey(passphrase, salt, iterations);
  const aad = new TextEncoder().encode(`${BOX_TYPE}/1/${contents}`);
  const data = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad }, key, plaintext as Uint8Array<ArrayBuffer>));
  return {
    type: BOX_TYPE,
    version: 1,
    contents,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: toBase64(salt) },
    cipher: { name: 'AES-GCM', iv: toBase64(iv) },
    data: toBase64(data),
  };
}

export async function open(box: unknown, passphrase: string, expectContents: string): Promise<Uint8Array> {
  const b = box as Partial<PassphraseBox> | null;
  if (b?.type !== BOX_TYPE || b.version !== 1 || b.contents !== expectContents || !b.kdf || !b.cipher || typeof b.data !== 'string') {
    throw new BoxError('not-a-box');
  }
  if (!Number.isInteger(b.kdf.iterations) || b.kdf.iterations < PBKDF2_ITERATIONS || b.kdf.iterations > 10_000_000) throw new BoxError('not-a-box');
  const key = await deriveKey(passphrase, fromBase64(b.kdf.salt), b.kdf.iterations);
  const aad = new TextEncoder().encode(`${BOX_TYPE}/1/${b.contents}`);
  try {
    const iv = fromBase64(b.cipher.iv) as Uint8Array<ArrayBuffer>;
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad }, key, fromBase64(b.data) as Uint8Array<ArrayBuffer>));
  } catch {
    throw new BoxError('wrong-passphrase');
  }
}
