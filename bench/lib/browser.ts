// Debian Chromium through playwright-core, with CPU and network throttling over CDP (the knobs Lighthouse uses).
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROME_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // performance.memory is bucketed and delayed without it.
  '--enable-precise-memory-info',
  // The verify page opens the camera: a fake one, without a permission prompt.
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

/** Network profiles for start-up, applied by the shaped link in link.ts (CDP emulation misses service workers). */
export interface NetworkProfile {
  readonly id: 'none' | 'slow-4g';
  readonly label: string;
  /** Round-trip latency added per request, ms. */
  readonly latency: number;
  /** Bytes per second; -1 = unthrottled. */
  readonly download: number;
  readonly upload: number;
}

export const NETWORK: Readonly<Record<NetworkProfile['id'], NetworkProfile>> = {
  none: { id: 'none', label: 'no throttling', latency: 0, download: -1, upload: -1 },
  // Lighthouse's "Slow 4G" (its mobile default): 150 ms RTT, 1.6 Mbps down, 750 kbps up.
  'slow-4g': { id: 'slow-4g', label: 'Slow 4G (150 ms, 1.6/0.75 Mbps)', latency: 150, download: 1.6e6 / 8, upload: 750e3 / 8 },
};

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export async function chromiumVersion(browser: Browser): Promise<string> {
  return browser.version();
}

export interface Throttled {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly cdp: CDPSession;
  setCpu(rate: number): Promise<void>;
}

/** A fresh context and page (own cache, own service worker scope) with a CDP session for throttling. */
export async function openThrottled(browser: Browser, viewport = { width: 360, height: 740 }): Promise<Throttled> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  return {
    context,
    page,
    cdp,
    // Applies to this page's renderer main thread only: CDP refuses it for workers in this Chromium, which is why the
    // stage timings run every library on the main thread.
    setCpu: async (rate) => void (await cdp.send('Emulation.setCPUThrottlingRate', { rate })),
  };
}
