/**
 * Single-use nonces for online answers (engine/credential/web-request.ts). The RP issues a nonce per request and
 * `verifyPresentation` in web mode consumes it: the first answer carrying it may pass, every later one is a replay.
 * A nonce also expires: an answer to a request older than `maxAgeSeconds` is refused.
 *
 * The ledger is the one stateful piece of verification, so it is a parameter: in a browser RP it lives in
 * sessionStorage (the fragment redirect reloads the RP page, and the pending request must survive that, in this tab
 * only); on a server, implement `consume` atomically over the server's own store.
 */
import { toHex } from './bytes.ts';

export type NonceCheck = 'ok' | 'unknown' | 'used' | 'expired';

export interface NonceLedger {
  /** Marks the nonce used and says what it was before (atomically, on a server). */
  consume(nonce: Uint8Array, now: number): NonceCheck | Promise<NonceCheck>;
}

/** The part of the Web Storage API the ledger needs (sessionStorage, localStorage, or a Map-backed stand-in). */
export interface NonceStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface NonceLedgerOptions {
  /** Where issued nonces are kept; in memory by default. */
  readonly store?: NonceStore;
  readonly key?: string;
  /** How long a request stays answerable (default 300 s). */
  readonly maxAgeSeconds?: number;
}

export interface IssuingNonceLedger extends NonceLedger {
  /** Records a nonce the RP has just put in a request. */
  issue(nonce: Uint8Array, now: number): void;
  /** Nonces issued and not yet used or expired (for tests and diagnostics). */
  pending(now: number): number;
}

export const DEFAULT_NONCE_MAX_AGE_SECONDS = 300;
/** A tab can hold this many open requests; the oldest are dropped beyond it (each is only a few dozen bytes). */
const MAX_ENTRIES = 64;

type Entries = Record<string, { t: number; used?: true }>;

export function memoryNonceStore(): NonceStore {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
}

export function createNonceLedger(options: NonceLedgerOptions = {}): IssuingNonceLedger {
  const store = options.store ?? memoryNonceStore();
  const key = options.key ?? 'eidkit.web.nonces';
  const maxAgeMs = (options.maxAgeSeconds ?? DEFAULT_NONCE_MAX_AGE_SECONDS) * 1000;
  const read = (): Entries => {
    try {
      const v = JSON.parse(store.getItem(key) ?? '{}') as unknown;
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Entries) : {};
    } catch {
      return {};
    }
  };
  // Used nonces are kept until they would have expired anyway, so a replay reads "used", not "unknown".
  const prune = (e: Entries, now: number): Entries => {
    const live = Object.entries(e)
      .filter(([, v]) => typeof v?.t === 'number' && now - v.t <= maxAgeMs)
      .sort((a, b) => a[1].t - b[1].t)
      .slice(-MAX_ENTRIES);
    return Object.fromEntries(live);
  };
  const write = (e: Entries): void => {
    if (Object.keys(e).length === 0) store.removeItem(key);
    else store.setItem(key, JSON.stringify(e));
  };
  return {
    issue(nonce, now) {
      const e = prune(read(), now);
      e[toHex(nonce)] = { t: now };
      write(e);
    },
    consume(nonce, now) {
      const all = read();
      const id = toHex(nonce);
      const entry = all[id];
      if (!entry || typeof entry.t !== 'number') {
        write(prune(all, now));
        return 'unknown';
      }
      if (entry.used) return 'used';
      all[id] = { t: entry.t, used: true };
      const expired = now - entry.t > maxAgeMs || now < entry.t - 30_000;
      // An expired entry is dropped; every later attempt then reads "unknown" (refused all the same).
      write(expired ? prune(all, now) : all);
      return expired ? 'expired' : 'ok';
    },
    pending(now) {
      return Object.values(prune(read(), now)).filter((v) => !v.used).length;
    },
  };
}
