/**
 * The wallet's IndexedDB connection: open, reopen after another tab's upgrade, and the two ways in.
 *
 * Every mutation is exactly ONE readwrite transaction (crypto happens before it opens, because awaiting WebCrypto
 * inside a transaction would auto-commit it), so a crash or a quota refusal leaves the previous state. Storage
 * failures map to typed errors with stable codes.
 */
import type { IDBPTransaction } from 'idb';
import { isEidkitError, type EidkitError } from '../errors.ts';
import type { WalletChange } from './channel.ts';
import { walletError } from './errors.ts';
import { openWalletDb, type WalletDb, type WalletSchema, type WalletStore } from './schema.ts';

export type Tx<S extends WalletStore[]> = IDBPTransaction<WalletSchema, S, 'readwrite'>;

export function storageError(e: unknown, txError: DOMException | null | undefined): EidkitError {
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

export class WalletStorage {
  private db: WalletDb | null = null;
  private closed = false;

  /** `announce` runs after a write carrying a change kind has committed (never for an aborted one). */
  constructor(
    readonly name: string,
    private readonly now: () => number,
    private readonly announce: (change: WalletChange, id?: string) => void,
  ) {}

  /** Opens (and if needed creates or migrates) the database now, so open() reports a failure at once. */
  async open(): Promise<void> {
    this.db = await this.connect();
  }

  close(): void {
    this.closed = true;
    this.db?.close();
    this.db = null;
  }

  /** Reads outside a write; storage failures map to typed errors like writes do. */
  async read<T>(fn: (db: WalletDb) => Promise<T>): Promise<T> {
    const db = await this.conn();
    try {
      return await fn(db);
    } catch (e) {
      if (isEidkitError(e)) throw e;
      throw storageError(e, null);
    }
  }

  /** One readwrite transaction; any failure aborts it whole and maps to a typed error. */
  async write<S extends WalletStore[], T>(
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
}
