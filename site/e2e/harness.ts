// End-to-end test harness: serves the built site (dist/site) with the production headers and drives Debian's
// Chromium through playwright-core. Every request is recorded so privacy tests can assert on them.
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: plain ESM script without types
import { serve } from '../../scripts/serve.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SITE_DIR = `${ROOT}dist/site`;

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

export interface Site {
  readonly url: string;
  close(): Promise<void>;
}

export async function serveSite(): Promise<Site> {
  if (!existsSync(`${SITE_DIR}/index.html`)) throw new Error('dist/site is not built: run `npm test` (it builds first) or `npm run build`.');
  return serve({ root: SITE_DIR, port: 0 }) as Promise<Site>;
}

export async function launch(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

export interface RecordedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly requests: Request[];
  readonly consoleErrors: string[];
}

/** A fresh context (phone-sized by default) whose requests and console errors are recorded. */
export async function openPage(browser: Browser, url: string, viewport = { width: 360, height: 740 }): Promise<RecordedPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const requests: Request[] = [];
  const consoleErrors: string[] = [];
  context.on('request', (r) => requests.push(r));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(url);
  return { page, context, requests, consoleErrors };
}

/** The built site served and Chromium launched for one test file, both closed after it (read them inside tests). */
export function siteAndBrowser(): { readonly site: Site; readonly browser: Browser } {
  const env = {} as { site: Site; browser: Browser };
  beforeAll(async () => {
    env.site = await serveSite();
    env.browser = await launch();
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.site?.close();
  });
  return env;
}
