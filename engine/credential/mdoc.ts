/**
 * ISO 18013-5 issuer side: IssuerSignedItems with salted digests, the Mobile Security Object (MSO) signed by the
 * document signer, and the credential the holder keeps (`Document` minus `deviceSigned`).
 */
import { EidkitError } from '../errors.ts';
import { decodeCbor, encodeCbor, EmbeddedCbor, Tagged, type CborEncodable, type CborMap, type CborValue } from './cbor.ts';
import { coseKeyFromPoint, CoseHeader, pointFromCoseKey, readCoseSign1, signCoseSign1, coseSign1ToCbor, type CoseSign1 } from './cose.ts';
import type { PublicKeyPoint, Signer } from './crypto.ts';
import { asPublicKeyPoint, asSigner, importPublicKey, sha256 } from './crypto.ts';
import { randomBytes } from './bytes.ts';
import { DEFAULT_AGE_THRESHOLDS, EID_DOC_TYPE, EID_NAMESPACE, eidElements, plainValue, type EidData } from './model.ts';
import { parseCertificate, type Certificate } from './x509.ts';

/** Salt length: ISO 18013-5 §9.1.2.5 asks for at least 16 random bytes. */
export const SALT_BYTES = 16;

export interface IssuerSignedItem {
  readonly digestID: number;
  readonly random: Uint8Array;
  readonly elementIdentifier: string;
  readonly elementValue: CborValue;
  /** The tag-24 item exactly as received; its SHA-256 is the value digest. */
  readonly bytes: EmbeddedCbor;
}

export interface StatusReference {
  /** Index into the issuer's status list. */
  readonly index: number;
  /** Identifies the status list (its `sub`). */
  readonly uri: string;
}

export interface Mso {
  readonly version: string;
  readonly digestAlgorithm: string;
  readonly docType: string;
  readonly valueDigests: ReadonlyMap<string, ReadonlyMap<number, Uint8Array>>;
  readonly deviceKey: PublicKeyPoint;
  readonly signed: number;
  readonly validFrom: number;
  readonly validUntil: number;
  readonly status: StatusReference | undefined;
}

/** The holder's stored credential, decoded. */
export interface Credential {
  readonly docType: string;
  readonly nameSpaces: ReadonlyMap<string, readonly IssuerSignedItem[]>;
  readonly issuerAuth: CoseSign1;
  readonly mso: Mso;
  /** The x5chain leaf (DS) when embedded. */
  readonly dsCertificate: Certificate | undefined;
}

function bad(message: string): EidkitError {
  return new EidkitError('credential/bad-mdoc', message);
}

export function tdate(ms: number): Tagged {
  // ISO 18013-5 tdate: RFC 3339 without fractional seconds, UTC.
  return new Tagged(0, new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
}

const TDATE_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;

/**
 * A tdate, on the calendar: Date.parse rolls 2026-02-30 over to March 2, so every field is checked for range and the
 * day against its month (leap years included). Leap seconds (:60) are refused too.
 */
export function readTdate(v: CborValue | undefined, what: string): number {
  const m = v instanceof Tagged && v.tag === 0 && typeof v.value === 'string' ? TDATE_RE.exec(v.value) : null;
  if (!m) throw bad(`${what} must be a tdate (tag 0 RFC 3339 text).`);
  const [y, mo, d, h, mi, se] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  const day = new Date(Date.UTC(y!, mo! - 1, d!));
  const offsetOk = m[9] === undefined || (Number(m[9]) <= 23 && Number(m[10]) <= 59);
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo! - 1 || day.getUTCDate() !== d || h! > 23 || mi! > 59 || se! > 59 || !offsetOk) {
    throw bad(`${what} is not a real date and time.`);
  }
  const t = Date.parse((v as Tagged).value as string);
  if (Number.isNaN(t)) throw bad(`${what} is not a real date.`);
  return t;
}

export function mapOf(v: CborValue | undefined, what: string): CborMap {
  if (!(v instanceof Map)) throw bad(`${what} must be a map.`);
  return v;
}

export function textOf(v: CborValue | undefined, what: string): string {
  if (typeof v !== 'string') throw bad(`${what} must be text.`);
  return v;
}

