/**
 * X.509 certificates for the ISO 18013-5 Annex B profiles we issue (IACA root, document signer) and the parsing needed to
 * check a chain offline. Built on our small DER codec (see der.ts for why not @peculiar/x509).
 */
import { EidkitError } from '../errors.ts';
import { randomBytes, toBase64, fromBase64 } from './bytes.ts';
import type { Curve, PublicKeyPoint, Signer } from './crypto.ts';
import { CURVE_BYTES, derSignatureToRaw, rawSignatureToDer, sha256, verifyEcdsa } from './crypto.ts';
import {
  bitString,
  children,
  derBoolean,
  derTime,
  expectTag,
  explicit,
  ia5String,
  octetString,
  oid,
  printableString,
  readBitString,
  readBoolean,
  readOid,
  readSmallInteger,
  readString,
  readTime,
  readUnsignedInteger,
  readWhole,
  seq,
  set,
  smallInteger,
  tlv,
  unsignedInteger,
  utf8String,
  type DerNode,
} from './der.ts';

export const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaSha256: '1.2.840.10045.4.3.2',
  ecdsaSha384: '1.2.840.10045.4.3.3',
  ecdsaSha512: '1.2.840.10045.4.3.4',
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  p521: '1.3.132.0.35',
  commonName: '2.5.4.3',
  country: '2.5.4.6',
  locality: '2.5.4.7',
  state: '2.5.4.8',
  organization: '2.5.4.10',
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  crlDistributionPoints: '2.5.29.31',
  authorityKeyId: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  /** id-mdl-kp-mdlDS (ISO 18013-5 Annex B) */
  mdlDocumentSigner: '1.0.18013.5.1.2',
} as const;

// Maps, not plain objects: the keys come from untrusted certificates (see the threat model, "hostile input").
const CURVE_OIDS: ReadonlyMap<string, Curve> = new Map([[OID.p256, 'P-256'], [OID.p384, 'P-384'], [OID.p521, 'P-521']]);
const SIG_CURVE: ReadonlyMap<string, Curve> = new Map([
  [OID.ecdsaSha256, 'P-256'],
  [OID.ecdsaSha384, 'P-384'],
  [OID.ecdsaSha512, 'P-521'],
]);

/** keyUsage bits, numbered as in RFC 5280 (bit 0 = digitalSignature). */
export const KeyUsage = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 } as const;

export interface NameAttribute {
  readonly oid: string;
  readonly value: string;
}

export interface DistinguishedName {
  /** DER of the Name, compared byte for byte when chaining. */
  readonly der: Uint8Array;
  readonly attributes: readonly NameAttribute[];
  /** "CN=utopia ds, C=US" */
  readonly text: string;
}

export interface Certificate {
  readonly der: Uint8Array;
  readonly tbs: Uint8Array;
  readonly version: number;
  readonly serial: Uint8Array;
  readonly signatureAlgorithm: string;
  readonly signature: Uint8Array;
  readonly issuer: DistinguishedName;
  readonly subject: DistinguishedName;
  readonly notBefore: number;
  readonly notAfter: number;
  /** undefined when the key is not an EC key on P-256/384/521. */
  readonly publicKey: PublicKeyPoint | undefined;
  readonly basicConstraints: { readonly ca: boolean; readonly pathLength?: number } | undefined;
  /** Set bit numbers (see KeyUsage); undefined when the extension is absent. */
  readonly keyUsage: ReadonlySet<number> | undefined;
  readonly extKeyUsage: readonly string[] | undefined;
  readonly subjectKeyId: Uint8Array | undefined;
  readonly authorityKeyId: Uint8Array | undefined;
  /** Critical extensions we do not understand: RFC 5280 says such a certificate must be rejected. */
  readonly unknownCriticalExtensions: readonly string[];
  /** OIDs of every extension marked critical (understood or not). */
  readonly criticalExtensions: ReadonlySet<string>;
}

const SHORT_NAMES: ReadonlyMap<string, string> = new Map([
  [OID.commonName, 'CN'],
  [OID.country, 'C'],
  [OID.organization, 'O'],
  [OID.state, 'ST'],
  [OID.locality, 'L'],
  ['2.5.4.11', 'OU'],
  ['2.5.4.5', 'SERIALNUMBER'],
]);

