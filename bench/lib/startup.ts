// Start-up: a cold first visit (empty cache, fresh context) to "ready to scan" and to "face check ready", with the
// bytes transferred before each; then the same visit again offline, served by the service worker. The network profile
// is applied by a shaped link (link.ts) that the service worker's precache traffic also crosses. Readiness is read
// from DOM signals the page sets (data-ready-scan, data-ready-face; see site/docs/benchmarks.md), timed in the page.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Request } from 'playwright-core';
// @ts-expect-error: plain ESM script without types
import { serve } from '../../scripts/serve.mjs';
import { NETWORK, openThrottled, type Throttled } from './browser.ts';
import { slowLink, type Link } from './link.ts';
import { OUT, SITE_OUT } from './prepare.ts';
import type { StartupResult, StartupTransfer } from './results.ts';

const SITE = SITE_OUT;
const SIGNALS = { scan: '[data-ready-scan]', face: '[data-ready-face]' } as const;
/**
 * Until the verify page sets the agreed signals, what it already shows stands in for them: the scanner's camera
 * preview playing (frames are flowing to the QR worker) and the model prefetch reporting done (every face-check byte
 * is in the cache; the engine's compile time after that is not included). Results say which kind was used.
 */
const PROXIES = {
  scan: '[data-testid="verify-scanner"] video',
  face: '[data-testid="model-progress"][data-state="done"]',
} as const;
/** Slow 4G moves ~200 kB/s: the face models alone take most of a minute. */
const FACE_TIMEOUT_MS = 180_000;
const SCAN_TIMEOUT_MS = 60_000;

/**
 * Runs in the page before its own scripts: notes when each signal first appears, in page time and epoch ms. The
 * stand-ins (PROXIES) count only for a page that does not set the agreed signals: the verify page's model prefetch
 * finishing is not its face engine being ready.
 */
const observer = (useProxies: boolean): string => `(() => {
  const useProxies = ${useProxies};
  const marks = (window.__readyMarks = {});
  const heap = () => (performance.memory ? performance.memory.usedJSHeapSize : 0);
  const signals = ${JSON.stringify(SIGNALS)};
  const proxies = ${JSON.stringify(PROXIES)};
  const proxyHit = {
    scan: () => [...document.querySelectorAll(proxies.scan)].some((v) => v.readyState >= 2 && !v.paused),
    face: () => document.querySelector(proxies.face) !== null,
  };
  let peak = 0;
  const check = () => {
    peak = Math.max(peak, heap());
    window.__heapPeak = peak;
    for (const k of Object.keys(signals)) {
      if (marks[k]) continue;
      const agreed = document.querySelector(signals[k]) !== null;
      if (agreed || (useProxies && proxyHit[k]())) marks[k] = { at: performance.now(), epoch: performance.timeOrigin + performance.now(), heap: heap(), proxy: !agreed };
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
  setInterval(check, 50);
})();`;

interface Mark {
  at: number;
  epoch: number;
  heap: number;
  /** Reached through a stand-in signal (PROXIES), not the agreed data-ready-* attribute. */
  proxy: boolean;
}

interface Finished {
  readonly end: number;
  readonly bytes: number;
  readonly fromServiceWorker: boolean;
  /** Path and query, to pair the request with what crossed the link. */
  readonly path: string;
  /** Issued by the service worker itself (its precache), not by the page or its dedicated workers. */
  readonly byServiceWorker: boolean;
}

function record(t: Throttled): Finished[] {
  const done: Finished[] = [];
  t.context.on('requestfinished', (req: Request) => {
    void (async () => {
      const sizes = await req.sizes().catch(() => undefined);
      const timing = req.timing();
      const response = await req.response().catch(() => null);
      const url = new URL(req.url());
      done.push({
        end: timing.startTime + (timing.responseEnd >= 0 ? timing.responseEnd : 0),
        bytes: sizes ? Math.max(0, sizes.responseBodySize) + Math.max(0, sizes.responseHeadersSize) : 0,
        fromServiceWorker: response?.fromServiceWorker() ?? false,
        path: url.pathname + url.search,
        byServiceWorker: req.serviceWorker() !== null,
      });
    })();
  });
  return done;
}