export function bytesOf(v: CborValue | undefined, what: string): Uint8Array {
  if (!(v instanceof Uint8Array)) throw bad(`${what} must be a byte string.`);
  return v;
}

export function uintOf(v: CborValue | undefined, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw bad(`${what} must be an unsigned integer.`);
  return v;
}

export function arrayOf(v: CborValue | undefined, what: string): CborValue[] {
  if (!Array.isArray(v)) throw bad(`${what} must be an array.`);
  return v;
}

export function readIssuerSignedItem(v: CborValue): IssuerSignedItem {
  if (!(v instanceof EmbeddedCbor)) throw bad('IssuerSignedItemBytes must be tag 24.');
  const m = mapOf(decodeCbor(v.bytes), 'IssuerSignedItem');
  const random = bytesOf(m.get('random'), 'random');
  if (random.length < SALT_BYTES) throw bad('IssuerSignedItem random must be at least 16 bytes.');
  if (!m.has('elementValue')) throw bad('IssuerSignedItem has no elementValue.');
  return {
    digestID: uintOf(m.get('digestID'), 'digestID'),
    random,
    elementIdentifier: textOf(m.get('elementIdentifier'), 'elementIdentifier'),
    elementValue: m.get('elementValue')!,
    bytes: v,
  };
}

export function readMso(payload: Uint8Array): Mso {
  // MobileSecurityObjectBytes = #6.24(bstr .cbor MobileSecurityObject)
  const wrapped = decodeCbor(payload);
  if (!(wrapped instanceof EmbeddedCbor)) throw bad('The MSO must be wrapped in tag 24.');
  const m = mapOf(decodeCbor(wrapped.bytes), 'MobileSecurityObject');
  const vd = mapOf(m.get('valueDigests'), 'valueDigests');
  const valueDigests = new Map<string, Map<number, Uint8Array>>();
  for (const [ns, digests] of vd) {
    if (typeof ns !== 'string') throw bad('valueDigests keys must be namespaces.');
    const inner = new Map<number, Uint8Array>();
    for (const [id, d] of mapOf(digests, 'DigestIDs')) {
      inner.set(uintOf(id, 'digestID'), bytesOf(d, 'digest'));
    }
    valueDigests.set(ns, inner);
  }
  const validity = mapOf(m.get('validityInfo'), 'validityInfo');
  const dki = mapOf(m.get('deviceKeyInfo'), 'deviceKeyInfo');
  let status: StatusReference | undefined;
  if (m.has('status')) {
    const sl = mapOf(mapOf(m.get('status'), 'status').get('status_list'), 'status_list');
    status = { index: uintOf(sl.get('idx'), 'status idx'), uri: textOf(sl.get('uri'), 'status uri') };
  }
  return {
    version: textOf(m.get('version'), 'MSO version'),
    digestAlgorithm: textOf(m.get('digestAlgorithm'), 'digestAlgorithm'),
    docType: textOf(m.get('docType'), 'MSO docType'),
    valueDigests,
    deviceKey: pointFromCoseKey(dki.get('deviceKey') ?? null),
    signed: readTdate(validity.get('signed'), 'signed'),
    validFrom: readTdate(validity.get('validFrom'), 'validFrom'),
    validUntil: readTdate(validity.get('validUntil'), 'validUntil'),
    status,
  };
}

/** x5chain: one certificate as bstr, or an array of them (leaf first). */
export function readX5chain(v: CborValue | undefined): Uint8Array[] | undefined {
  if (v === undefined) return undefined;
  if (v instanceof Uint8Array) return [v];
  const arr = arrayOf(v, 'x5chain');
  if (arr.length === 0) throw bad('x5chain is empty.');
  return arr.map((c) => bytesOf(c, 'x5chain certificate'));
}

