import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, openPage, serveSite, type Site } from './e2e/harness.ts';

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

test('the built shell is served cross-origin isolated under the strict CSP, with no errors', async () => {
  const { page, requests, consoleErrors, context } = await openPage(browser, site.url);
  await expect.poll(() => page.getByTestId('isolation').textContent()).toContain('Cross-origin isolated');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const main = await page.request.get(site.url);
  const csp = main.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp.split(/[\s;]+/)).not.toContain("'unsafe-eval'");
  expect(consoleErrors).toEqual([]);
  expect(requests.every((r) => new URL(r.url()).origin === new URL(site.url).origin)).toBe(true);
  await context.close();
});

test('models and the wasm runtime are served from the site itself, with the wasm MIME type', async () => {
  const page = await browser.newPage();
  const wasm = await page.request.get(`${site.url}models/tfjs-backend-wasm-simd.wasm`);
  expect(wasm.status()).toBe(200);
  expect(wasm.headers()['content-type']).toBe('application/wasm');
  expect(wasm.headers()['cross-origin-resource-policy']).toBe('same-origin');
  const manifest = await (await page.request.get(`${site.url}models/manifest.json`)).json();
  expect(manifest.models.map((m: { id: string }) => m.id)).toContain('blazeface');
  expect((await page.request.get(`${site.url}models/nope.bin`)).status()).toBe(404);
  await page.close();
});