function parseName(node: DerNode): DistinguishedName {
  expectTag(node, 0x30, 'a Name');
  const attributes: NameAttribute[] = [];
  for (const rdn of children(node)) {
    expectTag(rdn, 0x31, 'a RelativeDistinguishedName');
    for (const atv of children(rdn)) {
      const [type, value] = children(expectTag(atv, 0x30, 'an AttributeTypeAndValue'));
      attributes.push({ oid: readOid(type!), value: readString(expectValue(value)) });
    }
  }
  // Printed in encoding order, as OpenSSL does.
  const text = attributes
    .map((a) => `${SHORT_NAMES.get(a.oid) ?? a.oid}=${a.value}`)
    .join(', ');
  return { der: node.raw, attributes, text };
}

function expectValue(n: DerNode | undefined): DerNode {
  if (!n) throw new EidkitError('credential/bad-der', 'Malformed DER: missing value.');
  return n;
}

function parseSpki(node: DerNode): PublicKeyPoint | undefined {
  const [alg, key] = children(expectTag(node, 0x30, 'a SubjectPublicKeyInfo'));
  const [algOid, params] = children(expectTag(alg, 0x30, 'an AlgorithmIdentifier'));
  if (readOid(algOid!) !== OID.ecPublicKey || !params || params.tag !== 0x06) return undefined;
  const curve = CURVE_OIDS.get(readOid(params));
  const { bytes, unused } = readBitString(expectValue(key));
  if (!curve || unused !== 0 || bytes.length !== 1 + 2 * CURVE_BYTES[curve] || bytes[0] !== 0x04) return undefined;
  return { curve, point: bytes.slice() };
}

