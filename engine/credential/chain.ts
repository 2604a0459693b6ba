/** Chaining a signer certificate (DS or status-list signer) to an IACA root held in the trust list. */
import { KeyUsage, isSignedBy, OID, type Certificate } from './x509.ts';
import type { TrustList, TrustedIssuer } from './trust-list.ts';

export type ChainResult =
  | { readonly ok: true; readonly issuer: TrustedIssuer; readonly iaca: Certificate }
  | { readonly ok: false; readonly reason: 'untrusted' | 'profile'; readonly message: string };

/**
 * Finds an IACA in the trust list that signed `leaf` and checks the ISO 18013-5 Annex B profile of both (CA root with
 * keyCertSign; leaf with digitalSignature and, when `documentSigner`, the mdlDS extended key usage). Time is judged by
 * the caller, which knows the relevant moments.
 */
export async function chainToTrustList(leaf: Certificate, trust: TrustList, documentSigner: boolean): Promise<ChainResult> {
  if (leaf.unknownCriticalExtensions.length) {
    return { ok: false, reason: 'profile', message: `The certificate has unknown critical extensions (${leaf.unknownCriticalExtensions.join(', ')}).` };
  }
  if (leaf.keyUsage && !leaf.keyUsage.has(KeyUsage.digitalSignature)) {
    return { ok: false, reason: 'profile', message: 'The signer certificate is not allowed to make signatures (keyUsage).' };
  }
  if (leaf.basicConstraints?.ca) {
    return { ok: false, reason: 'profile', message: 'A CA certificate cannot sign documents directly.' };
  }
  if (documentSigner && leaf.extKeyUsage && !leaf.extKeyUsage.includes(OID.mdlDocumentSigner)) {
    return { ok: false, reason: 'profile', message: 'The certificate is not a document signer (extended key usage).' };
  }
  for (const issuer of trust.issuers) {
    for (const iaca of issuer.iaca) {
      if (!iaca.basicConstraints?.ca || !iaca.keyUsage?.has(KeyUsage.keyCertSign)) continue;
      if (iaca.unknownCriticalExtensions.length) continue;
      if (await isSignedBy(leaf, iaca)) return { ok: true, issuer, iaca };
    }
  }
  return {
    ok: false,
    reason: 'untrusted',
    message: `"${leaf.subject.text}" (issued by "${leaf.issuer.text}") does not chain to any IACA in the trust list.`,
  };
}
