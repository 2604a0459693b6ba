/**
 * Trust that travels (issue 14), in the built site: the baked demo authority verifies with no file, a desk's trust QR
 * is scanned and pinned after showing its fingerprint, and the verdict on screen follows trust changes.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, serveSite, SITE_DIR, type Site } from './e2e/harness.ts';
import { PHONE } from './e2e/site.ts';
import { ALICE, makeHolder, presentationQrText, qrPng, trustFile, type Holder } from './e2e/credentials.ts';
import {
  anchorFingerprint,
  createVicalSigner,
  signVical,
  vicalAnchorOf,
  EID_DOC_TYPE,
  createPresentation,
  DISCLOSURE_PRESETS,
  fromKeyFile,
  generateP256KeyPair,
  issueCredential,
  publicKeyPoint,
  signerOf,
  toQrText,
  trustPackageFrames,
  webCryptoSigner,
} from '../engine/credential/index.ts';

let site: Site;
let browser: Browser;
let holder: Holder;
let dir: string;
beforeAll(async () => {
  site = await serveSite();
  browser = await launch();
  holder = await makeHolder({ ...ALICE, biometric_template_face: { model: 'test', version: '1', data: new Uint8Array(128).fill(9) } });
  dir = await mkdtemp(join(tmpdir(), 'eidkit-trust-'));
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

let n = 0;
async function upload(page: Page, png: Buffer): Promise<void> {
  const path = join(dir, `f${n++}.png`);
  await writeFile(path, png);
  await page.getByTestId('qr-upload').setInputFiles(path);
}

async function openVerifier(): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: PHONE, locale: 'en', serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(new URL('/verify', site.url).href);
  await page.getByTestId('verify-scanner').waitFor();
  await expect.poll(() => page.getByTestId('trust-summary').textContent(), { timeout: 20_000 }).toContain('Trusting 1 issuer');
  return { page, close: () => context.close() };
}

const verdict = (page: Page) => page.getByTestId('report').getAttribute('data-verdict');

describe('trust that travels', () => {
  test('a credential from the baked demo authority → "Valid (demo issuer)" with no file handling', async () => {
    const demo = JSON.parse(await readFile(join(SITE_DIR, 'trust/demo-authority.json'), 'utf8'));
    const ds = await fromKeyFile(demo.keys.ds, 'ds');
    const device = await generateP256KeyPair(false);
    const credential = await issueCredential({
      data: { family_name: 'Demo', given_name: 'Person', birth_date: '1990-01-01', document_number: 'DEMO-1', issue_date: '2026-01-01', expiry_date: '2036-01-01', issuing_authority: demo.name, issuing_country: demo.country },
      devicePublicKey: await publicKeyPoint(device.publicKey),
      documentSigner: { certificate: ds.certificate!, signer: signerOf(ds) },
      status: { uri: `eidkit:status:${demo.id}:1`, index: 11 },
    });
    const p = await createPresentation({ credential, disclose: DISCLOSURE_PRESETS.default, deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'one-way' } });
    const v = await openVerifier();
    await upload(v.page, qrPng(toQrText(p.bytes)));
    await v.page.getByTestId('report').waitFor({ timeout: 30_000 });
    expect(await verdict(v.page)).toBe('valid');
    expect(await v.page.locator('#verdict-title').textContent()).toBe('Valid (demo issuer)');
    expect(await v.page.getByTestId('demo-issuer').textContent()).toContain('not an identity document');
    await v.close();
  });

  test('the desk issues as the demo authority in one click and shows its trust QR with the key fingerprint', async () => {
    const demo = JSON.parse(await readFile(join(SITE_DIR, 'trust/demo-authority.json'), 'utf8'));
    const tl = await fromKeyFile(demo.keys.trustList, 'trust-list');
    const context = await browser.newContext({ viewport: PHONE, locale: 'en', serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.goto(new URL('/issuer', site.url).href);
    await page.getByTestId('use-demo-authority').click();
    await page.getByTestId('desk-demo').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('authority').textContent()).toContain(demo.name);
    await page.getByTestId('show-trust-qr').click();
    await expect.poll(() => page.getByTestId('desk-fingerprint').textContent(), { timeout: 20_000 }).toContain(await anchorFingerprint({ keyId: tl.keyId!, publicKey: tl.publicKey }));
    await context.close();
  });

  test("a desk's trust QR: shown whose key and its fingerprint, pinned on accept, then its credentials verify", async () => {
    const v = await openVerifier();
    const frames = trustPackageFrames({ anchor: holder.issuer.trustListKey.anchor, trustList: holder.issuer.trustListBytes, statusLists: [holder.issuer.statusListBytes] });
    expect(frames.length).toBeGreaterThan(1);
    for (const [i, f] of frames.entries()) {
      await upload(v.page, qrPng(f));
      if (i < frames.length - 1) await expect.poll(() => v.page.locator('.frames progress').getAttribute('value'), { timeout: 20_000 }).toBe(String(i + 1));
    }
    const dialog = v.page.getByTestId('trust-confirm');
    await dialog.waitFor({ timeout: 20_000 });
    expect(await dialog.textContent()).toContain('testcity authority');
    expect(await v.page.getByTestId('trust-fingerprint').textContent()).toContain(await anchorFingerprint(holder.issuer.trustListKey.anchor));
    await v.page.getByTestId('trust-accept').click();
    await expect.poll(() => v.page.getByTestId('trust-scan-message').textContent()).toContain('Trusted: 1 issuer');
    await expect.poll(() => v.page.getByTestId('trust-summary').textContent()).toContain('Trusting 2 issuer');
    await upload(v.page, qrPng(await presentationQrText(holder, DISCLOSURE_PRESETS.default)));
    await v.page.getByTestId('report').waitFor({ timeout: 30_000 });
    expect(await verdict(v.page)).toBe('valid');
    // The pin survives a reload.
    await v.page.reload();
    await expect.poll(() => v.page.getByTestId('trust-summary').textContent(), { timeout: 20_000 }).toContain('Trusting 2 issuer');
    await v.close();
  });

  test('the verdict on screen is recomputed when trust changes (no reload)', async () => {
    const v = await openVerifier();
    await upload(v.page, qrPng(await presentationQrText(holder, DISCLOSURE_PRESETS.default)));
    await v.page.getByTestId('report').waitFor({ timeout: 30_000 });
    expect(await verdict(v.page)).toBe('invalid');
    expect(await v.page.getByTestId('check-face').count()).toBe(0);
    const path = join(dir, 'trust.json');
    await writeFile(path, await trustFile(holder));
    await v.page.getByTestId('trust-upload').setInputFiles(path);
    await expect.poll(() => verdict(v.page), { timeout: 20_000 }).toBe('valid');
    await v.page.getByTestId('check-face').waitFor();
    await v.close();
  });

  test('an ISO 18013-5 VICAL loaded as a file: provider and fingerprint shown, pinned on accept, its IACAs verify; an older issue is refused', async () => {
    const v = await openVerifier();
    const provider = await createVicalSigner({ provider: 'Test federation', country: 'CN', notBefore: new Date(Date.now() - 86_400_000) });
    const entries = [{ certificate: holder.issuer.iaca.certificate, docTypes: [EID_DOC_TYPE], issuingAuthority: 'Testcity via VICAL', issuingCountry: 'CN' }];
    const vical = await signVical({ provider: 'Test federation', date: new Date(), issueId: 5, entries }, provider);
    const path = join(dir, 'federation.vical');
    await writeFile(path, vical);
    await v.page.getByTestId('trust-panel').locator('summary').click();
    await v.page.getByTestId('vical-upload').setInputFiles(path);
    const confirm = v.page.getByTestId('vical-confirm');
    await confirm.waitFor({ timeout: 20_000 });
    expect(await confirm.textContent()).toContain('Test federation');
    expect(await v.page.getByTestId('vical-fingerprint').textContent()).toContain(await anchorFingerprint(vicalAnchorOf(vical).anchor));
    await v.page.getByTestId('vical-accept').click();
    await expect.poll(() => v.page.getByTestId('trust-panel-message').textContent()).toContain('1 issuing authorit');
    await expect.poll(() => v.page.getByTestId('trust-summary').textContent()).toContain('Trusting 2 issuer');
    // A VICAL lists IACAs only: the presentation carries its DS certificate.
    const p = await createPresentation({ credential: holder.credential, disclose: DISCLOSURE_PRESETS.default, deviceSigner: webCryptoSigner(holder.deviceKey.privateKey), mode: { kind: 'one-way' }, embedCertificate: true });
    await upload(v.page, qrPng(toQrText(p.bytes)));
    await v.page.getByTestId('report').waitFor({ timeout: 30_000 });
    // Trusted by the VICAL; a VICAL carries no revocation list, so the status is unknown (a warning, never "valid").
    expect(await verdict(v.page)).toBe('warning');
    const notPassed = await v.page.locator('[data-outcome="warn"], [data-outcome="fail"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
    expect(notPassed).toEqual(['credential/status-unknown']);
    // An older issue of the same provider is refused (no rollback), and the pin survives a reload.
    const older = await signVical({ provider: 'Test federation', date: new Date(), issueId: 4, entries }, provider);
    await writeFile(path, older);
    await v.page.getByTestId('scan-again').click();
    await v.page.getByTestId('vical-upload').setInputFiles(path);
    await expect.poll(() => v.page.getByTestId('trust-panel-message').textContent()).toContain('older');
    await v.page.reload();
    await expect.poll(() => v.page.getByTestId('trust-summary').textContent(), { timeout: 20_000 }).toContain('Trusting 2 issuer');
    await v.close();
  });

  test('the desk’s request scan and the wallet’s credential scan refuse a deflate bomb (assembled in the QR worker) and stay usable', async () => {
    const { deflateSync } = await import('fflate');
    const { QR_DICTIONARY_V1 } = await import('../engine/credential/qr-dictionary.ts');
    const { bytesToDecimal } = await import('../engine/credential/decimal.ts');
    // A code a phone can show: ~1,200 bytes of deflate that would inflate to over a megabyte.
    const bomb = deflateSync(new Uint8Array(50_000_000), { level: 9, dictionary: QR_DICTIONARY_V1 }).subarray(0, 1_200);
    const png = qrPng(`EID1:${bytesToDecimal(bomb)}`, 3);
    const context = await browser.newContext({ viewport: PHONE, locale: 'en', serviceWorkers: 'block' });
    const page = await context.newPage();
    const alive = async () => expect(await page.evaluate(() => new Promise<number>((r) => setTimeout(() => r(1), 10)))).toBe(1);

    await page.goto(new URL('/issuer', site.url).href);
    await page.getByTestId('use-demo-authority').click();
    await page.getByTestId('desk-demo').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Scan request QR' }).click();
    await upload(page, png);
    await expect.poll(() => page.getByRole('alert').allTextContents(), { timeout: 20_000 }).toContain('This is not an eidkit enrolment request.');
    await alive();

    await page.goto(new URL('/wallet', site.url).href);
    await page.getByTestId('new-pin').fill('246810');
    await page.getByTestId('new-pin-again').fill('246810');
    await page.getByTestId('setup-pin').click();
    await page.getByTestId('no-credentials').waitFor({ timeout: 20_000 });
    await page.locator('summary', { hasText: 'Add a credential' }).click();
    await page.getByRole('button', { name: 'Scan the desk’s code' }).click();
    await upload(page, png);
    await expect.poll(() => page.locator('[role=status].error').allTextContents(), { timeout: 20_000 }).toContain('This is not an eidkit ID credential.');
    await alive();
    await context.close();
  });
});
