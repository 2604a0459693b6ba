/**
 * ISO/IEC 18013-5 Annex C VICAL (Verified Issuer Certificate Authority List): the signed list of IACA certificates
 * that mDL readers use, read and written here as a trust source beside eidkit's own trust list. Wire form (C.1.7.1):
 *   COSE_Sign1, protected {alg}, unprotected {x5chain: VICAL signer certificate (EKU 1.0.18013.5.1.8) [, its CA]},
 *   payload VICAL = {
 *     "version": tstr, "vicalProvider": tstr, "date": tdate, ? "vicalIssueID": uint, ? "nextUpdate": tdate,
 *     "certificateInfos": [* CertificateInfo], ? "extensions": {…}, * tstr => any }
 *   CertificateInfo = {
 *     "certificate": bstr, "serialNumber": biguint, "ski": bstr, "docType": [+ tstr], ? "certificateProfile": [+ tstr],
 *     ? "issuingAuthority": tstr, ? "issuingCountry": tstr, ? "stateOrProvinceName": tstr, ? "issuer": bstr,
 *     ? "subject": bstr, ? "notBefore": tdate, ? "notAfter": tdate, ? "extensions": {…}, * tstr => any }
 * Each CertificateInfo becomes one TrustedIssuer whose `docTypes` are the entry's, so a VICAL federates many
 * authorities each trusted only for what the provider listed. `vicalIssueID` is the version: never backwards.
 */
import { EidkitError } from '../errors.ts';
import { bytesEqual, decodeCbor, encodeCbor, Tagged, type CborMap, type CborValue } from './cbor.ts';
import { iacaProfileProblem } from './chain.ts';
import { CoseHeader, coseSign1ToCbor, readCoseSign1, signCoseSign1, verifyCoseSign1 } from './cose.ts';
import { generateP256KeyPair, publicKeyPoint, webCryptoSigner, type Signer } from './crypto.ts';
import { toHex } from './bytes.ts';
import { arrayOf, bytesOf, mapOf, readTdate, readX5chain, tdate, textOf, uintOf } from './mdoc.ts';
import { certificateThumbprint } from './present.ts';
import { checkTrustListTimes, type OpenTrustOptions, type TrustList, type TrustListAnchor, type TrustedIssuer } from './trust-list.ts';
import { createCertificate, Extensions, isSignedBy, KeyUsage, keyIdentifier, nameAttribute, OID, parseCertificate, type Certificate } from './x509.ts';

/** id-mdl-kp-mdlVICAL: the extended key usage of a VICAL signer certificate (Annex C.1.7.2). */
export const VICAL_SIGNER_EKU = '1.0.18013.5.1.8';
export const VICAL_VERSION = '1.0';
const DAY = 86_400_000;

export interface VicalEntryInput {
  /** The IACA certificate (DER). */
  readonly certificate: Uint8Array;
  readonly docTypes: readonly string[];
  readonly issuingAuthority?: string;
  readonly issuingCountry?: string;
  readonly stateOrProvinceName?: string;
  readonly certificateProfiles?: readonly string[];
}

export interface VicalInput {
  readonly provider: string;
  readonly date: Date;
  /** Monotonically increasing: verifiers refuse a lower one than they hold. */
  readonly issueId: number;
  readonly nextUpdate?: Date;
  readonly entries: readonly VicalEntryInput[];
}

export interface VicalSigner {
  /** Leaf first: the VICAL signer certificate, then (optionally) the CA that issued it. */
  readonly certificateChain: readonly Uint8Array[];
  readonly signer: Signer;
}

function bad(message: string): EidkitError {
  return new EidkitError('credential/bad-vical', message);
}

