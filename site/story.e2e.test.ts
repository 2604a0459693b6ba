// The end-to-end story, in the built site, in Debian's Chromium with a fake camera: a citizen enrols (the blink video
// as the camera, an ID card image with her portrait), the issuer desk issues, the wallet shows the QR; verifiers scan
// it and check the face against the same person (match), another person (no match) and a still photo (liveness
// failure); a tampered QR is rejected with the right reason; the verifier page reloads offline and still works; a
// newcomer verifier trusts the demo authority with no file, and a real desk by scanning its trust QR off its screen.
// Every request of every context is recorded: all same-origin GETs of the site's own files, none carrying data.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Browser, BrowserContext, Download, Page, Request } from 'playwright-core';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, serveSite, SITE_DIR, type Site } from './e2e/harness.ts';
import { PHONE, waitForServiceWorker } from './e2e/site.ts';
import { ALICE, faceTemplates, qrPng } from './e2e/credentials.ts';
import { createTestIssuer, issueCredential, publicKeyPoint, signerOf } from '../engine/credential/index.ts';
import { makeCard, prcIdFor, qrTextFromPng, tamperFamilyName } from './e2e/story-fixtures.ts';

const SHOTS = process.env.EIDKIT_SCREENSHOTS ? fileURLToPath(new URL('./e2e/screenshots/', import.meta.url)) : undefined;
const PIN = '135790';
const FACE_TIMEOUT = 240_000;

