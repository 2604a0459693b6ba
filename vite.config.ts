import { defineConfig } from 'vitest/config';
import solid from 'vite-plugin-solid';
import { playwright } from '@vitest/browser-playwright';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { markdownPlugin } from './site/build/markdown.ts';
import { pwaPlugin } from './site/build/pwa.ts';
import { trustPlugin } from './site/build/trust.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
const fixtures = resolve(root, process.env.EIDKIT_FIXTURES ?? '../shared/fixtures');
const chromium = process.env.CHROME_PATH ?? '/usr/bin/chromium';

/** Headers that make the page cross-origin isolated, so wasm threads (SharedArrayBuffer) are allowed. */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Flags from the machine's guide: no sandbox (root), no GPU, and no background traffic to hosts we cannot reach. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

// The QR reader's deep imports (engine/credential/zxing.ts), so only ZXing's QR reader is pre-bundled.
const zxingQr = ['@zxing/library/cjs/core/common/HybridBinarizer.js', '@zxing/library/cjs/core/common/GridSamplerInstance.js', '@zxing/library/cjs/core/common/PerspectiveTransform.js', '@zxing/library/cjs/core/RGBLuminanceSource.js', '@zxing/library/cjs/core/DecodeHintType.js', '@zxing/library/cjs/core/ResultPoint.js', '@zxing/library/cjs/core/qrcode/detector/FinderPatternFinder.js', '@zxing/library/cjs/core/qrcode/detector/Detector.js', '@zxing/library/cjs/core/qrcode/decoder/Decoder.js', '@zxing/library/cjs/core/qrcode/decoder/Version.js'];

/**
 * Build-time flag: only a build made with EIDKIT_TEST_HOOKS=1 (what `npm test` builds) lets the end-to-end tests fix
 * the liveness challenge (site/lib/dev-settings.ts). Everywhere else the code reading that setting is compiled out.
 */
export const testHooks = process.env.EIDKIT_TEST_HOOKS === '1';

export default defineConfig({
  root: resolve(root, 'site'),
  define: { __EIDKIT_TEST_HOOKS__: JSON.stringify(testHooks) },
  publicDir: resolve(root, 'site/public'),
  plugins: [
    solid(),
    markdownPlugin(),
    trustPlugin(root),
    pwaPlugin({ swSource: resolve(root, 'site/sw.ts'), modelManifest: resolve(root, 'models/manifest.json') }),
  ],
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: { format: 'es' },
  build: {
    outDir: resolve(root, 'dist/site'),
    emptyOutDir: true,
    target: 'es2022',
    // The site, and the demo relying party (a court's page, served on a second origin by scripts/serve.mjs).
    rollupOptions: { input: { main: resolve(root, 'site/index.html'), court: resolve(root, 'site/rp/court.html') } },
  },
  test: {
    environment: 'node',
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          root,
          environment: 'node',
          include: ['engine/**/*.test.ts', 'scripts/**/*.test.ts', 'models/**/*.test.ts', 'workers/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['**/*.browser.test.ts', '**/*.e2e.test.ts', '**/node_modules/**'],
          provide: { fixtures, fixturesPresent: existsSync(fixtures) },
          // The interop test's @auth0/mdl uses cbor-x, whose optional native 'cbor-extract' is overridden with an empty
          // package (package.json "overrides": no native code in the tree). This makes cbor-x skip it, using its JS decoder.
          env: { CBOR_NATIVE_ACCELERATION_DISABLED: 'true' },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        server: { headers: isolationHeaders, fs: { allow: [root, fixtures] } },
        // Pre-bundled up front so the first test that reaches them does not make Vite reload the page mid-run.
        optimizeDeps: { include: ['fflate', 'qrcode', 'jsqr', 'idb', 'comlink', '@tensorflow/tfjs-core', '@tensorflow/tfjs-converter', '@tensorflow/tfjs-backend-wasm', ...zxingQr] },
        test: {
          name: 'browser',
          root,
          include: ['engine/**/*.browser.test.ts', 'workers/**/*.browser.test.ts'],
          provide: { fixtures, fixturesPresent: existsSync(fixtures) },
          testTimeout: 180_000,
          hookTimeout: 180_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({ launchOptions: { executablePath: chromium, args: chromiumArgs } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          root,
          environment: 'node',
          include: ['site/**/*.e2e.test.ts', 'scripts/**/*.e2e.test.ts'],
          provide: { fixtures, fixturesPresent: existsSync(fixtures) },
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
