/**
 * Trust that travels by scanning: the issuer desk shows its signed trust list (and status lists) as animated QR frames
 * of kind "T"; a verifier scans them and, the first time, pins the list signer's key after being shown whose it is and
 * its fingerprint (trust on first use, like an SSH host key). After that, only lists signed by a pinned key are
 * accepted, and never one older than the version held (no rollback).
 *   TrustPackage = [1, kid: tstr, signer: COSE_Key, trustList: bstr (signed), [* statusList: bstr (signed)]]
 */
import { EidkitError } from '../errors.ts';
import { bytesEqual, decodeCbor, encodeCbor } from './cbor.ts';
import { coseKeyFromPoint, pointFromCoseKey } from './cose.ts';
import { sha256 } from './crypto.ts';
import { toHex } from './bytes.ts';
import { arrayOf, bytesOf, textOf } from './mdoc.ts';
import { toQrFrames } from './qr-codec.ts';
import type { TrustListAnchor } from './trust-list.ts';

export const TRUST_PACKAGE_VERSION = 1;

export interface TrustPackage {
  readonly anchor: TrustListAnchor;
  /** The signed trust list (openTrustList bytes). */
  readonly trustList: Uint8Array;
  /** Signed status lists (openStatusList bytes). */
  readonly statusLists: readonly Uint8Array[];
}

export function encodeTrustPackage(p: TrustPackage): Uint8Array {
  return encodeCbor([TRUST_PACKAGE_VERSION, p.anchor.keyId, coseKeyFromPoint(p.anchor.publicKey), p.trustList, [...p.statusLists]]);
}

/** Strict reader; throws `credential/bad-trust-package`. Nothing in it is trusted until the list is opened. */
export function decodeTrustPackage(bytes: Uint8Array): TrustPackage {
  let v;
  try {
    v = arrayOf(decodeCbor(bytes, { maxDepth: 6 }), 'trust package');
    if (v.length !== 5 || v[0] !== TRUST_PACKAGE_VERSION) throw new Error('shape');
    const keyId = textOf(v[1], 'kid');
    if (!keyId || keyId.length > 200) throw new Error('kid');
    return {
      anchor: { keyId, publicKey: pointFromCoseKey(v[2] ?? null) },
      trustList: bytesOf(v[3], 'trust list'),
      statusLists: arrayOf(v[4], 'status lists').map((s) => bytesOf(s, 'status list')),
    };
  } catch (e) {
    throw new EidkitError('credential/bad-trust-package', 'This QR sequence is not an eidkit trust list.', undefined, { cause: e });
  }
}

/** The desk's trust QR: the package as frames of kind "T" (the verifier's scanner routes them to trust import). */
export function trustPackageFrames(p: TrustPackage, chunkBytes = 400): string[] {
  return toQrFrames(encodeTrustPackage(p), { kind: 'T', chunkBytes });
}

/**
 * What a person compares to pin a key: SHA-256 of the uncompressed point, first 16 bytes, as 8 groups of 4 hex digits
 * ("3F2A 91C0 …"). The desk shows the same string next to its trust QR.
 */
export async function anchorFingerprint(anchor: TrustListAnchor): Promise<string> {
  const h = toHex((await sha256(anchor.publicKey.point)).slice(0, 16)).toUpperCase();
  return h.match(/.{4}/g)!.join(' ');
}

export type PinDecision =
  | { readonly kind: 'pinned' }
  | { readonly kind: 'new' }
  | { readonly kind: 'key-changed'; readonly pinned: TrustListAnchor };

/**
 * How a scanned anchor relates to the pinned ones: already pinned (same id and key), new (ask the person: a new id,
 * even with a known key), or a known id with another key (refuse and warn: someone may be impersonating the desk).
 */
export function pinDecision(anchor: TrustListAnchor, pinned: readonly TrustListAnchor[]): PinDecision {
  const same = pinned.find((p) => p.keyId === anchor.keyId);
  if (!same) return { kind: 'new' };
  return same.publicKey.curve === anchor.publicKey.curve && bytesEqual(same.publicKey.point, anchor.publicKey.point) ? { kind: 'pinned' } : { kind: 'key-changed', pinned: same };
}
