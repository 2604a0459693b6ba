/**
 * The citizen's wallet: credentials encrypted at rest, device keys that never leave the key store, a PIN gate with
 * backoff and self-wipe, an encrypted backup without keys, and a private presentation log.
 *
 * Rules this file keeps:
 *  - every mutation is exactly ONE IndexedDB readwrite transaction (crypto happens before it opens, because awaiting
 *    WebCrypto inside a transaction would auto-commit it), so a crash or a quota refusal leaves the previous state;
 *  - the unlocked data key lives only in this object's memory, non-extractable, and is dropped on lock;
 *  - a PIN attempt is counted before it is checked (see backoff.ts), so no tab, crash or race yields a free guess.
 */
import type { IDBPTransaction } from 'idb';
import { isEidkitError, type EidkitError } from '../errors.ts';
import { checkPresentationRecord, auditAad, decodeAudit, encodeAudit, MAX_AUDIT_ENTRIES } from './audit.ts';
import type { AuditEntry, PresentationRecord } from './audit.ts';
import { openBackup, sealBackup, type BackupContents } from './backup.ts';
import {
  DEFAULT_GATE_POLICY,
  attemptsBeforeWipe,
  backoffDelayMs,
  checkGatePolicy,
  retryAfterMs,
  type GatePolicy,
} from './backoff.ts';
import { randomBytes } from './bytes.ts';
import { ChangeChannel, type WalletChange, type WalletEvent } from './channel.ts';
import {
  DEFAULT_PBKDF2_ITERATIONS,
  MAX_PBKDF2_ITERATIONS,
  MIN_PBKDF2_ITERATIONS,
  SALT_BYTES,
  checkMatches,
  derivePinKeys,
  generateDataKey,
  kekFromPrf,
  normaliseSecret,
  seal,
  unseal,
  unwrapDataKey,
  wrapDataKey,
} from './crypto.ts';
import { deviceKeyId, exportPublic, generateDeviceKeyPair, signP256, type DevicePublicKey, type Signer } from './device-keys.ts';
import { walletError } from './errors.ts';
import { evaluatePrf, registerPrfPasskey, type CeremonyOptions, type RegisterOptions } from './passkey.ts';
import {
  checkCredentialBytes,
  checkMeta,
  credentialAad,
  decodePayload,
  encodePayload,
  summarise,
  type CredentialPayload,
  type CredentialSummary,
  type NewCredential,
  type StoredCredential,
} from './records.ts';
import {
  ALL_STORES,
  DB_VERSION,
  DEFAULT_AUTO_LOCK_MS,
  openWalletDb,
  type AuditRow,
  type CredentialRow,
  type GateRecord,
  type KeyRow,
  type PinSlot,
  type SettingsRecord,
  type VaultRecord,
  type WalletDb,
  type WalletSchema,
  type WalletStore,
  type WipedRecord,
} from './schema.ts';
import { checkPassphrase, checkPin } from './secrets.ts';

export const DEFAULT_WALLET_NAME = 'eidkit-wallet';
export const MIN_AUTO_LOCK_MS = 1_000;
export const MAX_AUTO_LOCK_MS = 24 * 60 * 60_000;

const PIN_AAD = 'eidkit-wallet/dek/pin/v1';
const PRF_AAD = 'eidkit-wallet/dek/prf/v1';

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

type Tx<S extends WalletStore[]> = IDBPTransaction<WalletSchema, S, 'readwrite'>;

function storageError(e: unknown, txError: DOMException | null | undefined): EidkitError {
  const names = [e instanceof DOMException || e instanceof Error ? e.name : '', txError?.name ?? ''];
  if (names.includes('QuotaExceededError')) {
    return walletError(
      'wallet/quota',
      'The browser has no room to store this. Nothing was changed. Free some space on the device or remove old data.',
      undefined,
      txError ?? e,
    );
  }
  if (names.includes('VersionError')) {
    return walletError('wallet/schema-too-new', 'This wallet was saved by a newer eidkit version. Update the app.', undefined, e);
  }
  if (names.includes('InvalidStateError')) {
    return walletError('wallet/closed', 'The wallet storage was closed (another tab is updating it). Reopen the wallet.', undefined, e);
  }
  return walletError('wallet/storage', 'The wallet storage failed. Nothing was changed.', { name: names[0] || names[1] }, txError ?? e);
}

export class Wallet {
  readonly name: string;
  private db: WalletDb | null;
  private dataKey: CryptoKey | null = null;
  private lastActivity = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private settings: SettingsRecord | null = null;
  private closed = false;
  private readonly listeners = new Set<(e: WalletEvent) => void>();
  private readonly channel: ChangeChannel;
  private readonly now: () => number;
  private readonly iterations: number;
  private readonly gateBase: Omit<GatePolicy, 'maxFailures'>;
  private readonly onHidden: (() => void) | null;

