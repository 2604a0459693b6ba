/**
 * Revocation in the spirit of the IETF Token Status List (draft-ietf-oauth-status-list): a bit string with `bits` bits
 * per credential (index from the MSO), zlib-compressed, in a CWT signed by the issuer's signer certificate (x5chain),
 * which must chain to the same IACA as the credential. Claims: 2 sub (the list uri), 6 iat, 4 exp, 65534 ttl,
 * 65533 status_list {"bits", "lst"}. Values: 0 valid, 1 invalid (revoked), 2 suspended.
 */
import { zlibSync } from 'fflate';
import { inflateCappedAsync } from './inflate.ts';
import { EidkitError } from '../errors.ts';
import { fromBase64, toBase64 } from './bytes.ts';
import { decodeCbor, encodeCbor, type CborValue } from './cbor.ts';
import { CoseHeader, coseSign1ToCbor, readCoseSign1, signCoseSign1, verifyCoseSign1 } from './cose.ts';
import type { Signer } from './crypto.ts';
import { asSigner } from './crypto.ts';
import { badInput, needBytes, needDate, needObject } from './args.ts';
import { bytesOf, mapOf, readX5chain, textOf, uintOf } from './mdoc.ts';
import { chainToTrustList } from './chain.ts';
import type { TrustList, TrustedIssuer } from './trust-list.ts';
import { parseCertificate, type Certificate } from './x509.ts';

export const StatusValue = { valid: 0, invalid: 1, suspended: 2 } as const;
export type StatusName = keyof typeof StatusValue;
const CLAIM = { sub: 2, exp: 4, iat: 6, ttl: 65534, statusList: 65533 } as const;
const TYP_HEADER = 16;
export const STATUS_LIST_TYP = 'application/statuslist+cwt';
/** Inflated status lists larger than this are refused (134 M credentials at 2 bits; see bench/ for 10^8). */
export const MAX_STATUS_LIST_BYTES = 32 * 1024 * 1024;

/** The issuer's working copy (kept privately; `signStatusList` publishes it). */
export interface StatusListState {
  readonly uri: string;
  readonly bits: 1 | 2 | 4 | 8;
  /** One status value per index. */
  readonly statuses: Uint8Array;
  /** 1 where an index has been given to a credential. */
  readonly allocated: Uint8Array;
}

export function createStatusList(uri: string, size: number, bits: 1 | 2 | 4 | 8 = 2): StatusListState {
  if (!uri) throw new EidkitError('credential/bad-input', 'A status list needs a uri.');
  if (!Number.isSafeInteger(size) || size < 1 || (size * bits) / 8 > MAX_STATUS_LIST_BYTES) {
    throw new EidkitError('credential/bad-input', `A status list holds 1..${(MAX_STATUS_LIST_BYTES * 8) / bits} entries.`);
  }
  return { uri, bits, statuses: new Uint8Array(size), allocated: new Uint8Array(size) };
}

export function setStatus(state: StatusListState, index: number, value: StatusName): StatusListState {
  if (!Number.isSafeInteger(index) || index < 0 || index >= state.statuses.length) {
    throw new EidkitError('credential/bad-input', `Status index ${index} is outside the list (0..${state.statuses.length - 1}).`);
  }
  const statuses = state.statuses.slice();
  statuses[index] = StatusValue[value];
  return { ...state, statuses };
}

/**
 * Picks a random unused index for a new credential. Random, not sequential, so an index says nothing about when or in
 * which order credentials were issued (the draft's privacy advice).
 */
export function allocateStatusIndex(state: StatusListState): { state: StatusListState; index: number } {
  const free: number[] = [];
  for (let i = 0; i < state.allocated.length; i++) if (!state.allocated[i]) free.push(i);
  if (free.length === 0) throw new EidkitError('credential/status-list-full', 'The status list has no free index; start a new list.');
  const r = new Uint32Array(1);
  globalThis.crypto.getRandomValues(r);
  const index = free[r[0]! % free.length]!;
  const allocated = state.allocated.slice();
  allocated[index] = 1;
  return { state: { ...state, allocated }, index };
}

/** The issuer's state file: {"type": "eidkit-status-state", "uri", "bits", "statuses": base64, "allocated": base64}. */
export function statusStateToJson(state: StatusListState): Record<string, unknown> {
  return { type: 'eidkit-status-state', uri: state.uri, bits: state.bits, statuses: toBase64(state.statuses), allocated: toBase64(state.allocated) };
}