export function readIssuerSigned(v: CborValue): Omit<Credential, 'docType'> {
  const m = mapOf(v, 'issuerSigned');
  const issuerAuth = readCoseSign1(m.get('issuerAuth') ?? null);
  if (!issuerAuth.payload) throw bad('issuerAuth has no payload (MSO).');
  const mso = readMso(issuerAuth.payload);
  const nameSpaces = new Map<string, IssuerSignedItem[]>();
  if (m.has('nameSpaces')) {
    for (const [ns, items] of mapOf(m.get('nameSpaces'), 'nameSpaces')) {
      if (typeof ns !== 'string') throw bad('nameSpaces keys must be text.');
      const list = arrayOf(items, `nameSpace ${ns}`).map(readIssuerSignedItem);
      if (list.length === 0) throw bad(`nameSpace ${ns} is empty.`);
      nameSpaces.set(ns, list);
    }
  }
  const chain = readX5chain(issuerAuth.unprotected.get(CoseHeader.x5chain) ?? issuerAuth.protectedHeaders.get(CoseHeader.x5chain));
  let dsCertificate: Certificate | undefined;
  if (chain) {
    try {
      dsCertificate = parseCertificate(chain[0]!);
    } catch (e) {
      throw new EidkitError('credential/bad-certificate', 'The document signer certificate cannot be read.', undefined, {
        cause: e,
      });
    }
  }
  return { nameSpaces, issuerAuth, mso, dsCertificate };
}

/** The holder's stored form: {"docType", "issuerSigned"} (an ISO Document without deviceSigned). */
export function parseCredential(bytes: Uint8Array): Credential {
  const m = mapOf(decodeCbor(bytes), 'credential');
  const docType = textOf(m.get('docType'), 'docType');
  return { docType, ...readIssuerSigned(m.get('issuerSigned') ?? null) };
}

/** The disclosed elements of a credential as plain values, keyed by element identifier (first namespace wins). */
export function credentialElements(c: Pick<Credential, 'nameSpaces'>): Record<string, unknown> {
  // No prototype: an element called "__proto__" or "constructor" is just a key.
  const out = Object.create(null) as Record<string, unknown>;
  for (const items of c.nameSpaces.values()) {
    for (const it of items) if (!Object.hasOwn(out, it.elementIdentifier)) out[it.elementIdentifier] = plainValue(it.elementValue);
  }
  return out;
}

export interface IssueOptions {
  readonly data: EidData;
  /** The holder's device public key (P-256), e.g. from `publicKeyPoint(deviceKeyPair.publicKey)`. */
  readonly devicePublicKey: PublicKeyPoint | CryptoKey;
  /** The document signer: its certificate (DER) and a signer for its private key (or the private CryptoKey itself). */
  readonly documentSigner: { readonly certificate: Uint8Array; readonly signer: Signer | CryptoKey };
  /** MSO validity. `validUntil` defaults to one year after `validFrom`, capped at the DS certificate's end. */
  readonly signed?: Date;
  readonly validFrom?: Date;
  readonly validUntil?: Date;
  readonly status?: StatusReference;
  readonly ageThresholds?: readonly number[];
}