  /** Opens (and if needed creates or migrates) the wallet database. */
  static async open(options: WalletOptions = {}): Promise<Wallet> {
    if (typeof indexedDB === 'undefined' || typeof crypto === 'undefined' || !crypto.subtle) {
      throw walletError('wallet/unsupported', 'This browser cannot keep a wallet (IndexedDB and WebCrypto are needed, in a secure context).');
    }
    const w = new Wallet(options);
    try {
      w.db = await w.connect();
    } catch (e) {
      w.close();
      throw e;
    }
    return w;
  }

  private constructor(options: WalletOptions) {
    this.name = options.name ?? DEFAULT_WALLET_NAME;
    this.now = options.testing?.now ?? Date.now;
    const testIterations = options.testing?.kdfIterations;
    const iterations = testIterations ?? options.kdfIterations ?? DEFAULT_PBKDF2_ITERATIONS;
    const floor = testIterations !== undefined ? 1 : MIN_PBKDF2_ITERATIONS;
    if (!Number.isSafeInteger(iterations) || iterations < floor || iterations > MAX_PBKDF2_ITERATIONS) {
      throw walletError('wallet/bad-input', `kdfIterations must be an integer from ${MIN_PBKDF2_ITERATIONS} to ${MAX_PBKDF2_ITERATIONS}.`);
    }
    this.iterations = iterations;
    const { maxFailures: _ignored, ...base } = DEFAULT_GATE_POLICY;
    this.gateBase = { ...base, ...options.testing?.gatePolicy };
    this.db = null;
    this.channel = new ChangeChannel(this.name, (type, id) => this.onRemote(type, id));
    if ((options.lockWhenHidden ?? true) && typeof document !== 'undefined') {
      this.onHidden = () => {
        if (document.visibilityState === 'hidden') this.lockHere();
      };
      document.addEventListener('visibilitychange', this.onHidden);
    } else {
      this.onHidden = null;
    }
  }

  // ───────────────────────────── status, events, lifecycle ─────────────────────────────

