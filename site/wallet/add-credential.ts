/**
 * Adds an issued credential (from the issuer desk's file or animated QR) to the wallet, bound to the device key the
 * issuer put in it. A credential for a key this wallet does not hold is refused: it could never be presented.
 */
import { credentialElements, EID_DOC_TYPE, parseCredential } from '../../engine/credential/index.ts';
import type { CredentialSummary } from '../../engine/wallet/index.ts';
import { wallet } from './wallet-store.ts';

export class AddCredentialError extends Error {
  constructor(readonly code: 'not-a-credential' | 'unknown-key' | 'duplicate') {
    super(code);
  }
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

export async function addCredentialBytes(bytes: Uint8Array): Promise<CredentialSummary> {
  let c;
  try {
    c = parseCredential(bytes);
  } catch {
    throw new AddCredentialError('not-a-credential');
  }
  if (c.docType !== EID_DOC_TYPE) throw new AddCredentialError('not-a-credential');
  const w = await wallet();
  const key = (await w.listDeviceKeys()).find((k) => sameBytes(k.raw, c.mso.deviceKey.point));
  if (!key) throw new AddCredentialError('unknown-key');
  const e = credentialElements(c);
  const documentNumber = String(e['document_number'] ?? '');
  const id = `${c.docType}:${String(e['issuing_country'] ?? '')}:${documentNumber}:${c.mso.signed}`;
  try {
    return await w.addCredential({
      bytes,
      keyId: key.keyId,
      meta: {
        id,
        docType: c.docType,
        label: `${String(e['family_name'] ?? '')} ${String(e['given_name'] ?? '')}`.trim() || documentNumber,
        issuer: String(e['issuing_authority'] ?? c.dsCertificate?.subject.text ?? ''),
        validFrom: new Date(c.mso.validFrom).toISOString(),
        validUntil: new Date(c.mso.validUntil).toISOString(),
        statusIndex: c.mso.status?.index ?? null,
        statusList: c.mso.status?.uri ?? null,
      },
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'wallet/duplicate') throw new AddCredentialError('duplicate');
    throw err;
  }
}

/** The ID card's own expiry date (the credential's expiry_date element, YYYY-MM-DD), when it has one. */
export function cardExpiry(bytes: Uint8Array): string | undefined {
  try {
    const v = credentialElements(parseCredential(bytes))['expiry_date'];
    return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? v : undefined;
  } catch {
    return undefined;
  }
}
