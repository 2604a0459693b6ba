import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page, Response } from 'playwright-core';
import { cp, mkdtemp, readFile, rm, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, serveSite, SITE_DIR, type Site } from './e2e/harness.ts';
import { plainHost } from './e2e/plain-host.ts';
import { PHONE, ROUTES, waitForServiceWorker } from './e2e/site.ts';
import { CONTENT_SECURITY_POLICY, ISOLATION_HEADERS } from './pwa/headers.ts';
import { SITE_RUNS_ANTISPOOF, siteModels } from './pwa/models.ts';
// @ts-expect-error: plain ESM script without types
import { CONTENT_SECURITY_POLICY as SERVED_CSP, SECURITY_HEADERS } from '../scripts/serve.mjs';
// @ts-expect-error: plain ESM script without types
import { serve } from '../scripts/serve.mjs';

let site: Site;
let browser: Browser;
beforeAll(async () => {
  site = await serveSite();
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/**
 * Does this page's CSP stop an inline script and string evaluation? (A string timer, not eval(): code that DevTools
 * evaluates is exempt from the page's CSP, a timer callback runs as the page's own code.)
 */
async function cspBlocks(page: Page): Promise<{ inline: boolean; evalBlocked: boolean; reported: string[] }> {
  return page.evaluate(async () => {
    const w = window as unknown as { __inlineRan?: boolean; __timerRan?: boolean };
    const reported: string[] = [];
    document.addEventListener('securitypolicyviolation', (e) => reported.push(`${e.effectiveDirective}:${e.blockedURI}`));
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.head.append(s);
    (setTimeout as unknown as (code: string, ms: number) => number)('window.__timerRan = true', 0);
    await new Promise((ok) => setTimeout(ok, 200));
    return { inline: w.__inlineRan !== true, evalBlocked: w.__timerRan !== true, reported: reported.sort() };
  });
}

const BLOCKED = { inline: true, evalBlocked: true, reported: ['script-src-elem:inline', 'script-src:eval'] };

test('the service worker adds exactly the headers our own server sends', () => {
  expect(CONTENT_SECURITY_POLICY).toBe(SERVED_CSP);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) expect(SECURITY_HEADERS[name]).toBe(value);
});

test('the web app manifest is installable: name, start URL, standalone, PNG icons of the stated sizes incl. maskable', async () => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(site.url);
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const res = await page.request.get(new URL(href!, site.url).href);
  expect(res.headers()['content-type']).toBe('application/manifest+json');
  const manifest = await res.json();
  expect(manifest).toMatchObject({ short_name: 'eidkit', display: 'standalone', start_url: '/wallet', scope: '/' });
  const pngs = manifest.icons.filter((i: { type: string }) => i.type === 'image/png');
  expect(pngs.map((i: { sizes: string }) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  expect(manifest.icons.some((i: { purpose: string }) => i.purpose === 'maskable')).toBe(true);
  for (const icon of pngs) {
    const body = await (await page.request.get(new URL(icon.src, site.url).href)).body();
    const [w, h] = icon.sizes.split('x').map(Number);
    expect(pngSize(body)).toEqual({ width: w, height: h });
  }
  await context.close();
});

test('after the first visit every page, the wasm runtime and the models load offline, with zero network requests', async () => {
  const context = await browser.newContext({ viewport: PHONE, locale: 'en' });
  const page = await context.newPage();
  await page.goto(new URL('/verify', site.url).href);
  await waitForServiceWorker(page);
  await page.getByTestId('offline-ready').waitFor();
  await context.setOffline(true);
  const responses: Response[] = [];
  const failed: string[] = [];
  page.on('response', (r) => responses.push(r));
  // ERR_ABORTED: a request cut short by the next navigation (a page's worker still starting), not a network failure.
  page.on('requestfailed', (r) => r.failure()?.errorText !== 'net::ERR_ABORTED' && failed.push(`${r.url()} ${r.failure()?.errorText}`));
  for (const path of ROUTES) {
    await page.goto(new URL(path, site.url).href);
    await page.locator('h1').waitFor();
    expect(await page.locator('h1').count(), path).toBe(1);
  }
  // Every model file the face engine loads is precached, with the one wasm runtime this browser's tfjs picks (SIMD
  // here) and not the others.
  const pinned = JSON.parse(await readFile(join(SITE_DIR, 'models/manifest.json'), 'utf8')) as { models: { id: string; optional?: boolean; files: { name: string }[] }[] };
  const modelFiles = siteModels(pinned.models).flatMap((m) => m.files.map((f) => f.name));
  expect(modelFiles.length).toBeGreaterThanOrEqual(8);
  for (const name of ['tfjs-backend-wasm-simd.wasm', ...modelFiles]) {
    const ok = await page.evaluate(async (n) => (await fetch(`/models/${n}`)).ok, name);
    expect(ok, name).toBe(true);
  }
  const cachedWasm = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const key of await caches.keys()) for (const req of await (await caches.open(key)).keys()) urls.push(new URL(req.url).pathname);
    return urls.filter((u) => u.endsWith('.wasm')).sort();
  });
  expect(cachedWasm).toEqual(['/models/tfjs-backend-wasm-simd.wasm']);
  expect(failed).toEqual([]);
  // Offline, so anything that answered came from the service worker, not the network.
  expect(responses.filter((r) => !r.fromServiceWorker()).map((r) => r.url())).toEqual([]);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  // The antispoof model is not scored under the site's (the default) liveness policy, so it is not cached either.
  if (!SITE_RUNS_ANTISPOOF) expect(await page.evaluate(async () => (await fetch('/models/antispoof.bin').catch(() => undefined))?.ok ?? false)).toBe(false);
  await context.close();
});