  subscribe(listener: (e: WalletEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get isUnlocked(): boolean {
    return this.dataKey !== null && !this.idleExpired();
  }

  async status(): Promise<WalletStatus> {
    const [vault, gate, settings, wiped] = await this.read((db) => {
      const tx = db.transaction('meta', 'readonly');
      return Promise.all([
        tx.store.get('vault') as Promise<VaultRecord | undefined>,
        tx.store.get('gate') as Promise<GateRecord | undefined>,
        tx.store.get('settings') as Promise<SettingsRecord | undefined>,
        tx.store.get('wiped') as Promise<WipedRecord | undefined>,
      ]);
    });
    const g = gate ?? { failures: 0, lastAttemptAt: null };
    const policy = this.policy(settings);
    return {
      schemaVersion: DB_VERSION,
      initialised: vault !== undefined,
      unlocked: vault !== undefined && this.isUnlocked,
      failures: g.failures,
      maxFailures: policy.maxFailures,
      attemptsBeforeWipe: attemptsBeforeWipe(g.failures, policy),
      retryAfterMs: retryAfterMs(g.failures, g.lastAttemptAt, this.now(), policy),
      autoLockMs: settings?.autoLockMs ?? DEFAULT_AUTO_LOCK_MS,
      passkeyEnabled: vault?.prf != null,
      kdfIterations: vault?.pin.iterations ?? null,
      wipedAt: wiped ? new Date(wiped.at).toISOString() : null,
      wipedReason: wiped?.reason ?? null,
    };
  }

  /** Call on user interaction to keep the wallet unlocked; it locks after `autoLockMs` without any. */
  touch(): void {
    if (this.dataKey === null) return;
    if (this.idleExpired()) {
      this.lockHere();
      return;
    }
    this.lastActivity = this.now();
    this.armTimer();
  }

  /** Locks this wallet in every tab (a deliberate "lock now"). */
  lock(): void {
    this.lockHere();
    this.channel.post('locked');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.lockHere();
    this.channel.close();
    if (this.onHidden) document.removeEventListener('visibilitychange', this.onHidden);
    this.db?.close();
    this.db = null;
    this.emit({ type: 'closed', source: 'local' });
  }

  // ─────────────────────────────────── PIN and unlock ───────────────────────────────────

  /** First run: sets the PIN and creates the data key. Leaves the wallet unlocked. */
  async setup(pin: string, options: SetupOptions = {}): Promise<void> {
    const p = checkPin(pin);
    const settings: SettingsRecord = {
      maxFailures: options.maxFailures ?? DEFAULT_GATE_POLICY.maxFailures,
      autoLockMs: options.autoLockMs ?? DEFAULT_AUTO_LOCK_MS,
    };
    this.checkSettings(settings);
    const dataKey = await generateDataKey();
    const sealed = await this.pinSlot(p, dataKey);
    const slot = sealed.slot;
    const now = this.now();
    await this.write(['meta'], 'vault', async (tx) => {
      if (await tx.objectStore('meta').get('vault')) {
        throw walletError('wallet/already-initialised', 'This wallet already has a PIN. Unlock it, or wipe it to start over.');
      }
      await tx.objectStore('meta').delete('wiped');
      await tx.objectStore('meta').put({ fmt: 1, pin: slot, prf: null, createdAt: now } satisfies VaultRecord, 'vault');
      await tx.objectStore('meta').put({ failures: 0, lastAttemptAt: null } satisfies GateRecord, 'gate');
      await tx.objectStore('meta').put(settings, 'settings');
    });
    this.settings = settings;
    await this.startSession(sealed);
  }

  async unlock(pin: string): Promise<void> {
    const { dataKey, vault } = await this.verifyPin(pin, (v) => v.pin.iterations < this.iterations);
    if (vault.pin.iterations < this.iterations) {
      // The vault was sealed with an older, cheaper KDF setting: re-wrap under today's count now that we can.
      const sealed = await this.pinSlot(normaliseSecret(pin), dataKey);
      await this.write(['meta'], 'vault', async (tx) => {
        const cur = (await tx.objectStore('meta').get('vault')) as VaultRecord | undefined;
        if (cur) await tx.objectStore('meta').put({ ...cur, pin: sealed.slot }, 'vault');
      });
      await this.startSession(sealed);
      return;
    }
    await this.beginSession(dataKey);
  }

  async changePin(oldPin: string, newPin: string): Promise<void> {
    const p = checkPin(newPin);
    const { dataKey } = await this.verifyPin(oldPin, () => true);
    const sealed = await this.pinSlot(p, dataKey);
    await this.write(['meta'], 'vault', async (tx) => {
      const cur = (await tx.objectStore('meta').get('vault')) as VaultRecord | undefined;
      if (!cur) throw walletError('wallet/not-initialised', 'The wallet has no PIN yet.');
      await tx.objectStore('meta').put({ ...cur, pin: sealed.slot }, 'vault');
    });
    await this.startSession(sealed);
  }

  /**
   * Adds passkey unlock (WebAuthn PRF) next to the PIN. The PIN is asked again (and counted like any attempt):
   * whoever holds an unlocked phone for a minute must not be able to enrol their own fingerprint.
   */
  async enablePasskey(pin: string, options: RegisterOptions = {}): Promise<void> {
    const { dataKey } = await this.verifyPin(pin, () => true);
    const salt = randomBytes(32);
    const { registration, output } = await registerPrfPasskey(salt, options);
    const kek = await kekFromPrf(output, salt);
    output.fill(0);
    const w = await wrapDataKey(dataKey, kek, PRF_AAD);
    const now = this.now();
    await this.write(['meta'], 'vault', async (tx) => {
      const cur = (await tx.objectStore('meta').get('vault')) as VaultRecord | undefined;
      if (!cur) throw walletError('wallet/not-initialised', 'The wallet has no PIN yet.');
      await tx.objectStore('meta').put(
        { ...cur, prf: { credentialId: registration.credentialId, rpId: registration.rpId, salt, iv: w.iv, wrapped: w.wrapped, createdAt: now } },
        'vault',
      );
    });
    const session = await unwrapDataKey(w, kek, PRF_AAD, false);
    if (session) await this.beginSession(session);
  }

  async disablePasskey(): Promise<void> {
    this.requireUnlocked();
    await this.write(['meta'], 'vault', async (tx) => {
      const cur = (await tx.objectStore('meta').get('vault')) as VaultRecord | undefined;
      if (cur) await tx.objectStore('meta').put({ ...cur, prf: null }, 'vault');
    });
  }

  /** Unlock with the registered passkey (fingerprint / face unlock / screen lock on the authenticator). */
  async unlockWithPasskey(options: CeremonyOptions = {}): Promise<void> {
    const vault = await this.readVault();
    if (!vault.prf) throw walletError('wallet/passkey-unavailable', 'No passkey is set up for this wallet. Use your PIN.');
    const output = await evaluatePrf({ credentialId: vault.prf.credentialId, rpId: vault.prf.rpId }, vault.prf.salt, options);
    const kek = await kekFromPrf(output, vault.prf.salt);
    output.fill(0);
    const dataKey = await unwrapDataKey(vault.prf, kek, PRF_AAD, false);
    if (!dataKey) {
      throw walletError('wallet/tampered', 'The passkey answered, but the wallet key did not open: the stored key was altered. Use your PIN.', {
        what: 'vault',
      });
    }
    // The authenticator verified the user: the PIN typo budget starts afresh.
    await this.write(['meta'], 'gate', async (tx) => {
      await tx.objectStore('meta').put({ failures: 0, lastAttemptAt: null } satisfies GateRecord, 'gate');
    });
    await this.beginSession(dataKey);
  }

  async updateSettings(change: Partial<SetupOptions>): Promise<void> {
    this.requireUnlocked();
    const cur = await this.readSettings();
    const next: SettingsRecord = {
      maxFailures: change.maxFailures ?? cur.maxFailures,
      autoLockMs: change.autoLockMs ?? cur.autoLockMs,
    };
    this.checkSettings(next);
    await this.write(['meta'], 'settings', async (tx) => {
      await tx.objectStore('meta').put(next, 'settings');
    });
    this.settings = next;
    this.armTimer();
  }

  /** Erases everything (credentials, device keys, log, PIN). Works locked too: whoever holds the phone can clear site data anyway. */
  async wipe(): Promise<void> {
    await this.write(ALL_STORES, null, async (tx) => this.wipeIn(tx, 'user'));
    this.afterWipe();
  }

  // ───────────────────────────────────── device keys ─────────────────────────────────────

  /** A fresh P-256 device key for an enrolment; bind it to the issued credential with addCredential. */
  async createDeviceKey(): Promise<DeviceKeyInfo> {
    this.requireUnlocked();
    const pair = await generateDeviceKeyPair();
    const { jwk, raw } = await exportPublic(pair.publicKey);
    const keyId = await deviceKeyId(raw);
    const row: KeyRow = {
      keyId,
      privateKey: pair.privateKey,
      publicKey: pair.publicKey,
      publicJwk: jwk,
      publicRaw: raw,
      createdAt: this.now(),
      credentialId: null,
    };
    await this.write(['keys'], 'keys', async (tx) => {
      await tx.objectStore('keys').add(row);
    }, keyId);
    return keyInfo(row);
  }

  async listDeviceKeys(): Promise<DeviceKeyInfo[]> {
    this.requireUnlocked();
    const rows = await this.read((db) => db.getAll('keys'));
    return rows.map(keyInfo);
  }

  /**
   * A signer for a key not yet bound to a credential: the enrolment request's proof of possession.
   * Bound keys sign only through presentationSigner, which checks the credential first.
   */
  async enrolmentSigner(keyId: string): Promise<{ publicKey: DevicePublicKey; sign: Signer }> {
    this.requireUnlocked();
    const row = await this.read((db) => db.get('keys', keyId));
    if (!row) throw walletError('wallet/not-found', 'No such device key.', { keyId });
    if (row.credentialId !== null) {
      throw walletError('wallet/key-in-use', 'This device key is bound to a credential; use presentationSigner.', { keyId });
    }
    return { publicKey: keyInfo(row), sign: this.guardedSigner(row.privateKey) };
  }

  /** Deletes a pending (unbound) device key, e.g. an abandoned enrolment. */
  async deleteDeviceKey(keyId: string): Promise<void> {
    this.requireUnlocked();
    await this.write(['keys'], 'keys', async (tx) => {
      const row = await tx.objectStore('keys').get(keyId);
      if (!row) throw walletError('wallet/not-found', 'No such device key.', { keyId });
      if (row.credentialId !== null) {
        throw walletError('wallet/key-in-use', 'This device key belongs to a credential; remove the credential instead.', { keyId });
      }
      await tx.objectStore('keys').delete(keyId);
    }, keyId);
  }

  // ───────────────────────────────────── credentials ─────────────────────────────────────

  /** Stores an issued credential, encrypted, bound to the device key it was issued for. */
  async addCredential(input: NewCredential): Promise<CredentialSummary> {
    const dataKey = this.requireUnlocked();
    const meta = checkMeta(input?.meta);
    const bytes = checkCredentialBytes(input.bytes);
    const keyId = input.keyId;
    if (typeof keyId !== 'string' || keyId.length === 0) throw walletError('wallet/bad-input', 'A device keyId is required.');
    const replaces = input.replaces;
    const payload: CredentialPayload = { v: 1, meta, bytes, needsRebinding: false, addedAt: this.now(), restoredAt: null };
    const sealed = await seal(dataKey, encodePayload(payload), credentialAad(meta.id, keyId));
    await this.write(['credentials', 'keys'], 'credentials', async (tx) => {
      const creds = tx.objectStore('credentials');
      const keys = tx.objectStore('keys');
      const key = await keys.get(keyId);
      if (!key) throw walletError('wallet/not-found', 'The device key for this credential is not in this wallet.', { keyId });
      if (key.credentialId !== null && key.credentialId !== replaces) {
        throw walletError('wallet/key-in-use', 'This device key is already bound to another credential (one key per credential).', {
          keyId,
          credentialId: key.credentialId,
        });
      }
      const boundRows = await creds.index('byKeyId').getAllKeys(keyId);
      if (boundRows.some((id) => id !== replaces)) {
        throw walletError('wallet/key-in-use', 'This device key is already bound to another credential (one key per credential).', { keyId });
      }
      if (replaces !== undefined) {
        const old = await creds.get(replaces);
        if (!old) throw walletError('wallet/not-found', 'The credential to replace is not in this wallet.', { id: replaces });
        await creds.delete(replaces);
        if (old.keyId !== null && old.keyId !== keyId) await keys.delete(old.keyId);
      }
      if (meta.id !== replaces && (await creds.get(meta.id))) {
        throw walletError('wallet/duplicate', 'A credential with this id is already in the wallet.', { id: meta.id });
      }
      await creds.put({ id: meta.id, keyId, fmt: 1, iv: sealed.iv, ct: sealed.ct, updatedAt: payload.addedAt } satisfies CredentialRow);
      await keys.put({ ...key, credentialId: meta.id });
    }, meta.id);
    return summarise(payload, keyId);
  }

  async listCredentials(): Promise<Listing<CredentialSummary>> {
    const dataKey = this.requireUnlocked();
    const rows = await this.read((db) => db.getAll('credentials'));
    const items: CredentialSummary[] = [];
    const damaged: DamagedRecord[] = [];
    for (const row of rows) {
      try {
        items.push(summarise(await this.openRow(dataKey, row), row.keyId));
      } catch (e) {
        damaged.push(damage(row.id, e));
      }
    }
    return { items, damaged };
  }

  async getCredential(id: string): Promise<StoredCredential> {
    const dataKey = this.requireUnlocked();
    const row = await this.read((db) => db.get('credentials', id));
    if (!row) throw walletError('wallet/not-found', 'No such credential.', { id });
    const p = await this.openRow(dataKey, row);
    return { ...summarise(p, row.keyId), bytes: p.bytes };
  }

  /** Removes a credential and its device key together (also works for a damaged record). */
  async removeCredential(id: string): Promise<void> {
    this.requireUnlocked();
    await this.write(['credentials', 'keys'], 'credentials', async (tx) => {
      const row = await tx.objectStore('credentials').get(id);
      if (!row) throw walletError('wallet/not-found', 'No such credential.', { id });
      await tx.objectStore('credentials').delete(id);
      if (row.keyId !== null) await tx.objectStore('keys').delete(row.keyId);
    }, id);
  }

  /**
   * The holder-binding signer for one credential. Refuses a restored credential (no device key here: the issuer
   * must re-bind it) and, at every call, a locked wallet (so a refreshing QR stops when the wallet locks).
   */
  async presentationSigner(credentialId: string): Promise<PresentationSigner> {
    const dataKey = this.requireUnlocked();
    const row = await this.read((db) => db.get('credentials', credentialId));
    if (!row) throw walletError('wallet/not-found', 'No such credential.', { id: credentialId });
    const p = await this.openRow(dataKey, row);
    const keyId = row.keyId;
    const key = keyId === null ? undefined : await this.read((db) => db.get('keys', keyId));
    if (p.needsRebinding || row.keyId === null || !key || key.credentialId !== credentialId) {
      throw walletError(
        'wallet/needs-rebinding',
        'This credential was restored from a backup and has no device key on this phone. Ask the issuer to re-bind it to this device before showing it.',
        { id: credentialId },
      );
    }
    return { credentialId, publicKey: keyInfo(key), sign: this.guardedSigner(key.privateKey) };
  }

  // ──────────────────────────────────────── audit ────────────────────────────────────────

  /** Logs a presentation: element names and mode only (values, portraits and templates are refused). */
  async recordPresentation(record: PresentationRecord): Promise<AuditEntry> {
    const dataKey = this.requireUnlocked();
    const rec = checkPresentationRecord(record);
    const row = await this.read((db) => db.get('credentials', rec.credentialId));
    if (!row) throw walletError('wallet/not-found', 'No such credential.', { id: rec.credentialId });
    const p = await this.openRow(dataKey, row);
    const at = this.now();
    const entry: AuditEntry = { id: crypto.randomUUID(), at: new Date(at).toISOString(), docType: p.meta.docType, ...rec };
    const sealed = await seal(dataKey, encodeAudit(entry), auditAad(entry.id));
    await this.write(['audit'], 'audit', async (tx) => {
      await tx.objectStore('audit').put({ id: entry.id, at, fmt: 1, iv: sealed.iv, ct: sealed.ct } satisfies AuditRow);
      const count = await tx.objectStore('audit').count();
      if (count > MAX_AUDIT_ENTRIES) {
        const oldest = await tx.objectStore('audit').index('byAt').getAllKeys(undefined, count - MAX_AUDIT_ENTRIES);
        for (const id of oldest) await tx.objectStore('audit').delete(id);
      }
    }, entry.id);
    return entry;
  }

  /** Oldest first. */
  async auditLog(): Promise<Listing<AuditEntry>> {
    const dataKey = this.requireUnlocked();
    const rows = await this.read((db) => db.getAllFromIndex('audit', 'byAt'));
    const items: AuditEntry[] = [];
    const damaged: DamagedRecord[] = [];
    for (const row of rows) {
      try {
        items.push(decodeAudit(await unseal(dataKey, row, auditAad(row.id), 'audit entry'), row.id));
      } catch (e) {
        damaged.push(damage(row.id, e));
      }
    }
    return { items, damaged };
  }

  async clearAuditLog(): Promise<void> {
    this.requireUnlocked();
    await this.write(['audit'], 'audit', async (tx) => {
      await tx.objectStore('audit').clear();
    });
  }

  // ─────────────────────────────────────── backup ───────────────────────────────────────

  /**
   * An encrypted file with the credentials (and optionally the presentation log) for moving to a new phone.
   * It never contains device keys; credentials restored from it need re-binding by the issuer.
   */
  async exportBackup(passphrase: string, options: { includeAuditLog?: boolean } = {}): Promise<BackupExport> {
    const dataKey = this.requireUnlocked();
    const pass = checkPassphrase(passphrase);
    const damaged: DamagedRecord[] = [];
    const credentials: BackupContents['credentials'][number][] = [];
    for (const row of await this.read((db) => db.getAll('credentials'))) {
      try {
        const p = await this.openRow(dataKey, row);
        credentials.push({ meta: p.meta, bytes: p.bytes, addedAt: p.addedAt });
      } catch (e) {
        damaged.push(damage(row.id, e));
      }
    }
    const audit = options.includeAuditLog ? (await this.auditLog()).items : [];
    const file = await sealBackup({ v: 1, exportedAt: this.now(), credentials, audit }, pass, this.iterations);
    return { file, credentialIds: credentials.map((c) => c.meta.id), damaged };
  }

  /** Restores a backup into this (unlocked) wallet; every restored credential is flagged needsRebinding. */
  async importBackup(file: Uint8Array, passphrase: string): Promise<BackupImport> {
    const dataKey = this.requireUnlocked();
    const contents = await openBackup(file, passphrase);
    const now = this.now();
    const creds: CredentialRow[] = [];
    for (const c of contents.credentials) {
      const payload: CredentialPayload = { v: 1, meta: c.meta, bytes: c.bytes, needsRebinding: true, addedAt: c.addedAt, restoredAt: now };
      const s = await seal(dataKey, encodePayload(payload), credentialAad(c.meta.id, null));
      creds.push({ id: c.meta.id, keyId: null, fmt: 1, iv: s.iv, ct: s.ct, updatedAt: now });
    }
    const audit: AuditRow[] = [];
    for (const e of contents.audit) {
      const s = await seal(dataKey, encodeAudit(e), auditAad(e.id));
      audit.push({ id: e.id, at: Date.parse(e.at), fmt: 1, iv: s.iv, ct: s.ct });
    }
    const restored: string[] = [];
    const skipped: string[] = [];
    await this.write(['credentials', 'audit'], 'credentials', async (tx) => {
      for (const row of creds) {
        if (await tx.objectStore('credentials').get(row.id)) {
          skipped.push(row.id);
          continue;
        }
        await tx.objectStore('credentials').put(row);
        restored.push(row.id);
      }
      for (const row of audit) {
        if (!(await tx.objectStore('audit').get(row.id))) await tx.objectStore('audit').put(row);
      }
    });
    return { restored, skipped };
  }

  // ─────────────────────────────────────── internals ───────────────────────────────────────

  private async connect(): Promise<WalletDb> {
    try {
      return await openWalletDb(this.name, {
        now: this.now,
        onVersionChange: () => {
          // Another tab needs a newer schema: step aside; the next call reopens (or reports schema-too-new).
          this.db?.close();
          this.db = null;
        },
        onTerminated: () => {
          this.db = null;
        },
      });
    } catch (e) {
      throw storageError(e, null);
    }
  }

  private async conn(): Promise<WalletDb> {
    if (this.closed) throw walletError('wallet/closed', 'This wallet object was closed. Open the wallet again.');
    if (!this.db) this.db = await this.connect();
    return this.db;
  }

  /** Reads outside a write; storage failures map to typed errors like writes do. */
  private async read<T>(fn: (db: WalletDb) => Promise<T>): Promise<T> {
    const db = await this.conn();
    try {
      return await fn(db);
    } catch (e) {
      if (isEidkitError(e)) throw e;
      throw storageError(e, null);
    }
  }

  /** One readwrite transaction; any failure aborts it whole and maps to a typed error. */
  private async write<S extends WalletStore[], T>(
    stores: S,
    change: WalletChange | null,
    fn: (tx: Tx<S>) => Promise<T>,
    id?: string,
  ): Promise<T> {
    const db = await this.conn();
    let tx: Tx<S>;
    try {
      tx = db.transaction(stores, 'readwrite', { durability: 'strict' });
    } catch (e) {
      throw storageError(e, null);
    }
    const done = tx.done;
    done.catch(() => undefined);
    try {
      const result = await fn(tx);
      await done;
      if (change) this.announce(change, id);
      return result;
    } catch (e) {
      try {
        tx.abort();
      } catch {
        // already finished or aborted
      }
      if (isEidkitError(e)) throw e;
      throw storageError(e, tx.error);
    }
  }

  private announce(type: WalletChange, id?: string): void {
    this.channel.post(type, id);
    this.emit({ type, source: 'local', ...(id === undefined ? {} : { id }) });
  }

  private emit(e: WalletEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // a listener's bug must not break the wallet
      }
    }
  }

