/**
 * The session transcript eidkit defines for the QR transport (ISO 18013-5 leaves it to the transport; BLE/NFC
 * engagement does not exist in a browser). SessionTranscript = [DeviceEngagementBytes, EReaderKeyBytes, Handover]:
 *   one-way: [null, null, ["eidkit-qr-oneway-v1", t]]        t = presentation time, whole seconds since the epoch
 *   two-way: [null, #6.24(COSE_Key reader), ["eidkit-qr-twoway-v1", nonce]]
 *   web:     [null, null, ["eidkit-web-v1", SHA-256(CBOR ["eidkit-web-v1", origin, nonce])]]
 * The web handover follows ISO/IEC 18013-7's browser handovers and OpenID4VP's: a hash over the relying party's
 * origin (as the wallet's browser reported it) and the RP's nonce (engine/credential/web-request.ts).
 * The holder's device key signs DeviceAuthentication over it (§9.1.3.4), so a one-way QR is bound to its time and a
 * two-way answer to the verifier's nonce and key.
 */
import { EidkitError } from '../errors.ts';
import { decodeCbor, encodeCbor, EmbeddedCbor, type CborValue } from './cbor.ts';
import { coseKeyFromPoint, pointFromCoseKey } from './cose.ts';
import type { PublicKeyPoint } from './crypto.ts';
import { generateP256KeyPair, publicKeyPoint, sha256 } from './crypto.ts';
import { randomBytes } from './bytes.ts';
import { bytesToDecimal, decimalToBytes } from './decimal.ts';

export const HANDOVER_ONE_WAY = 'eidkit-qr-oneway-v1';
export const HANDOVER_TWO_WAY = 'eidkit-qr-twoway-v1';
export const HANDOVER_WEB = 'eidkit-web-v1';
export const CHALLENGE_QR_PREFIX = 'EIDC1:';
export const NONCE_BYTES = 16;

/** A verifier's two-way challenge: shown as a QR, scanned by the holder. */
export interface Challenge {
  readonly nonce: Uint8Array;
  readonly readerKey: PublicKeyPoint;
  /** When the verifier made it (ms); verifiers refuse answers to old challenges. */
  readonly createdAt: number;
}

export type PresentationMode =
  | { readonly kind: 'one-way'; /** whole seconds */ readonly time: number }
  | { readonly kind: 'two-way'; readonly nonce: Uint8Array; readonly readerKey: PublicKeyPoint }
  | {
      readonly kind: 'web';
      /** The relying party's origin, e.g. "https://court.example" (scheme, host and port; no path). */
      readonly origin: string;
      readonly nonce: Uint8Array;
      /** webHandoverHash(origin, nonce). */
      readonly handoverHash: Uint8Array;
    };

/** SHA-256(CBOR ["eidkit-web-v1", origin, nonce]): what binds a web answer to one RP origin and one request. */
export async function webHandoverHash(origin: string, nonce: Uint8Array): Promise<Uint8Array> {
  return sha256(encodeCbor([HANDOVER_WEB, origin, nonce]));
}

export async function webMode(origin: string, nonce: Uint8Array): Promise<Extract<PresentationMode, { kind: 'web' }>> {
  return { kind: 'web', origin, nonce, handoverHash: await webHandoverHash(origin, nonce) };
}

export function sessionTranscript(mode: PresentationMode): CborValue {
  if (mode.kind === 'one-way') return [null, null, [HANDOVER_ONE_WAY, mode.time]];
  if (mode.kind === 'web') return [null, null, [HANDOVER_WEB, mode.handoverHash]];
  return [null, EmbeddedCbor.of(coseKeyFromPoint(mode.readerKey)), [HANDOVER_TWO_WAY, mode.nonce]];
}

/** DeviceAuthenticationBytes = #6.24(bstr .cbor ["DeviceAuthentication", SessionTranscript, DocType, DeviceNameSpacesBytes]) */
export function deviceAuthenticationBytes(
  transcript: CborValue,
  docType: string,
  deviceNameSpaces: EmbeddedCbor,
): Uint8Array {
  return EmbeddedCbor.of(['DeviceAuthentication', transcript, docType, deviceNameSpaces]).raw;
}

/** The verifier's side of two-way mode. The reader key pair is fresh per challenge (reserved for session encryption). */
export async function createChallenge(now = Date.now()): Promise<{ challenge: Challenge; qrText: string }> {
  const pair = await generateP256KeyPair(false);
  const challenge: Challenge = { nonce: randomBytes(NONCE_BYTES), readerKey: await publicKeyPoint(pair.publicKey), createdAt: now };
  return { challenge, qrText: challengeToQr(challenge) };
}

export function challengeToQr(c: Challenge): string {
  return CHALLENGE_QR_PREFIX + bytesToDecimal(encodeCbor([1, c.nonce, coseKeyFromPoint(c.readerKey), Math.floor(c.createdAt / 1000)]));
}

export function challengeFromQr(text: string): Challenge {
  const t = text.trim();
  if (!t.startsWith(CHALLENGE_QR_PREFIX)) {
    throw new EidkitError('credential/not-a-challenge', 'This QR code is not an eidkit verifier challenge.');
  }
  const v = decodeCbor(decimalToBytes(t.slice(CHALLENGE_QR_PREFIX.length)), { maxDepth: 4 });
  if (!Array.isArray(v) || v[0] !== 1 || v.length !== 4) {
    throw new EidkitError('credential/bad-challenge', 'The challenge QR has an unknown version or shape.');
  }
  const [, nonce, key, created] = v;
  if (!(nonce instanceof Uint8Array) || nonce.length !== NONCE_BYTES || typeof created !== 'number') {
    throw new EidkitError('credential/bad-challenge', 'The challenge QR is malformed.');
  }
  return { nonce, readerKey: pointFromCoseKey(key ?? null), createdAt: created * 1000 };
}
