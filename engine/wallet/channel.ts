/**
 * Cross-tab change notices. IndexedDB already serialises the writes themselves (each wallet write is one
 * readwrite transaction); this only tells other tabs to refresh what they show, and to drop their unlocked data
 * key when the wallet was wiped or locked on purpose. Messages carry ids and kinds only, never data.
 */
export type WalletChange = 'credentials' | 'keys' | 'audit' | 'settings' | 'vault' | 'gate' | 'wiped' | 'locked';

export interface WalletEvent {
  readonly type: WalletChange | 'unlocked' | 'closed';
  /** 'local': this Wallet instance did it; 'remote': another tab, worker or instance on the same database. */
  readonly source: 'local' | 'remote';
  readonly id?: string;
}

interface Message {
  readonly v: 1;
  readonly type: WalletChange;
  readonly id?: string;
}

const KINDS = new Set<string>(['credentials', 'keys', 'audit', 'settings', 'vault', 'gate', 'wiped', 'locked']);

export class ChangeChannel {
  private readonly bc: BroadcastChannel | null;

  constructor(dbName: string, onRemote: (type: WalletChange, id: string | undefined) => void) {
    this.bc = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`eidkit-wallet:${dbName}`) : null;
    if (this.bc) {
      this.bc.onmessage = (ev: MessageEvent<unknown>) => {
        const m = ev.data as Partial<Message> | null;
        if (m && m.v === 1 && typeof m.type === 'string' && KINDS.has(m.type)) {
          onRemote(m.type, typeof m.id === 'string' ? m.id : undefined);
        }
      };
    }
  }

  post(type: WalletChange, id?: string): void {
    this.bc?.postMessage({ v: 1, type, ...(id === undefined ? {} : { id }) } satisfies Message);
  }

  close(): void {
    this.bc?.close();
  }
}