  private onRemote(type: WalletChange, id: string | undefined): void {
    if (type === 'wiped' || type === 'locked') this.lockHere(false);
    if (type === 'settings' || type === 'wiped') this.settings = null;
    this.emit({ type, source: 'remote', ...(id === undefined ? {} : { id }) });
  }

  private policy(settings: SettingsRecord | undefined | null): GatePolicy {
    return { ...this.gateBase, maxFailures: settings?.maxFailures ?? DEFAULT_GATE_POLICY.maxFailures };
  }

  private checkSettings(s: SettingsRecord): void {
    const problem = checkGatePolicy(this.policy(s));
    if (problem) throw walletError('wallet/bad-input', problem);
    if (!Number.isInteger(s.autoLockMs) || s.autoLockMs < MIN_AUTO_LOCK_MS || s.autoLockMs > MAX_AUTO_LOCK_MS) {
      throw walletError('wallet/bad-input', `autoLockMs must be from ${MIN_AUTO_LOCK_MS} to ${MAX_AUTO_LOCK_MS} ms.`);
    }
  }

  private async readSettings(): Promise<SettingsRecord> {
    if (!this.settings) {
      const s = (await this.read((db) => db.get('meta', 'settings'))) as SettingsRecord | undefined;
      this.settings = s ?? { maxFailures: DEFAULT_GATE_POLICY.maxFailures, autoLockMs: DEFAULT_AUTO_LOCK_MS };
    }
    return this.settings;
  }

