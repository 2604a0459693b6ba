/**
 * The trust list: IACA roots and document signer certificates of many issuing authorities (cities, provinces,
 * countries), versioned, with an expiry, signed by a trust-list key the verifier app pins. Federating issuers this way
 * is what lets a card from one city be checked in another. Wire form: COSE_Sign1, protected {alg, kid, typ}, payload
 *   {"type": "eidkit-trust-list", "version": uint, "issued": tdate, "expires": tdate,
 *    "issuers": [{"id", "name", "country", "iaca": [DER...], "ds": [DER...]}]}
 */
import { EidkitError } from '../errors.ts';
import { decodeCbor, encodeCbor, type CborValue } from './cbor.ts';
import { CoseHeader, coseSign1ToCbor, readCoseSign1, signCoseSign1, verifyCoseSign1 } from './cose.ts';
import type { PublicKeyPoint, Signer } from './crypto.ts';
import { asSigner } from './crypto.ts';
import { badInput, needBytes, needDate, needObject } from './args.ts';
import { fromBase64, toBase64, toHex } from './bytes.ts';
import { arrayOf, bytesOf, mapOf, readTdate, tdate, textOf, uintOf } from './mdoc.ts';
import { certificateThumbprint } from './present.ts';
import { iacaProfileProblem } from './chain.ts';
import { parseCertificate, type Certificate } from './x509.ts';

export const TRUST_LIST_TYPE = 'eidkit-trust-list';
const CONTENT_TYPE_HEADER = 16; // COSE "typ" (RFC 9596)
const TRUST_LIST_TYP = 'application/eidkit-trust-list+cbor';

export interface TrustedIssuerInput {
  /** Short stable id, e.g. "cn-sh" for Shanghai. */
  readonly id: string;
  readonly name: string;
  /** ISO 3166-1 alpha-2 */
  readonly country: string;
  readonly iaca: readonly Uint8Array[];
  /** DS certificates verifiers should know, so presentations can reference them instead of embedding them. */
  readonly documentSigners?: readonly Uint8Array[];
  /** The document types this authority may issue (default: any). */
  readonly docTypes?: readonly string[];
  /** A demonstration authority: every result it vouches for says "demo issuer — not an identity document". */
  readonly demo?: boolean;
}

export interface TrustListInput {
  readonly version: number;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  readonly issuers: readonly TrustedIssuerInput[];
}

export interface TrustedIssuer {
  readonly id: string;
  readonly name: string;
  readonly country: string;
  readonly iaca: readonly Certificate[];
  readonly documentSigners: readonly Certificate[];
  /** The document types this authority may issue; undefined = any. */
  readonly docTypes: readonly string[] | undefined;
  readonly demo: boolean;
}

/** A trust list whose signature has been checked (only `openTrustList` and `emptyTrustList` make these). */
export interface TrustList {
  readonly version: number;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly issuers: readonly TrustedIssuer[];
  /** kid of the key that signed it ("" for the empty list). */
  readonly signedBy: string;
  /** DS certificates by x5t (hex of the first 8 bytes of SHA-256). */
  readonly documentSignerIndex: ReadonlyMap<string, { readonly certificate: Certificate; readonly issuer: TrustedIssuer }>;
}

/** The key the verifier pins to accept trust lists. */
export interface TrustListAnchor {
  readonly keyId: string;
  readonly publicKey: PublicKeyPoint;
}

function bad(message: string): EidkitError {
  return new EidkitError('credential/bad-trust-list', message);
}

