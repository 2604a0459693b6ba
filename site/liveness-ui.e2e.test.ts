// The liveness screens as a verifier meets them, in the built site, with a synthetic camera (a canvas MediaStream
// handed to the page instead of getUserMedia, test-fixtures/liveness/synthetic-camera.ts) filming a photo lit by
// the page's screen. A photo cannot answer the prompts, so every check here ends refused; what is tested is what
// the person sees on the way: the light check's colours, the ring that empties, another movement on request, the
// refusal's reasons as sentences, a check that did not run said as such, and "checked by a person".
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, serveSite, type Site } from './e2e/harness.ts';
import { PHONE } from './e2e/site.ts';
import { ALICE, makeHolder, presentationQrText, qrPng, trustFile, type Holder } from './e2e/credentials.ts';
import { syntheticCamera } from '../test-fixtures/liveness/synthetic-camera.ts';

/** Replaces getUserMedia by the synthetic camera; the screen colour is the light check's flash while it is up. */
function installer(dataUrl: string): void {
  navigator.mediaDevices.getUserMedia = async () => {
    const photo = new Image();
    photo.src = dataUrl;
    await photo.decode();
    const screenColour = (): [number, number, number] => {
      const el = document.querySelector('[data-testid="light-flash"]');
      const css = el ? getComputedStyle(el).backgroundColor : 'rgb(240, 240, 240)';
      const [r, g, b] = css.match(/\d+/g)!.map((v) => Number(v) / 255);
      return [r!, g!, b!];
    };
    const make = (window as unknown as { __syntheticCamera: typeof syntheticCamera }).__syntheticCamera;
    return make({ photo, mode: 'live', screenColour }).stream;
  };
}

describe.skipIf(!inject('fixturesPresent'))('liveness screens on a synthetic camera (needs EIDKIT_FIXTURES)', () => {
  let site: Site;
  let browser: Browser;
  let holder: Holder;
  let dir: string;
  let photo: string;

  beforeAll(async () => {
    site = await serveSite();
    browser = await launch();
    holder = await makeHolder({ ...ALICE, biometric_template_face: { model: 'eidkit-face', version: '1', data: crypto.getRandomValues(new Uint8Array(256)) } } as typeof ALICE);
    dir = await mkdtemp(join(tmpdir(), 'eidkit-liveness-ui-'));
    photo = `data:image/jpeg;base64,${(await readFile(join(inject('fixtures'), 'spoof/genuine/live-1.jpg'))).toString('base64')}`;
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  async function faceCheckPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: PHONE, locale: 'en', serviceWorkers: 'block' });
    await context.addInitScript({ content: `var __name = (f) => f; window.__syntheticCamera = ${syntheticCamera.toString()}; (${installer.toString()})(${JSON.stringify(photo)});` });
    const page = await context.newPage();
    await page.goto(new URL('/verify', site.url).href);
    const trust = join(dir, `trust-${Date.now()}.json`);
    await writeFile(trust, await trustFile(holder));
    await page.getByTestId('trust-upload').setInputFiles(trust);
    await expect.poll(() => page.getByTestId('trust-summary').textContent()).toContain('Trusting 2 issuer'); // the build's default (demo) list and this one
    const qr = join(dir, `qr-${Date.now()}.png`);
    await writeFile(qr, qrPng(await presentationQrText(holder, 'all')));
    await page.getByTestId('qr-upload').setInputFiles(qr);
    await page.getByTestId('report').waitFor({ timeout: 30_000 });
    await page.getByTestId('check-face').click();
    await page.getByTestId('face-check').waitFor();
    return page;
  }

  test('front camera: colour flashes, a ring that empties, another movement on request, and a refusal in sentences', async () => {
    const page = await faceCheckPage();
    await page.getByText('Use the front camera').click();
    await page.getByTestId('start-face').click();
    // The light check paints the screen first, then the first instruction comes with its ring.
    await page.getByTestId('light-flash').waitFor({ timeout: 180_000 });
    const ring = page.getByTestId('window-ring');
    await ring.waitFor({ timeout: 60_000 });
    const first = Number(await ring.getAttribute('data-remaining'));
    const asked = await page.getByTestId('guidance').textContent();
    await page.waitForTimeout(800);
    const later = Number(await ring.getAttribute('data-remaining').catch(() => '0'));
    expect(later).toBeLessThan(first);
    // "I can't do this one": another movement is asked instead, after a pause.
    await page.getByTestId('swap-action').click();
    await expect.poll(async () => {
      const g = await page.getByTestId('guidance').textContent().catch(() => asked);
      return g !== asked && /^(Blink|Turn|Tilt|Open)/.test(g ?? '');
    }, { timeout: 30_000 }).toBe(true);
    const result = page.getByTestId('face-result');
    await result.waitFor({ timeout: 120_000 });
    expect(await result.getAttribute('data-result')).toBe('not-live');
    const text = (await result.textContent())!;
    expect(text).toContain('Why:');
    expect(text).toMatch(/We did not see you begin to .+ in time\. Start as soon as the instruction appears\./);
    expect(text).not.toContain('confidence');
    // The synthetic face reflected the screen: the light check ran and did not object.
    expect(await result.locator('[data-reason="light-mismatch"]').count()).toBe(0);
    expect(await result.locator('[data-not-run]').count()).toBe(0);
    expect(await page.getByTestId('light-flash').count()).toBe(0);
    await page.context().close();
  });

  test('rear camera without a torch: the result says the light check did not run', async () => {
    const page = await faceCheckPage();
    await page.getByTestId('start-face').click();
    const result = page.getByTestId('face-result');
    await result.waitFor({ timeout: 180_000 });
    const notRun = result.locator('[data-not-run="light"]');
    expect(await notRun.getAttribute('data-why')).toBe('no-torch');
    expect(await notRun.textContent()).toBe('The light check did not run: this camera has no torch. The other checks decided alone.');
    await page.context().close();
  });

  test('"I checked the person myself" is recorded and shown as a check by a person, never as live', async () => {
    const page = await faceCheckPage();
    await page.getByTestId('checked-by-person').click();
    const result = page.getByTestId('face-result');
    expect(await result.getAttribute('data-result')).toBe('person');
    const text = (await result.textContent())!;
    expect(text).toContain('Checked by a person');
    expect(text).toContain('not by the automatic liveness check');
    expect(text).not.toMatch(/Same person|Live person/);
    await page.context().close();
  });
});