  private async readVault(): Promise<VaultRecord> {
    const [vault, wiped] = await this.read((db) => {
      const tx = db.transaction('meta', 'readonly');
      return Promise.all([tx.store.get('vault') as Promise<VaultRecord | undefined>, tx.store.get('wiped')]);
    });
    if (vault) return vault;
    if (wiped) {
      throw walletError('wallet/wiped', 'This wallet was wiped. Set a new PIN and restore a backup or enrol again.');
    }
    throw walletError('wallet/not-initialised', 'This wallet has no PIN yet. Set one up first.');
  }

  private async pinSlot(pin: string, dataKey: CryptoKey): Promise<{ slot: PinSlot; kek: CryptoKey }> {
    const salt = randomBytes(SALT_BYTES);
    const { kek, check } = await derivePinKeys(pin, salt, this.iterations);
    const w = await wrapDataKey(dataKey, kek, PIN_AAD);
    return { slot: { kdf: 'PBKDF2-SHA-256', iterations: this.iterations, salt, check, iv: w.iv, wrapped: w.wrapped }, kek };
  }

  /**
   * Continues with a non-extractable copy of the data key, unwrapped from the slot just written: the extractable
   * original (needed only to wrap) is dropped with this call's scope.
   */
  private async startSession({ slot, kek }: { slot: PinSlot; kek: CryptoKey }): Promise<void> {
    const key = await unwrapDataKey(slot, kek, PIN_AAD, false);
    if (!key) throw walletError('wallet/tampered', 'The wallet key could not be re-opened after it was written.', { what: 'vault' });
    await this.beginSession(key);
  }

