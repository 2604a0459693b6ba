import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, serveSite, type Site } from './e2e/harness.ts';
import { PHONE, seriousAxeViolations } from './e2e/site.ts';
import { ALICE, faceTemplates, makeHolder, presentationQrText, qrPng, trustFile, type Holder } from './e2e/credentials.ts';
import { DISCLOSURE_PRESETS } from '../engine/credential/index.ts';

let site: Site;
let browser: Browser;
let holder: Holder;
let dir: string;
beforeAll(async () => {
  site = await serveSite();
  browser = await launch();
  holder = await makeHolder();
  dir = await mkdtemp(join(tmpdir(), 'eidkit-verify-'));
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function file(name: string, data: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
}

async function openVerifier(trust?: string): Promise<{ page: Page; requests: string[]; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: PHONE, locale: 'en', serviceWorkers: 'block' });
  const requests: string[] = [];
  context.on('request', (r) => requests.push(`${r.method()} ${r.url()}`));
  const page = await context.newPage();
  await page.goto(new URL('/verify', site.url).href);
  await page.getByTestId('verify-scanner').waitFor();
  if (trust) {
    await page.getByTestId('trust-upload').setInputFiles(await file(`trust-${Date.now()}.json`, trust));
    // The build's demo authority and the loaded file's issuer: two signers, federated.
    await expect.poll(() => page.getByTestId('trust-summary').textContent()).toContain('Trusting 2 issuer');
  }
  return { page, requests, close: () => context.close() };
}

async function scanPng(page: Page, png: Buffer): Promise<string> {
  await page.getByTestId('qr-upload').setInputFiles(await file(`qr-${Date.now()}.png`, png));
  const report = page.getByTestId('report');
  await report.waitFor({ timeout: 30_000 });
  return (await report.getAttribute('data-verdict'))!;
}

