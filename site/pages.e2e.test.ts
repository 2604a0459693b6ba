import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, serveSite, type Site } from './e2e/harness.ts';
import { DESKTOP, DOC_ROUTES, PHONE, ROUTES, seriousAxeViolations } from './e2e/site.ts';

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
    for (const path of [...ROUTES, ...DOC_ROUTES.filter((d) => !(ROUTES as readonly string[]).includes(d))]) {
      await page.goto(url(path));
      await expect.poll(() => page.locator('h1').count(), { message: path }).toBe(1);
      await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(locale);
      expect(await page.title(), path).toMatch(/eidkit$/);
      expect(await seriousAxeViolations(page), `${path} (${locale})`).toEqual([]);
      if (viewport === PHONE) {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${path} scrolls sideways at 360 px`).toBeLessThanOrEqual(0);
        // Every tab of the nav is on screen: none hides past the edge with no sign that the row scrolls.
        const offscreen = await page.locator('nav.site-nav a').evaluateAll((as) => as.filter((a) => a.getBoundingClientRect().right > innerWidth || a.getBoundingClientRect().left < 0).map((a) => a.textContent));
        expect(offscreen, path).toEqual([]);
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

test('when the browser offers to install the site, an "Install app" button shows it the browser’s prompt, once', async () => {
  const context = await browser.newContext({ viewport: PHONE, locale: 'en', serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(site.url);
  await page.locator('h1').waitFor();
  expect(await page.getByTestId('install-app').count()).toBe(0);
  // Headless Chromium never decides a site is installable, so the test plays the browser's part: the event it sends.
  await page.evaluate(() => {
    const w = window as unknown as { __prompted: number };
    w.__prompted = 0;
    const e = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
      prompt: async () => void w.__prompted++,
      userChoice: Promise.resolve({ outcome: 'accepted' }),
    });
    dispatchEvent(e);
  });
  const button = page.getByRole('button', { name: 'Install app' });
  await button.waitFor();
  await button.click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { __prompted: number }).__prompted)).toBe(1);
  await expect.poll(() => button.count()).toBe(0);
  await context.close();
});
