import { EidkitError } from '../errors.ts';

/**
 * Every error the wallet raises on purpose, by stable code. UIs switch on these codes; messages are for people.
 * Details carry the numbers a UI needs (attempts left, retry-after) so it never has to parse a message.
 */
export const WALLET_ERROR_CODES = [
  'wallet/unsupported', // no IndexedDB or WebCrypto in this context
  'wallet/not-initialised', // no PIN has been set yet (call setup)
  'wallet/already-initialised',
  'wallet/weak-pin',
  'wallet/weak-passphrase',
  'wallet/wrong-pin', // details: failures, attemptsLeft, retryAfterMs
  'wallet/backoff', // details: retryAfterMs, retryAt, attemptsLeft
  'wallet/wiped', // too many wrong PINs: the wallet erased itself
  'wallet/locked', // unlock first (or auto-lock kicked in)
  'wallet/tampered', // a GCM tag or a record's binding did not verify: never shown, reported
  'wallet/quota', // the browser refused to store more; the previous state is intact
  'wallet/storage', // any other IndexedDB failure; the previous state is intact
  'wallet/closed', // another tab upgraded the database; reopen
  'wallet/schema-too-new', // the database was written by a newer eidkit
  'wallet/not-found',
  'wallet/duplicate',
  'wallet/key-in-use', // a device key is already bound to another credential
  'wallet/needs-rebinding', // a credential restored from a backup has no device key: the issuer must re-bind it
  'wallet/bad-input',
  'wallet/bad-audit-entry',
  'wallet/bad-backup',
  'wallet/wrong-passphrase',
  'wallet/passkey-unavailable', // WebAuthn PRF not offered by this browser/authenticator
  'wallet/passkey-failed', // the user cancelled or the authenticator refused
  'wallet/bad-request', // an online request (engine/wallet/online.ts) that cannot be answered as it stands
  'wallet/requester-unknown', // the browser did not say which site is asking (no referrer, or no opener reply)
  'wallet/requester-mismatch', // the referrer, the return URL and the opener do not name the same origin
] as const;

export type WalletErrorCode = (typeof WALLET_ERROR_CODES)[number];

export function walletError(
  code: WalletErrorCode,
  message: string,
  details?: Record<string, unknown>,
  cause?: unknown,
): EidkitError {
  return new EidkitError(code, message, details, cause === undefined ? undefined : { cause });
}
