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

export function wallet(): Promise<Wallet> {
  walletPromise ??= (async () => {
    const w = await openWallet();
    w.subscribe(() => {
      setRevision((n) => n + 1);
      void w.status().then(setStatus);
    });
    setStatus(await w.status());
    return w;
  })();
  return walletPromise;
}

export async function refreshWalletStatus(): Promise<WalletStatus> {
  const s = await (await wallet()).status();
  setStatus(s);
  return s;
}

/** A wallet error's stable code ('wallet/wrong-pin' ...) and details, or undefined for anything else. */
export function walletErrorOf(e: unknown): { code: string; details: Record<string, unknown> } | undefined {
  const x = e as { code?: unknown; details?: unknown } | null;
  return typeof x?.code === 'string' && x.code.startsWith('wallet/') ? { code: x.code, details: (x.details as Record<string, unknown>) ?? {} } : undefined;
}
