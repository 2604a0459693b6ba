/**
 * The enrolment request a citizen's phone hands to an issuer desk (as a file or an animated QR): identity data, ID-card
 * photos, the face results measured on the phone, and the device public key the credential will be bound to, with a
 * proof of possession (the device key signs the request, so the desk binds the credential to a key the applicant holds).
 * JSON: the desk shows it to a clerk, and every field is plain. Binary parts are base64.
 */
import { fromBase64, toBase64 } from './bytes.ts';

export const REQUEST_TYPE = 'eidkit-enrolment-request' as const;
/** Requests above this are refused before parsing (photos are downscaled on the phone to stay far below it). */
export const MAX_REQUEST_BYTES = 2 * 1024 * 1024;

export type DocumentKind = 'prc-resident-id' | 'other';

export interface RequestPerson {
  readonly family_name: string;
  readonly given_name: string;
  readonly birth_date: string;
  readonly sex?: 0 | 1 | 2 | 9;
  readonly nationality?: string;
  readonly resident_address?: string;
  readonly document_kind: DocumentKind;
  readonly document_number: string;
}

export interface RequestFace {
  /** Template model id and version, as the face engine reports them. */
  readonly model: string;
  readonly version: string;
  /** Live template (base64): goes into the credential. */
  readonly template: string;
  /** The ID card portrait compared with the live face. */
  readonly match?: { readonly similarity: number; readonly match: boolean; readonly threshold: number };
  readonly liveness?: {
    readonly live: boolean;
    readonly confidence: number;
    readonly reasons: readonly string[];
    /** Set when the phone ran a fixed (testing) challenge instead of a random one: the desk shows a warning. */
    readonly fixedChallenge?: readonly string[];
    /** The light check: ran (its outcome is in `live` and `reasons`), or the code of why it did not run. */
    readonly light?: { readonly ran: true } | { readonly ran: false; readonly why: string };
  };
}

export interface EnrolmentRequestBody {
  readonly type: typeof REQUEST_TYPE;
  readonly version: 1;
  readonly createdAt: string;
  readonly person: RequestPerson;
  /** JPEG, base64: the ID card's front and back, and the face crop that becomes the credential's portrait. */
  readonly photos: { readonly front?: string; readonly back?: string; readonly portrait?: string };
  readonly face?: RequestFace;
  readonly device: { readonly keyId: string; readonly jwk: JsonWebKey };
}

export interface EnrolmentRequest extends EnrolmentRequestBody {
  /** ES256 signature (r‖s, base64) by the device key over the UTF-8 JSON of the body. */
  readonly proof: string;
}

export class RequestError extends Error {
  constructor(readonly code: 'not-a-request' | 'too-large' | 'bad-proof') {
    super(code);
  }
}

const bodyBytes = (body: EnrolmentRequestBody): Uint8Array => new TextEncoder().encode(JSON.stringify(body));

export async function signRequest(body: EnrolmentRequestBody, sign: (bytes: Uint8Array) => Promise<Uint8Array>): Promise<EnrolmentRequest> {
  return { ...body, proof: toBase64(await sign(bodyBytes(body))) };
}

/** Parses and checks shape and proof of possession. The desk still shows everything to a clerk before issuing. */
export async function openRequest(bytes: Uint8Array): Promise<EnrolmentRequest> {
  if (bytes.length > MAX_REQUEST_BYTES) throw new RequestError('too-large');
  let r: Partial<EnrolmentRequest>;
  try {
    r = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Partial<EnrolmentRequest>;
  } catch {
    throw new RequestError('not-a-request');
  }
  const p = r.person;
  if (
    r.type !== REQUEST_TYPE ||
    r.version !== 1 ||
    typeof r.proof !== 'string' ||
    !p ||
    typeof p.family_name !== 'string' ||
    typeof p.given_name !== 'string' ||
    typeof p.birth_date !== 'string' ||
    typeof p.document_number !== 'string' ||
    !r.device ||
    typeof r.device.keyId !== 'string' ||
    r.device.jwk?.kty !== 'EC' ||
    r.device.jwk.crv !== 'P-256' ||
    typeof r.photos !== 'object' ||
    r.photos === null
  ) {
    throw new RequestError('not-a-request');
  }
  const { proof, ...body } = r as EnrolmentRequest;
  let ok = false;
  try {
    const jwk = r.device.jwk;
    const key = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    ok = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, fromBase64(proof) as Uint8Array<ArrayBuffer>, bodyBytes(body) as Uint8Array<ArrayBuffer>);
  } catch {
    ok = false;
  }
  if (!ok) throw new RequestError('bad-proof');
  return r as EnrolmentRequest;
}

/** The device key as the credential module's PublicKeyPoint (0x04 ‖ x ‖ y). */
export function devicePoint(r: EnrolmentRequest): { curve: 'P-256'; point: Uint8Array } {
  const x = fromBase64(r.device.jwk.x!);
  const y = fromBase64(r.device.jwk.y!);
  return { curve: 'P-256', point: new Uint8Array([4, ...x, ...y]) };
}
