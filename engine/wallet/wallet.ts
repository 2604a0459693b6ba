/**
 * The citizen's wallet: credentials encrypted at rest, device keys that never leave the key store, a PIN gate with
 * backoff and self-wipe, an encrypted backup without keys, and a private presentation log.
 *
 * This class is the facade; each responsibility lives in its own module, sharing one WalletContext:
 *  - storage.ts: the IndexedDB connection; every mutation is exactly ONE readwrite transaction;
 *  - session.ts: the unlocked data key (memory only, non-extractable, dropped on lock), auto-lock and events;
 *  - gate.ts: PIN and passkey unlock, settings, self-wipe (an attempt is counted before it is checked);
 *  - key-store.ts, credential-store.ts: device keys and sealed credentials;
 *  - presentation.ts: the holder-binding signer and the presentation log;
 *  - transfer.ts: backup export and import.
 */
import type { AuditEntry, PresentationRecord } from './audit.ts';
import { DEFAULT_GATE_POLICY } from './backoff.ts';
import type { WalletEvent } from './channel.ts';
import * as credentials from './credential-store.ts';
import { DEFAULT_PBKDF2_ITERATIONS, MAX_PBKDF2_ITERATIONS, MIN_PBKDF2_ITERATIONS } from './crypto.ts';
import type { DevicePublicKey, Signer } from './device-keys.ts';
import { walletError } from './errors.ts';
import * as gate from './gate.ts';
import * as keys from './key-store.ts';
import type { CeremonyOptions, RegisterOptions } from './passkey.ts';
import * as presentation from './presentation.ts';
import type { CredentialSummary, NewCredential, StoredCredential } from './records.ts';
import { Session } from './session.ts';
import { WalletStorage } from './storage.ts';
import * as transfer from './transfer.ts';
import {
  DEFAULT_WALLET_NAME,
  type BackupExport,
  type BackupImport,
  type DeviceKeyInfo,
  type Listing,
  type PresentationSigner,
  type SetupOptions,
  type WalletContext,
  type WalletOptions,
  type WalletStatus,
} from './types.ts';

export {
  DEFAULT_WALLET_NAME,
  MIN_AUTO_LOCK_MS,
  MAX_AUTO_LOCK_MS,
  type WalletOptions,
  type SetupOptions,
  type WalletStatus,
  type DeviceKeyInfo,
  type PresentationSigner,
  type DamagedRecord,
  type Listing,
  type BackupExport,
  type BackupImport,
} from './types.ts';

export class Wallet {
  readonly name: string;
  /** The parts' shared state; not part of the public API. */
  readonly #ctx: WalletContext;
  #closed = false;

  /** Opens (and if needed creates or migrates) the wallet database. */
  static async open(options: WalletOptions = {}): Promise<Wallet> {
    if (typeof indexedDB === 'undefined' || typeof crypto === 'undefined' || !crypto.subtle) {
      throw walletError('wallet/unsupported', 'This browser cannot keep a wallet (IndexedDB and WebCrypto are needed, in a secure context).');
    }
    const w = new Wallet(options);
    try {
      await w.#ctx.storage.open();
    } catch (e) {
      w.close();
      throw e;
    }
    return w;
  }

  private constructor(options: WalletOptions) {
    this.name = options.name ?? DEFAULT_WALLET_NAME;
    const now = options.testing?.now ?? Date.now;
    const testIterations = options.testing?.kdfIterations;
    const iterations = testIterations ?? options.kdfIterations ?? DEFAULT_PBKDF2_ITERATIONS;
    const floor = testIterations !== undefined ? 1 : MIN_PBKDF2_ITERATIONS;
    if (!Number.isSafeInteger(iterations) || iterations < floor || iterations > MAX_PBKDF2_ITERATIONS) {
      throw walletError('wallet/bad-input', `kdfIterations must be an integer from ${MIN_PBKDF2_ITERATIONS} to ${MAX_PBKDF2_ITERATIONS}.`);
    }
    const { maxFailures: _ignored, ...base } = DEFAULT_GATE_POLICY;
    const session = new Session(this.name, now, options.lockWhenHidden ?? true);
    const storage = new WalletStorage(this.name, now, (change, id) => session.announce(change, id));
    this.#ctx = { storage, session, now, iterations, gateBase: { ...base, ...options.testing?.gatePolicy } };
  }

  // ───────────────────────────── status, events, lifecycle ─────────────────────────────

  subscribe(listener: (e: WalletEvent) => void): () => void {
    return this.#ctx.session.subscribe(listener);
  }

  get isUnlocked(): boolean {
    return this.#ctx.session.isUnlocked;
  }