/**
 * What crossed the shaped link, in the order it finished, each response labelled with who asked for it (the service
 * worker's own fetches, or the page and its workers), ms from the page's navigation start.
 */
function transfersOf(link: Link, done: readonly Finished[], timeOrigin: number): StartupTransfer[] {
  const unused = [...done];
  return link.transfers.map((x) => {
    const i = unused.findIndex((d) => d.path === x.path && !d.fromServiceWorker);
    const by = i >= 0 && unused[i]!.byServiceWorker ? 'service-worker' : 'page';
    if (i >= 0) unused.splice(i, 1);
    return { path: x.path, bytes: x.bytes, endMs: Math.round(x.end - timeOrigin), by, ...(x.encoding ? { encoding: x.encoding } : {}) };
  });
}

async function visit(t: Throttled, url: string, timeoutMs: number): Promise<{ scan?: Mark; face?: Mark; heapPeak: number }> {
  await t.page.goto(url, { waitUntil: 'commit', timeout: SCAN_TIMEOUT_MS });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const marks = await t.page.evaluate(() => (window as unknown as { __readyMarks: Record<string, Mark> }).__readyMarks).catch(() => ({}) as Record<string, Mark>);
    if (marks?.face || Date.now() > deadline) {
      const heapPeak = await t.page.evaluate(() => (window as unknown as { __heapPeak?: number }).__heapPeak ?? 0).catch(() => 0);
      return { ...(marks?.scan ? { scan: marks.scan } : {}), ...(marks?.face ? { face: marks.face } : {}), heapPeak };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Whether the built site's verify page signals ready-to-scan, and how: opened once, unthrottled. (Searching the
 * bundle for the attribute name would also find this page's own docs.)
 */
export async function siteSignalsReady(browser: Browser): Promise<'agreed' | 'proxy' | undefined> {
  if (!existsSync(join(SITE, 'index.html'))) return undefined;
  const server = (await serve({ root: SITE, port: 0 })) as { url: string; close(): Promise<void> };
  const t = await openThrottled(browser);
  try {
    await t.context.addInitScript(observer(true));
    await t.page.goto(new URL('verify', server.url).href);
    // The agreed attribute may come after the stand-in (the preview plays before the QR worker answers): wait for it.
    const deadline = Date.now() + 30_000;
    let proxy = false;
    while (Date.now() < deadline) {
      if (await t.page.locator(SIGNALS.scan).count().catch(() => 0)) return 'agreed';
      proxy ||= (await t.page.evaluate(() => (window as unknown as { __readyMarks: Record<string, Mark> }).__readyMarks.scan).catch(() => undefined)) !== undefined;
      await new Promise((r) => setTimeout(r, 250));
    }
    return proxy ? 'proxy' : undefined;
  } finally {
    await t.context.close();
    await server.close();
  }
}

export interface StartupRun {
  readonly results: StartupResult[];
  readonly notes: string[];
}

export async function measureStartup(browser: Browser, profiles: readonly (readonly [number, 'none' | 'slow-4g'])[], log: (s: string) => void): Promise<StartupRun> {
  const notes: string[] = [];
  const targets: { name: string; root: string; path: string; offline: boolean; proxies: boolean }[] = [];
  const siteReady = await siteSignalsReady(browser);
  if (siteReady) targets.push({ name: 'site /verify', root: SITE, path: 'verify', offline: true, proxies: siteReady === 'proxy' });
  if (siteReady === 'proxy') {
    notes.push(
      "The site's verify page does not set data-ready-scan / data-ready-face yet; its start-up rows use what it shows instead: ready to scan = the scanner's camera preview playing (Chromium's fake camera), face check ready = its model prefetch reporting done (all face-check bytes cached; the engine's compile after that is not included).",
    );
  }
  if (!siteReady) notes.push("Start-up on the site is pending: the built site's verify page does not set data-ready-scan / data-ready-face yet. The rows below are the stand-in bench page (engine + models only, no site UI, in-process engine), a lower bound for the site.");
  targets.push({ name: 'stand-in (engine only)', root: OUT, path: 'coldstart.html', offline: false, proxies: false });

  const results: StartupResult[] = [];
  for (const target of targets) {
    const server = (await serve({ root: target.root, port: 0 })) as { url: string; close(): Promise<void> };
    try {
      for (const [throttle, network] of profiles) {
        const t = await openThrottled(browser);
        // The network profile is a shaped link in front of the server (link.ts), not CDP emulation, so the service
        // worker's traffic shares the same slow downlink as the page's.
        const link = await slowLink(server.url, NETWORK[network]);
        try {
          await t.context.addInitScript(observer(target.proxies));
          await t.setCpu(throttle);
          const done = record(t);
          const v = await visit(t, new URL(target.path, link.url).href, FACE_TIMEOUT_MS);
          await new Promise((r) => setTimeout(r, 500));
          // Bytes are counted where the radio would count them: on the link, which every request crosses (page,
          // dedicated workers and the service worker's precache alike).
          const timeOrigin = v.scan ? v.scan.epoch - v.scan.at : v.face ? v.face.epoch - v.face.at : Number.NaN;
          const transfers = transfersOf(link, done, Number.isFinite(timeOrigin) ? timeOrigin : 0);
          const before = (m: Mark | undefined) => (m ? link.transfers.filter((x) => x.end <= m.epoch).reduce((n, x) => n + x.bytes, 0) : undefined);
          const base = { target: target.name, throttle, network } as const;
          results.push({
            ...base,
            visit: 'cold',
            ...(v.scan ? { readyToScanMs: v.scan.at, bytesBeforeScanReady: before(v.scan)! } : {}),
            ...(v.face ? { faceReadyMs: v.face.at, bytesBeforeFaceReady: before(v.face)! } : {}),
            bytesTotal: link.transfers.reduce((n, x) => n + x.bytes, 0),
            requests: link.transfers.length,
            jsHeapPeak: v.heapPeak,
            transfers,
            ...(v.face ? {} : { note: `${target.name}: face check not ready within ${FACE_TIMEOUT_MS / 1000} s` }),
          });
          log(`  start-up ${target.name} ${throttle}x ${network}: scan ${v.scan ? (v.scan.at / 1000).toFixed(2) : '—'} s, face ${v.face ? (v.face.at / 1000).toFixed(2) : '—'} s`);
          if (target.offline) results.push(await repeatOffline(t, new URL(target.path, link.url).href, base));
        } finally {
          await t.context.close();
          await link.close();
        }
      }
    } finally {
      await server.close();
    }
  }
  return { results, notes };
}

/** The second visit with the network cut: everything must come from the service worker's precache. */
async function repeatOffline(t: Throttled, url: string, base: Pick<StartupResult, 'target' | 'throttle' | 'network'>): Promise<StartupResult> {
  const hasWorker = await t.page
    .evaluate(async () => {
      if (!('serviceWorker' in navigator)) return false;
      const reg = await Promise.race([navigator.serviceWorker.ready, new Promise<undefined>((r) => setTimeout(() => r(undefined), 60_000))]);
      return reg?.active !== undefined && reg?.active !== null;
    })
    .catch(() => false);
  if (!hasWorker) return { ...base, visit: 'repeat-offline', bytesTotal: 0, requests: 0, note: `${base.target}: no active service worker after the first visit` };
  await t.context.setOffline(true);
  const page = await t.context.newPage();
  const cdp = await t.context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: base.throttle });
  const done = record({ ...t, page, cdp });
  const v = await visit({ ...t, page, cdp }, url, SCAN_TIMEOUT_MS * 2);
  return {
    ...base,
    visit: 'repeat-offline',
    ...(v.scan ? { readyToScanMs: v.scan.at, bytesBeforeScanReady: 0 } : {}),
    ...(v.face ? { faceReadyMs: v.face.at, bytesBeforeFaceReady: 0 } : {}),
    bytesTotal: done.filter((d) => !d.fromServiceWorker).reduce((n, d) => n + d.bytes, 0),
    requests: done.length,
    jsHeapPeak: v.heapPeak,
    ...(v.face ? {} : { note: `${base.target} offline: not ready within ${(SCAN_TIMEOUT_MS * 2) / 1000} s` }),
  };
}
