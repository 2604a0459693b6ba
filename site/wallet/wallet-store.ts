/**
 * The site's one Wallet (engine/wallet), shared by the wallet and enrolment pages, with its status as a signal that
 * follows local and cross-tab changes (lock, wipe, new credentials).
 */
import { createSignal } from 'solid-js';
import { openWallet, type Wallet, type WalletStatus } from '../../engine/wallet/index.ts';

let walletPromise: Promise<Wallet> | undefined;
const [status, setStatus] = createSignal<WalletStatus | undefined>();
const [revision, setRevision] = createSignal(0);
export { revision as walletRevision, status as walletStatus };

/**
 * Reads the status; only the latest read is shown. Reads overlap (an event, a page's refresh) and may resolve out of
 * order: an "unlocked" read begun before a lock, landing after it, flipped the page back to the unlocked view and then
 * to a fresh lock screen, losing what was typed into it.
 */
let reads = 0;
async function readStatus(w: Wallet): Promise<WalletStatus> {
  const n = ++reads;
  const s = await w.status();
  if (n === reads) setStatus(s);
  return s;
}

export function wallet(): Promise<Wallet> {
  walletPromise ??= (async () => {
    const w = await openWallet();
    w.subscribe(() => {
      setRevision((n) => n + 1);
      void readStatus(w);
    });
    await readStatus(w);
    return w;
  })();
  return walletPromise;
}

export async function refreshWalletStatus(): Promise<WalletStatus> {
  return readStatus(await wallet());
}

/** A wallet error's stable code ('wallet/wrong-pin' ...) and details, or undefined for anything else. */
export function walletErrorOf(e: unknown): { code: string; details: Record<string, unknown> } | undefined {
  const x = e as { code?: unknown; details?: unknown } | null;
  return typeof x?.code === 'string' && x.code.startsWith('wallet/') ? { code: x.code, details: (x.details as Record<string, unknown>) ?? {} } : undefined;
}
