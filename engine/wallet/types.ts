/** The wallet's public types (re-exported by wallet.ts and index.ts), and the context its parts share. */
import { isEidkitError } from '../errors.ts';
import type { GatePolicy } from './backoff.ts';
import type { DevicePublicKey, Signer } from './device-keys.ts';
import type { WipedRecord } from './schema.ts';
import type { Session } from './session.ts';
import type { WalletStorage } from './storage.ts';

export const DEFAULT_WALLET_NAME = 'eidkit-wallet';
export const MIN_AUTO_LOCK_MS = 1_000;
export const MAX_AUTO_LOCK_MS = 24 * 60 * 60_000;

export interface WalletOptions {
  /** IndexedDB database name (one wallet per name and origin). Default 'eidkit-wallet'. */
  readonly name?: string;
  /** PBKDF2 iterations for new PIN/backup keys; at least 600,000 (the default). Older vaults are re-wrapped on unlock. */
  readonly kdfIterations?: number;
  /** Lock as soon as the page is hidden (app switch, screen off). Default true. */
  readonly lockWhenHidden?: boolean;
  /**
   * For tests only: a fake clock, fewer PBKDF2 iterations (so a test suite does not spend minutes deriving keys),
   * shorter backoff. Never set these in an application.
   */
  readonly testing?: {
    readonly kdfIterations?: number;
    readonly now?: () => number;
    readonly gatePolicy?: Partial<Omit<GatePolicy, 'maxFailures'>>;
  };
}

export interface SetupOptions {
  /** Wrong PINs in a row before the wallet wipes itself. Default 10. */
  readonly maxFailures?: number;
  /** Lock after this much inactivity. Default 2 minutes. */
  readonly autoLockMs?: number;
}

export interface WalletStatus {
  readonly schemaVersion: number;
  readonly initialised: boolean;
  readonly unlocked: boolean;
  /** Consecutive wrong PINs so far. */
  readonly failures: number;
  readonly maxFailures: number;
  /** The warning: wrong PINs left before the wallet erases itself. */
  readonly attemptsBeforeWipe: number;
  /** 0 when a PIN may be tried now. */
  readonly retryAfterMs: number;
  readonly autoLockMs: number;
  readonly passkeyEnabled: boolean;
  readonly kdfIterations: number | null;
  readonly wipedAt: string | null;
  readonly wipedReason: WipedRecord['reason'] | null;
}

export interface DeviceKeyInfo extends DevicePublicKey {
  readonly createdAt: string;
  /** The credential this key is bound to, or null while enrolment is pending. */
  readonly credentialId: string | null;
}

export interface PresentationSigner {
  readonly credentialId: string;
  readonly publicKey: DevicePublicKey;
  /** ECDSA P-256 / SHA-256, raw r||s (64 bytes, COSE ES256). Refuses with wallet/locked once the wallet locks. */
  readonly sign: Signer;
}

export interface DamagedRecord {
  readonly id: string;
  readonly code: string;
  readonly message: string;
}

export interface Listing<T> {
  readonly items: T[];
  /** Records whose integrity check failed: reported (so the UI can offer to remove them), never shown. */
  readonly damaged: DamagedRecord[];
}

export interface BackupExport {
  readonly file: Uint8Array;
  readonly credentialIds: string[];
  readonly damaged: DamagedRecord[];
}

export interface BackupImport {
  readonly restored: string[];
  /** Already in this wallet (a bound credential is never replaced by its key-less backup copy). */
  readonly skipped: string[];
}

/** What every part of the wallet shares: one connection, one session, one clock and the KDF/gate settings. */
export interface WalletContext {
  readonly storage: WalletStorage;
  readonly session: Session;
  readonly now: () => number;
  /** PBKDF2 iterations for new PIN and backup keys. */
  readonly iterations: number;
  /** The backoff policy apart from maxFailures (which is a stored setting). */
  readonly gateBase: Omit<GatePolicy, 'maxFailures'>;
}

export function damage(id: string, e: unknown): DamagedRecord {
  return isEidkitError(e)
    ? { id, code: e.code, message: e.message }
    : { id, code: 'wallet/tampered', message: 'This record could not be read and was not shown.' };
}