export function parseCertificate(der: Uint8Array): Certificate {
  const cert = readWhole(der);
  const [tbsNode, outerAlg, sigNode, ...extra] = children(expectTag(cert, 0x30, 'a Certificate'));
  if (extra.length) throw new EidkitError('credential/bad-der', 'Malformed DER: extra fields in Certificate.');
  const tbsParts = children(expectTag(tbsNode, 0x30, 'a TBSCertificate'));
  let i = 0;
  let version = 1;
  if (tbsParts[0]?.tag === 0xa0) {
    version = readSmallInteger(expectValue(children(tbsParts[0])[0])) + 1;
    i++;
  }
  const serial = readUnsignedInteger(expectValue(tbsParts[i++]));
  const innerAlg = readOid(expectValue(children(expectTag(tbsParts[i++], 0x30, 'an AlgorithmIdentifier'))[0]));
  const issuer = parseName(expectValue(tbsParts[i++]));
  const validity = children(expectTag(tbsParts[i++], 0x30, 'a Validity'));
  const notBefore = readTime(expectValue(validity[0]));
  const notAfter = readTime(expectValue(validity[1]));
  const subject = parseName(expectValue(tbsParts[i++]));
  const publicKey = parseSpki(expectValue(tbsParts[i++]));
  const outerAlgOid = readOid(expectValue(children(expectTag(outerAlg, 0x30, 'an AlgorithmIdentifier'))[0]));
  if (outerAlgOid !== innerAlg) {
    throw new EidkitError('credential/bad-certificate', 'The certificate names two different signature algorithms.');
  }
  const { bytes: signature, unused } = readBitString(expectValue(sigNode));
  if (unused !== 0) throw new EidkitError('credential/bad-der', 'Malformed DER: signature bit string.');

  let basicConstraints: Certificate['basicConstraints'];
  let keyUsage: Set<number> | undefined;
  let extKeyUsage: string[] | undefined;
  let subjectKeyId: Uint8Array | undefined;
  let authorityKeyId: Uint8Array | undefined;
  const unknownCriticalExtensions: string[] = [];
  const criticalExtensions = new Set<string>();
  const seen = new Set<string>();
  for (const part of tbsParts.slice(i)) {
    if (part.tag === 0x81 || part.tag === 0x82) continue; // issuer/subject unique ids (v2), ignored
    if (part.tag !== 0xa3) throw new EidkitError('credential/bad-der', 'Malformed DER: unexpected TBSCertificate field.');
    for (const ext of children(expectTag(children(part)[0], 0x30, 'Extensions'))) {
      const f = children(expectTag(ext, 0x30, 'an Extension'));
      const id = readOid(expectValue(f[0]));
      if (seen.has(id)) throw new EidkitError('credential/bad-certificate', `Extension ${id} appears twice.`);
      seen.add(id);
      const critical = f.length === 3 ? readBoolean(f[1]!) : false;
      if (critical) criticalExtensions.add(id);
      const value = readWhole(expectTag(f[f.length - 1], 0x04, 'an extension value').content);
      switch (id) {
        case OID.basicConstraints: {
          const bc = children(expectTag(value, 0x30, 'BasicConstraints'));
          let ca = false;
          let pathLength: number | undefined;
          for (const c of bc) {
            if (c.tag === 0x01) ca = readBoolean(c);
            else pathLength = readSmallInteger(c);
          }
          basicConstraints = pathLength === undefined ? { ca } : { ca, pathLength };
          break;
        }
        case OID.keyUsage: {
          const { bytes } = readBitString(value);
          keyUsage = new Set();
          for (let bit = 0; bit < bytes.length * 8; bit++) if (bytes[bit >> 3]! & (0x80 >> (bit & 7))) keyUsage.add(bit);
          break;
        }
        case OID.extKeyUsage:
          extKeyUsage = children(expectTag(value, 0x30, 'ExtKeyUsage')).map(readOid);
          break;
        case OID.subjectKeyId:
          subjectKeyId = expectTag(value, 0x04, 'a key identifier').content.slice();
          break;
        case OID.authorityKeyId: {
          const kid = children(expectTag(value, 0x30, 'AuthorityKeyIdentifier')).find((c) => c.tag === 0x80);
          authorityKeyId = kid?.content.slice();
          break;
        }
        case OID.issuerAltName:
        case OID.crlDistributionPoints:
          break;
        default:
          if (critical) unknownCriticalExtensions.push(id);
      }
    }
  }
  return {
    der: der.slice(),
    tbs: tbsNode!.raw.slice(),
    version,
    serial: serial.slice(),
    signatureAlgorithm: innerAlg,
    signature: signature.slice(),
    issuer,
    subject,
    notBefore,
    notAfter,
    publicKey,
    basicConstraints,
    keyUsage,
    extKeyUsage,
    subjectKeyId,
    authorityKeyId,
    unknownCriticalExtensions,
    criticalExtensions,
  };
}

/** True when `issuer`'s key made `cert`'s signature and the names chain. Never throws. */
export async function isSignedBy(cert: Certificate, issuer: Certificate): Promise<boolean> {
  if (!issuer.publicKey) return false;
  if (!bytesEq(cert.issuer.der, issuer.subject.der)) return false;
  const curve = SIG_CURVE.get(cert.signatureAlgorithm);
  if (!curve || curve !== issuer.publicKey.curve) return false;
  const raw = derSignatureToRaw(cert.signature, CURVE_BYTES[curve]);
  if (!raw) return false;
  return verifyEcdsa(issuer.publicKey, raw, cert.tbs);
}

function bytesEq(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function nameAttribute(name: DistinguishedName, oidValue: string): string | undefined {
  return name.attributes.find((a) => a.oid === oidValue)?.value;
}

// ---- issuing ----

export interface NameInput {
  /** ISO 3166-1 alpha-2, upper case. */
  readonly country: string;
  readonly commonName: string;
  readonly organization?: string;
  readonly stateOrProvince?: string;
}

function encodeName(n: NameInput): Uint8Array {
  if (!/^[A-Z]{2}$/.test(n.country)) {
    throw new EidkitError('credential/bad-input', `Country must be an ISO 3166-1 alpha-2 code in capitals, got "${n.country}".`);
  }
  if (!n.commonName.trim()) throw new EidkitError('credential/bad-input', 'A certificate needs a common name.');
  const rdn = (o: string, v: Uint8Array): Uint8Array => set(seq(oid(o), v));
  return seq(
    rdn(OID.country, printableString(n.country)),
    ...(n.stateOrProvince ? [rdn(OID.state, utf8String(n.stateOrProvince))] : []),
    ...(n.organization ? [rdn(OID.organization, utf8String(n.organization))] : []),
    rdn(OID.commonName, utf8String(n.commonName)),
  );
}

function spki(key: PublicKeyPoint): Uint8Array {
  if (key.curve !== 'P-256') throw new EidkitError('credential/bad-key', 'eidkit issues P-256 keys only (ES256).');
  return seq(seq(oid(OID.ecPublicKey), oid(OID.p256)), bitString(key.point));
}

function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return seq(oid(id), ...(critical ? [derBoolean(true)] : []), octetString(value));
}