export async function signTrustList(
  input: TrustListInput,
  key: { readonly keyId: string; readonly signer: Signer | CryptoKey },
): Promise<Uint8Array> {
  needObject(input, 'signTrustList needs { version, issuedAt, expiresAt, issuers } as its first argument.');
  needDate(input.issuedAt, 'issuedAt');
  needDate(input.expiresAt, 'expiresAt');
  if (!Array.isArray(input.issuers as unknown)) badInput('issuers must be an array of { id, name, country, iaca: [DER bytes], documentSigners? }.');
  needObject(key, 'signTrustList needs the trust-list key { keyId, signer } as its second argument (e.g. { keyId: k.anchor.keyId, signer: signerOf(k) }).');
  if (typeof key.keyId !== 'string' || !key.keyId) badInput('The trust-list key needs its keyId (the anchor verifiers pin has the same).');
  const signer = asSigner(key.signer, 'signer');
  for (const i of input.issuers) {
    needObject(i, 'Each issuer must be { id, name, country, iaca, documentSigners? }.');
    if (!Array.isArray(i.iaca as unknown)) badInput(`Issuer "${String(i.id)}": iaca must be an array of certificates (DER bytes).`);
    for (const c of [...i.iaca, ...(i.documentSigners ?? [])]) needBytes(c, `Issuer "${String(i.id)}": each certificate`);
  }
  if (!Number.isSafeInteger(input.version) || input.version < 0) throw bad('The trust list version must be a whole number.');
  if (input.expiresAt.getTime() <= input.issuedAt.getTime()) throw bad('The trust list must expire after it is issued.');
  const ids = new Set<string>();
  for (const i of input.issuers) {
    if (!i.id || ids.has(i.id)) throw bad(`Issuer ids must be unique and non-empty ("${i.id}").`);
    ids.add(i.id);
    if (i.iaca.length === 0) throw bad(`Issuer "${i.id}" has no IACA certificate.`);
    if (i.docTypes && (i.docTypes.length === 0 || i.docTypes.some((d) => typeof d !== 'string' || !d))) throw bad(`Issuer "${i.id}" lists an empty document type.`);
    for (const c of [...i.iaca, ...(i.documentSigners ?? [])]) parseCertificate(c);
  }
  const payload = encodeCbor({
    type: TRUST_LIST_TYPE,
    version: input.version,
    issued: tdate(input.issuedAt.getTime()),
    expires: tdate(input.expiresAt.getTime()),
    issuers: input.issuers.map((i) => ({
      id: i.id,
      name: i.name,
      country: i.country,
      iaca: [...i.iaca],
      ds: [...(i.documentSigners ?? [])],
      docTypes: i.docTypes ? [...i.docTypes] : undefined,
      demo: i.demo ? true : undefined,
    })),
  });
  const signed = await signCoseSign1({
    payload,
    protectedHeaders: new Map<number, CborValue>([
      [CoseHeader.kid, new TextEncoder().encode(key.keyId)],
      [CONTENT_TYPE_HEADER, TRUST_LIST_TYP],
    ]),
    signer,
  });
  return encodeCbor(coseSign1ToCbor(signed));
}

export interface OpenTrustOptions {
  /** When given, a list issued more than `futureSkewSeconds` after this moment is refused (`credential/trust-list-future`). */
  readonly now?: Date;
  readonly futureSkewSeconds?: number;
  /** The highest version this verifier has accepted before: a lower one is refused (`credential/trust-list-rollback`). */
  readonly minVersion?: number;
}

/** The shared checks of every trust source (eidkit list, VICAL): not from the future, no rollback. */
export function checkTrustListTimes(list: { readonly version: number; readonly issuedAt: number }, opts: OpenTrustOptions): void {
  if (opts.now && list.issuedAt > opts.now.getTime() + (opts.futureSkewSeconds ?? 300) * 1000) {
    throw new EidkitError('credential/trust-list-future', `The trust list claims to be issued on ${new Date(list.issuedAt).toISOString()}, in the future; refused.`);
  }
  if (opts.minVersion !== undefined && list.version < opts.minVersion) {
    throw new EidkitError('credential/trust-list-rollback', `The trust list is version ${list.version}, older than version ${opts.minVersion} accepted before; refused.`, {
      version: list.version,
      minVersion: opts.minVersion,
    });
  }
}

/**
 * Checks the signature against the pinned anchors and reads the list. Expiry is not judged here: a verifier offline
 * keeps using its cached list and `verifyPresentation` reports the list's age and expiry. A list from the future or
 * older than `minVersion` is refused (see OpenTrustOptions).
 */