  private async beginSession(dataKey: CryptoKey): Promise<void> {
    await this.readSettings();
    this.dataKey = dataKey;
    this.lastActivity = this.now();
    this.armTimer();
    this.emit({ type: 'unlocked', source: 'local' });
  }

  /**
   * The gate. (1) One transaction checks the wait and counts the attempt. (2) PBKDF2 runs outside any transaction.
   * (3) Success resets the count; a wrong PIN that exhausts the budget wipes in one transaction.
   */
  private async verifyPin(
    pin: string,
    wantExtractable: (v: VaultRecord) => boolean,
  ): Promise<{ dataKey: CryptoKey; vault: VaultRecord }> {
    if (typeof pin !== 'string') throw walletError('wallet/bad-input', 'The PIN must be text.');
    const now = this.now();
    const reserved = await this.write(ALL_STORES, null, async (tx) => {
      const meta = tx.objectStore('meta');
      const vault = (await meta.get('vault')) as VaultRecord | undefined;
      if (!vault) {
        if (await meta.get('wiped')) return { wiped: true as const };
        throw walletError('wallet/not-initialised', 'This wallet has no PIN yet. Set one up first.');
      }
      const settings = (await meta.get('settings')) as SettingsRecord | undefined;
      const policy = this.policy(settings);
      const gate = ((await meta.get('gate')) as GateRecord | undefined) ?? { failures: 0, lastAttemptAt: null };
      if (gate.failures >= policy.maxFailures) {
        // The last permitted attempt was counted but never finished (tab closed mid-check): it stands as wrong.
        await this.wipeIn(tx, 'too-many-failures');
        return { wiped: true as const, justNow: true };
      }
      const wait = retryAfterMs(gate.failures, gate.lastAttemptAt, now, policy);
      if (wait > 0) {
        throw walletError('wallet/backoff', `Too many wrong PINs. Try again in ${Math.ceil(wait / 1000)} s.`, {
          retryAfterMs: wait,
          retryAt: new Date(now + wait).toISOString(),
          failures: gate.failures,
          attemptsLeft: attemptsBeforeWipe(gate.failures, policy),
        });
      }
      await meta.put({ failures: gate.failures + 1, lastAttemptAt: now } satisfies GateRecord, 'gate');
      return { wiped: false as const, vault, policy };
    });
    if (reserved.wiped) {
      if ('justNow' in reserved) this.afterWipe();
      throw walletError('wallet/wiped', 'Too many wrong PINs: this wallet was wiped. Set a new PIN, then restore a backup or enrol again.');
    }
    const { vault } = reserved;
    const { kek, check } = await derivePinKeys(pin, vault.pin.salt, vault.pin.iterations);
    if (checkMatches(check, vault.pin.check)) {
      const dataKey = await unwrapDataKey(vault.pin, kek, PIN_AAD, wantExtractable(vault));
      await this.write(['meta'], 'gate', async (tx) => {
        await tx.objectStore('meta').put({ failures: 0, lastAttemptAt: null } satisfies GateRecord, 'gate');
      });
      if (!dataKey) {
        throw walletError('wallet/tampered', 'The PIN is right but the stored wallet key is damaged or was altered.', { what: 'vault' });
      }
      return { dataKey, vault };
    }
    // Wrong: the attempt is already counted. Wipe if that was the last one (re-read: another tab may have moved on).
    const outcome = await this.write(ALL_STORES, 'gate', async (tx) => {
      const meta = tx.objectStore('meta');
      const settings = (await meta.get('settings')) as SettingsRecord | undefined;
      const policy = this.policy(settings);
      const gate = ((await meta.get('gate')) as GateRecord | undefined) ?? { failures: 0, lastAttemptAt: null };
      if (gate.failures >= policy.maxFailures && (await meta.get('vault'))) {
        await this.wipeIn(tx, 'too-many-failures');
        return { wiped: true, gate, policy };
      }
      return { wiped: false, gate, policy };
    });
    if (outcome.wiped) {
      this.afterWipe();
      throw walletError('wallet/wiped', 'Too many wrong PINs: this wallet was wiped. Set a new PIN, then restore a backup or enrol again.');
    }
    const left = attemptsBeforeWipe(outcome.gate.failures, outcome.policy);
    throw walletError(
      'wallet/wrong-pin',
      left <= 3 ? `Wrong PIN. ${left} attempt(s) left before this wallet erases itself.` : 'Wrong PIN.',
      {
        failures: outcome.gate.failures,
        attemptsLeft: left,
        retryAfterMs: backoffDelayMs(outcome.gate.failures, outcome.policy),
      },
    );
  }

