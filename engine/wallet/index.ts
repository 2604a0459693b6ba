/**
 * eidkit wallet: the citizen's credentials, encrypted at rest in IndexedDB, behind a PIN/passkey gate, with
 * per-credential non-extractable device keys. Browser-only (IndexedDB + WebCrypto); see site/docs/threat-model.md.
 */
export {
  Wallet,
  openWallet,
  DEFAULT_WALLET_NAME,
  MIN_AUTO_LOCK_MS,
  MAX_AUTO_LOCK_MS,
  type WalletOptions,
  type SetupOptions,
  type WalletStatus,
  type DeviceKeyInfo,
  type PresentationSigner,
  type Listing,
  type DamagedRecord,
  type BackupExport,
  type BackupImport,
} from './wallet.ts';
export type { CredentialMeta, NewCredential, CredentialSummary, StoredCredential } from './records.ts';
// `Signer` is structurally the credential module's Signer, so a wallet signer plugs straight into createPresentation.
export type { Signer as DeviceSigner, DevicePublicKey } from './device-keys.ts';
export { deviceKeyId } from './device-keys.ts';
export type { AuditEntry, PresentationRecord, AuditMode } from './audit.ts';
export type { WalletEvent, WalletChange } from './channel.ts';
export { inspectBackup } from './backup.ts';
export { requestPersistence, PERSISTENCE_EXPLANATION, type PersistenceResult } from './persistence.ts';
export { passkeyPrfSupport, DEFAULT_PASSKEY_TIMEOUT_MS, type PasskeySupport, type CeremonyOptions, type RegisterOptions } from './passkey.ts';
export {
  DEFAULT_GATE_POLICY,
  backoffDelayMs,
  retryAfterMs,
  attemptsBeforeWipe,
  totalWaitBeforeWipeMs,
  type GatePolicy,
} from './backoff.ts';
export { DEFAULT_PBKDF2_ITERATIONS, MIN_PBKDF2_ITERATIONS } from './crypto.ts';
export { checkPin, checkPassphrase, MIN_PIN_LENGTH, MIN_PASSPHRASE_LENGTH } from './secrets.ts';
export { DB_VERSION as WALLET_SCHEMA_VERSION } from './schema.ts';
export { WALLET_ERROR_CODES, type WalletErrorCode } from './errors.ts';
export { prepareConsent, resolveRequester, answerConsent, webDelivery, deliver, confirmOpener } from './online.ts';
export type { Consent, RequesterEvidence, WebDelivery } from './online.ts';