const fakeCamera = (file: string) => ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${file}`];

describe.skipIf(!inject('fixturesPresent'))('the eidkit story, end to end (needs EIDKIT_FIXTURES)', () => {
  const fixtures = inject('fixtures');
  let site: Site;
  let dir: string;
  let card: string;
  let still: string;
  const browsers: Browser[] = [];
  const requests: { context: string; request: Request }[] = [];
  let citizen: Page;
  let desk: Page;
  let requestFile: string;
  let credentialFile: string;
  let trustFile: string;

  async function browserWith(video: string): Promise<Browser> {
    const b = await launch(fakeCamera(video));
    browsers.push(b);
    return b;
  }

  async function contextIn(browser: Browser, name: string, opts: { fixedChallenge?: string } = {}): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: PHONE, locale: 'en', acceptDownloads: true });
    context.on('request', (request) => requests.push({ context: name, request }));
    if (opts.fixedChallenge) {
      await context.addInitScript((c) => localStorage.setItem('eidkit.dev.challenge', c), opts.fixedChallenge);
    }
    return context;
  }

  /**
   * A phone-size screenshot (for the README), scrolled to `focus` when given. Only with EIDKIT_SCREENSHOTS set.
   * Screens showing the fixture person's face (camera preview, card photos) go to the temp folder, never into the
   * repository: the shared fixtures' images must not be copied into it.
   */
  async function shot(page: Page, name: string, focus?: string, showsFixtureFace = false): Promise<void> {
    if (!SHOTS) return;
    await mkdir(SHOTS, { recursive: true });
    const folder = showsFixtureFace ? dir : SHOTS;
    if (focus) await page.getByTestId(focus).first().evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(folder, `${name}.png`), fullPage: false, scale: 'css' });
  }

  /** Clicks a download button and keeps the file, as the person would. */
  async function downloadBy(page: Page, testId: string, name: string): Promise<string> {
    const pending = page.waitForEvent('download');
    await page.getByTestId(testId).click();
    const d: Download = await pending;
    const path = join(dir, name);
    await d.saveAs(path);
    return path;
  }

  /**
   * The wallet's QR as it is on screen now (it refreshes every 30 s), as a PNG: the canvas's own pixels, as sharp as
   * a phone's 3x screen shows it (a 1x test viewport would blur a version-30 code below what jsQR can read).
   */
  async function qrFromWallet(): Promise<Buffer> {
    const canvas = citizen.getByTestId('presentation-qr');
    await canvas.waitFor();
    const dataUrl = await canvas.evaluate((c) => (c as HTMLCanvasElement).toDataURL('image/png'));
    return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
  }

  async function verifier(browser: Browser, name: string): Promise<Page> {
    const context = await contextIn(browser, name, { fixedChallenge: 'blink' });
    const page = await context.newPage();
    await page.goto(new URL('/verify', site.url).href);
    await page.getByTestId('trust-upload').setInputFiles(trustFile);
    await expect.poll(() => page.getByTestId('trust-summary').textContent()).toContain('Trusting 2 issuer');
    return page;
  }

  async function scanAndCheckFace(page: Page, png: Buffer, shotName: string): Promise<string> {
    const path = join(dir, `${shotName}.png`);
    await writeFile(path, png);
    await page.getByTestId('qr-upload').setInputFiles(path);
    await page.getByTestId('report').waitFor({ timeout: 30_000 });
    const notPassed = await page.locator('[data-outcome="warn"], [data-outcome="fail"]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-check')}: ${e.getAttribute('data-code')}`));
    expect(notPassed).toEqual([]);
    expect(await page.getByTestId('report').getAttribute('data-verdict')).toBe('valid');
    await page.getByTestId('check-face').click();
    await page.getByTestId('start-face').click();
    const result = page.getByTestId('face-result');
    await result.waitFor({ timeout: FACE_TIMEOUT });
    await result.scrollIntoViewIfNeeded();
    await shot(page, shotName);
    console.info(shotName, await result.textContent(), await page.getByTestId('live-capture').getAttribute('data-fps'));
    return (await result.getAttribute('data-result'))!;
  }

  /**
   * From the details step on: the card photo, the live face scan (match), the PIN (set up, or the wallet unlocked when
   * it already has one) and the signed request, downloaded as `name`. Screenshots only for the first enrolment.
   */
  async function finishEnrolment(name: string, shots: boolean): Promise<string> {
    await citizen.getByTestId('card-front').setInputFiles(card);
    // Told at once that the card's face was found, before "Next".
    await citizen.getByTestId('card-face-found').waitFor({ timeout: FACE_TIMEOUT });
    await citizen.getByTestId('photos-next').click();
    await citizen.getByTestId('face-step').waitFor({ timeout: FACE_TIMEOUT });
    await citizen.getByTestId('start-face').click();
    await citizen.getByTestId('guidance').waitFor({ timeout: FACE_TIMEOUT });
    if (shots) await shot(citizen, '03-enrol-face-capture', undefined, true);
    const result = citizen.getByTestId('enrol-face-result');
    await result.waitFor({ timeout: FACE_TIMEOUT });
    expect(await result.getAttribute('data-result'), await result.textContent() ?? '').toBe('match');
    if (shots) await shot(citizen, '04-enrol-face-match', 'enrol-face-result');
    await citizen.getByTestId('face-next').click();

    await citizen.getByTestId('new-pin').or(citizen.getByTestId('pin')).first().waitFor();
    if (await citizen.getByTestId('new-pin').count()) {
      await citizen.getByTestId('new-pin').fill(PIN);
      await citizen.getByTestId('new-pin-again').fill(PIN);
      await citizen.getByTestId('setup-pin').click();
    } else {
      await citizen.getByTestId('pin').fill(PIN);
      await citizen.getByTestId('unlock').click();
    }
    await citizen.getByTestId('make-request').click();
    await citizen.getByTestId('request-ready').waitFor({ timeout: 60_000 });
    if (shots) await shot(citizen, '05-enrol-request', 'request-step');
    return downloadBy(citizen, 'download-request', name);
  }

  /** The citizen opens the wallet, unlocks it (`shown`: what the unlocked wallet shows first) and adds a credential file. */
  async function addToWallet(file: string, shown: 'no-credentials' | 'credentials'): Promise<void> {
    await citizen.goto(new URL('/wallet', site.url).href);
    await citizen.getByTestId('pin').fill(PIN);
    await citizen.getByTestId('unlock').click();
    await citizen.getByTestId(shown).waitFor();
    await citizen.locator('summary', { hasText: 'Add a credential' }).click();
    await citizen.getByTestId('credential-upload').setInputFiles(file);
  }

  /** The citizen enrols once more, from the details step (a new device key), without screenshots. */
  async function enrolAgain(name: string): Promise<string> {
    await citizen.goto(new URL('/enrol', site.url).href);
    await citizen.getByTestId('family-name').fill('王');
    await citizen.getByTestId('given-name').fill('丽');
    await citizen.getByTestId('birth-date').fill('1990-04-12');
    await citizen.getByTestId('sex').selectOption('2');
    await citizen.getByTestId('document-number').fill(prcIdFor('1990-04-12'));
    await citizen.getByTestId('details-next').click();
    return finishEnrolment(name, false);
  }

  beforeAll(async () => {
    site = await serveSite();
    dir = await mkdtemp(join(tmpdir(), 'eidkit-story-'));
    ({ card, still } = await makeCard(join(fixtures, 'video/blink-woman-480x512.mjpeg'), dir));
  });
  afterAll(async () => {
    for (const b of browsers) await b.close();
    await site?.close();
  });

  test('a citizen enrols: details with a checked ID number, card photo, live face scan with liveness, signed request', async () => {
    const browser = await browserWith(join(fixtures, 'video/blink-woman-480x512.mjpeg'));
    const context = await contextIn(browser, 'citizen', { fixedChallenge: 'blink' });
    citizen = await context.newPage();
    await citizen.goto(site.url);
    await shot(citizen, '01-home');
    await citizen.goto(new URL('/enrol', site.url).href);
    await citizen.getByTestId('family-name').fill('王');
    await citizen.getByTestId('given-name').fill('丽');
    await citizen.getByTestId('birth-date').fill('1990-04-12');
    await citizen.getByTestId('sex').selectOption('2');
    // A wrong check digit is caught on the phone, before anything else happens.
    const id = prcIdFor('1990-04-12');
    const wrong = id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
    await citizen.getByTestId('document-number').fill(wrong);
    await citizen.getByTestId('details-next').click();
    await expect.poll(() => citizen.locator('#document_number-error').textContent()).toContain('check digit');
    expect(await citizen.getByTestId('document-number').getAttribute('aria-invalid')).toBe('true');
    await shot(citizen, '02-enrol-details-error');
    await citizen.getByTestId('document-number').fill(id);
    await citizen.getByTestId('details-next').click();

    requestFile = await finishEnrolment('request.json', true);
  }, 600_000);

  test('the issuer desk creates its keys, checks the request and issues the credential; publishes the trust file', async () => {
    expect(requestFile).toBeDefined();
    const browser = await browserWith(join(fixtures, 'video/blink-woman-480x512.mjpeg'));
    desk = await (await contextIn(browser, 'issuer', { fixedChallenge: 'blink' })).newPage();
    await desk.goto(new URL('/issuer', site.url).href);
    await desk.getByTestId('authority-name').fill('Test City Public Security Bureau');
    await desk.getByTestId('authority-id').fill('testcity-psb');
    await desk.getByTestId('create-authority').click();
    await desk.getByTestId('authority').waitFor();
    await desk.getByTestId('request-upload').setInputFiles(requestFile);
    const review = desk.getByTestId('request-review');
    await review.waitFor();
    expect(await review.textContent()).toContain('Signed by the applicant’s phone');
    expect(await desk.getByTestId('request-face').textContent()).toContain('Card photo matches the live face');
    await shot(desk, '06-issuer-review', 'request-review', true);
    // The desk's own check: the applicant (the blink video) in front of the desk's camera, against the request's
    // template and the card photo's portrait.
    await desk.getByTestId('desk-check-face').click();
    await desk.getByTestId('desk-face-check').getByTestId('start-face').click();
    const deskFace = desk.getByTestId('desk-face-result');
    await deskFace.waitFor({ timeout: FACE_TIMEOUT });
    console.info('desk face check', await deskFace.textContent(), await desk.getByTestId('desk-face-details').textContent().catch(() => ''));
    expect(await deskFace.getAttribute('data-result')).toBe('match');
    expect(await desk.locator('[data-compared="request"]').getAttribute('data-result')).toBe('match');
    expect(await desk.locator('[data-compared="card"]').getAttribute('data-result')).toBe('match');
    await desk.getByLabel('Expiry date').fill('2036-01-01');
    await desk.getByTestId('issue').click();
    await desk.getByTestId('issued-result').waitFor();
    await shot(desk, '07-issuer-issued', 'issued-result');
    credentialFile = await downloadBy(desk, 'download-credential', 'credential.eidkit-credential');
    trustFile = await downloadBy(desk, 'export-trust', 'verifier-trust.json');
    expect(JSON.parse(await readFile(trustFile, 'utf8')).type).toBe('eidkit-verifier-trust');
    expect(await desk.getByTestId('issued-list').locator('li').count()).toBe(1);
  }, 600_000);

  test('the wallet takes the credential and shows a refreshing QR code', async () => {
    await addToWallet(credentialFile, 'no-credentials');
    await citizen.getByTestId('credential-card').waitFor();
    // Both dates, each named: the card's own expiry (what the desk set) and the issuer signature's validity.
    await expect.poll(() => citizen.getByTestId('card-expiry').textContent()).toBe('ID card expiresJan 1, 2036');
    const signature = await citizen.getByTestId('signature-valid-until').textContent();
    expect(signature).toMatch(/^Issuer’s signature valid until\w{3} \d{1,2}, \d{4}$/);
    expect(signature).not.toContain('2036');
    await shot(citizen, '08-wallet');
    await citizen.getByTestId('show-qr').click();
    await citizen.getByTestId('presentation-qr').waitFor();
    expect(Number(await citizen.getByTestId('presentation-qr').getAttribute('data-version'))).toBeLessThanOrEqual(30);
    await shot(citizen, '09-wallet-qr', 'present');
  }, 120_000);

  test('a verifier scans it → valid, and the face of the same person → match', async () => {
    const browser = browsers[0]!; // the blink video: the holder herself in front of the verifier's camera
    const page = await verifier(browser, 'verifier-same');
    const result = await scanAndCheckFace(page, await qrFromWallet(), '10-verify-face-match');
    expect(result).toBe('match');
    const report = page.getByTestId('report');
    await report.scrollIntoViewIfNeeded();
  }, 600_000);

  test('another person in front of the camera → no match', async () => {
    const browser = await browserWith(join(fixtures, 'video/talking-glasses-512x480.mjpeg'));
    const page = await verifier(browser, 'verifier-other');
    // A talking head sometimes moves while it is asked to blink, and liveness then (rightly) refuses it; a verifier
    // tries again. Whatever happens, this face must never match the credential's.
    const outcomes = [await scanAndCheckFace(page, await qrFromWallet(), '11-verify-face-no-match')];
    while (outcomes.at(-1) === 'not-live' && outcomes.length < 3) {
      await page.getByTestId('start-face').click();
      const result = page.getByTestId('face-result');
      await result.waitFor({ state: 'detached', timeout: 10_000 });
      await result.waitFor({ timeout: FACE_TIMEOUT });
      outcomes.push((await result.getAttribute('data-result'))!);
      await shot(page, '11-verify-face-no-match');
    }
    expect(outcomes).not.toContain('match');
    expect(outcomes.at(-1)).toBe('no-match');
  }, 900_000);

  test('a still photo of the holder held to the camera → liveness failure', async () => {
    const browser = await browserWith(still);
    const page = await verifier(browser, 'verifier-still');
    expect(await scanAndCheckFace(page, await qrFromWallet(), '12-verify-liveness-fail')).toBe('not-live');
    const reasons = await page.locator('[data-reason]').evaluateAll((els) => els.map((e) => e.getAttribute('data-reason')));
    expect(reasons.length).toBeGreaterThan(0);
  }, 600_000);

  test('a tampered QR is rejected: the changed name does not match what the issuer signed', async () => {
    const page = await verifier(browsers[0]!, 'verifier-tampered');
    const tampered = tamperFamilyName(qrTextFromPng(await qrFromWallet()));
    const path = join(dir, 'tampered.png');
    await writeFile(path, qrPng(tampered));
    await page.getByTestId('qr-upload').setInputFiles(path);
    await expect.poll(() => page.getByTestId('report').getAttribute('data-verdict'), { timeout: 30_000 }).toBe('invalid');
    const failed = await page.locator('[data-outcome="fail"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
    expect(failed).toContain('credential/digest-mismatch');
    expect(await page.getByTestId('disclosed').locator('[data-element="family_name"]').count()).toBe(0);
    await shot(page, '13-verify-tampered', 'report');
  }, 120_000);

  test('the verifier page, reloaded offline, still scans and verifies', async () => {
    const page = await verifier(browsers[0]!, 'verifier-offline');
    await waitForServiceWorker(page);
    await page.getByTestId('offline-ready').waitFor({ timeout: 120_000 });
    await page.context().setOffline(true);
    await page.reload();
    await page.getByTestId('verify-scanner').waitFor();
    const path = join(dir, 'offline.png');
    await writeFile(path, await qrFromWallet());
    await page.getByTestId('qr-upload').setInputFiles(path);
    await expect.poll(() => page.getByTestId('report').getAttribute('data-verdict'), { timeout: 30_000 }).toBe('valid');
    await shot(page, '14-verify-offline', 'report');
  }, 300_000);

  // Trust that travels (issue 14): a newcomer's verifier trusts nobody by hand. The build's demo authority issues at
  // the desk and verifies at once; a real desk's trust is added by scanning the QR frames on its screen.
  test('a second enrolment, issued at the desk as the build’s demo authority: a fresh verifier says "Valid (demo issuer)" with no file handled', async () => {
    expect(requestFile).toBeDefined();
    // A second enrolment (a new device key: the wallet binds one key to one credential), issued by the demo desk.
    const demoRequest = await enrolAgain('demo-request.json');
    const demo = JSON.parse(await readFile(join(SITE_DIR, 'trust/demo-authority.json'), 'utf8')) as { name: string };
    const demoDesk = await (await contextIn(browsers[0]!, 'demo-desk')).newPage();
    await demoDesk.goto(new URL('/issuer', site.url).href);
    await demoDesk.getByTestId('use-demo-authority').click();
    await demoDesk.getByTestId('desk-demo').waitFor({ timeout: 20_000 });
    await demoDesk.getByTestId('request-upload').setInputFiles(demoRequest);
    await demoDesk.getByTestId('request-review').waitFor();
    await demoDesk.getByTestId('issue').click();
    await demoDesk.getByTestId('issued-result').waitFor();
    const demoCredential = await downloadBy(demoDesk, 'download-credential', 'demo.eidkit-credential');

    await addToWallet(demoCredential, 'credentials');
    // Both cards, or what the wallet said instead.
    const shown = async () => [...(await citizen.getByTestId('credential-card').allTextContents()), ...(await citizen.locator('[role=status]').allTextContents())].join(' | ');
    await expect.poll(shown, { timeout: 30_000 }).toContain(demo.name);
    const card = citizen.getByTestId('credential-card').filter({ hasText: demo.name });
    await card.getByTestId('show-qr').click();

    // A second browser context that has never seen a trust file.
    const page = await (await contextIn(browsers[0]!, 'verifier-newcomer')).newPage();
    await page.goto(new URL('/verify', site.url).href);
    await expect.poll(() => page.getByTestId('trust-summary').textContent(), { timeout: 20_000 }).toContain('Trusting 1 issuer');
    const path = join(dir, 'demo-qr.png');
    await writeFile(path, await qrFromWallet());
    await page.getByTestId('qr-upload').setInputFiles(path);
    await expect.poll(() => page.getByTestId('report').getAttribute('data-verdict'), { timeout: 30_000 }).toBe('valid');
    expect(await page.locator('#verdict-title').textContent()).toBe('Valid (demo issuer)');
    expect(await page.getByTestId('demo-issuer').textContent()).toContain('not an identity document');
  }, 900_000);

  test('a credential whose face template an earlier face engine made: the wallet shows it and says to enrol again, with a link', async () => {
    // Issued in Node, as an earlier desk would have, for a device key of a real enrolment on this phone; the template
    // is today's with format byte 1, what the earlier engine wrote (engine/face/template.test.ts).
    const request = JSON.parse(await readFile(await enrolAgain('stale-request.json'), 'utf8')) as { device: { jwk: JsonWebKey } };
    const deviceKey = await crypto.subtle.importKey('jwk', request.device.jwk, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
    const issuer = await createTestIssuer({ id: 'earlier' });
    const authority = 'Earlier Engine Test PSB';
    const stale = await issueCredential({
      data: { ...ALICE, issuing_authority: authority, biometric_template_face: { model: 'fr-feature', version: '1', data: faceTemplates().formatOne } },
      devicePublicKey: await publicKeyPoint(deviceKey),
      documentSigner: { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) },
      status: { uri: issuer.statusUri, index: 3 },
    });
    const path = join(dir, 'stale.eidkit-credential');
    await writeFile(path, stale);

    await addToWallet(path, 'credentials');
    const card = citizen.getByTestId('credential-card').filter({ hasText: authority });
    await card.waitFor({ timeout: 30_000 });
    const note = card.getByTestId('needs-reenrolment');
    await note.waitFor({ timeout: 20_000 });
    expect(await note.textContent()).toContain('Enrol again to get a new credential');
    expect(await note.locator('a').getAttribute('href')).toBe('/enrol');
    // The cards the desks issued today carry current templates: no such note on them.
    expect(await citizen.getByTestId('credential-card').count()).toBe(3);
    expect(await citizen.getByTestId('needs-reenrolment').count()).toBe(1);
  }, 900_000);

  test("a fresh verifier trusts the desk by scanning its trust QR frames off the desk's screen: whose key and its fingerprint, then its credentials verify", async () => {
    await desk.getByTestId('show-trust-qr').click();
    const fingerprint = (await desk.getByTestId('desk-fingerprint').textContent())!;
    // The desk's animated code, frame by frame as the camera would catch them (the canvas's own pixels).
    const canvas = desk.getByTestId('trust-qr-code');
    const frames = new Map<string, Buffer>();
    let total = Infinity;
    for (const started = Date.now(); frames.size < total && Date.now() - started < 60_000; ) {
      const dataUrl = await canvas.evaluate((c) => (c as HTMLCanvasElement).toDataURL('image/png'));
      const png = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
      const text = qrTextFromPng(png);
      const m = /^EIDM1:T:(\d+)\/(\d+):/.exec(text);
      expect(m, text.slice(0, 20)).not.toBeNull();
      total = Number(m![2]);
      frames.set(m![1]!, png);
      await desk.waitForTimeout(100);
    }
    expect(frames.size).toBe(total);

    const page = await (await contextIn(browsers[0]!, 'verifier-scans-trust')).newPage();
    await page.goto(new URL('/verify', site.url).href);
    await expect.poll(() => page.getByTestId('trust-summary').textContent(), { timeout: 20_000 }).toContain('Trusting 1 issuer');
    for (const [i, png] of [...frames.values()].entries()) {
      const path = join(dir, `trust-frame-${i}.png`);
      await writeFile(path, png);
      await page.getByTestId('qr-upload').setInputFiles(path);
      if (i < frames.size - 1) await expect.poll(() => page.locator('.frames progress').getAttribute('value'), { timeout: 20_000 }).toBe(String(i + 1));
    }
    const dialog = page.getByTestId('trust-confirm');
    await dialog.waitFor({ timeout: 20_000 });
    expect(await dialog.textContent()).toContain('Test City Public Security Bureau');
    const shown = (await page.getByTestId('trust-fingerprint').textContent())!;
    const hex = (s: string) => s.replace(/^[^:：]*[:：]\s*/, '').trim();
    expect(hex(shown)).toBe(hex(fingerprint));
    await page.getByTestId('trust-accept').click();
    await expect.poll(() => page.getByTestId('trust-summary').textContent()).toContain('Trusting 2 issuer');

    // The credential the Test City desk issued, from the wallet, verifies with no file handled.
    await citizen.goto(new URL('/wallet', site.url).href);
    await citizen.getByTestId('pin').fill(PIN);
    await citizen.getByTestId('unlock').click();
    await citizen.getByTestId('credential-card').filter({ hasText: 'Test City Public Security Bureau' }).getByTestId('show-qr').click();
    const path = join(dir, 'testcity-qr.png');
    await writeFile(path, await qrFromWallet());
    await page.getByTestId('qr-upload').setInputFiles(path);
    await expect.poll(() => page.getByTestId('report').getAttribute('data-verdict'), { timeout: 30_000 }).toBe('valid');
  }, 300_000);

  test('privacy: in every flow, only same-origin GETs of the site’s own files; nothing carried data', () => {
    const origin = new URL(site.url).origin;
    const bad = requests
      .map(({ context, request }) => ({ context, method: request.method(), url: request.url(), body: request.postDataBuffer() }))
      .filter((r) => {
        if (r.url.startsWith('blob:') || r.url.startsWith('data:')) return false;
        const u = new URL(r.url);
        const ownFile = /^\/(|index\.html|verify|wallet|enrol|issuer|docs(\/[a-z-]+)?|sw\.js|manifest\.webmanifest|icon\.svg|icons\/[\w.-]+|assets\/[\w.-]+|models\/[\w.-]+|trust\/(verifier-trust|demo-authority)\.json)$/.test(u.pathname);
        return u.origin !== origin || r.method !== 'GET' || r.body !== null || u.search !== '' || !ownFile;
      });
    expect(bad).toEqual([]);
    expect(requests.length).toBeGreaterThan(50);
  });
});