  private async wipeIn(tx: Tx<WalletStore[]>, reason: WipedRecord['reason']): Promise<void> {
    await tx.objectStore('credentials').clear();
    await tx.objectStore('keys').clear();
    await tx.objectStore('audit').clear();
    const meta = tx.objectStore('meta');
    await meta.clear();
    await meta.put({ at: this.now(), reason } satisfies WipedRecord, 'wiped');
  }

  private afterWipe(): void {
    this.lockHere(false);
    this.settings = null;
    this.announce('wiped');
  }

  private idleExpired(): boolean {
    const limit = this.settings?.autoLockMs ?? DEFAULT_AUTO_LOCK_MS;
    return this.now() - this.lastActivity >= limit;
  }

  /** Returns the data key, or throws wallet/locked (auto-locking first if the session idled out). */
  private requireUnlocked(touch = true): CryptoKey {
    if (this.dataKey !== null && this.idleExpired()) this.lockHere();
    const key = this.dataKey;
    if (key === null) throw walletError('wallet/locked', 'The wallet is locked. Unlock it with your PIN or passkey.');
    if (touch) this.touch();
    return key;
  }

  private guardedSigner(privateKey: CryptoKey): Signer {
    return async (bytes: Uint8Array) => {
      // Signing a refreshing QR is not user activity: it must not keep the wallet open forever.
      this.requireUnlocked(false);
      if (!(bytes instanceof Uint8Array)) throw walletError('wallet/bad-input', 'sign() takes a Uint8Array.');
      return signP256(privateKey, bytes);
    };
  }

