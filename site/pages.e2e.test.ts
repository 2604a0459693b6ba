import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, serveSite, type Site } from './e2e/harness.ts';
import { DESKTOP, PHONE, ROUTES, seriousAxeViolations } from './e2e/site.ts';

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

const url = (path: string) => new URL(path, site.url).href;

describe.each([
  ['phone', PHONE],
  ['desktop', DESKTOP],
] as const)('every page at %s size', (_name, viewport) => {
  test.each(['en', 'zh-CN'])('renders in %s with one h1, no errors, no foreign requests and no serious axe violations', async (locale) => {
    // Service workers off: this test is about each page as first served; the PWA tests cover the worker.
    const context = await browser.newContext({ viewport, locale, serviceWorkers: 'block' });
    const requests: string[] = [];
    context.on('request', (r) => requests.push(r.url()));
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    for (const path of ROUTES) {
      await page.goto(url(path));
      await expect.poll(() => page.locator('h1').count(), { message: path }).toBe(1);
      await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(locale);
      expect(await page.title(), path).toMatch(/eidkit$/);
      expect(await seriousAxeViolations(page), `${path} (${locale})`).toEqual([]);
      if (viewport === PHONE) {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${path} scrolls sideways at 360 px`).toBeLessThanOrEqual(0);
      }
    }
    expect(errors).toEqual([]);
    expect(requests.filter((u) => new URL(u).origin !== new URL(site.url).origin)).toEqual([]);
    await context.close();
  });
});

test('keyboard: skip link, nav by Tab + Enter, and focus moves to the new page heading', async () => {
  const context = await browser.newContext({ viewport: PHONE, locale: 'en', serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(site.url);
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
  await page.keyboard.press('Enter');
  expect(await page.evaluate(() => location.hash)).toBe('#main');
  // Tab from the top to the "Verify" nav link, then follow it with Enter.
  await page.goto(site.url);
  let found = false;
  for (let i = 0; i < 10 && !found; i++) {
    await page.keyboard.press('Tab');
    found = (await page.evaluate(() => document.activeElement?.getAttribute('href'))) === '/verify';
  }
  expect(found).toBe(true);
  await page.keyboard.press('Enter');
  await expect.poll(() => page.evaluate(() => location.pathname)).toBe('/verify');
  await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
  expect(await page.title()).toBe('Verify an ID · eidkit');
  expect(await page.locator('nav a[href="/verify"]').getAttribute('aria-current')).toBe('page');
  await context.close();
});

test('an unknown path gets the not-found page inside the app', async () => {
  const context = await browser.newContext({ viewport: PHONE, locale: 'en', serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(url('/no/such/page'));
  await expect.poll(() => page.locator('h1').textContent()).toBe('Page not found');
  await context.close();
});
