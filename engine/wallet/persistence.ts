/**
 * Asks the browser not to evict the wallet's storage under pressure. Without it, "best-effort" origin data may be
 * cleared when the disk fills, and with it the citizen's ID. Browsers decide on their own heuristics (Chromium:
 * installed PWA, bookmarked or high engagement; Firefox: asks the user; Safari: installed web apps), so the answer
 * can be "no" and the UI should show the explanation and suggest installing the app and keeping a backup.
 */
export const PERSISTENCE_EXPLANATION =
  'Your ID card lives only on this device. Allowing persistent storage stops the browser from deleting it when ' +
  'space runs low. Installing the app makes this more likely to be granted; keep an encrypted backup either way.';

export interface PersistenceResult {
  /** The Storage API (navigator.storage.persist) exists here. */
  readonly supported: boolean;
  readonly persisted: boolean;
  /** Bytes used / available to this origin, when the browser says. */
  readonly usage: number | null;
  readonly quota: number | null;
  readonly explanation: string;
}

type StorageLike = Pick<StorageManager, 'persist' | 'persisted' | 'estimate'>;

function defaultStorage(): StorageLike | undefined {
  return typeof navigator !== 'undefined' ? (navigator.storage as StorageManager | undefined) : undefined;
}

/** Call from a user gesture (e.g. right after setting the PIN): some browsers only prompt then. */
export async function requestPersistence(storage: StorageLike | undefined = defaultStorage()): Promise<PersistenceResult> {
  if (!storage || typeof storage.persist !== 'function') {
    return { supported: false, persisted: false, usage: null, quota: null, explanation: PERSISTENCE_EXPLANATION };
  }
  let persisted = typeof storage.persisted === 'function' ? await storage.persisted().catch(() => false) : false;
  if (!persisted) persisted = await storage.persist().catch(() => false);
  let usage: number | null = null;
  let quota: number | null = null;
  if (typeof storage.estimate === 'function') {
    const e = await storage.estimate().catch(() => ({}) as StorageEstimate);
    usage = e.usage ?? null;
    quota = e.quota ?? null;
  }
  return { supported: true, persisted, usage, quota, explanation: PERSISTENCE_EXPLANATION };
}
