/**
 * The issuer desk's register, in the built site: what it issued survives a reload (file and QR again, the status
 * index, revoking from the register), and a second issue of the same request is warned about before it happens.
 * The enrolment request is made in Node by a device key of its own (no camera, no face: the desk's review of face
 * results has its own test in the story).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { siteAndBrowser } from './e2e/harness.ts';
import { DESKTOP, PHONE, seriousAxeViolations } from './e2e/site.ts';
import { credentialElements, generateP256KeyPair, parseCredential, publicKeyPoint, webCryptoSigner } from '../engine/credential/index.ts';
import { REQUEST_TYPE, signRequest, type EnrolmentRequestBody } from './lib/enrolment-request.ts';
import { toBase64 } from './lib/bytes.ts';
import { faceTemplates } from './e2e/credentials.ts';

const env = siteAndBrowser();
let dir: string;
let requestPath: string;
let devicePoint: Uint8Array;

/** A signed enrolment request of a device key of its own, written to `name` in the test folder. */
async function writeRequest(name: string, documentNumber: string, face?: EnrolmentRequestBody['face']): Promise<{ path: string; point: Uint8Array }> {
  const key = await generateP256KeyPair(false);
  const point = (await publicKeyPoint(key.publicKey)).point;
  const jwk = await crypto.subtle.exportKey('jwk', key.publicKey);
  const body: EnrolmentRequestBody = {
    type: REQUEST_TYPE,
    version: 1,
    createdAt: new Date().toISOString(),
    person: { family_name: '李', given_name: '明', birth_date: '1985-06-01', document_kind: 'other', document_number: documentNumber, nationality: 'CN' },
    photos: {},
    ...(face ? { face } : {}),
    device: { keyId: `desk-test-key-${documentNumber}`, jwk: { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! } },
  };
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(await signRequest(body, webCryptoSigner(key.privateKey))));
  return { path, point };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eidkit-desk-'));
  ({ path: requestPath, point: devicePoint } = await writeRequest('request.json', 'DESK-0001'));
});

async function downloadBy(page: Page, testId: string, name: string): Promise<Uint8Array> {
  const pending = page.waitForEvent('download');
  await page.getByTestId(testId).click();
  const path = join(dir, name);
  await (await pending).saveAs(path);
  return new Uint8Array(await readFile(path));
}