/** Writes and signs a VICAL. */
export async function signVical(input: VicalInput, key: VicalSigner): Promise<Uint8Array> {
  if (!input.provider) throw bad('A VICAL needs a provider name.');
  if (!Number.isSafeInteger(input.issueId) || input.issueId < 0) throw bad('vicalIssueID must be a whole number.');
  if (key.certificateChain.length === 0) throw bad('A VICAL is signed with a certificate (x5chain).');
  const infos: CborMap[] = [];
  for (const e of input.entries) {
    const cert = parseCertificate(e.certificate);
    if (e.docTypes.length === 0 || e.docTypes.some((d) => typeof d !== 'string' || !d)) throw bad(`"${cert.subject.text}" needs at least one document type.`);
    const info: CborMap = new Map<string, CborValue>([
      ['certificate', e.certificate],
      ['serialNumber', new Tagged(2, cert.serial)],
      ['ski', cert.subjectKeyId ?? (cert.publicKey ? await keyIdentifier(cert.publicKey) : new Uint8Array())],
      ['docType', [...e.docTypes]],
      ['notBefore', tdate(cert.notBefore)],
      ['notAfter', tdate(cert.notAfter)],
    ]);
    if (e.certificateProfiles?.length) info.set('certificateProfile', [...e.certificateProfiles]);
    if (e.issuingAuthority) info.set('issuingAuthority', e.issuingAuthority);
    if (e.issuingCountry) info.set('issuingCountry', e.issuingCountry);
    if (e.stateOrProvinceName) info.set('stateOrProvinceName', e.stateOrProvinceName);
    infos.push(info);
  }
  const vical: CborMap = new Map<string, CborValue>([
    ['version', VICAL_VERSION],
    ['vicalProvider', input.provider],
    ['date', tdate(input.date.getTime())],
    ['vicalIssueID', input.issueId],
    ['certificateInfos', infos],
  ]);
  if (input.nextUpdate) vical.set('nextUpdate', tdate(input.nextUpdate.getTime()));
  const chain = key.certificateChain.length === 1 ? key.certificateChain[0]! : [...key.certificateChain];
  const signed = await signCoseSign1({ payload: encodeCbor(vical), unprotected: new Map([[CoseHeader.x5chain, chain]]), signer: key.signer });
  return encodeCbor(coseSign1ToCbor(signed));
}

export interface OpenedVical {
  readonly trust: TrustList;
  readonly provider: string;
  /** Entries left out, with the reason (a VICAL from the field may carry one odd certificate; the rest still count). */
  readonly refused: readonly { readonly subject: string; readonly reason: string }[];
}

/**
 * Checks a VICAL's signature and reads it as a TrustList. The signer certificate (x5chain leaf) must carry the VICAL
 * EKU and either be an anchor's key itself or be signed by one (the provider's CA); the VICAL date must lie in its
 * validity. Anchors are pinned keys, exactly as for eidkit trust lists; their `keyId` names the provider.
 */
