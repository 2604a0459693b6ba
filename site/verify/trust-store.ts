/**
 * Where the verifier's trust comes from: the file the site itself serves (/trust/verifier-trust.json, kept fresh by the
 * service worker when online and cached for offline), and a file the verifier imported by hand (kept in this browser's
 * storage). Both are checked by signature; the newer trust list wins.
 */
import { createSignal } from 'solid-js';
import { isEmptyTrustBundle, mergeTrust, openTrustBundle, type OpenedTrust } from '../lib/trust-bundle.ts';

export const SITE_TRUST_URL = '/trust/verifier-trust.json';
const STORAGE_KEY = 'eidkit.verifier-trust';

const [trust, setTrust] = createSignal<OpenedTrust | undefined>(undefined);
const [trustLoaded, setTrustLoaded] = createSignal(false);
export { trust, trustLoaded };

async function fromSite(): Promise<OpenedTrust | undefined> {
  try {
    const res = await fetch(SITE_TRUST_URL, { cache: 'no-cache' });
    if (!res.ok) return undefined;
    const json: unknown = await res.json();
    return isEmptyTrustBundle(json) ? undefined : await openTrustBundle(json);
  } catch {
    return undefined;
  }
}

async function fromStorage(): Promise<OpenedTrust | undefined> {
  try {
    const text = localStorage.getItem(STORAGE_KEY);
    return text ? await openTrustBundle(JSON.parse(text)) : undefined;
  } catch {
    return undefined;
  }
}

let loading: Promise<void> | undefined;
export function loadTrust(): Promise<void> {
  loading ??= (async () => {
    const [site, local] = await Promise.all([fromSite(), fromStorage()]);
    setTrust(mergeTrust(site, local));
    setTrustLoaded(true);
  })();
  return loading;
}

/** Imports a trust file chosen by the verifier; throws TrustBundleError when it is not one or does not verify. */
export async function importTrust(text: string): Promise<OpenedTrust> {
  const opened = await openTrustBundle(JSON.parse(text));
  localStorage.setItem(STORAGE_KEY, JSON.stringify(opened.file));
  setTrust(mergeTrust(trust(), opened));
  return opened;
}

export function forgetImportedTrust(): void {
  localStorage.removeItem(STORAGE_KEY);
  loading = undefined;
  setTrust(undefined);
  void loadTrust();
}
