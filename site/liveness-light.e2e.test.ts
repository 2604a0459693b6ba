// The light challenge in headless Chromium with a synthetic camera: a canvas MediaStream handed to the page instead
// of getUserMedia (test-fixtures/liveness/synthetic-camera.ts), filming a photo of a person. 'live' takes on the
// colour the page's screen shows (a face near the screen reflects it); 'replay' shows its own light, ours only
// glinting off its glass. The real capture loop, face worker and light check run as in the site.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';
import type { Browser } from 'playwright-core';
import { launch } from './e2e/harness.ts';
import { DEFAULT_POLICY } from '../engine/liveness/decide.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

interface LightResult {
  reasons: { code: string }[];
  notRun: { check: string; why: string }[];
  scores: Record<string, number>;
  light?: { ran: boolean; kind?: string; why?: string; correlation?: number; amplitude?: number; lagMs?: number; samples?: number; sampleMs?: number };
  overlayLeftUp: boolean;
}

describe.skipIf(!inject('fixturesPresent'))('the light challenge on a synthetic camera (needs EIDKIT_FIXTURES)', () => {
  let server: ViteDevServer;
  let url: string;
  let browser: Browser;
  const photo = (): string => `/@fs${join(inject('fixtures'), 'spoof/genuine/live-1.jpg')}`;

  beforeAll(async () => {
    server = await createServer({
      configFile: false,
      root: ROOT,
      logLevel: 'error',
      server: { port: 0, strictPort: false, host: '127.0.0.1', fs: { allow: [ROOT, inject('fixtures')] }, headers: isolationHeaders },
      optimizeDeps: { entries: ['test-fixtures/liveness/light-page.html', 'workers/face.worker.ts'] },
      cacheDir: join(ROOT, '.cache/vite-light-e2e'),
    });
    await server.listen();
    const address = server.httpServer!.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/test-fixtures/liveness/light-page.html`;
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function check(mode: 'live' | 'replay', light?: object): Promise<LightResult> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    // EIDKIT_CPU_THROTTLE=4 runs the page as a low-end phone (CDP CPU throttling) to see the sampler's cost there;
    // the cost is printed (sampleMs), never asserted: speed goals live in bench/.
    const throttle = Number(process.env.EIDKIT_CPU_THROTTLE ?? 1);
    if (throttle > 1) await (await page.context().newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: throttle });
    await page.goto(url);
    await page.waitForSelector('body[data-ready]', { state: 'attached', timeout: 120_000 }).catch((e: unknown) => {
      throw new Error(`light page did not load: ${errors.join(' | ') || String(e)}`);
    });
    const result = (await page.evaluate(
      ([p, m, l]) => (window as unknown as { runLightCheck(p: string, m: string, l?: object): Promise<LightResult> }).runLightCheck(p as string, m as string, l as object | undefined),
      [photo(), mode, light] as const,
    )) as LightResult;
    console.info(`light ${mode}`, JSON.stringify(result.light));
    await page.close();
    return result;
  }

  test('a face lit by the screen follows its colours: the light check runs and passes', async () => {
    const r = await check('live');
    expect(r.light).toMatchObject({ ran: true, kind: 'screen' });
    expect(r.light!.correlation!).toBeGreaterThanOrEqual(DEFAULT_POLICY.lightMinCorrelation);
    expect(r.light!.amplitude!).toBeGreaterThanOrEqual(DEFAULT_POLICY.lightMinAmplitude);
    expect(r.reasons.map((x) => x.code)).not.toContain('light-mismatch');
    expect(r.scores.light).toBeGreaterThanOrEqual(0.5);
    expect(r.overlayLeftUp).toBe(false);
  });

  test('a replay showing its own light fails the light check', async () => {
    const r = await check('replay');
    expect(r.light).toMatchObject({ ran: true, kind: 'screen' });
    expect(r.reasons.map((x) => x.code)).toContain('light-mismatch');
    expect(r.overlayLeftUp).toBe(false);
  });

  test('a camera without a torch: the torch check did not run, and the decision says so instead of passing it', async () => {
    const r = await check('live', { kind: 'torch' });
    expect(r.light).toEqual({ ran: false, kind: 'torch', why: 'no-torch' });
    expect(r.notRun).toEqual([{ check: 'light', why: 'no-torch' }]);
    expect(r.scores.light).toBeUndefined();
  });
});