/** RFC 7093 §2 method 1: the leftmost 160 bits of SHA-256 of the subjectPublicKey (no SHA-1). */
export async function keyIdentifier(key: PublicKeyPoint): Promise<Uint8Array> {
  return (await sha256(key.point)).slice(0, 20);
}

function keyUsageBits(bits: readonly number[]): Uint8Array {
  let v = 0;
  for (const b of bits) v |= 0x80 >> b;
  let unused = 0;
  while (unused < 7 && (v & (1 << unused)) === 0) unused++;
  return bitString(new Uint8Array([v]), unused);
}

function randomSerial(): Uint8Array {
  const s = randomBytes(16);
  s[0] = (s[0]! & 0x7f) | 0x40; // positive and exactly 16 octets
  return s;
}

interface CertificateSpec {
  readonly subject: NameInput;
  readonly publicKey: PublicKeyPoint;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** An https URL or e-mail address of the issuing authority (Annex B issuerAltName). */
  readonly issuerUrl?: string;
}

function altName(url: string): Uint8Array {
  // GeneralNames: rfc822Name [1] for e-mail, uniformResourceIdentifier [6] otherwise.
  const isMail = /^[^@\s:/]+@[^@\s]+$/.test(url);
  return seq(tlv(isMail ? 0x81 : 0x86, new TextEncoder().encode(url)));
}

async function signTbs(tbs: Uint8Array, signer: Signer): Promise<Uint8Array> {
  const raw = await signer(tbs);
  return seq(tbs, seq(oid(OID.ecdsaSha256)), bitString(rawSignatureToDer(raw)));
}

/** ISO 18013-5 Annex B.1.2 IACA root: self-signed, CA, keyCertSign + cRLSign, path length 0. */
export async function createIacaCertificate(spec: CertificateSpec & { readonly signer: Signer }): Promise<Uint8Array> {
  const name = encodeName(spec.subject);
  const ski = await keyIdentifier(spec.publicKey);
  const exts = [
    extension(OID.subjectKeyId, false, octetString(ski)),
    extension(OID.keyUsage, true, keyUsageBits([KeyUsage.keyCertSign, KeyUsage.cRLSign])),
    extension(OID.basicConstraints, true, seq(derBoolean(true), smallInteger(0))),
    ...(spec.issuerUrl ? [extension(OID.issuerAltName, false, altName(spec.issuerUrl))] : []),
  ];
  const tbs = seq(
    explicit(0, smallInteger(2)),
    unsignedInteger(randomSerial()),
    seq(oid(OID.ecdsaSha256)),
    name,
    seq(derTime(spec.notBefore.getTime()), derTime(spec.notAfter.getTime())),
    name,
    spki(spec.publicKey),
    explicit(3, seq(...exts)),
  );
  return signTbs(tbs, spec.signer);
}

/**
 * ISO 18013-5 Annex B.1.4 document signer certificate, signed by the IACA. Also used for status-list signers (same
 * profile; the extended key usage is what differs).
 */
