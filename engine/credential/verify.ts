/**
 * Verification: one pure function of (bytes, trust list, status lists, now, policy) → report. It never throws and never
 * calls anything but WebCrypto. Every check lands in the report with a stable `check` name and result `code`, so UIs can
 * explain in plain words and tests can assert precisely. Checks keep running after a failure (a full diagnosis helps
 * people), but only elements whose digest matched a valid issuer signature are returned as data.
 */
import { EidkitError } from '../errors.ts';
import { bs, fromHex, toHex } from './bytes.ts';
import { bytesEqual, decodeCbor, EmbeddedCbor, Tagged, type CborMap, type CborValue } from './cbor.ts';
import { chainToTrustList } from './chain.ts';
import { COSE_SHA256_64, CoseHeader, readCoseSign1, verifyCoseSign1, type CoseSign1 } from './cose.ts';
import { subtle } from './crypto.ts';
import { EID_DOC_TYPE, parseFullDate, plainValue } from './model.ts';
import { arrayOf, mapOf, readIssuerSigned, readTdate, textOf, type Credential } from './mdoc.ts';
import { ENVELOPE_VERSION, MODE_ONE_WAY, MODE_TWO_WAY, MODE_WEB } from './present.ts';
import { DEFAULT_MAX_INFLATED_BYTES, fromQrText, QR_PREFIX } from './qr-codec.ts';
import { statusAt, StatusValue, type StatusList } from './status-list.ts';
import { deviceAuthenticationBytes, NONCE_BYTES, sessionTranscript, type Challenge } from './transcript.ts';
import type { TrustList, TrustedIssuer } from './trust-list.ts';
import { checkWebSession, MAX_WEB_ORIGIN_LENGTH, type WebSessionPolicy } from './web-verify.ts';
import { nameAttribute, OID, type Certificate } from './x509.ts';

export type CheckCategory = 'format' | 'issuer' | 'device' | 'integrity' | 'validity' | 'status' | 'freshness';
export const CHECK_CATEGORIES: readonly CheckCategory[] = ['format', 'issuer', 'device', 'integrity', 'validity', 'status', 'freshness'];
export type CheckOutcome = 'pass' | 'fail' | 'warn' | 'skip';

