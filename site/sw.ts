/// <reference lib="webworker" />
/**
 * eidkit's service worker (bundled by site/build/pwa.ts, precache list injected by workbox-build):
 *  - precaches the app, the wasm runtime and the face models, so every page works offline after the first visit;
 *  - serves every page from the app shell (client-side routes);
 *  - adds the cross-origin isolation headers (COOP/COEP, for wasm threads) and the CSP to responses that lack them,
 *    so the site also runs isolated on static hosts that cannot set headers (see site/docs/hosting.md);
 *  - keeps the verifier's trust list and status list fresh when online and cached when not;
 *  - waits for the page's consent ("update now") before a new version takes over.
 * It never caches or forwards anything that is not a same-origin GET: the site sends no user data anywhere.
 */
import { clientsClaim } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute, setDefaultHandler } from 'workbox-routing';
import { NetworkFirst, NetworkOnly } from 'workbox-strategies';
import { CONTENT_SECURITY_POLICY, ISOLATION_HEADERS, OPENER_PAGES, OPENER_PAGE_COOP } from './pwa/headers.ts';
import { unusedWasmFiles } from './pwa/wasm-variant.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] };

/** Adds what the host did not send; headers the host did send win. */
function withIsolation(response: Response): Response {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  let changed = false;
  const add = (name: string, value: string): void => {
    if (!headers.has(name)) {
      headers.set(name, value);
      changed = true;
    }
  };
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) add(name, value);
  if ((headers.get('Content-Type') ?? '').startsWith('text/html')) add('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  if (!changed) return response;
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

const isolation = { handlerWillRespond: async ({ response }: { response: Response }) => withIsolation(response) };

/** A page that keeps its opener (the consent page, answering a website's popup) gets its own COOP. */
function withOpenerPolicy(response: Response): Response {
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', OPENER_PAGE_COOP);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/**
 * Workbox fetches revisioned precache entries with `cache: 'reload'`, which skips the HTTP cache: every model the
 * verify page has just downloaded would cross the network a second time. 'no-cache' revalidates instead (a 304 with
 * no body when the host sends ETag / Last-Modified, as scripts/serve.mjs does), and the entry's Subresource Integrity
 * still refuses a stale or tampered copy.
 */
const revalidate = {
  requestWillFetch: async ({ request }: { request: Request }) => (request.cache === 'reload' ? new Request(request, { cache: 'no-cache' }) : request),
};

// Only the wasm binary this browser's tfjs will pick is precached (SIMD or plain; never the threaded build).
const entryUrl = (e: PrecacheEntry | string): string => (typeof e === 'string' ? e : e.url);
const fileName = (e: PrecacheEntry | string): string => entryUrl(e).slice(entryUrl(e).lastIndexOf('/') + 1);
// workbox-build injects the list where the manifest placeholder appears, which must be exactly once.
const injected = self.__WB_MANIFEST;
const unused = new Set(unusedWasmFiles(injected.map(fileName).filter((n) => n.endsWith('.wasm'))));
const manifest = injected.filter((e) => !unused.has(fileName(e)));

// First install takes control at once (so a static host's first visit can reload into isolation); updates wait.
clientsClaim();
addPlugins([isolation, revalidate]);
precacheAndRoute(manifest);
cleanupOutdatedCaches();

// Files opened directly (a model, the manifest) are not pages; everything else is a client-side route.
const shell = createHandlerBoundToURL('/index.html');
registerRoute(
  new NavigationRoute(
    async (options) => {
      const response = await shell(options);
      return OPENER_PAGES.includes(options.url.pathname) ? withOpenerPolicy(response) : response;
    },
    { denylist: [/\.[a-z0-9]+$/i] },
  ),
);

// Trust and status lists a verifier site publishes: fresh when online, the cached copy when offline. Their age is
// shown to the verifier, and a stale status list yields "status unknown", never a pass.
const TRUST_CACHE = 'eidkit-trust';
// The build's trust list, and its demo authority's keys when it has one (the desk offers them offline too).
const TRUST_FILES = ['/trust/verifier-trust.json', '/trust/demo-authority.json'];
registerRoute(
  ({ url, request }) => url.origin === self.location.origin && url.pathname.startsWith('/trust/') && request.method === 'GET',
  new NetworkFirst({ cacheName: TRUST_CACHE, networkTimeoutSeconds: 4, plugins: [isolation] }),
);
// The first page load is not yet controlled by this worker, so fetch the trust files once at install: a verifier who
// goes offline right after the first visit still has them. Each on its own: a build without a demo authority has
// only the first.
self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(TRUST_CACHE)
      .then((cache) => Promise.all(TRUST_FILES.map((f) => cache.add(f).catch(() => undefined))))
      .catch(() => undefined),
  );
});

setDefaultHandler(new NetworkOnly({ plugins: [isolation] }));

self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