export async function openTrustList(bytes: Uint8Array, anchors: readonly TrustListAnchor[], opts: OpenTrustOptions = {}): Promise<TrustList> {
  needBytes(bytes, "openTrustList's first argument (the signed trust list)");
  if (!Array.isArray(anchors as unknown)) badInput('openTrustList needs the pinned anchors as its second argument: an array, e.g. [anchorFromJson(json)].');
  const sign1 = readCoseSign1(decodeCbor(bytes, { maxDepth: 12 }));
  const kidBytes = sign1.protectedHeaders.get(CoseHeader.kid);
  const kid = kidBytes instanceof Uint8Array ? new TextDecoder().decode(kidBytes) : undefined;
  const anchor = anchors.find((a) => a.keyId === kid);
  if (!anchor) {
    throw new EidkitError('credential/trust-list-untrusted', `The trust list is signed by an unknown key "${kid ?? '?'}".`);
  }
  const result = await verifyCoseSign1(sign1, anchor.publicKey);
  if (!result.ok) {
    throw new EidkitError('credential/trust-list-signature', `The trust list signature is not valid (${result.reason}).`);
  }
  if (sign1.protectedHeaders.get(CONTENT_TYPE_HEADER) !== TRUST_LIST_TYP) throw bad('The signed object is not a trust list.');
  const m = mapOf(decodeCbor(sign1.payload!), 'trust list');
  if (m.get('type') !== TRUST_LIST_TYPE) throw bad('The signed object is not a trust list.');
  const issuers: TrustedIssuer[] = [];
  const documentSignerIndex = new Map<string, { certificate: Certificate; issuer: TrustedIssuer }>();
  for (const entry of arrayOf(m.get('issuers'), 'issuers')) {
    const e = mapOf(entry, 'issuer');
    const parse = (list: CborValue | undefined, what: string): Certificate[] =>
      arrayOf(list ?? [], what).map((c) => parseCertificate(bytesOf(c, what)));
    const issuer: TrustedIssuer = {
      id: textOf(e.get('id'), 'issuer id'),
      name: textOf(e.get('name'), 'issuer name'),
      country: textOf(e.get('country'), 'issuer country'),
      iaca: parse(e.get('iaca'), 'iaca'),
      documentSigners: parse(e.get('ds'), 'ds'),
      docTypes: e.has('docTypes') ? arrayOf(e.get('docTypes'), 'docTypes').map((d) => textOf(d, 'docType')) : undefined,
      demo: e.get('demo') === true,
    };
    if (issuers.some((x) => x.id === issuer.id)) throw bad(`Issuer id "${issuer.id}" appears twice.`);
    for (const c of issuer.iaca) {
      const problem = iacaProfileProblem(c);
      if (problem) throw bad(`IACA "${c.subject.text}" of issuer "${issuer.id}" is not a valid IACA certificate: ${problem}.`);
    }
    issuers.push(issuer);
    for (const c of issuer.documentSigners) documentSignerIndex.set(toHex(await certificateThumbprint(c.der)), { certificate: c, issuer });
  }
  const list: TrustList = {
    version: uintOf(m.get('version'), 'version'),
    issuedAt: readTdate(m.get('issued'), 'issued'),
    expiresAt: readTdate(m.get('expires'), 'expires'),
    issuers,
    signedBy: kid!,
    documentSignerIndex,
  };
  checkTrustListTimes(list, opts);
  return list;
}

/** No trusted issuers at all: every chain is reported untrusted (useful to inspect foreign credentials). */
export function emptyTrustList(): TrustList {
  return { version: 0, issuedAt: 0, expiresAt: 0, issuers: [], signedBy: '', documentSignerIndex: new Map() };
}

/**
 * A trust list assembled in memory from certificates the caller already trusts (tests, an issuer desk checking its own
 * output). No signature is involved, so never build one from bytes received over the wire.
 */
export async function localTrustList(issuers: readonly TrustedIssuerInput[], now = new Date()): Promise<TrustList> {
  const out: TrustedIssuer[] = [];
  const documentSignerIndex = new Map<string, { certificate: Certificate; issuer: TrustedIssuer }>();
  for (const i of issuers) {
    const issuer: TrustedIssuer = {
      id: i.id,
      name: i.name,
      country: i.country,
      iaca: i.iaca.map(parseCertificate),
      documentSigners: (i.documentSigners ?? []).map(parseCertificate),
      docTypes: i.docTypes,
      demo: i.demo === true,
    };
    out.push(issuer);
    for (const c of issuer.documentSigners) documentSignerIndex.set(toHex(await certificateThumbprint(c.der)), { certificate: c, issuer });
  }
  return {
    version: 0,
    issuedAt: now.getTime(),
    expiresAt: now.getTime() + 365 * 86_400_000,
    issuers: out,
    signedBy: 'local',
    documentSignerIndex,
  };
}

/** The verifier's pinned trust-list key as JSON: {"type": "eidkit-trust-anchor", "keyId", "publicKey": JWK}. */
export function anchorToJson(anchor: TrustListAnchor): { type: 'eidkit-trust-anchor'; keyId: string; publicKey: JsonWebKey } {
  const p = anchor.publicKey.point;
  return {
    type: 'eidkit-trust-anchor',
    keyId: anchor.keyId,
    publicKey: { kty: 'EC', crv: 'P-256', x: toBase64(p.subarray(1, 33), true), y: toBase64(p.subarray(33, 65), true) },
  };
}

export function anchorFromJson(json: unknown): TrustListAnchor {
  const j = json as { type?: string; keyId?: string; publicKey?: JsonWebKey } | null;
  const x = j?.publicKey?.x ? fromBase64(j.publicKey.x) : undefined;
  const y = j?.publicKey?.y ? fromBase64(j.publicKey.y) : undefined;
  if (j?.type !== 'eidkit-trust-anchor' || !j.keyId || j.publicKey?.crv !== 'P-256' || x?.length !== 32 || y?.length !== 32) {
    throw new EidkitError('credential/bad-anchor', 'Not an eidkit trust anchor (expected "type": "eidkit-trust-anchor" with a P-256 key).');
  }
  return { keyId: j.keyId, publicKey: { curve: 'P-256', point: new Uint8Array([4, ...x, ...y]) } };
}