export interface Check {
  readonly category: CheckCategory;
  /** What was checked, stable (e.g. "issuer.signature"). */
  readonly check: string;
  readonly outcome: CheckOutcome;
  /** Why, stable: "ok" on a pass, else e.g. "credential/issuer-signature-invalid". */
  readonly code: string;
  /** For people (may change between versions). */
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export type Verdict = 'valid' | 'warning' | 'invalid';

export interface VerificationReport {
  /** valid: every check passed; warning: none failed but some could not vouch (e.g. status unknown); invalid. */
  readonly verdict: Verdict;
  readonly checks: readonly Check[];
  readonly byCategory: Readonly<Record<CheckCategory, readonly Check[]>>;
  readonly docType: string | undefined;
  /**
   * Identity data: only elements whose digest matched a valid signature from a trusted chain, and only when the verdict
   * is not "invalid" (an invalid report has nothing to show). A null-prototype object: element ids such as
   * "__proto__" are plain keys.
   */
  readonly elements: Readonly<Record<string, unknown>>;
  /** `demo`: a demonstration authority — say "demo issuer — not an identity document" with every result. */
  readonly issuer: { readonly id: string; readonly name: string; readonly country: string; readonly demo: boolean } | undefined;
  readonly documentSigner: string | undefined;
  readonly mode: 'one-way' | 'two-way' | 'session' | 'web' | undefined;
  /** web: the relying party origin the answer was made for (checked against policy.web.origin). */
  readonly origin?: string;
  /** one-way: when the holder made it (ms). */
  readonly presentedAt: number | undefined;
  readonly validity: { readonly signed: number; readonly validFrom: number; readonly validUntil: number } | undefined;
  readonly trustList: { readonly version: number; readonly issuedAt: number; readonly expiresAt: number; readonly ageSeconds: number } | undefined;
}

/** Holder-binding modes a policy can ask for. */
export type PolicyMode = 'any' | 'one-way' | 'two-way' | 'web';

export interface VerifyPolicy {
  /** Accepted doc types (default: the eidkit eID). */
  readonly docTypes?: readonly string[];
  /**
   * Which holder-binding modes are acceptable (default 'any'). It can narrow, never widen: a supplied `challenge`
   * means two-way only, a supplied `sessionTranscript` session only and a supplied `web` web only, whatever `mode`
   * says (see requiredBinding).
   */
  readonly mode?: PolicyMode;
  /** Web: the RP's own origin and its nonce ledger (each nonce passes once). Setting it accepts web answers only. */
  readonly web?: WebSessionPolicy;
  /** One-way: the oldest accepted presentation, seconds (default 60). */
  readonly windowSeconds?: number;
  /** One-way: how far the holder's clock may run ahead, seconds (default 30). */
  readonly futureSkewSeconds?: number;
  /** Two-way: the challenge this verifier showed. */
  readonly challenge?: Challenge;
  /** Two-way: the oldest accepted challenge, seconds (default 300). */
  readonly challengeMaxAgeSeconds?: number;
  /** For a bare ISO DeviceResponse (no eidkit envelope): the session transcript it was made for (CBOR or bytes). */
  readonly sessionTranscript?: CborValue;
  /** A status list older than this is treated as stale even before its exp (default: its exp/ttl only). */
  readonly statusMaxAgeSeconds?: number;
  /** Fail instead of warn when the status cannot be established (default false). */
  readonly requireStatus?: boolean;
  /** What an expired trust list yields (default 'warn'). */
  readonly expiredTrustList?: 'warn' | 'fail';
  readonly maxBytes?: number;
}

/** What the holder's presentation must be bound to, derived from the whole policy. */
export type RequiredBinding =
  | { readonly kind: 'any' | 'one-way' | 'two-way' | 'session' | 'web' }
  | { readonly kind: 'conflict'; readonly message: string };

/**
 * The binding a policy demands. Evidence the caller supplied fixes it — a challenge means only a two-way answer to
 * that challenge, a transcript means only a session-bound DeviceResponse — so leaving `mode` at its default can never
 * downgrade a verifier that showed a challenge to accepting a one-way code. Contradictory policies are refused.
 * New modes (e.g. an online one) add a case here and one in checkDevice.
 */
export function requiredBinding(policy: VerifyPolicy): RequiredBinding {
  const mode = policy.mode ?? 'any';
  const hasChallenge = policy.challenge !== undefined;
  const hasTranscript = policy.sessionTranscript !== undefined;
  const hasWeb = policy.web !== undefined || mode === 'web';
  if ([hasChallenge, hasTranscript, hasWeb].filter(Boolean).length > 1) {
    return { kind: 'conflict', message: 'The policy gives more than one of a challenge, a session transcript and a web session.' };
  }
  if (hasWeb) return { kind: 'web' };
  if (hasChallenge) {
    return mode === 'any' || mode === 'two-way' ? { kind: 'two-way' } : { kind: 'conflict', message: `The policy gives a challenge but asks for mode "${mode}".` };
  }
  if (hasTranscript) {
    return mode === 'any' ? { kind: 'session' } : { kind: 'conflict', message: `The policy gives a session transcript but asks for mode "${mode}".` };
  }
  if (mode === 'any' || mode === 'one-way' || mode === 'two-way') return { kind: mode };
  return { kind: 'conflict', message: `Unknown policy mode "${String(mode)}".` };
}

export class ReportBuilder {
  readonly checks: Check[] = [];
  add(category: CheckCategory, check: string, outcome: CheckOutcome, code: string, message: string, details?: Record<string, unknown>): void {
    this.checks.push(details ? { category, check, outcome, code, message, details } : { category, check, outcome, code, message });
  }
  pass(category: CheckCategory, check: string, message: string, details?: Record<string, unknown>): void {
    this.add(category, check, 'pass', 'ok', message, details);
  }
  fail(category: CheckCategory, check: string, code: string, message: string, details?: Record<string, unknown>): void {
    this.add(category, check, 'fail', code, message, details);
  }
  warn(category: CheckCategory, check: string, code: string, message: string, details?: Record<string, unknown>): void {
    this.add(category, check, 'warn', code, message, details);
  }
  skip(category: CheckCategory, check: string, message: string): void {
    this.add(category, check, 'skip', 'credential/skipped', message);
  }
}

type ParsedMode =
  | { readonly kind: 'one-way'; readonly time: number }
  | { readonly kind: 'two-way'; readonly nonce: Uint8Array }
  | { readonly kind: 'web'; readonly nonce: Uint8Array; readonly origin: string };

interface Parsed {
  /** undefined for a bare DeviceResponse. */
  readonly mode: ParsedMode | undefined;
  readonly docType: string;
  readonly credential: Omit<Credential, 'docType'>;
  readonly deviceSigned: CborMap | undefined;
}

/** How far ahead of the verifier's clock a trust or status list may be dated (issuer desks' clocks drift too). */
const LIST_SKEW_MS = 5 * 60_000;

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

function decodeInput(input: Uint8Array | string, maxBytes: number): CborValue {
  let bytes: Uint8Array;
  if (typeof input === 'string') {
    const t = input.trim();
    if (t.startsWith(QR_PREFIX) || /^EID/.test(t)) bytes = fromQrText(t, maxBytes);
    else if (/^[0-9a-fA-F\s]+$/.test(t)) bytes = fromHex(t);
    else throw new EidkitError('credential/not-eidkit-qr', 'The text is neither an eidkit QR code nor hexadecimal CBOR.');
  } else if (input.length >= 5 && new TextDecoder().decode(input.subarray(0, 5)) === QR_PREFIX) {
    bytes = fromQrText(new TextDecoder().decode(input), maxBytes);
  } else bytes = input;
  if (bytes.length > maxBytes) throw new EidkitError('credential/too-large', `The presentation exceeds ${maxBytes} bytes.`);
  return decodeCbor(bytes);
}

/** Envelope or bare DeviceResponse → the one document in it. Throws EidkitError on anything malformed. */
function parsePresentation(value: CborValue): Parsed {
  let mode: Parsed['mode'];
  let response: CborValue;
  if (Array.isArray(value)) {
    if (value.length !== 3 || value[0] !== ENVELOPE_VERSION) {
      throw new EidkitError('credential/unknown-version', 'Unknown eidkit presentation version.');
    }
    const handover = arrayOf(value[1], 'handover');
    const web = handover[0] === MODE_WEB && handover.length === 3;
    if (handover.length !== 2 && !web) throw new EidkitError('credential/bad-mdoc', 'The handover must have two items.');
    if (web) {
      const [, nonce, origin] = handover;
      if (!(nonce instanceof Uint8Array) || nonce.length !== NONCE_BYTES || typeof origin !== 'string' || origin.length > MAX_WEB_ORIGIN_LENGTH) {
        throw new EidkitError('credential/bad-mdoc', 'The web handover must be [3, nonce, origin].');
      }
      mode = { kind: 'web', nonce, origin };
    } else if (handover[0] === MODE_ONE_WAY && typeof handover[1] === 'number' && Number.isSafeInteger(handover[1]) && handover[1] >= 0) {
      mode = { kind: 'one-way', time: handover[1] };
    } else if (handover[0] === MODE_TWO_WAY && handover[1] instanceof Uint8Array && handover[1].length === NONCE_BYTES) {
      mode = { kind: 'two-way', nonce: handover[1] };
    } else throw new EidkitError('credential/bad-mdoc', 'The handover is not a known holder-binding mode.');
    response = value[2]!;
  } else {
    response = value;
  }
  const r = mapOf(response, 'DeviceResponse');
  if (r.get('version') !== '1.0') throw new EidkitError('credential/unknown-version', 'DeviceResponse version must be "1.0".');
  if (r.get('status') !== 0) throw new EidkitError('credential/bad-mdoc', `DeviceResponse status is ${String(r.get('status'))}, not 0 (OK).`);
  if (r.has('documentErrors')) throw new EidkitError('credential/bad-mdoc', 'The response reports document errors.');
  const docs = arrayOf(r.get('documents'), 'documents');
  if (docs.length !== 1) throw new EidkitError('credential/bad-mdoc', `Expected exactly one document, found ${docs.length}.`);
  const doc = mapOf(docs[0], 'document');
  const docType = textOf(doc.get('docType'), 'docType');
  const credential = readIssuerSigned(doc.get('issuerSigned') ?? null);
  const ds = doc.get('deviceSigned');
  return { mode, docType, credential, deviceSigned: ds === undefined ? undefined : mapOf(ds, 'deviceSigned') };
}

// A Map, not a plain object: the key is the credential's own digestAlgorithm text ("constructor", "__proto__" …).
const DIGEST_NAMES: ReadonlyMap<string, string> = new Map([
  ['SHA-256', 'SHA-256'],
  ['SHA-384', 'SHA-384'],
  ['SHA-512', 'SHA-512'],
]);

/** Element data for people: an object with no prototype, so no element id can reach Object.prototype. */
const noPrototype = (): Record<string, unknown> => Object.create(null) as Record<string, unknown>;

export async function verifyPresentation(
  input: Uint8Array | string,
  trust: TrustList | undefined,
  statusLists: readonly StatusList[] | undefined,
  now: Date,
  policy: VerifyPolicy = {},
): Promise<VerificationReport> {
  const r = new ReportBuilder();
  const out: {
    docType?: string;
    elements: Record<string, unknown>;
    issuer?: TrustedIssuer;
    iaca?: Certificate;
    ds?: Certificate;
    mode?: VerificationReport['mode'];
    origin?: string;
    presentedAt?: number;
    validity?: VerificationReport['validity'];
  } = { elements: noPrototype() };
  try {
    // An Invalid Date would make every time comparison false, i.e. every validity check pass.
    if (!Number.isFinite(now.getTime())) r.fail('format', 'format.time', 'credential/bad-time', 'The verification time is not a valid date.');
    else await runChecks(r, out, input, trust, statusLists ?? [], now.getTime(), policy);
  } catch (e) {
    // Defence in depth: the checks handle their own errors; anything reaching here is a bug, and still not a pass.
    r.fail('format', 'format.internal', 'credential/internal', `Verification stopped unexpectedly: ${e instanceof Error ? e.message : String(e)}`);
  }
  const checks = r.checks;
  const verdict: Verdict = checks.some((c) => c.outcome === 'fail')
    ? 'invalid'
    : checks.some((c) => c.outcome === 'warn')
      ? 'warning'
      : 'valid';
  const byCategory = Object.fromEntries(CHECK_CATEGORIES.map((c) => [c, checks.filter((x) => x.category === c)])) as Record<
    CheckCategory,
    Check[]
  >;
  const finalVerdict: Verdict = checks.length === 0 ? 'invalid' : verdict;
  return {
    verdict: finalVerdict,
    checks,
    byCategory,
    docType: out.docType,
    // Invalid means nothing to show: not even elements whose own digests were fine.
    elements: finalVerdict === 'invalid' ? noPrototype() : out.elements,
    issuer: out.issuer ? { id: out.issuer.id, name: out.issuer.name, country: out.issuer.country, demo: out.issuer.demo === true } : undefined,
    documentSigner: out.ds?.subject.text,
    mode: out.mode,
    ...(out.origin !== undefined ? { origin: out.origin } : {}),
    presentedAt: out.presentedAt,
    validity: out.validity,
    trustList:
      trust && trust.signedBy
        ? { version: trust.version, issuedAt: trust.issuedAt, expiresAt: trust.expiresAt, ageSeconds: Math.floor((now.getTime() - trust.issuedAt) / 1000) }
        : undefined,
  };
}

function errorCode(e: unknown): { code: string; message: string } {
  if (e instanceof EidkitError) return { code: e.code, message: e.message };
  if (e instanceof RangeError) return { code: 'credential/bad-cbor', message: 'The data is malformed.' };
  return { code: 'credential/bad-mdoc', message: e instanceof Error ? e.message : String(e) };
}

async function runChecks(
  r: ReportBuilder,
  out: {
    docType?: string;
    elements: Record<string, unknown>;
    issuer?: TrustedIssuer;
    iaca?: Certificate;
    ds?: Certificate;
    mode?: VerificationReport['mode'];
    origin?: string;
    presentedAt?: number;
    validity?: VerificationReport['validity'];
  },
  input: Uint8Array | string,
  trust: TrustList | undefined,
  statusLists: readonly StatusList[],
  now: number,
  policy: VerifyPolicy,
): Promise<void> {
  // ---- format ----
  let parsed: Parsed;
  try {
    parsed = parsePresentation(decodeInput(input, policy.maxBytes ?? DEFAULT_MAX_INFLATED_BYTES));
  } catch (e) {
    const { code, message } = errorCode(e);
    r.fail('format', 'format.decode', code, message);
    return;
  }
  r.pass('format', 'format.decode', 'The presentation is well-formed.');
  const { credential, docType } = parsed;
  const { mso } = credential;
  out.docType = docType;
  const docTypes = policy.docTypes ?? [EID_DOC_TYPE];
  if (docTypes.includes(docType)) r.pass('format', 'format.doc-type', `Document type ${docType}.`);
  else r.fail('format', 'format.doc-type', 'credential/wrong-doc-type', `Document type "${docType}" is not accepted here (expected ${docTypes.join(', ')}).`);

  // ---- issuer: certificate, signature, chain ----
  let ds: Certificate | undefined = credential.dsCertificate;
  let referencedIssuer: TrustedIssuer | undefined;
  if (!ds) {
    const x5t = credential.issuerAuth.unprotected.get(CoseHeader.x5t);
    const ref = Array.isArray(x5t) && x5t.length === 2 && x5t[0] === COSE_SHA256_64 && x5t[1] instanceof Uint8Array ? x5t[1] : undefined;
    const hit = ref && trust ? trust.documentSignerIndex.get(toHex(ref)) : undefined;
    if (hit) {
      ds = hit.certificate;
      referencedIssuer = hit.issuer;
    } else if (ref) {
      r.fail('issuer', 'issuer.certificate', 'credential/ds-unknown', 'The document signer certificate is referenced by thumbprint, but the trust list does not hold it.', { x5t: toHex(ref) });
    } else {
      r.fail('issuer', 'issuer.certificate', 'credential/ds-missing', 'The presentation carries no document signer certificate.');
    }
  }
  out.ds = ds;
  let issuerSignatureOk = false;
  let trusted = false;
  if (ds) {
    r.pass('issuer', 'issuer.certificate', `Document signer "${ds.subject.text}" issued by "${ds.issuer.text}".`);
    issuerSignatureOk = await checkIssuerSignature(r, credential.issuerAuth, ds);
    // Data is vouched for only by a valid signature from a trusted chain.
    let chainOk = false;
    if (trust === undefined || trust.issuers.length === 0) {
      r.fail('issuer', 'issuer.chain', 'credential/chain-untrusted', `No trust anchor: "${ds.issuer.text}" is not in a trust list.`);
      checkCertTimes(r, ds, undefined, mso.signed, now);
    } else {
      const chained = await chainToTrustList(ds, trust, true);
      if (chained.ok) {
        out.issuer = chained.issuer;
        out.iaca = chained.iaca;
        if (referencedIssuer && referencedIssuer !== chained.issuer) {
          r.fail('issuer', 'issuer.chain', 'credential/chain-untrusted', 'The referenced certificate is listed under another issuer.');
        } else if (chained.issuer.docTypes && !chained.issuer.docTypes.includes(docType)) {
          r.fail('issuer', 'issuer.chain', 'credential/doc-type-not-authorised', `${chained.issuer.name} is trusted for ${chained.issuer.docTypes.join(', ')} only, not "${docType}".`);
        } else {
          chainOk = true;
          r.pass('issuer', 'issuer.chain', `Chains to the IACA "${chained.iaca.subject.text}" of ${chained.issuer.name}.`, chained.issuer.demo ? { demo: true } : undefined);
        }
        checkCountry(r, ds, chained.iaca, credential);
        checkCertTimes(r, ds, chained.iaca, mso.signed, now);
      } else {
        r.fail('issuer', 'issuer.chain', chained.reason === 'profile' ? 'credential/ds-profile' : 'credential/chain-untrusted', chained.message);
        checkCertTimes(r, ds, undefined, mso.signed, now);
      }
    }
    if (trust && trust.signedBy) {
      if (trust.issuedAt > now + LIST_SKEW_MS) {
        r.fail('issuer', 'issuer.trust-list', 'credential/trust-list-future', `The trust list claims to be issued on ${iso(trust.issuedAt)}, in the future.`);
      } else if (now > trust.expiresAt) {
        const msg = `The trust list (version ${trust.version}) expired on ${iso(trust.expiresAt)}; issuers may have changed since.`;
        if ((policy.expiredTrustList ?? 'warn') === 'fail') r.fail('issuer', 'issuer.trust-list', 'credential/trust-list-expired', msg);
        else r.warn('issuer', 'issuer.trust-list', 'credential/trust-list-expired', msg);
      } else {
        r.pass('issuer', 'issuer.trust-list', `Trust list version ${trust.version}, issued ${iso(trust.issuedAt)}.`);
      }
    }
    trusted = issuerSignatureOk && chainOk;
  } else {
    r.skip('issuer', 'issuer.signature', 'No certificate to check the issuer signature with.');
  }

  // ---- integrity: digests of every disclosed element ----
  await checkDigests(r, out, credential, docType, trusted);

  // ---- validity ----
  out.validity = { signed: mso.signed, validFrom: mso.validFrom, validUntil: mso.validUntil };
  // Clocks of issuer desks and verifier phones differ a little; the same tolerance as for one-way times applies.
  if (now < mso.validFrom - (policy.futureSkewSeconds ?? 30) * 1000) {
    r.fail('validity', 'validity.mso', 'credential/not-yet-valid', `The credential is valid only from ${iso(mso.validFrom)}.`);
  } else if (now > mso.validUntil) {
    r.fail('validity', 'validity.mso', 'credential/expired', `The credential expired on ${iso(mso.validUntil)}.`);
  } else {
    r.pass('validity', 'validity.mso', `Valid from ${iso(mso.validFrom)} until ${iso(mso.validUntil)}.`);
  }
  if (mso.validFrom < mso.signed - 5 * 60_000) {
    r.fail('validity', 'validity.signed', 'credential/bad-validity', 'The credential claims validity from before it was signed.');
  }
  const expiry = out.elements.expiry_date;
  if (typeof expiry === 'string') {
    const t = parseFullDate(expiry);
    if (t === undefined) r.fail('validity', 'validity.document', 'credential/bad-element', 'expiry_date is not a date.');
    else if (now >= t + 86_400_000) r.fail('validity', 'validity.document', 'credential/document-expired', `The identity document expired on ${expiry}.`);
    else r.pass('validity', 'validity.document', `The identity document is valid until ${expiry}.`);
  }

  // ---- device authentication + freshness ----
  await checkDevice(r, out, parsed, now, policy);

  // ---- status ----
  checkStatus(r, mso.status, trusted && out.issuer && out.iaca && ds ? { issuer: out.issuer, iaca: out.iaca, ds } : undefined, statusLists, now, policy);
}

async function checkIssuerSignature(r: ReportBuilder, issuerAuth: CoseSign1, ds: Certificate): Promise<boolean> {
  if (!ds.publicKey) {
    r.fail('issuer', 'issuer.signature', 'credential/alg-unsupported', 'The document signer key is not a supported EC key.');
    return false;
  }
  const res = await verifyCoseSign1(issuerAuth, ds.publicKey);
  if (res.ok) {
    r.pass('issuer', 'issuer.signature', 'The issuer signature over the security object is valid.');
    return true;
  }
  const messages = {
    'alg-missing': 'The issuer signature names no algorithm in its protected header.',
    'alg-unsupported': 'The issuer signature uses an algorithm that is not accepted (only ES256/384/512).',
    'alg-mismatch': "The issuer signature's algorithm does not match the certificate's key.",
    'signature-invalid': 'The issuer signature is not valid: the security object was altered or signed by another key.',
  } as const;
  r.fail('issuer', 'issuer.signature', `credential/issuer-${res.reason}`, messages[res.reason]);
  return false;
}

function checkCountry(r: ReportBuilder, ds: Certificate, iaca: Certificate, credential: Omit<Credential, 'docType'>): void {
  const iacaCountry = nameAttribute(iaca.subject, OID.country);
  const dsCountry = nameAttribute(ds.subject, OID.country);
  let claimed: unknown;
  for (const items of credential.nameSpaces.values()) {
    for (const it of items) if (it.elementIdentifier === 'issuing_country') claimed = it.elementValue;
  }
  if (dsCountry !== iacaCountry) {
    r.fail('issuer', 'issuer.country', 'credential/country-mismatch', `The document signer's country (${dsCountry}) differs from its IACA's (${iacaCountry}).`);
  } else if (claimed !== undefined && claimed !== iacaCountry) {
    r.fail('issuer', 'issuer.country', 'credential/country-mismatch', `issuing_country ${String(claimed)} does not match the issuing authority's country ${iacaCountry}.`);
  } else {
    r.pass('issuer', 'issuer.country', `Issuing country ${iacaCountry}.`);
  }
}

function checkCertTimes(r: ReportBuilder, ds: Certificate, iaca: Certificate | undefined, signed: number, now: number): void {
  if (signed < ds.notBefore || signed > ds.notAfter) {
    r.fail('validity', 'validity.ds-certificate', 'credential/signed-outside-certificate', 'The credential was signed outside the document signer certificate validity.');
  } else if (now > ds.notAfter) {
    r.fail('validity', 'validity.ds-certificate', 'credential/certificate-expired', `The document signer certificate expired on ${iso(ds.notAfter)}.`);
  } else if (now < ds.notBefore) {
    r.fail('validity', 'validity.ds-certificate', 'credential/certificate-not-yet-valid', `The document signer certificate is valid only from ${iso(ds.notBefore)}.`);
  } else {
    r.pass('validity', 'validity.ds-certificate', `Document signer certificate valid until ${iso(ds.notAfter)}.`);
  }
  if (iaca) {
    if (now > iaca.notAfter || now < iaca.notBefore) {
      r.fail('validity', 'validity.iaca-certificate', 'credential/certificate-expired', `The IACA certificate is not valid now (valid ${iso(iaca.notBefore)} to ${iso(iaca.notAfter)}).`);
    } else r.pass('validity', 'validity.iaca-certificate', `IACA certificate valid until ${iso(iaca.notAfter)}.`);
  }
}

async function checkDigests(
  r: ReportBuilder,
  out: { elements: Record<string, unknown> },
  credential: Omit<Credential, 'docType'>,
  docType: string,
  trusted: boolean,
): Promise<void> {
  const { mso } = credential;
  if (mso.docType !== docType) {
    r.fail('integrity', 'integrity.doc-type', 'credential/doc-type-mismatch', `The security object is for "${mso.docType}", the document says "${docType}".`);
  }
  if (mso.version !== '1.0') r.fail('integrity', 'integrity.mso-version', 'credential/unknown-version', `Unknown security object version "${mso.version}".`);
  const alg = DIGEST_NAMES.get(mso.digestAlgorithm);
  if (!alg) {
    r.fail('integrity', 'integrity.digests', 'credential/digest-algorithm', `Digest algorithm "${mso.digestAlgorithm}" is not accepted.`);
    return;
  }
  let total = 0;
  let good = 0;
  const problems: string[] = [];
  let code = 'credential/digest-mismatch';
  const verified = noPrototype();
  for (const [ns, items] of credential.nameSpaces) {
    const digests = mso.valueDigests.get(ns);
    const usedIds = new Set<number>();
    const usedNames = new Set<string>();
    for (const it of items) {
      total++;
      if (usedIds.has(it.digestID) || usedNames.has(it.elementIdentifier)) {
        problems.push(`${it.elementIdentifier}: disclosed twice`);
        code = 'credential/duplicate-element';
        continue;
      }
      usedIds.add(it.digestID);
      usedNames.add(it.elementIdentifier);
      const expected = digests?.get(it.digestID);
      if (!expected) {
        problems.push(`${it.elementIdentifier}: no digest ${it.digestID} in the security object`);
        code = 'credential/digest-missing';
        continue;
      }
      const actual = new Uint8Array(await subtle().digest(alg, bs(it.bytes.raw)));
      if (actual.length === expected.length && actual.every((b, i) => b === expected[i])) {
        const dateProblem = badDateValue(it.elementValue);
        if (dateProblem) {
          problems.push(`${it.elementIdentifier}: ${dateProblem}`);
          code = 'credential/bad-element';
          continue;
        }
        good++;
        if (!Object.hasOwn(verified, it.elementIdentifier)) verified[it.elementIdentifier] = plainValue(it.elementValue);
      } else {
        problems.push(`${it.elementIdentifier}: value does not match its digest`);
      }
    }
  }
  if (total === 0) r.fail('integrity', 'integrity.digests', 'credential/nothing-disclosed', 'The presentation discloses no data elements.');
  else if (problems.length === 0) r.pass('integrity', 'integrity.digests', `${good} of ${total} element digests are valid.`, { valid: good, total });
  else r.fail('integrity', 'integrity.digests', code, `${good} of ${total} element digests are valid; ${problems.join('; ')}.`, { valid: good, total, problems });
  if (trusted && problems.length === 0) Object.assign(out.elements, verified);
}

/** A signed date must be a real one: full-date (tag 1004) and tdate (tag 0) elements are checked on the calendar. */
function badDateValue(v: CborValue): string | undefined {
  if (!(v instanceof Tagged) || (v.tag !== 1004 && v.tag !== 0)) return undefined;
  if (typeof v.value !== 'string') return 'a date tag must hold text';
  if (v.tag === 1004) return parseFullDate(v.value) === undefined ? `"${v.value}" is not a calendar date` : undefined;
  try {
    readTdate(v, 'date');
    return undefined;
  } catch {
    return `"${v.value}" is not a calendar date and time`;
  }
}

async function checkDevice(
  r: ReportBuilder,
  out: { mode?: VerificationReport['mode']; origin?: string; presentedAt?: number },
  parsed: Parsed,
  now: number,
  policy: VerifyPolicy,
): Promise<void> {
  const { mode } = parsed;
  const required = requiredBinding(policy);
  // Freshness first: it decides which transcript the device signature must cover.
  let transcript: CborValue | undefined;
  const wrongMode = (message: string): void => r.fail('freshness', 'freshness.mode', 'credential/wrong-mode', message);
  if (mode !== undefined) out.mode = mode.kind;
  if (required.kind === 'conflict') {
    r.fail('freshness', 'freshness.mode', 'credential/bad-policy', `The verification policy contradicts itself: ${required.message}`);
  } else if (required.kind === 'web' || mode?.kind === 'web') {
    // An online answer, or a verifier that takes online answers only (a QR shown on a screen is no answer to a site).
    if (required.kind === 'web' || required.kind === 'any') transcript = await checkWebSession(r, out, mode, now, policy);
    else wrongMode(`This verifier asked for a ${required.kind} presentation, not an online answer.`);
  } else if (mode === undefined) {
    if (required.kind === 'session') {
      const st = policy.sessionTranscript!;
      try {
        transcript = st instanceof Uint8Array ? decodeCbor(st) : st;
        out.mode = 'session';
        r.pass('freshness', 'freshness.session', "Bound to the caller's session transcript.");
      } catch {
        r.fail('freshness', 'freshness.session', 'credential/bad-policy', 'The session transcript given by the caller is not CBOR.');
      }
    } else if (required.kind === 'one-way' || required.kind === 'two-way') {
      wrongMode(`This verifier asked for a ${required.kind} eidkit presentation, not a bare DeviceResponse.`);
    } else {
      r.fail('freshness', 'freshness.mode', 'credential/freshness-unknown', 'A bare DeviceResponse without its session transcript cannot be checked for freshness or replay.');
    }
  } else if (required.kind === 'session') {
    wrongMode(`This verifier expects an answer bound to its own session, not a ${mode.kind} eidkit presentation.`);
  } else if (mode.kind === 'one-way') {
    out.presentedAt = mode.time * 1000;
    transcript = sessionTranscript(mode);
    const age = now / 1000 - mode.time;
    const window = policy.windowSeconds ?? 60;
    const skew = policy.futureSkewSeconds ?? 30;
    if (required.kind === 'two-way') {
      wrongMode('This verifier asked for a two-way presentation (scan its challenge first).');
    } else if (age > window) {
      r.fail('freshness', 'freshness.window', 'credential/stale', `The QR code was made ${Math.round(age)} s ago; only codes younger than ${window} s are accepted (a screenshot?).`, { ageSeconds: Math.round(age) });
    } else if (age < -skew) {
      r.fail('freshness', 'freshness.window', 'credential/from-future', `The QR code claims a time ${Math.round(-age)} s in the future; check the phone clocks.`);
    } else {
      r.pass('freshness', 'freshness.window', `Made ${Math.max(0, Math.round(age))} s ago (window ${window} s).`);
    }
  } else {
    const c = policy.challenge;
    if (required.kind === 'one-way') {
      wrongMode('This verifier accepts one-way presentations only.');
    } else if (!c) {
      r.fail('freshness', 'freshness.challenge', 'credential/no-challenge', 'A two-way presentation needs the challenge this verifier showed.');
    } else if (!(c.nonce.length === mode.nonce.length && c.nonce.every((b, i) => b === mode.nonce[i]))) {
      r.fail('freshness', 'freshness.challenge', 'credential/challenge-mismatch', 'The presentation answers another challenge (replayed or relayed).');
    } else if (now - c.createdAt > (policy.challengeMaxAgeSeconds ?? 300) * 1000) {
      r.fail('freshness', 'freshness.challenge', 'credential/challenge-expired', 'The challenge is too old; show a new one.');
    } else {
      transcript = sessionTranscript({ kind: 'two-way', nonce: c.nonce, readerKey: c.readerKey });
      r.pass('freshness', 'freshness.challenge', "Answers this verifier's challenge.");
    }
  }

  const ds = parsed.deviceSigned;
  if (!ds) {
    r.fail('device', 'device.signature', 'credential/device-auth-missing', 'The presentation has no device authentication (holder binding).');
    return;
  }
  let deviceAuth: CborMap;
  let nameSpaces: CborValue | undefined;
  try {
    deviceAuth = mapOf(ds.get('deviceAuth'), 'deviceAuth');
    nameSpaces = ds.get('nameSpaces');
    if (!(nameSpaces instanceof EmbeddedCbor)) throw new EidkitError('credential/bad-mdoc', 'DeviceNameSpacesBytes must be tag 24.');
    mapOf(decodeCbor(nameSpaces.bytes), 'DeviceNameSpaces');
  } catch (e) {
    r.fail('device', 'device.signature', errorCode(e).code, `Device authentication is malformed: ${errorCode(e).message}`);
    return;
  }
  if (deviceAuth.has('deviceMac') && !deviceAuth.has('deviceSignature')) {
    r.fail('device', 'device.signature', 'credential/device-mac-not-checkable', 'Device authentication is a MAC (deviceMac), which needs session keys the QR transport does not have: not checkable.');
    return;
  }
  let sign1: CoseSign1;
  try {
    sign1 = readCoseSign1(deviceAuth.get('deviceSignature') ?? null);
  } catch (e) {
    r.fail('device', 'device.signature', errorCode(e).code, `The device signature is malformed: ${errorCode(e).message}`);
    return;
  }
  if (!transcript) {
    // Freshness has already failed in every way of getting here, so the verdict is "invalid" without a second fail.
    r.skip('device', 'device.signature', 'Holder binding cannot be checked without a valid session (see freshness).');
    return;
  }
  const signedBytes = deviceAuthenticationBytes(transcript, parsed.docType, nameSpaces);
  const res = await verifyCoseSign1(sign1, parsed.credential.mso.deviceKey, signedBytes);
  if (sign1.payload !== null) {
    r.fail('device', 'device.signature', 'credential/device-bad-payload', 'The device signature must have a detached payload.');
  } else if (res.ok) {
    r.pass('device', 'device.signature', 'The holder’s device key signed this presentation (the credential is bound to this phone).');
  } else {
    const messages = {
      'alg-missing': 'The device signature names no algorithm.',
      'alg-unsupported': 'The device signature uses an algorithm that is not accepted.',
      'alg-mismatch': "The device signature's algorithm does not match the device key.",
      'signature-invalid': 'The device signature is not valid: made by another key or for another session.',
    } as const;
    r.fail('device', 'device.signature', `credential/device-${res.reason}`, messages[res.reason]);
  }
}

/** The credential's own issuing chain, which a status list must be bound to. */
interface IssuerBinding {
  readonly issuer: TrustedIssuer;
  readonly iaca: Certificate;
  readonly ds: Certificate;
}

/**
 * A status list counts for a credential only when its signer is bound to the credential's issuer by key material:
 * the signer chained to the very IACA certificate the credential's DS chained to (the DS itself, or another signer
 * that IACA certified), or it is a certificate the (signed) trust list names for that issuer. Ids and names are never
 * compared: a hostile trust file can file its own IACA under any issuer's id.
 */
function isBound(list: StatusList, bound: IssuerBinding): boolean {
  if (bytesEqual(list.iaca.der, bound.iaca.der)) return true;
  return bound.issuer.documentSigners.some((c) => bytesEqual(c.der, list.signer.der));
}

function checkStatus(
  r: ReportBuilder,
  ref: { readonly index: number; readonly uri: string } | undefined,
  bound: IssuerBinding | undefined,
  lists: readonly StatusList[],
  now: number,
  policy: VerifyPolicy,
): void {
  if (!ref) {
    r.pass('status', 'status.entry', 'The issuer gave this credential no status entry (it cannot be revoked).');
    return;
  }
  const unknown = (code: string, message: string): void =>
    policy.requireStatus ? r.fail('status', 'status.entry', code, message) : r.warn('status', 'status.entry', code, message);
  const forUri = lists.filter((l) => l.uri === ref.uri);
  if (forUri.length === 0) {
    unknown('credential/status-unknown', `Status unknown: no status list for ${ref.uri} is loaded.`);
    return;
  }
  if (!bound) {
    r.skip('status', 'status.entry', 'The status cannot be checked for a credential whose issuer is not trusted.');
    return;
  }
  const mine = forUri.filter((l) => isBound(l, bound));
  if (mine.length === 0) {
    r.fail('status', 'status.entry', 'credential/status-wrong-issuer', 'The status list was signed by another issuer than the credential.');
    return;
  }
  // A list dated ahead of the clock would win every "newest" comparison until that date: refused.
  const current = mine.filter((l) => l.issuedAt <= now + LIST_SKEW_MS);
  if (current.length === 0) {
    unknown('credential/status-list-future', `Status unknown: the status list for ${ref.uri} claims to be issued in the future.`);
    return;
  }
  // Among several lists for one URI the newest wins, whatever order they were given in.
  const list = current.reduce((a, b) => (b.issuedAt > a.issuedAt ? b : a));
  const value = statusAt(list, ref.index);
  if (value === StatusValue.invalid) {
    r.fail('status', 'status.entry', 'credential/revoked', 'The issuer has revoked this credential.', { index: ref.index });
    return;
  }
  if (value === StatusValue.suspended) {
    r.fail('status', 'status.entry', 'credential/suspended', 'The issuer has suspended this credential (e.g. reported lost).', { index: ref.index });
    return;
  }
  if (value === undefined) {
    unknown('credential/status-unknown', `Status unknown: index ${ref.index} is not covered by the list.`);
    return;
  }
  if (value !== StatusValue.valid) {
    r.fail('status', 'status.entry', 'credential/status-unknown-value', `The status list holds an unknown status (${value}).`);
    return;
  }
  const maxAge = policy.statusMaxAgeSeconds;
  const ttlEnd = list.ttlSeconds !== undefined ? list.issuedAt + list.ttlSeconds * 1000 : Infinity;
  if (now > list.expiresAt || now > ttlEnd || (maxAge !== undefined && now - list.issuedAt > maxAge * 1000)) {
    unknown('credential/status-stale', `Status unknown: the status list from ${iso(list.issuedAt)} is out of date; it said "valid" then.`);
    return;
  }
  r.pass('status', 'status.entry', `Not revoked (status list of ${iso(list.issuedAt)}).`);
}