  private armTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.dataKey === null) return;
    const limit = this.settings?.autoLockMs ?? DEFAULT_AUTO_LOCK_MS;
    const remaining = Math.max(0, this.lastActivity + limit - this.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.dataKey === null) return;
      if (this.idleExpired()) this.lockHere();
      else this.armTimer();
    }, Math.min(remaining, limit) + 5);
  }

  private lockHere(notify = true): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.dataKey === null) return;
    this.dataKey = null;
    if (notify) this.emit({ type: 'locked', source: 'local' });
  }

  private async openRow(dataKey: CryptoKey, row: CredentialRow): Promise<CredentialPayload> {
    const pt = await unseal(dataKey, row, credentialAad(row.id, row.keyId), 'credential');
    return decodePayload(pt, row.id);
  }
}

function keyInfo(row: KeyRow): DeviceKeyInfo {
  return {
    keyId: row.keyId,
    jwk: { ...row.publicJwk },
    raw: row.publicRaw.slice(),
    point: { curve: 'P-256', point: row.publicRaw.slice() },
    createdAt: new Date(row.createdAt).toISOString(),
    credentialId: row.credentialId,
  };
}

function damage(id: string, e: unknown): DamagedRecord {
  return isEidkitError(e)
    ? { id, code: e.code, message: e.message }
    : { id, code: 'wallet/tampered', message: 'This record could not be read and was not shown.' };
}

/** Shorthand for Wallet.open. */
export function openWallet(options?: WalletOptions): Promise<Wallet> {
  return Wallet.open(options);
}
