/**
 * IndexedDB layout and its migrations. One database per wallet name.
 *
 * Version history (each step is a migration below; never edit a shipped step, add a new one):
 *  v1  credentials{id} · keys{keyId} · settings (out-of-line: 'autoLockMs', 'maxFailures')
 *      · meta (out-of-line: 'vault' {fmt, pin, createdAt}, 'failures' → bare number)
 *  v2  settings folded into meta.settings · meta.failures → meta.gate {failures, lastAttemptAt}
 *      · vault gains a `prf` slot (passkey unlock) · credentials index byKeyId · new audit{id} store (index byAt)
 *
 * Migrations run inside the browser's versionchange transaction, so they are all-or-nothing. They only move
 * plaintext structure: ciphertexts cannot be re-encrypted here (no PIN, and awaiting WebCrypto would end the
 * transaction), so record encryption formats carry their own `fmt` number instead.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';

export const DB_VERSION = 2;
export const DEFAULT_AUTO_LOCK_MS = 120_000;

export interface PinSlot {
  readonly kdf: 'PBKDF2-SHA-256';
  readonly iterations: number;
  readonly salt: Uint8Array;
  readonly check: Uint8Array;
  readonly iv: Uint8Array;
  readonly wrapped: Uint8Array;
}

export interface PrfSlot {
  /** WebAuthn credential id (rawId) of the passkey whose PRF output wraps the data key. */
  readonly credentialId: Uint8Array;
  readonly rpId: string | null;
  /** Input to the PRF (and HKDF salt); random per wallet. */
  readonly salt: Uint8Array;
  readonly iv: Uint8Array;
  readonly wrapped: Uint8Array;
  readonly createdAt: number;
}

export interface VaultRecord {
  readonly fmt: 1;
  readonly pin: PinSlot;
  readonly prf: PrfSlot | null;
  readonly createdAt: number;
}

export interface GateRecord {
  readonly failures: number;
  readonly lastAttemptAt: number | null;
}

export interface SettingsRecord {
  readonly autoLockMs: number;
  readonly maxFailures: number;
}

export interface WipedRecord {
  readonly at: number;
  readonly reason: 'too-many-failures' | 'user';
}

export interface CredentialRow {
  readonly id: string;
  /** null for a credential restored from a backup: its device key stayed on the old phone. */
  readonly keyId: string | null;
  readonly fmt: 1;
  readonly iv: Uint8Array;
  readonly ct: Uint8Array;
  readonly updatedAt: number;
}

export interface KeyRow {
  readonly keyId: string;
  /** Non-extractable: structured clone stores the handle, and exportKey on it always throws. */
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly publicJwk: JsonWebKey;
  readonly publicRaw: Uint8Array;
  readonly createdAt: number;
  readonly credentialId: string | null;
}

export interface AuditRow {
  readonly id: string;
  readonly at: number;
  readonly fmt: 1;
  readonly iv: Uint8Array;
  readonly ct: Uint8Array;
}

export type MetaValue = VaultRecord | GateRecord | SettingsRecord | WipedRecord;

export interface WalletSchema extends DBSchema {
  credentials: { key: string; value: CredentialRow; indexes: { byKeyId: string } };
  keys: { key: string; value: KeyRow };
  meta: { key: 'vault' | 'gate' | 'settings' | 'wiped'; value: MetaValue };
  audit: { key: string; value: AuditRow; indexes: { byAt: number } };
}

export type WalletDb = IDBPDatabase<WalletSchema>;
export type WalletStore = StoreNames<WalletSchema>;
export const ALL_STORES: WalletStore[] = ['credentials', 'keys', 'meta', 'audit'];

export interface OpenHooks {
  now(): number;
  /** Another tab wants a newer schema: we must close or it stays blocked. */
  onVersionChange(): void;
  onTerminated(): void;
}

type UpgradeTx = IDBPTransaction<WalletSchema, WalletStore[], 'versionchange'>;

export async function openWalletDb(name: string, hooks: OpenHooks): Promise<WalletDb> {
  return openDB<WalletSchema>(name, DB_VERSION, {
    async upgrade(db, oldVersion, _newVersion, tx) {
      if (oldVersion < 1) createV1(db as unknown as IDBPDatabase);
      if (oldVersion < 2) await migrateV1toV2(db, tx, hooks.now());
    },
    blocking() {
      hooks.onVersionChange();
    },
    terminated() {
      hooks.onTerminated();
    },
  });
}

function createV1(db: IDBPDatabase): void {
  db.createObjectStore('credentials', { keyPath: 'id' });
  db.createObjectStore('keys', { keyPath: 'keyId' });
  db.createObjectStore('settings');
  db.createObjectStore('meta');
}

async function migrateV1toV2(db: WalletDb, tx: UpgradeTx, now: number): Promise<void> {
  // v1 stores are not in the v2 type; reach them untyped.
  const raw = db as unknown as IDBPDatabase;
  const rawTx = tx as unknown as IDBPTransaction<unknown, string[], 'versionchange'>;

  const settingsStore = rawTx.objectStore('settings');
  const autoLockMs = (await settingsStore.get('autoLockMs')) as number | undefined;
  const maxFailures = (await settingsStore.get('maxFailures')) as number | undefined;

  const meta = rawTx.objectStore('meta');
  const vault = (await meta.get('vault')) as Omit<VaultRecord, 'prf'> | undefined;
  const failures = (await meta.get('failures')) as number | undefined;

  if (vault !== undefined) {
    await meta.put({ ...vault, prf: null } satisfies VaultRecord, 'vault');
    // Keep the count (the wipe budget must survive an upgrade) and restart its wait from now, the safe side.
    const n = Number.isInteger(failures) && (failures as number) >= 0 ? (failures as number) : 0;
    await meta.put({ failures: n, lastAttemptAt: n > 0 ? now : null } satisfies GateRecord, 'gate');
    await meta.put(
      { autoLockMs: autoLockMs ?? DEFAULT_AUTO_LOCK_MS, maxFailures: maxFailures ?? 10 } satisfies SettingsRecord,
      'settings',
    );
  }
  await meta.delete('failures');
  raw.deleteObjectStore('settings');

  // Not unique: a unique index would abort the whole upgrade on one bad row; the one-key-one-credential rule is
  // enforced inside each write transaction instead.
  tx.objectStore('credentials').createIndex('byKeyId', 'keyId', { unique: false });
  const audit = db.createObjectStore('audit', { keyPath: 'id' });
  audit.createIndex('byAt', 'at');
}