export async function createDocumentSignerCertificate(
  spec: CertificateSpec & {
    readonly iaca: Certificate;
    readonly iacaSigner: Signer;
    /** Defaults to the mDL document signer EKU. */
    readonly extKeyUsage?: readonly string[];
  },
): Promise<Uint8Array> {
  const iacaCountry = nameAttribute(spec.iaca.subject, OID.country);
  if (iacaCountry !== spec.subject.country) {
    throw new EidkitError(
      'credential/bad-input',
      `A document signer must carry its IACA's country (${iacaCountry ?? 'none'}), not ${spec.subject.country}.`,
    );
  }
  if (spec.notBefore.getTime() < spec.iaca.notBefore || spec.notAfter.getTime() > spec.iaca.notAfter) {
    throw new EidkitError('credential/bad-input', 'The document signer validity must lie within the IACA validity.');
  }
  const ski = await keyIdentifier(spec.publicKey);
  const aki = spec.iaca.subjectKeyId ?? (spec.iaca.publicKey ? await keyIdentifier(spec.iaca.publicKey) : new Uint8Array());
  const exts = [
    extension(OID.authorityKeyId, false, seq(tlv(0x80, aki))),
    extension(OID.subjectKeyId, false, octetString(ski)),
    extension(OID.keyUsage, true, keyUsageBits([KeyUsage.digitalSignature])),
    extension(OID.extKeyUsage, true, seq(...(spec.extKeyUsage ?? [OID.mdlDocumentSigner]).map(oid))),
    ...(spec.issuerUrl ? [extension(OID.issuerAltName, false, altName(spec.issuerUrl))] : []),
  ];
  const tbs = seq(
    explicit(0, smallInteger(2)),
    unsignedInteger(randomSerial()),
    seq(oid(OID.ecdsaSha256)),
    spec.iaca.subject.der,
    seq(derTime(spec.notBefore.getTime()), derTime(spec.notAfter.getTime())),
    encodeName(spec.subject),
    spki(spec.publicKey),
    explicit(3, seq(...exts)),
  );
  return signTbs(tbs, spec.iacaSigner);
}

/** One extension for `createCertificate`. */
export interface ExtensionSpec {
  readonly oid: string;
  readonly critical: boolean;
  /** The DER inside the extension's OCTET STRING. */
  readonly value: Uint8Array;
}

/** Extension values as RFC 5280 encodes them. */
export const Extensions = {
  keyUsage: (bits: readonly number[], critical = true): ExtensionSpec => ({ oid: OID.keyUsage, critical, value: keyUsageBits(bits) }),
  basicConstraints: (ca: boolean, pathLength?: number, critical = true): ExtensionSpec => ({
    oid: OID.basicConstraints,
    critical,
    value: seq(...(ca ? [derBoolean(true)] : []), ...(pathLength === undefined ? [] : [smallInteger(pathLength)])),
  }),
  extKeyUsage: (oids: readonly string[], critical = true): ExtensionSpec => ({ oid: OID.extKeyUsage, critical, value: seq(...oids.map(oid)) }),
  subjectKeyId: (id: Uint8Array): ExtensionSpec => ({ oid: OID.subjectKeyId, critical: false, value: octetString(id) }),
  authorityKeyId: (id: Uint8Array): ExtensionSpec => ({ oid: OID.authorityKeyId, critical: false, value: seq(tlv(0x80, id)) }),
} as const;

/**
 * A certificate with exactly the given extensions and no profile checks — for signers outside Annex B (a VICAL
 * signer) and for tests that need certificates the profile forbids. `issuer` omitted = self-signed.
 */
export async function createCertificate(spec: CertificateSpec & {
  readonly issuer?: Certificate;
  readonly signer: Signer;
  readonly extensions: readonly ExtensionSpec[];
}): Promise<Uint8Array> {
  const subject = encodeName(spec.subject);
  const tbs = seq(
    explicit(0, smallInteger(2)),
    unsignedInteger(randomSerial()),
    seq(oid(OID.ecdsaSha256)),
    spec.issuer ? spec.issuer.subject.der : subject,
    seq(derTime(spec.notBefore.getTime()), derTime(spec.notAfter.getTime())),
    subject,
    spki(spec.publicKey),
    ...(spec.extensions.length ? [explicit(3, seq(...spec.extensions.map((e) => extension(e.oid, e.critical, e.value))))] : []),
  );
  return signTbs(tbs, spec.signer);
}

export function certificateToPem(der: Uint8Array): string {
  const b64 = toBase64(der);
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** Accepts PEM (one certificate) or base64 DER. */
export function certificateFromPem(pem: string): Uint8Array {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  return fromBase64(m ? m[1]! : pem);
}
