/**
 * eidkit credentials: ISO 18013-5 mdoc issue, present and verify over QR codes, with trust lists and status lists.
 * Works in browsers and Node ≥ 20 (WebCrypto). Entry points:
 *   issuer:   createIaca, createDocumentSigner, issueCredential, signTrustList, createStatusList/setStatus/signStatusList
 *   holder:   createPresentation (+ webCryptoSigner for a non-extractable device key), toQrText / toQrFrames
 *   verifier: openTrustList, openStatusList, QrAssembler, verifyPresentation, createChallenge
 *   online:   createRelyingParty (RP page ↔ wallet on the same phone), createNonceLedger, verifyPresentation web mode
 */
export { EID_DOC_TYPE, EID_NAMESPACE, DEFAULT_AGE_THRESHOLDS, DISCLOSURE_PRESETS, ELEMENT_ORDER, REQUIRED_ELEMENTS, validateEidData } from './model.ts';
export type { EidData, FaceTemplate } from './model.ts';
export { issueCredential, parseCredential, credentialElements } from './mdoc.ts';
export type { IssueOptions, Credential, Mso, StatusReference, IssuerSignedItem } from './mdoc.ts';
export { createPresentation, certificateThumbprint } from './present.ts';
export type { PresentOptions, Presentation } from './present.ts';
export { createChallenge, challengeToQr, challengeFromQr, sessionTranscript, CHALLENGE_QR_PREFIX } from './transcript.ts';
export type { Challenge, PresentationMode } from './transcript.ts';
export { verifyPresentation, requiredBinding, CHECK_CATEGORIES } from './verify.ts';
export type { VerificationReport, VerifyPolicy, Check, CheckCategory, CheckOutcome, Verdict } from './verify.ts';
export { signTrustList, openTrustList, emptyTrustList, localTrustList, anchorToJson, anchorFromJson } from './trust-list.ts';
export type { TrustList, TrustListInput, TrustListAnchor, TrustedIssuer, TrustedIssuerInput, OpenTrustOptions } from './trust-list.ts';
export { signVical, openVical, vicalAnchorOf, mergeTrustLists, createVicalSigner, VICAL_SIGNER_EKU } from './vical.ts';
export type { VicalInput, VicalEntryInput, VicalSigner, OpenedVical } from './vical.ts';
export { encodeTrustPackage, decodeTrustPackage, trustPackageFrames, anchorFingerprint, pinDecision } from './trust-transfer.ts';
export type { TrustPackage, PinDecision } from './trust-transfer.ts';
export {
  createStatusList,
  setStatus,
  allocateStatusIndex,
  signStatusList,
  openStatusList,
  statusAt,
  StatusValue,
  statusStateToJson,
  statusStateFromJson,
} from './status-list.ts';
export type { StatusList, StatusListState, StatusName } from './status-list.ts';
export { createIaca, createDocumentSigner, createTrustListKey, signerOf, toKeyFile, fromKeyFile } from './issuer-keys.ts';
export type { IssuerKey, KeyFile, LoadedKey } from './issuer-keys.ts';
export { generateP256KeyPair, webCryptoSigner, publicKeyPoint } from './crypto.ts';
export type { Signer, PublicKeyPoint, Curve } from './crypto.ts';
export { parseCertificate, certificateToPem, certificateFromPem } from './x509.ts';
export type { Certificate, NameInput } from './x509.ts';
export { toQrText, fromQrText, toQrFrames, QrAssembler, QR_PREFIX, QR_FRAME_PREFIX } from './qr-codec.ts';
export type { AssemblyState, FrameKind, FrameOptions } from './qr-codec.ts';
export { qrMatrix, renderQrRgba, decodeQrRgba } from './qr-image.ts';
export type { QrMatrix } from './qr-image.ts';
export { measurePresentation } from './measure.ts';
export type { PresentationSize } from './measure.ts';
export { createTestIssuer } from './test-issuer.ts';
export type { TestIssuer } from './test-issuer.ts';
export {
  createWebRequest,
  webRequestUrl,
  parseWebRequest,
  hasWebRequest,
  parseWebAnswer,
  encodeWebAnswer,
  webAnswerUrl,
  webOrigin,
  isRequestableElement,
  WEB_REQUEST_PARAM,
  WEB_RESPONSE_PARAM,
  WEB_ERROR_PARAM,
  WEB_ERROR_CODES,
  WEB_MESSAGE_TYPE,
} from './web-request.ts';
export type { WebRequest, WebRequestOptions, WebResponseMode, WebAnswer, WebErrorCode } from './web-request.ts';
export { createNonceLedger, memoryNonceStore, DEFAULT_NONCE_MAX_AGE_SECONDS } from './web-nonces.ts';
export type { NonceLedger, NonceStore, NonceCheck, IssuingNonceLedger, NonceLedgerOptions } from './web-nonces.ts';
export type { WebSessionPolicy } from './web-verify.ts';
export { createRelyingParty, hasWebAnswer } from './web-rp.ts';
export type { RelyingParty, RelyingPartyOptions, WebCheckResult } from './web-rp.ts';
export { webHandoverHash } from './transcript.ts';
