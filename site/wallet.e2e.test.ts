/**
 * The wallet page as a citizen meets it, in the built site: the auto-lock setting is kept, a wrong PIN is reported
 * once in one wording, and the unlocked wallet has no serious accessibility finding at phone and desktop size.
 */
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { siteAndBrowser } from './e2e/harness.ts';
import { DESKTOP, PHONE, seriousAxeViolations } from './e2e/site.ts';

const PIN = '246813';
const env = siteAndBrowser();

async function newWallet(viewport: { width: number; height: number }): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await env.browser.newContext({ viewport, locale: 'en', serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(new URL('/wallet', env.site.url).href);
  await page.getByTestId('new-pin').fill(PIN);
  await page.getByTestId('new-pin-again').fill(PIN);
  await page.getByTestId('setup-pin').click();
  await page.getByTestId('no-credentials').waitFor({ timeout: 30_000 });
  return { page, close: () => context.close() };
}

describe('wallet page', () => {
  test('auto-lock: the chosen time is kept across a reload and said in words', async () => {
    const w = await newWallet(PHONE);
    await w.page.locator('summary', { hasText: 'Security' }).click();
    expect(await w.page.getByTestId('auto-lock').inputValue()).toBe('2');
    await w.page.getByTestId('auto-lock').selectOption('10');
    await expect.poll(() => w.page.getByTestId('auto-lock-text').textContent()).toContain('locks after 10 min');
    await w.page.reload();
    await w.page.getByTestId('pin').fill(PIN);
    await w.page.getByTestId('unlock').click();
    await w.page.getByTestId('no-credentials').waitFor();
    await w.page.locator('summary', { hasText: 'Security' }).click();
    expect(await w.page.getByTestId('auto-lock').inputValue()).toBe('10');
    await w.close();
  });

  test('a wrong PIN is reported once, in one wording, with the attempts left', async () => {
    const w = await newWallet(PHONE);
    await w.page.locator('summary', { hasText: 'Security' }).click();
    await w.page.getByTestId('lock').click();
    await w.page.getByTestId('wallet-unlock').waitFor();
    // No reload: "Lock now" straight after setting the PIN must hold (the page's own second unlock after setup used to
    // land here, a second later on a loaded machine, and unlock the wallet again).
    await expect.poll(() => w.page.getByTestId('unlock').isEnabled(), { timeout: 20_000 }).toBe(true);
    await w.page.getByTestId('pin').fill('999999');
    await w.page.getByTestId('unlock').click();
    const form = w.page.getByTestId('wallet-unlock');
    // The count is said once, in one wording: as the error right after the wrong PIN ("Wrong PIN. N attempt(s)
    // left …"), or as the lock screen's own line when it shows again later.
    await expect.poll(() => form.textContent(), { timeout: 60_000 }).toMatch(/\d+ attempt\(s\) left before the wallet erases itself\./);
    const text = (await form.textContent()) ?? '';
    expect(text.match(/attempt\(s\) left/g)).toHaveLength(1);
    expect(text).not.toMatch(/more wrong PIN/);
    await w.close();
  });

  test.each([
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const)('unlocked, every panel open, at %s size: no serious accessibility finding', async (_name, viewport) => {
    const w = await newWallet(viewport);
    for (const s of await w.page.locator('details > summary').all()) await s.click();
    expect(await seriousAxeViolations(w.page)).toEqual([]);
    await w.close();
  });
});