test('our server: strict CSP blocks inline scripts and eval', async () => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(site.url);
  expect(await cspBlocks(page)).toEqual(BLOCKED);
  await context.close();
});

test('a static host that sends no headers: the service worker makes the site cross-origin isolated and CSP-protected', async () => {
  const host = await plainHost(SITE_DIR);
  const context = await browser.newContext({ viewport: PHONE, locale: 'en' });
  try {
    const page = await context.newPage();
    await page.goto(new URL('/verify', host.url).href);
    // First visit: no headers, so no isolation; the worker installs, takes control, and the page reloads once.
    await expect.poll(() => page.evaluate(() => crossOriginIsolated).catch(() => false), { timeout: 60_000 }).toBe(true);
    expect(await page.evaluate(() => location.pathname)).toBe('/verify');
    expect(await cspBlocks(page)).toEqual(BLOCKED);
    // A deep link on a fresh tab is isolated from the start.
    const second = await context.newPage();
    await second.goto(new URL('/wallet', host.url).href);
    expect(await second.evaluate(() => crossOriginIsolated)).toBe(true);
  } finally {
    await context.close();
    await host.close();
  }
});

test('a new version shows "update available"; accepting it reloads into the new version', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'eidkit-site-'));
  await cp(SITE_DIR, dir, { recursive: true });
  const host = await serve({ root: dir, port: 0 });
  const context = await browser.newContext({ viewport: PHONE, locale: 'en' });
  try {
    const page = await context.newPage();
    await page.goto(host.url);
    await waitForServiceWorker(page);
    const before = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL);
    expect(before).toMatch(/\/sw\.js$/);
    // Deploy a new version (any byte change in sw.js is one) and let the page look for it.
    await appendFile(join(dir, 'sw.js'), `\n// release ${Date.now()}\n`);
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    const banner = page.getByTestId('update-banner');
    await banner.waitFor({ timeout: 60_000 });
    const reloaded = page.waitForEvent('load');
    await banner.getByRole('button', { name: 'Update now' }).click();
    await reloaded;
    const activeSource = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      return { waiting: reg?.waiting ?? null, controlled: navigator.serviceWorker.controller !== null };
    });
    expect(activeSource).toEqual({ waiting: null, controlled: true });
    const served = await readFile(join(dir, 'sw.js'), 'utf8');
    expect(served).toContain('// release');
    expect(await page.getByTestId('update-banner').count()).toBe(0);
  } finally {
    await context.close();
    await host.close();
    await rm(dir, { recursive: true, force: true });
  }
});
