/**
 * Issuer key material made with WebCrypto (issuer desk in a browser, or the CLI): an IACA root, document signers under
 * it, and a trust-list signing key. Private keys are CryptoKeys; pass `extractable: false` where they never need to be
 * backed up. Saving them is the caller's business (the CLI writes JWK files; a browser desk should encrypt exports).
 */
import { EidkitError } from '../errors.ts';
import type { PublicKeyPoint, Signer } from './crypto.ts';
import { generateP256KeyPair, importPrivateJwk, publicKeyPoint, subtle, webCryptoSigner } from './crypto.ts';
import { fromBase64, toBase64 } from './bytes.ts';
import { createDocumentSignerCertificate, createIacaCertificate, parseCertificate, type NameInput } from './x509.ts';
import type { TrustListAnchor } from './trust-list.ts';

export interface IssuerKey {
  readonly certificate: Uint8Array;
  readonly privateKey: CryptoKey;
  readonly publicKey: PublicKeyPoint;
}

const DAY = 86_400_000;

export async function createIaca(opts: {
  readonly subject: NameInput;
  readonly issuerUrl?: string;
  readonly notBefore?: Date;
  /** Default 10 years (Annex B allows up to 20). */
  readonly validDays?: number;
  readonly extractable?: boolean;
}): Promise<IssuerKey> {
  const pair = await generateP256KeyPair(opts.extractable ?? true);
  const publicKey = await publicKeyPoint(pair.publicKey);
  const notBefore = opts.notBefore ?? new Date();
  const certificate = await createIacaCertificate({
    subject: opts.subject,
    publicKey,
    notBefore,
    notAfter: new Date(notBefore.getTime() + (opts.validDays ?? 3650) * DAY),
    signer: webCryptoSigner(pair.privateKey),
    ...(opts.issuerUrl ? { issuerUrl: opts.issuerUrl } : {}),
  });
  return { certificate, privateKey: pair.privateKey, publicKey };
}

export async function createDocumentSigner(opts: {
  readonly iaca: Pick<IssuerKey, 'certificate' | 'privateKey'>;
  readonly commonName: string;
  readonly organization?: string;
  readonly issuerUrl?: string;
  readonly notBefore?: Date;
  /** Default 1 year, capped at the IACA's end (Annex B allows up to 457 days). */
  readonly validDays?: number;
  readonly extractable?: boolean;
}): Promise<IssuerKey> {
  const iaca = parseCertificate(opts.iaca.certificate);
  const country = iaca.subject.attributes.find((a) => a.oid === '2.5.4.6')?.value;
  if (!country) throw new EidkitError('credential/bad-certificate', 'The IACA certificate has no country.');
  const pair = await generateP256KeyPair(opts.extractable ?? true);
  const publicKey = await publicKeyPoint(pair.publicKey);
  const notBefore = new Date(Math.max((opts.notBefore ?? new Date()).getTime(), iaca.notBefore));
  const notAfter = new Date(Math.min(notBefore.getTime() + (opts.validDays ?? 365) * DAY, iaca.notAfter));
  const certificate = await createDocumentSignerCertificate({
    subject: { country, commonName: opts.commonName, ...(opts.organization ? { organization: opts.organization } : {}) },
    publicKey,
    notBefore,
    notAfter,
    iaca,
    iacaSigner: webCryptoSigner(opts.iaca.privateKey),
    ...(opts.issuerUrl ? { issuerUrl: opts.issuerUrl } : {}),
  });
  return { certificate, privateKey: pair.privateKey, publicKey };
}

export async function createTrustListKey(keyId: string, extractable = true): Promise<{ readonly anchor: TrustListAnchor; readonly privateKey: CryptoKey }> {
  if (!keyId) throw new EidkitError('credential/bad-input', 'A trust-list key needs a key id.');
  const pair = await generateP256KeyPair(extractable);
  return { anchor: { keyId, publicKey: await publicKeyPoint(pair.publicKey) }, privateKey: pair.privateKey };
}

export function signerOf(key: { readonly privateKey: CryptoKey }): Signer {
  return webCryptoSigner(key.privateKey);
}

/**
 * The CLI's key file (JSON). Holds a private key in clear JWK form: keep it on an offline machine or encrypted disk.
 *   {"type": "eidkit-key", "role": "iaca" | "ds" | "trust-list" | "device", "privateKey": JWK, "certificate"?: base64 DER,
 *    "keyId"?}  ("device" is for command-line holders only; browser wallets keep non-extractable CryptoKeys.)
 */
export interface KeyFile {
  readonly type: 'eidkit-key';
  readonly role: 'iaca' | 'ds' | 'trust-list' | 'device';
  readonly privateKey: JsonWebKey;
  readonly certificate?: string;
  readonly keyId?: string;
}

export async function toKeyFile(role: KeyFile['role'], key: { privateKey: CryptoKey; certificate?: Uint8Array; keyId?: string }): Promise<KeyFile> {
  const jwk = await subtle().exportKey('jwk', key.privateKey);
  return {
    type: 'eidkit-key',
    role,
    privateKey: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d },
    ...(key.certificate ? { certificate: toBase64(key.certificate) } : {}),
    ...(key.keyId ? { keyId: key.keyId } : {}),
  };
}

export interface LoadedKey {
  readonly role: KeyFile['role'];
  readonly privateKey: CryptoKey;
  readonly publicKey: PublicKeyPoint;
  readonly certificate: Uint8Array | undefined;
  readonly keyId: string | undefined;
}

export async function fromKeyFile(json: unknown, expectedRole?: KeyFile['role']): Promise<LoadedKey> {
  const f = json as Partial<KeyFile> | null;
  if (!f || f.type !== 'eidkit-key' || !f.privateKey || !['iaca', 'ds', 'trust-list', 'device'].includes(f.role ?? '')) {
    throw new EidkitError('credential/bad-key-file', 'Not an eidkit key file (expected "type": "eidkit-key").');
  }
  if (expectedRole && f.role !== expectedRole) {
    throw new EidkitError('credential/bad-key-file', `Expected a ${expectedRole} key file, got a ${f.role} key.`);
  }
  const privateKey = await importPrivateJwk(f.privateKey, true);
  const jwk = f.privateKey;
  const b64 = (s: string | undefined): Uint8Array => fromBase64(s ?? '');
  const point = new Uint8Array([4, ...b64(jwk.x), ...b64(jwk.y)]);
  const certificate = f.certificate ? fromBase64(f.certificate) : undefined;
  if (certificate) {
    const certKey = parseCertificate(certificate).publicKey;
    if (!certKey || certKey.point.length !== point.length || certKey.point.some((b, i) => b !== point[i])) {
      throw new EidkitError('credential/bad-key-file', 'The key file\'s private key does not belong to its certificate.');
    }
  }
  return {
    role: f.role!,
    privateKey,
    publicKey: { curve: 'P-256', point },
    certificate,
    keyId: f.keyId,
  };
}