/** A fresh desk (its own browser context) set up as the build's demo authority, the request loaded and issued. */
async function deskIssuing(viewport: { width: number; height: number }, locale: string): Promise<Page> {
  const context = await env.browser.newContext({ viewport, locale, serviceWorkers: 'block', acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(new URL('/issuer', env.site.url).href);
  await page.getByTestId('use-demo-authority').click();
  await page.getByTestId('desk-demo').waitFor({ timeout: 20_000 });
  await page.getByTestId('request-upload').setInputFiles(requestPath);
  await page.getByTestId('request-review').waitFor();
  expect(await page.getByTestId('already-issued').count()).toBe(0);
  await page.getByTestId('issue').click();
  await page.getByTestId('issued-result').waitFor();
  return page;
}

describe('the issuer desk keeps a register', () => {
  test('across a reload: the file and QR again, the status index, revoking; a second issue of one request is warned about', async () => {
    const page = await deskIssuing(PHONE, 'en');
    const first = await downloadBy(page, 'download-credential', 'first.eidkit-credential');

    // Reloaded: the review is gone, the register is not.
    await page.reload();
    await page.getByTestId('authority').waitFor({ timeout: 20_000 });
    const row = page.getByTestId('issued-row');
    await expect.poll(() => row.count()).toBe(1);
    const index = Number(await row.getAttribute('data-index'));
    expect(Number.isInteger(index)).toBe(true);
    expect(await row.textContent()).toContain(`status index ${index}`);
    expect(await row.textContent()).toContain('李 明');
    // The same credential, byte for byte, bound to the request's device key, with that status index.
    const again = await downloadBy(page, `download-${index}`, 'again.eidkit-credential');
    expect(again).toEqual(first);
    const c = parseCredential(again);
    expect(Array.from(c.mso.deviceKey.point)).toEqual(Array.from(devicePoint));
    expect(c.mso.status?.index).toBe(index);
    expect(credentialElements(c)['document_number']).toBe('DESK-0001');
    await page.getByTestId(`qr-${index}`).click();
    await page.getByTestId(`register-qr-${index}`).waitFor();
    expect(await page.getByTestId(`qr-${index}`).getAttribute('aria-expanded')).toBe('true');
    expect(await seriousAxeViolations(page)).toEqual([]);

    // The same request again: the clerk is told before anything is issued.
    await page.getByTestId('request-upload').setInputFiles(requestPath);
    const warning = page.getByTestId('already-issued');
    await warning.waitFor();
    expect(await warning.textContent()).toContain(`status index ${index}`);
    expect(await page.getByTestId('issue').textContent()).toBe('Issue a second credential anyway');
    await page.getByRole('button', { name: 'Discard this request' }).click();
    expect(await row.count()).toBe(1);

    // Revoked from the register: the status list the desk publishes says so, after another reload too.
    await page.getByTestId(`status-${index}`).selectOption('invalid');
    await expect.poll(() => row.getAttribute('data-status')).toBe('invalid');
    await page.reload();
    await expect.poll(() => page.getByTestId('issued-row').getAttribute('data-status'), { timeout: 20_000 }).toBe('invalid');

    // Confirmed, the second issue makes a second credential with another index; the register lists both.
    await page.getByTestId('request-upload').setInputFiles(requestPath);
    await page.getByTestId('already-issued').waitFor();
    await page.getByTestId('issue').click();
    await page.getByTestId('issued-result').waitFor();
    await expect.poll(() => page.getByTestId('issued-row').count()).toBe(2);
    const indexes = await page.getByTestId('issued-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-index')));
    expect(new Set(indexes).size).toBe(2);
    await page.context().close();
  });

  test('a request whose face template an earlier face engine made: the desk says to enrol again and cannot issue it', async () => {
    const templates = faceTemplates();
    const face = (template: Uint8Array) => ({ model: 'fr-feature', version: '1', template: toBase64(template) });
    const stale = await writeRequest('stale.json', 'DESK-0002', face(templates.formatOne));
    const current = await writeRequest('current.json', 'DESK-0003', face(templates.current));
    const context = await env.browser.newContext({ viewport: PHONE, locale: 'en', serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.goto(new URL('/issuer', env.site.url).href);
    await page.getByTestId('use-demo-authority').click();
    await page.getByTestId('desk-demo').waitFor({ timeout: 20_000 });

    await page.getByTestId('request-upload').setInputFiles(stale.path);
    await page.getByTestId('request-review').waitFor();
    const alert = page.getByTestId('request-reenrol');
    await alert.waitFor();
    expect(await alert.getAttribute('role')).toBe('alert');
    expect(await alert.textContent()).toContain('enrol again');
    expect(await alert.locator('a').getAttribute('href')).toBe('/enrol');
    expect(await page.getByTestId('issue').isDisabled()).toBe(true);
    expect(await page.getByTestId('issued-row').count()).toBe(0);
    await page.getByRole('button', { name: 'Discard this request' }).click();

    // The same request with a template of today's engine: no warning, and it can be issued.
    await page.getByTestId('request-upload').setInputFiles(current.path);
    await page.getByTestId('request-review').waitFor();
    expect(await page.getByTestId('request-reenrol').count()).toBe(0);
    expect(await page.getByTestId('issue').isEnabled()).toBe(true);
    await context.close();
  });

  test('the desk with a request and a register has no serious accessibility finding at desktop size', async () => {
    const page = await deskIssuing(DESKTOP, 'zh-CN');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.context().close();
  });
});