  status(): Promise<WalletStatus> {
    return gate.status(this.#ctx);
  }

  /** Call on user interaction to keep the wallet unlocked; it locks after `autoLockMs` without any. */
  touch(): void {
    this.#ctx.session.touch();
  }

  /** Locks this wallet in every tab (a deliberate "lock now"). */
  lock(): void {
    this.#ctx.session.lockEverywhere();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ctx.session.close();
    this.#ctx.storage.close();
    this.#ctx.session.emit({ type: 'closed', source: 'local' });
  }

  // ─────────────────────────────────── PIN and unlock ───────────────────────────────────

  /** First run: sets the PIN and creates the data key. Leaves the wallet unlocked. */
  setup(pin: string, options: SetupOptions = {}): Promise<void> {
    return gate.setup(this.#ctx, pin, options);
  }

  unlock(pin: string): Promise<void> {
    return gate.unlock(this.#ctx, pin);
  }

  changePin(oldPin: string, newPin: string): Promise<void> {
    return gate.changePin(this.#ctx, oldPin, newPin);
  }

  /**
   * Adds passkey unlock (WebAuthn PRF) next to the PIN. The PIN is asked again (and counted like any attempt):
   * whoever holds an unlocked phone for a minute must not be able to enrol their own fingerprint.
   */
  enablePasskey(pin: string, options: RegisterOptions = {}): Promise<void> {
    return gate.enablePasskey(this.#ctx, pin, options);
  }

  disablePasskey(): Promise<void> {
    return gate.disablePasskey(this.#ctx);
  }

  /** Unlock with the registered passkey (fingerprint / face unlock / screen lock on the authenticator). */
  unlockWithPasskey(options: CeremonyOptions = {}): Promise<void> {
    return gate.unlockWithPasskey(this.#ctx, options);
  }

  updateSettings(change: Partial<SetupOptions>): Promise<void> {
    return gate.updateSettings(this.#ctx, change);
  }

  /** Erases everything (credentials, device keys, log, PIN). Works locked too: whoever holds the phone can clear site data anyway. */
  wipe(): Promise<void> {
    return gate.wipe(this.#ctx);
  }

  // ───────────────────────────────────── device keys ─────────────────────────────────────

  /** A fresh P-256 device key for an enrolment; bind it to the issued credential with addCredential. */
  createDeviceKey(): Promise<DeviceKeyInfo> {
    return keys.createDeviceKey(this.#ctx);
  }

  listDeviceKeys(): Promise<DeviceKeyInfo[]> {
    return keys.listDeviceKeys(this.#ctx);
  }

  /**
   * A signer for a key not yet bound to a credential: the enrolment request's proof of possession.
   * Bound keys sign only through presentationSigner, which checks the credential first.
   */
  enrolmentSigner(keyId: string): Promise<{ publicKey: DevicePublicKey; sign: Signer }> {
    return keys.enrolmentSigner(this.#ctx, keyId);
  }

  /** Deletes a pending (unbound) device key, e.g. an abandoned enrolment. */
  deleteDeviceKey(keyId: string): Promise<void> {
    return keys.deleteDeviceKey(this.#ctx, keyId);
  }

  // ───────────────────────────────────── credentials ─────────────────────────────────────

  /** Stores an issued credential, encrypted, bound to the device key it was issued for. */
  addCredential(input: NewCredential): Promise<CredentialSummary> {
    return credentials.addCredential(this.#ctx, input);
  }

  listCredentials(): Promise<Listing<CredentialSummary>> {
    return credentials.listCredentials(this.#ctx);
  }

  getCredential(id: string): Promise<StoredCredential> {
    return credentials.getCredential(this.#ctx, id);
  }

  /** Removes a credential and its device key together (also works for a damaged record). */
  removeCredential(id: string): Promise<void> {
    return credentials.removeCredential(this.#ctx, id);
  }

  // ───────────────────────────────────── presentation ─────────────────────────────────────

  /**
   * The holder-binding signer for one credential. Refuses a restored credential (no device key here: the issuer
   * must re-bind it) and, at every call, a locked wallet (so a refreshing QR stops when the wallet locks).
   */
  presentationSigner(credentialId: string): Promise<PresentationSigner> {
    return presentation.presentationSigner(this.#ctx, credentialId);
  }

  /** Logs a presentation: element names and mode only (values, portraits and templates are refused). */
  recordPresentation(record: PresentationRecord): Promise<AuditEntry> {
    return presentation.recordPresentation(this.#ctx, record);
  }

  /** Oldest first. */
  auditLog(): Promise<Listing<AuditEntry>> {
    return presentation.auditLog(this.#ctx);
  }

  clearAuditLog(): Promise<void> {
    return presentation.clearAuditLog(this.#ctx);
  }

  // ─────────────────────────────────────── backup ───────────────────────────────────────

  /**
   * An encrypted file with the credentials (and optionally the presentation log) for moving to a new phone.
   * It never contains device keys; credentials restored from it need re-binding by the issuer.
   */
  exportBackup(passphrase: string, options: { includeAuditLog?: boolean } = {}): Promise<BackupExport> {
    return transfer.exportBackup(this.#ctx, passphrase, options);
  }

  /** Restores a backup into this (unlocked) wallet; every restored credential is flagged needsRebinding. */
  importBackup(file: Uint8Array, passphrase: string): Promise<BackupImport> {
    return transfer.importBackup(this.#ctx, file, passphrase);
  }
}

/** Shorthand for Wallet.open. */
export function openWallet(options?: WalletOptions): Promise<Wallet> {
  return Wallet.open(options);
}
