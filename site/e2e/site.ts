// Shared pieces of the site's e2e tests: the routes, an axe check, and request assertions for the privacy tests.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page, Request } from 'playwright-core';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const PHONE = { width: 360, height: 740 } as const;
export const DESKTOP = { width: 1280, height: 800 } as const;

/** Every page of the site, by path (the docs index and one document stand for the docs). */
export const ROUTES = ['/', '/verify', '/wallet', '/enrol', '/issuer', '/share', '/docs', '/docs/architecture'] as const;

/** Every document page, one per site/docs/*.md. */
export const DOC_ROUTES: readonly string[] = readdirSync(fileURLToPath(new URL('../docs/', import.meta.url)))
  .filter((f) => f.endsWith('.md'))
  .map((f) => `/docs/${f.slice(0, -3)}`)
  .sort();

export interface AxeIssue {
  readonly id: string;
  readonly impact: string | null | undefined;
  readonly help: string;
  readonly targets: string[];
}

/** Runs axe-core (WCAG 2.x A/AA rules and best practices) and returns the serious and critical violations. */
export async function seriousAxeViolations(page: Page): Promise<AxeIssue[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}

export function foreignRequests(requests: readonly Request[], siteUrl: string): string[] {
  const origin = new URL(siteUrl).origin;
  return requests.map((r) => r.url()).filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin);
}

/** Waits until the service worker controls the page and has finished precaching (it is activated). */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise<void>((ok) => navigator.serviceWorker.addEventListener('controllerchange', () => ok(), { once: true }));
    }
    return reg.active?.state;
  });
}