const outcome = (page: Page, check: string) => page.locator(`[data-check="${check}"]`).first().getAttribute('data-outcome');
const failedCodes = (page: Page) => page.locator('[data-outcome="fail"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));

describe('verify page, scanning a photo of the QR code', () => {
  test('a fresh presentation from a trusted issuer → valid, with the disclosed data shown and no data sent anywhere', async () => {
    // A holder whose credential carries a face template, so the face check is offered.
    const withFace = await makeHolder({ ...ALICE, biometric_template_face: { model: 'test', version: '1', data: new Uint8Array(128).fill(9) } });
    const v = await openVerifier(await trustFile(withFace));
    const text = await presentationQrText(withFace, DISCLOSURE_PRESETS.default);
    expect(await scanPng(v.page, qrPng(text))).toBe('valid');
    await expect.poll(() => v.page.locator('#verdict-title').textContent()).toBe('Valid ID');
    const disclosed = v.page.getByTestId('disclosed');
    expect(await disclosed.locator('[data-element="family_name"] dd').textContent()).toBe(ALICE.family_name);
    expect(await disclosed.locator('[data-element="age_over_18"] dd').textContent()).toBe('Yes');
    expect(await disclosed.locator('[data-element="document_number"] dd').textContent()).toBe(ALICE.document_number);
    expect(await disclosed.locator('[data-element="birth_date"]').count()).toBe(0);
    expect(await outcome(v.page, 'issuer.signature')).toBe('pass');
    expect(await outcome(v.page, 'status.entry')).toBe('pass');
    // The answer comes first: the face check sits above the folded details.
    const faceY = (await v.page.getByTestId('check-face').boundingBox())!.y;
    const detailsY = (await v.page.getByTestId('report-details').boundingBox())!.y;
    expect(faceY).toBeLessThan(detailsY);
    expect(await v.page.getByTestId('report-details').getAttribute('open')).toBeNull();
    // The details open to every check, and each check opens to show why.
    await v.page.getByTestId('report-details').locator('summary').first().click();
    const check = v.page.locator('[data-check="device.signature"] summary');
    await check.click();
    await expect.poll(() => v.page.locator('[data-check="device.signature"] details').getAttribute('open')).toBe('');
    // A one-way pass claims no more than it proves: made within the minute, and a copy shown within it passes too.
    const fresh = v.page.locator('[data-check="freshness.window"]');
    expect(await fresh.locator('summary').textContent()).toContain('QR code made within the last minute');
    expect(await fresh.locator('.check-body p').first().textContent()).toMatch(/screenshot.*passes too.*two-way/);
    expect(await seriousAxeViolations(v.page)).toEqual([]);
    if (process.env.EIDKIT_SHOTS) await v.page.screenshot({ path: process.env.EIDKIT_SHOTS, fullPage: true });
    // Only the site's own files were fetched; nothing was posted.
    const origin = new URL(site.url).origin;
    expect(v.requests.filter((r) => !r.startsWith(`GET ${origin}/`))).toEqual([]);
    await v.close();
  });

  test('a credential whose face template an earlier face engine made: valid, but its face cannot be checked, and the page says to enrol again', async () => {
    const stale = await makeHolder({ ...ALICE, biometric_template_face: { model: 'fr-feature', version: '1', data: faceTemplates().formatOne } });
    const v = await openVerifier(await trustFile(stale));
    expect(await scanPng(v.page, qrPng(await presentationQrText(stale, DISCLOSURE_PRESETS.default)))).toBe('valid');
    const note = v.page.getByTestId('face-reenrol');
    await note.waitFor();
    expect(await note.textContent()).toMatch(/must enrol again/i);
    // No face check is offered on it (a verifier would be comparing a face with numbers that mean nothing).
    expect(await v.page.getByTestId('check-face').count()).toBe(0);
    expect(await v.page.getByTestId('no-face-check').count()).toBe(0);
    await v.close();
  });

  test('age over 18 only: nothing else is shown', async () => {
    const v = await openVerifier(await trustFile(holder));
    expect(await scanPng(v.page, qrPng(await presentationQrText(holder, DISCLOSURE_PRESETS.ageOver18)))).toBe('valid');
    const elements = await v.page.locator('[data-element]').evaluateAll((els) => els.map((e) => e.getAttribute('data-element')));
    expect(elements).toEqual(['age_over_18']);
    expect(await v.page.getByTestId('check-face').count()).toBe(0);
    await v.close();
  });

  test('a QR older than the window (a screenshot) is rejected as stale', async () => {
    const v = await openVerifier(await trustFile(holder));
    const old = await presentationQrText(holder, DISCLOSURE_PRESETS.default, new Date(Date.now() - 5 * 60_000));
    expect(await scanPng(v.page, qrPng(old))).toBe('invalid');
    expect(await failedCodes(v.page)).toEqual(['credential/stale']);
    expect(await v.page.locator('[data-check="freshness.window"] .check-body p').first().textContent()).toContain('too old');
    // Not valid: nothing shown as identity data, and no face check, saying why.
    expect(await v.page.locator('[data-element]').count()).toBe(0);
    expect(await v.page.getByTestId('check-face').count()).toBe(0);
    expect(await v.page.getByTestId('no-face-check').textContent()).toContain('not valid');
    await v.close();
  });

  test('revoked in the status list → invalid, saying it was revoked', async () => {
    const v = await openVerifier(await trustFile(holder, true));
    expect(await scanPng(v.page, qrPng(await presentationQrText(holder, DISCLOSURE_PRESETS.default)))).toBe('invalid');
    expect(await failedCodes(v.page)).toEqual(['credential/revoked']);
    await v.close();
  });

  test('no trust file: the issuer cannot be confirmed → not valid', async () => {
    const v = await openVerifier();
    expect(await scanPng(v.page, qrPng(await presentationQrText(holder, DISCLOSURE_PRESETS.default)))).toBe('invalid');
    expect(await failedCodes(v.page)).toEqual(['credential/ds-unknown']);
    await v.close();
  });

  test('a trust file whose signature fails is refused', async () => {
    const v = await openVerifier();
    const bundle = JSON.parse(await trustFile(holder));
    const other = JSON.parse(await trustFile(await makeHolder()));
    bundle.anchors = other.anchors;
    await v.page.getByTestId('trust-upload').setInputFiles(await file('forged.json', JSON.stringify(bundle)));
    await expect.poll(() => v.page.getByTestId('trust-panel').textContent()).toContain('signature does not check out');
    await v.close();
  });

  test('a photo without a QR code, and a QR code that is not an eidkit ID', async () => {
    const v = await openVerifier();
    const blank = qrPng('x').fill(0); // not even a PNG any more
    await v.page.getByTestId('qr-upload').setInputFiles(await file('blank.png', blank));
    await expect.poll(() => v.page.getByTestId('verify-scanner').textContent()).toContain('not an image');
    await v.page.getByTestId('qr-upload').setInputFiles(await file('other.png', qrPng('HTTPS://EXAMPLE.COM/')));
    await expect.poll(() => v.page.getByTestId('scan-error').textContent()).toContain('not an eidkit ID QR code');
    await v.close();
  });
});
