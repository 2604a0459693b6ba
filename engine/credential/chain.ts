/**
 * Chaining a signer certificate (DS or status-list signer) to an IACA root held in the trust list, with the
 * ISO 18013-5 Annex B certificate profiles checked the way RFC 5280 asks (an extension a profile requires must be
 * present and, where the profile says so, critical; an absent extension is not a licence).
 */
import { KeyUsage, isSignedBy, OID, type Certificate } from './x509.ts';
import type { TrustList, TrustedIssuer } from './trust-list.ts';

export type ChainResult =
  | { readonly ok: true; readonly issuer: TrustedIssuer; readonly iaca: Certificate }
  | { readonly ok: false; readonly reason: 'untrusted' | 'profile'; readonly message: string };

/**
 * Why `cert` is not an Annex B IACA root, or undefined when it is one: basicConstraints critical with cA and
 * pathLenConstraint 0, keyUsage critical with keyCertSign, no unknown critical extension, a P-256/384/521 key.
 */
export function iacaProfileProblem(cert: Certificate): string | undefined {
  const bc = cert.basicConstraints;
  if (cert.unknownCriticalExtensions.length) return `it has unknown critical extensions (${cert.unknownCriticalExtensions.join(', ')})`;
  if (!bc?.ca) return 'it is not a CA certificate (basicConstraints cA)';
  if (!cert.criticalExtensions.has(OID.basicConstraints)) return 'its basicConstraints are not critical';
  if (bc.pathLength !== 0) return 'its basicConstraints do not set pathLenConstraint 0';
  if (!cert.keyUsage?.has(KeyUsage.keyCertSign)) return 'its keyUsage does not allow keyCertSign';
  if (!cert.criticalExtensions.has(OID.keyUsage)) return 'its keyUsage is not critical';
  if (!cert.publicKey) return 'its key is not a P-256/384/521 EC key';
  return undefined;
}

/**
 * Why `cert` is not an Annex B signer certificate, or undefined: keyUsage critical with digitalSignature (and no CA
 * bits), not a CA, no unknown critical extension; a document signer also needs the extended key usage
 * 1.0.18013.5.1.2 (id-mdl-kp-mdlDS). Status-list signers share the profile but not the EKU.
 */
export function signerProfileProblem(cert: Certificate, documentSigner: boolean): string | undefined {
  if (cert.unknownCriticalExtensions.length) return `it has unknown critical extensions (${cert.unknownCriticalExtensions.join(', ')})`;
  if (cert.basicConstraints?.ca) return 'it is a CA certificate, which cannot sign documents directly';
  if (!cert.keyUsage) return 'it has no keyUsage extension';
  if (!cert.criticalExtensions.has(OID.keyUsage)) return 'its keyUsage is not critical';
  if (!cert.keyUsage.has(KeyUsage.digitalSignature)) return 'its keyUsage does not allow digitalSignature';
  if (cert.keyUsage.has(KeyUsage.keyCertSign) || cert.keyUsage.has(KeyUsage.cRLSign)) return 'its keyUsage allows certificate signing';
  if (documentSigner) {
    if (!cert.extKeyUsage) return 'it has no extended key usage (the mdoc document signer EKU 1.0.18013.5.1.2 is required)';
    if (!cert.extKeyUsage.includes(OID.mdlDocumentSigner)) return 'its extended key usage is not the mdoc document signer EKU (1.0.18013.5.1.2)';
  }
  return undefined;
}

/**
 * Finds an IACA in the trust list that signed `leaf`, checking the profile of both and that the leaf's validity lies
 * within the IACA's. The moment of checking is judged by the caller, which knows the relevant times.
 */
export async function chainToTrustList(leaf: Certificate, trust: TrustList, documentSigner: boolean): Promise<ChainResult> {
  const leafProblem = signerProfileProblem(leaf, documentSigner);
  if (leafProblem) {
    return { ok: false, reason: 'profile', message: `"${leaf.subject.text}" is not a valid ${documentSigner ? 'document signer' : 'signer'} certificate: ${leafProblem}.` };
  }
  let profileMessage: string | undefined;
  for (const issuer of trust.issuers) {
    for (const iaca of issuer.iaca) {
      if (!(await isSignedBy(leaf, iaca))) continue;
      const problem = iacaProfileProblem(iaca);
      if (problem) {
        profileMessage = `The IACA "${iaca.subject.text}" is not a valid IACA certificate: ${problem}.`;
        continue;
      }
      if (leaf.notBefore < iaca.notBefore || leaf.notAfter > iaca.notAfter) {
        profileMessage = `The validity of "${leaf.subject.text}" does not lie within its IACA's validity.`;
        continue;
      }
      return { ok: true, issuer, iaca };
    }
  }
  if (profileMessage) return { ok: false, reason: 'profile', message: profileMessage };
  return {
    ok: false,
    reason: 'untrusted',
    message: `"${leaf.subject.text}" (issued by "${leaf.issuer.text}") does not chain to any IACA in the trust list.`,
  };
}
