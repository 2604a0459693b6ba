/**
 * Holder device keys: one P-256 key pair per credential, made by WebCrypto with extractable=false and stored as the
 * CryptoKey objects themselves (IndexedDB structured clone). No code path can read the private scalar: exportKey
 * throws on it, a backup only serialises plain data, and signing happens inside the browser's crypto.
 */
import { toBase64Url } from './bytes.ts';

export type Signer = (bytes: Uint8Array) => Promise<Uint8Array>;

export interface DevicePublicKey {
  readonly keyId: string;
  /** {kty:'EC', crv:'P-256', x, y}: what the credential module turns into the MSO's COSE_Key. */
  readonly jwk: JsonWebKey;
  /** SEC1 uncompressed point, 65 bytes: 0x04 || x || y. */
  readonly raw: Uint8Array;
  /** The same point in the credential module's PublicKeyPoint shape: pass it as issueCredential's devicePublicKey. */
  readonly point: { readonly curve: 'P-256'; readonly point: Uint8Array };
}

export const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/**
 * The wallet's id for a device key: base64url of the first 16 bytes of SHA-256 over the uncompressed point. Being a
 * thumbprint, it can be recomputed from the device key in an issued credential's MSO to find the matching key.
 */
export async function deviceKeyId(rawPoint: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(rawPoint)));
  return toBase64Url(digest.slice(0, 16));
}
const SIGN_PARAMS = { name: 'ECDSA', hash: 'SHA-256' } as const;

export async function generateDeviceKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify']);
}

export async function exportPublic(publicKey: CryptoKey): Promise<{ jwk: JsonWebKey; raw: Uint8Array }> {
  const full = await crypto.subtle.exportKey('jwk', publicKey);
  // Only the public members: never forward key_ops/ext noise into a credential.
  const jwk: JsonWebKey = { kty: full.kty, crv: full.crv, x: full.x, y: full.y };
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', publicKey));
  return { jwk, raw };
}

/**
 * ECDSA P-256 over SHA-256(bytes). WebCrypto returns the IEEE P1363 form, r || s, 64 bytes: exactly the COSE ES256
 * signature format (RFC 9053 §2.1), so no DER conversion is needed (or done).
 */
export async function signP256(privateKey: CryptoKey, bytes: Uint8Array): Promise<Uint8Array> {
  const copy = new Uint8Array(bytes); // ArrayBuffer-backed, and immune to the caller mutating it mid-sign
  return new Uint8Array(await crypto.subtle.sign(SIGN_PARAMS, privateKey, copy));
}