export function statusStateFromJson(json: unknown): StatusListState {
  const j = json as { type?: string; uri?: string; bits?: number; statuses?: string; allocated?: string } | null;
  if (j?.type !== 'eidkit-status-state' || !j.uri || ![1, 2, 4, 8].includes(j.bits ?? 0) || !j.statuses || !j.allocated) {
    throw new EidkitError('credential/bad-status-state', 'Not an eidkit status state file.');
  }
  const statuses = fromBase64(j.statuses);
  const allocated = fromBase64(j.allocated);
  if (statuses.length !== allocated.length) throw new EidkitError('credential/bad-status-state', 'The status state file is inconsistent.');
  return { uri: j.uri, bits: j.bits as StatusListState['bits'], statuses, allocated };
}

/** Packs statuses LSB-first as the draft specifies. */
export function packStatuses(statuses: Uint8Array, bits: number): Uint8Array {
  const out = new Uint8Array(Math.ceil((statuses.length * bits) / 8));
  for (let i = 0; i < statuses.length; i++) {
    const bit = i * bits;
    out[bit >> 3]! |= (statuses[i]! & ((1 << bits) - 1)) << (bit & 7);
  }
  return out;
}

export async function signStatusList(
  state: StatusListState,
  signerKey: { readonly certificate: Uint8Array; readonly signer: Signer | CryptoKey },
  times: { readonly issuedAt: Date; readonly expiresAt: Date; readonly ttlSeconds?: number },
): Promise<Uint8Array> {
  needObject(state, 'signStatusList needs the list state (from createStatusList) as its first argument.');
  if (!(state.statuses instanceof Uint8Array) || typeof state.uri !== 'string') badInput('signStatusList: the state must come from createStatusList (or statusStateFromJson).');
  needObject(signerKey, 'signStatusList needs the signer { certificate, signer } as its second argument (e.g. { certificate: ds.certificate, signer: signerOf(ds) }).');
  needBytes(signerKey.certificate, "The status-list signer's certificate");
  const signer = asSigner(signerKey.signer, 'signer');
  needObject(times, 'signStatusList needs { issuedAt, expiresAt } as its third argument.');
  needDate(times.issuedAt, 'issuedAt');
  needDate(times.expiresAt, 'expiresAt');
  if (times.expiresAt.getTime() <= times.issuedAt.getTime()) {
    throw new EidkitError('credential/bad-input', 'The status list must expire after it is issued.');
  }
  const claims = new Map<number, CborValue>([
    [CLAIM.sub, state.uri],
    [CLAIM.iat, Math.floor(times.issuedAt.getTime() / 1000)],
    [CLAIM.exp, Math.floor(times.expiresAt.getTime() / 1000)],
    [CLAIM.statusList, new Map<string, CborValue>([['bits', state.bits], ['lst', zlibSync(packStatuses(state.statuses, state.bits), { level: 9 })]])],
  ]);
  if (times.ttlSeconds !== undefined) claims.set(CLAIM.ttl, times.ttlSeconds);
  const signed = await signCoseSign1({
    payload: encodeCbor(claims),
    protectedHeaders: new Map([[TYP_HEADER, STATUS_LIST_TYP]]),
    unprotected: new Map([[CoseHeader.x5chain, signerKey.certificate]]),
    signer,
  });
  return encodeCbor(coseSign1ToCbor(signed));
}

/** A status list whose signature and chain have been checked. */
export interface StatusList {
  readonly uri: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly ttlSeconds: number | undefined;
  readonly bits: number;
  /** The packed (inflated) bit string. */
  readonly packed: Uint8Array;
  /** The trust-list entry the signer chained to when the list was opened (informative: binding uses `iaca`). */
  readonly issuer: TrustedIssuer;
  readonly signer: Certificate;
  /** The IACA the signer chained to; `verifyPresentation` counts the list only for credentials under this same IACA. */
  readonly iaca: Certificate;
}

function bad(message: string): EidkitError {
  return new EidkitError('credential/bad-status-list', message);
}

/**
 * Verifies a status list token against the trust list. Throws EidkitError for anything it cannot vouch for. With
 * `now`, a list issued more than `futureSkewSeconds` (300) later is refused (`credential/status-list-future`): a list
 * dated ahead would otherwise win every "newest list" comparison until that date.
 */