function shuffled(n: number): number[] {
  // Digest IDs in random order so their sequence does not reveal which element is which (ISO 18013-5 §9.1.2.5).
  const ids = [...Array(n).keys()];
  const r = new Uint32Array(n);
  globalThis.crypto.getRandomValues(r);
  for (let i = n - 1; i > 0; i--) {
    const j = r[i]! % (i + 1);
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids;
}

/** Issues an eID credential; returns the credential bytes the wallet stores. */
export async function issueCredential(opts: IssueOptions): Promise<Uint8Array> {
  if (typeof opts !== 'object' || opts === null) {
    throw new EidkitError('credential/bad-input', 'issueCredential needs { data, devicePublicKey, documentSigner: { certificate, signer } }.');
  }
  const documentSigner = opts.documentSigner as IssueOptions['documentSigner'] | undefined;
  if (typeof documentSigner !== 'object' || documentSigner === null || !(documentSigner.certificate instanceof Uint8Array)) {
    throw new EidkitError(
      'credential/bad-input',
      'issueCredential needs documentSigner: { certificate: the DS certificate (DER bytes), signer: signerOf(ds) or its private CryptoKey }.',
    );
  }
  const dsSigner = asSigner(documentSigner.signer, 'documentSigner.signer');
  const devicePublicKey = await asPublicKeyPoint(opts.devicePublicKey, 'devicePublicKey');
  for (const [name, d] of [['signed', opts.signed], ['validFrom', opts.validFrom], ['validUntil', opts.validUntil]] as const) {
    if (d !== undefined && !(d instanceof Date && Number.isFinite(d.getTime()))) throw new EidkitError('credential/bad-input', `${name} must be a valid Date.`);
  }
  const signed = opts.signed ?? new Date();
  const validFrom = opts.validFrom ?? signed;
  const ds = parseCertificate(documentSigner.certificate);
  // The verifier checks issuing_country against the IACA's country (which every DS carries): refuse it here instead of
  // signing a credential that can never verify.
  const dsCountry = ds.subject.attributes.find((a) => a.oid === '2.5.4.6')?.value;
  const claimed = (opts.data as Partial<EidData> | undefined)?.issuing_country;
  if (dsCountry !== undefined && typeof claimed === 'string' && claimed !== dsCountry) {
    throw new EidkitError(
      'credential/country-mismatch',
      `issuing_country is ${claimed}, but the document signer (and its IACA) is for ${dsCountry}: verifiers would refuse this credential.`,
      { element: 'issuing_country' },
    );
  }
  const validUntil = opts.validUntil ?? new Date(Math.min(validFrom.getTime() + 365 * 86_400_000, ds.notAfter));
  if (validUntil.getTime() <= validFrom.getTime()) {
    throw new EidkitError('credential/bad-input', 'validUntil must be after validFrom.');
  }
  if (signed.getTime() < ds.notBefore || signed.getTime() > ds.notAfter) {
    throw new EidkitError('credential/bad-input', 'The document signer certificate is not valid at the signing time.');
  }
  if (validUntil.getTime() > ds.notAfter) {
    throw new EidkitError('credential/bad-input', 'The credential would outlive its document signer certificate.');
  }
  if (devicePublicKey.curve !== 'P-256') throw new EidkitError('credential/bad-key', `Device keys must be P-256, not ${String(devicePublicKey.curve)}.`);
  // A point off the curve would make a credential no device could ever present; WebCrypto's import checks it.
  const point = devicePublicKey.point;
  if (!(point instanceof Uint8Array) || point.length !== 65 || point[0] !== 0x04) {
    throw new EidkitError('credential/bad-key', 'The device key must be an uncompressed P-256 point (65 bytes, 0x04 first).');
  }
  await importPublicKey(devicePublicKey);
  if (opts.status && (!Number.isSafeInteger(opts.status.index) || opts.status.index < 0 || !opts.status.uri)) {
    throw new EidkitError('credential/bad-input', 'status needs a non-negative index and a list uri.');
  }
  const elements = eidElements(opts.data, signed, opts.ageThresholds ?? DEFAULT_AGE_THRESHOLDS);
  const ids = shuffled(elements.length);
  const items: EmbeddedCbor[] = [];
  const digests = new Map<number, Uint8Array>();
  for (let i = 0; i < elements.length; i++) {
    const [elementIdentifier, elementValue] = elements[i]!;
    const item = EmbeddedCbor.of({ digestID: ids[i]!, random: randomBytes(SALT_BYTES), elementIdentifier, elementValue });
    items.push(item);
    digests.set(ids[i]!, await sha256(item.raw));
  }
  const mso: Record<string, CborEncodable> = {
    version: '1.0',
    digestAlgorithm: 'SHA-256',
    valueDigests: new Map([[EID_NAMESPACE, digests]]),
    deviceKeyInfo: { deviceKey: coseKeyFromPoint(devicePublicKey) },
    docType: EID_DOC_TYPE,
    validityInfo: { signed: tdate(signed.getTime()), validFrom: tdate(validFrom.getTime()), validUntil: tdate(validUntil.getTime()) },
  };
  if (opts.status) mso.status = { status_list: { idx: opts.status.index, uri: opts.status.uri } };
  const issuerAuth = await signCoseSign1({
    payload: EmbeddedCbor.of(mso).raw,
    unprotected: new Map([[CoseHeader.x5chain, documentSigner.certificate]]),
    signer: dsSigner,
  });
  return encodeCbor({
    docType: EID_DOC_TYPE,
    issuerSigned: { nameSpaces: new Map([[EID_NAMESPACE, items]]), issuerAuth: coseSign1ToCbor(issuerAuth) },
  });
}
