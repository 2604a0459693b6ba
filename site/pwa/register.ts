/**
 * Registers the service worker (production builds only) through workbox-window and exposes two signals the layout
 * shows: an update is waiting, or the app has just become available offline. The worker is registered after the
 * page has loaded, and on a page that asks for it (the verify page: `deferred`) only once that page releases it, so
 * its precaching (the whole app, ~10 MB with the models) never shares a slow link with what the verifier needs to
 * start scanning and then to check a face. The precache then revalidates what the page already downloaded (sw.ts).
 */
import { createSignal } from 'solid-js';
import { OPENER_PAGES } from './headers.ts';

const [updateWaiting, setUpdateWaiting] = createSignal(false);
const [offlineReady, setOfflineReady] = createSignal(false);
export { offlineReady, updateWaiting };

let applyUpdate: (() => void) | undefined;
const ISOLATION_RELOAD_KEY = 'eidkit.isolation-reload';

export function acceptUpdate(): void {
  applyUpdate?.();
}
export function dismissUpdate(): void {
  setUpdateWaiting(false);
}
export function dismissOfflineReady(): void {
  setOfflineReady(false);
}

let release: (() => void) | undefined;
const released = new Promise<void>((r) => (release = r));
/** Lets a deferred registration go ahead (idempotent). The verify page calls it once its own downloads are done. */
export function releaseServiceWorker(): void {
  release?.();
}

export function registerServiceWorker(options: { deferred?: boolean } = {}): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const start = async () => {
    const { Workbox } = await import('workbox-window');
    const wb = new Workbox('/sw.js', { scope: '/' });
    wb.addEventListener('waiting', () => {
      applyUpdate = () => {
        // Reload once the new worker controls the page, so page and cache are the same version.
        wb.addEventListener('controlling', () => location.reload());
        wb.messageSkipWaiting();
      };
      setUpdateWaiting(true);
    });
    // A static host that cannot send COOP/COEP: once the worker (which adds them) controls the page, reload once
    // so the page runs cross-origin isolated. The session flag stops a loop where isolation is impossible.
    wb.addEventListener('controlling', (e) => {
      if (e.isUpdate || globalThis.crossOriginIsolated) return;
      // Pages that keep their opener are not isolated on purpose, and a reload would lose the website's request.
      if (OPENER_PAGES.includes(location.pathname)) return;
      if (sessionStorage.getItem(ISOLATION_RELOAD_KEY)) return;
      sessionStorage.setItem(ISOLATION_RELOAD_KEY, '1');
      location.reload();
    });
    wb.addEventListener('installed', (e) => {
      if (!e.isUpdate) setOfflineReady(true);
    });
    await wb.register();
  };
  const go = () => {
    const when = options.deferred ? released : Promise.resolve();
    void when.then(start).catch((e: unknown) => console.warn('service worker registration failed', e));
  };
  if (document.readyState === 'complete') go();
  else addEventListener('load', go, { once: true });
}