export async function openStatusList(
  bytes: Uint8Array,
  trust: TrustList,
  opts: { readonly now?: Date; readonly futureSkewSeconds?: number } = {},
): Promise<StatusList> {
  needBytes(bytes, "openStatusList's first argument (the signed status list)");
  if (typeof trust !== 'object' || trust === null || !Array.isArray((trust as { issuers?: unknown }).issuers)) {
    badInput('openStatusList needs an opened trust list as its second argument (from openTrustList).');
  }
  const sign1 = readCoseSign1(decodeCbor(bytes, { maxDepth: 8 }));
  if (sign1.protectedHeaders.get(TYP_HEADER) !== STATUS_LIST_TYP) throw bad('The signed object is not a status list.');
  const chain = readX5chain(sign1.unprotected.get(CoseHeader.x5chain) ?? sign1.protectedHeaders.get(CoseHeader.x5chain));
  if (!chain) throw bad('The status list carries no signer certificate.');
  const signer = parseCertificate(chain[0]!);
  if (!signer.publicKey) throw bad('The status list signer key is not a supported EC key.');
  const sig = await verifyCoseSign1(sign1, signer.publicKey);
  if (!sig.ok) throw new EidkitError('credential/status-list-signature', `The status list signature is not valid (${sig.reason}).`);
  const anchored = await chainToTrustList(signer, trust, false);
  if (!anchored.ok) throw new EidkitError('credential/status-list-untrusted', `Status list signer: ${anchored.message}`);
  const claims = mapOf(decodeCbor(sign1.payload!), 'status list claims');
  const sl = mapOf(claims.get(CLAIM.statusList), 'status_list');
  const bits = uintOf(sl.get('bits'), 'bits');
  if (![1, 2, 4, 8].includes(bits)) throw bad('status_list bits must be 1, 2, 4 or 8.');
  const lst = bytesOf(sl.get('lst'), 'lst');
  let packed: Uint8Array;
  try {
    packed = await inflateCappedAsync(lst, { maxBytes: MAX_STATUS_LIST_BYTES, zlib: true });
  } catch (e) {
    if ((e as EidkitError).code === 'credential/too-large') {
      throw new EidkitError('credential/too-large', `The status list inflates to more than ${MAX_STATUS_LIST_BYTES} bytes.`);
    }
    throw bad('The status list bit string does not decompress.');
  }
  const issuedAt = uintOf(claims.get(CLAIM.iat), 'iat') * 1000;
  if (issuedAt < signer.notBefore || issuedAt > signer.notAfter) {
    throw new EidkitError('credential/status-list-untrusted', 'The status list was signed outside its certificate validity.');
  }
  if (opts.now && issuedAt > opts.now.getTime() + (opts.futureSkewSeconds ?? 300) * 1000) {
    throw new EidkitError('credential/status-list-future', `The status list claims to be issued on ${new Date(issuedAt).toISOString()}, in the future; refused.`);
  }
  const ttl = claims.get(CLAIM.ttl);
  return {
    uri: textOf(claims.get(CLAIM.sub), 'sub'),
    issuedAt,
    expiresAt: uintOf(claims.get(CLAIM.exp), 'exp') * 1000,
    ttlSeconds: ttl === undefined ? undefined : uintOf(ttl, 'ttl'),
    bits,
    packed,
    issuer: anchored.issuer,
    signer,
    iaca: anchored.iaca,
  };
}

/**
 * The status value at `index`, or undefined when the list does not cover it. The bound is checked first, in exact
 * integer arithmetic: the list covers `packed.length * 8 / bits` entries (at most 2^25 bytes × 8, far inside 2^53), so
 * no index, however large, can wrap onto a real entry the way a 32-bit `bit >> 3` would.
 */
export function statusAt(list: Pick<StatusList, 'bits' | 'packed'>, index: number): number | undefined {
  if (!Number.isSafeInteger(index) || index < 0) return undefined;
  const entries = Math.floor((list.packed.length * 8) / list.bits);
  if (index >= entries) return undefined;
  const bit = index * list.bits; // < packed.length * 8 <= 2^35: exact
  const byte = list.packed[Math.floor(bit / 8)]!;
  return (byte >> (bit % 8)) & ((1 << list.bits) - 1);
}