export async function openVical(bytes: Uint8Array, anchors: readonly TrustListAnchor[], opts: OpenTrustOptions = {}): Promise<OpenedVical> {
  const sign1 = readCoseSign1(decodeCbor(bytes, { maxDepth: 12 }));
  const chain = readX5chain(sign1.unprotected.get(CoseHeader.x5chain) ?? sign1.protectedHeaders.get(CoseHeader.x5chain));
  if (!chain || !sign1.payload) throw bad('A VICAL carries its payload and its signer certificate (x5chain).');
  const signer = parseCertificate(chain[0]!);
  if (!signer.publicKey) throw bad('The VICAL signer key is not a supported EC key.');
  const sig = await verifyCoseSign1(sign1, signer.publicKey);
  if (!sig.ok) throw new EidkitError('credential/trust-list-signature', `The VICAL signature is not valid (${sig.reason}).`);
  if (!signer.extKeyUsage?.includes(VICAL_SIGNER_EKU)) throw new EidkitError('credential/trust-list-untrusted', 'The VICAL signer certificate lacks the VICAL extended key usage (1.0.18013.5.1.8).');
  if (signer.keyUsage && !signer.keyUsage.has(KeyUsage.digitalSignature)) throw new EidkitError('credential/trust-list-untrusted', 'The VICAL signer certificate may not sign (keyUsage).');
  if (signer.unknownCriticalExtensions.length) throw new EidkitError('credential/trust-list-untrusted', 'The VICAL signer certificate has unknown critical extensions.');
  const anchor = await findAnchor(signer, chain, anchors);
  if (!anchor) throw new EidkitError('credential/trust-list-untrusted', `The VICAL is signed by "${signer.subject.text}", whose key is not pinned here.`);

  const m = mapOf(decodeCbor(sign1.payload, { maxDepth: 12 }), 'VICAL');
  const version = textOf(m.get('version'), 'VICAL version');
  if (!/^1\.\d+$/.test(version)) throw bad(`Unknown VICAL version "${version}".`);
  const provider = textOf(m.get('vicalProvider'), 'vicalProvider');
  const date = readTdate(m.get('date'), 'VICAL date');
  if (date < signer.notBefore || date > signer.notAfter) throw new EidkitError('credential/trust-list-untrusted', 'The VICAL is dated outside its signer certificate validity.');
  const issueId = m.has('vicalIssueID') ? uintOf(m.get('vicalIssueID'), 'vicalIssueID') : 0;
  const nextUpdate = m.has('nextUpdate') ? readTdate(m.get('nextUpdate'), 'nextUpdate') : undefined;

  const issuers: TrustedIssuer[] = [];
  const refused: { subject: string; reason: string }[] = [];
  const seen = new Set<string>();
  for (const raw of arrayOf(m.get('certificateInfos'), 'certificateInfos')) {
    const info = mapOf(raw, 'CertificateInfo');
    const der = bytesOf(info.get('certificate'), 'certificate');
    let cert: Certificate;
    try {
      cert = parseCertificate(der);
    } catch {
      refused.push({ subject: '?', reason: 'the certificate cannot be read' });
      continue;
    }
    const docTypes = arrayOf(info.get('docType'), 'docType').map((d) => textOf(d, 'docType'));
    const serial = info.get('serialNumber');
    const ski = bytesOf(info.get('ski'), 'ski');
    const problem =
      docTypes.length === 0
        ? 'it lists no document type'
        : !(serial instanceof Tagged && serial.tag === 2 && serial.value instanceof Uint8Array && bytesEqual(stripZeros(serial.value), stripZeros(cert.serial)))
          ? 'its serialNumber does not match the certificate'
          : cert.subjectKeyId && !bytesEqual(ski, cert.subjectKeyId)
            ? 'its ski does not match the certificate'
            : iacaProfileProblem(cert);
    if (problem) {
      refused.push({ subject: cert.subject.text, reason: problem });
      continue;
    }
    const id = `vical:${toHex((await certificateThumbprint(der)).slice(0, 8))}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const optionalText = (k: string): string | undefined => (info.has(k) ? textOf(info.get(k), k) : undefined);
    issuers.push({
      id,
      name: optionalText('issuingAuthority') ?? nameAttribute(cert.subject, OID.organization) ?? nameAttribute(cert.subject, OID.commonName) ?? cert.subject.text,
      country: optionalText('issuingCountry') ?? nameAttribute(cert.subject, OID.country) ?? '',
      iaca: [cert],
      documentSigners: [],
      docTypes,
      demo: false,
    });
  }
  const trust: TrustList = {
    version: issueId,
    issuedAt: date,
    // A VICAL without nextUpdate gets a year, after which verifiers warn as for an expired trust list.
    expiresAt: nextUpdate ?? date + 365 * DAY,
    issuers,
    signedBy: `vical:${anchor.keyId}`,
    documentSignerIndex: new Map(),
  };
  checkTrustListTimes(trust, opts);
  return { trust, provider, refused };
}

/**
 * The key a verifier would pin to trust this VICAL the first time it sees it (as for a scanned trust list): the
 * provider CA, i.e. the last certificate of the x5chain (or the signer itself when it comes alone), labelled with the
 * VICAL's provider name. Nothing is checked here: the caller shows the fingerprint, and once the verifier accepts,
 * openVical checks the signature, the signer's EKU and the chain against it.
 */
export function vicalAnchorOf(bytes: Uint8Array): { readonly anchor: TrustListAnchor; readonly provider: string; readonly subject: string } {
  const sign1 = readCoseSign1(decodeCbor(bytes, { maxDepth: 12 }));
  const chain = readX5chain(sign1.unprotected.get(CoseHeader.x5chain) ?? sign1.protectedHeaders.get(CoseHeader.x5chain));
  if (!chain || !sign1.payload) throw bad('A VICAL carries its payload and its signer certificate (x5chain).');
  const root = parseCertificate(chain[chain.length - 1]!);
  if (!root.publicKey) throw bad('The VICAL provider key is not a supported EC key.');
  const provider = textOf(mapOf(decodeCbor(sign1.payload, { maxDepth: 12 }), 'VICAL').get('vicalProvider'), 'vicalProvider');
  return { anchor: { keyId: provider, publicKey: root.publicKey }, provider, subject: root.subject.text };
}

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

async function findAnchor(signer: Certificate, chain: readonly Uint8Array[], anchors: readonly TrustListAnchor[]): Promise<TrustListAnchor | undefined> {
  const same = (a: TrustListAnchor, c: Certificate) => c.publicKey !== undefined && a.publicKey.curve === c.publicKey.curve && bytesEqual(a.publicKey.point, c.publicKey.point);
  const direct = anchors.find((a) => same(a, signer));
  if (direct) return direct;
  // The signer may be certified by a pinned provider CA, carried as the next x5chain entry or known by key only.
  for (const a of anchors) {
    const caDer = chain.slice(1).find((d) => {
      try {
        return same(a, parseCertificate(d));
      } catch {
        return false;
      }
    });
    if (caDer && (await isSignedBy(signer, parseCertificate(caDer)))) return a;
  }
  return undefined;
}

/**
 * Merges trust sources (eidkit lists, VICALs) into one list for verifyPresentation: every issuer of every source. The
 * result is as old as its oldest source and expires with the first to expire; the version is the first source's.
 */
export function mergeTrustLists(lists: readonly TrustList[]): TrustList {
  if (lists.length === 0) throw bad('Nothing to merge.');
  if (lists.length === 1) return lists[0]!;
  const documentSignerIndex = new Map<string, { readonly certificate: Certificate; readonly issuer: TrustedIssuer }>();
  for (const l of lists) for (const [k, v] of l.documentSignerIndex) if (!documentSignerIndex.has(k)) documentSignerIndex.set(k, v);
  return {
    version: lists[0]!.version,
    issuedAt: Math.min(...lists.map((l) => l.issuedAt)),
    expiresAt: Math.min(...lists.map((l) => l.expiresAt)),
    issuers: lists.flatMap((l) => l.issuers),
    signedBy: lists.map((l) => l.signedBy).join('+'),
    documentSignerIndex,
  };
}

/** A VICAL provider's keys: a self-signed provider CA and a VICAL signer certificate under it (P-256). */
export async function createVicalSigner(opts: { readonly provider: string; readonly country: string; readonly notBefore?: Date; readonly validDays?: number }): Promise<
  VicalSigner & { readonly anchor: TrustListAnchor }
> {
  const notBefore = opts.notBefore ?? new Date();
  const notAfter = new Date(notBefore.getTime() + (opts.validDays ?? 730) * DAY);
  const ca = await generateP256KeyPair(false);
  const caPoint = await publicKeyPoint(ca.publicKey);
  const caDer = await createCertificate({
    subject: { country: opts.country, commonName: `${opts.provider} VICAL CA` },
    publicKey: caPoint,
    notBefore,
    notAfter,
    extensions: [Extensions.basicConstraints(true, 0), Extensions.keyUsage([KeyUsage.keyCertSign, KeyUsage.cRLSign]), Extensions.subjectKeyId(await keyIdentifier(caPoint))],
    signer: webCryptoSigner(ca.privateKey),
  });
  const leaf = await generateP256KeyPair(false);
  const leafPoint = await publicKeyPoint(leaf.publicKey);
  const leafDer = await createCertificate({
    subject: { country: opts.country, commonName: `${opts.provider} VICAL signer` },
    issuer: parseCertificate(caDer),
    publicKey: leafPoint,
    notBefore,
    notAfter,
    extensions: [Extensions.keyUsage([KeyUsage.digitalSignature]), Extensions.extKeyUsage([VICAL_SIGNER_EKU]), Extensions.subjectKeyId(await keyIdentifier(leafPoint))],
    signer: webCryptoSigner(ca.privateKey),
  });
  return { certificateChain: [leafDer, caDer], signer: webCryptoSigner(leaf.privateKey), anchor: { keyId: opts.provider, publicKey: caPoint } };
}
