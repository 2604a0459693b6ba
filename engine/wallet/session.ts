/**
 * The unlocked session and the wallet's events: the data key (in memory only, non-extractable, dropped on lock),
 * auto-lock on idle, lock when the page is hidden, and change notices to this tab's listeners and to other tabs.
 */
import { ChangeChannel, type WalletChange, type WalletEvent } from './channel.ts';
import { signP256, type Signer } from './device-keys.ts';
import { walletError } from './errors.ts';
import { DEFAULT_AUTO_LOCK_MS, type SettingsRecord } from './schema.ts';
import { DEFAULT_GATE_POLICY } from './backoff.ts';
import type { WalletStorage } from './storage.ts';

export class Session {
  private dataKey: CryptoKey | null = null;
  private lastActivity = 0;
  /** Counts locks. An unlock remembers it when it starts and does not begin if a lock came while it ran. */
  private locks = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Cached settings record; null means "read it again" (another tab may have changed it). */
  settings: SettingsRecord | null = null;
  private readonly listeners = new Set<(e: WalletEvent) => void>();
  private readonly channel: ChangeChannel;
  private readonly onHidden: (() => void) | null;

  constructor(
    name: string,
    private readonly now: () => number,
    lockWhenHidden: boolean,
  ) {
    this.channel = new ChangeChannel(name, (type, id) => this.onRemote(type, id));
    if (lockWhenHidden && typeof document !== 'undefined') {
      this.onHidden = () => {
        if (document.visibilityState === 'hidden') this.lockHere();
      };
      document.addEventListener('visibilitychange', this.onHidden);
    } else {
      this.onHidden = null;
    }
  }

  // ── events ──

  subscribe(listener: (e: WalletEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A committed change: tell other tabs and this tab's listeners. */
  announce(type: WalletChange, id?: string): void {
    this.channel.post(type, id);
    this.emit({ type, source: 'local', ...(id === undefined ? {} : { id }) });
  }

  emit(e: WalletEvent): void {
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

  // ── settings cache ──

  async readSettings(storage: WalletStorage): Promise<SettingsRecord> {
    if (!this.settings) {
      const s = (await storage.read((db) => db.get('meta', 'settings'))) as SettingsRecord | undefined;
      this.settings = s ?? { maxFailures: DEFAULT_GATE_POLICY.maxFailures, autoLockMs: DEFAULT_AUTO_LOCK_MS };
    }
    return this.settings;
  }

  // ── lock state ──

  get isUnlocked(): boolean {
    return this.dataKey !== null && !this.idleExpired();
  }

  /** Read when an unlock starts and passed to `begin`: a lock requested while the unlock ran must win over it. */
  get lockCount(): number {
    return this.locks;
  }

  /**
   * Starts a session with a non-extractable data key (settings must be cached first: they hold the idle limit).
   * `locksAtStart` is `lockCount` when the unlock began; if the wallet was locked since (the page was hidden, another
   * tab or this one pressed "lock now" while the PIN's key derivation ran), the session does not begin and this
   * returns false.
   */
  begin(dataKey: CryptoKey, locksAtStart: number): boolean {
    if (locksAtStart !== this.locks) return false;
    this.dataKey = dataKey;
    this.lastActivity = this.now();
    this.armTimer();
    this.emit({ type: 'unlocked', source: 'local' });
    return true;
  }

  /** User activity keeps the wallet unlocked; it locks after `autoLockMs` without any. */
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
  lockEverywhere(): void {
    this.lockHere();
    this.channel.post('locked');
  }

  lockHere(notify = true): void {
    this.locks++; // even when already locked: an unlock under way must not outlive it
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.dataKey === null) return;
    this.dataKey = null;
    if (notify) this.emit({ type: 'locked', source: 'local' });
  }

  /** After a wipe here: drop the key and the cached settings, tell everyone. */
  wiped(): void {
    this.lockHere(false);
    this.settings = null;
    this.announce('wiped');
  }

  /** Returns the data key, or throws wallet/locked (auto-locking first if the session idled out). */
  requireUnlocked(touch = true): CryptoKey {
    if (this.dataKey !== null && this.idleExpired()) this.lockHere();
    const key = this.dataKey;
    if (key === null) throw walletError('wallet/locked', 'The wallet is locked. Unlock it with your PIN or passkey.');
    if (touch) this.touch();
    return key;
  }

  /** A signer that refuses once the wallet locks. Signing a refreshing QR is not user activity: it does not touch. */
  guardedSigner(privateKey: CryptoKey): Signer {
    return async (bytes: Uint8Array) => {
      this.requireUnlocked(false);
      if (!(bytes instanceof Uint8Array)) throw walletError('wallet/bad-input', 'sign() takes a Uint8Array.');
      return signP256(privateKey, bytes);
    };
  }

  /** Re-arms the idle timer after the auto-lock setting changed. */
  armTimer(): void {
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

  close(): void {
    this.lockHere();
    this.channel.close();
    if (this.onHidden) document.removeEventListener('visibilitychange', this.onHidden);
  }

  private idleExpired(): boolean {
    const limit = this.settings?.autoLockMs ?? DEFAULT_AUTO_LOCK_MS;
    return this.now() - this.lastActivity >= limit;
  }
}
