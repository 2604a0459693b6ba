// The integrator's package, tried as a new integrator would: `npm pack` the engine, install the tarball into a fresh
// app, copy the models with the installed CLI, and run the README's worker snippet as printed, with no bundler config,
// on Vite's dev server and in a Vite production build, in headless Chromium with a fake camera showing a face.
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, createServer, type ViteDevServer } from 'vite';
import type { Browser } from 'playwright-core';
import { launch } from '../site/e2e/harness.ts';
// @ts-expect-error: plain ESM script without types
import { serve } from './serve.mjs';
// @ts-expect-error: plain ESM script without types
import { bundlePage } from '../test-fixtures/bundlers/bundle.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const fixtures = inject('fixtures');
const camera = join(fixtures, 'video/blink-woman-480x512.mjpeg');
const haveCamera = inject('fixturesPresent') && existsSync(camera);

let app = '';
let browser: Browser | undefined;
let installLog = '';

/** The README's browser worker snippet, verbatim: the ```ts block that imports the worker with `?worker`. */
export function readmeWorkerSnippet(readme: string): string {
  const block = [...readme.matchAll(/```ts[^\n]*\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes('?worker'));
  if (!block) throw new Error('README.md has no ```ts block importing the face worker with ?worker');
  return block;
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/workers/face.worker.js'))) throw new Error('dist/ is not built: run npm test (it builds first).');
  app = mkdtempSync(join(tmpdir(), 'eidkit-app-'));
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', app], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as [{ filename: string }];
  cpSync(join(ROOT, 'test-fixtures/vite-app'), app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }, null, 2));
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel', 'warn', join(app, packed[0].filename)], { cwd: app, encoding: 'utf8' });
  installLog = `${install.stdout}\n${install.stderr}`;
  if (install.status !== 0) throw new Error(`npm install of the tarball failed:\n${installLog}`);
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  // The README's models command, as printed, with the installed CLI.
  const copy = /npx eidkit models copy (\S+)/.exec(readme);
  if (!copy) throw new Error('README.md no longer shows `npx eidkit models copy <dir>`');
  execFileSync(join(app, 'node_modules/.bin/eidkit'), ['models', 'copy', copy[1]!], { cwd: app, stdio: 'ignore' });
  const prelude = [
    "const video = document.querySelector('video')!;",
    'video.srcObject = await navigator.mediaDevices.getUserMedia({ video: true });',
    'await video.play();',
    'const photo = video;',
  ].join('\n');
  const results = 'Object.assign(window, { eidkitResult: { info: await faces.ready(), found, preview } });';
  writeFileSync(
    join(app, 'main.ts'),
    `${prelude}\n${readmeWorkerSnippet(readme)}\n${results}\nwindow.addEventListener('error', (e) => Object.assign(window, { eidkitError: String(e.message) }));\n`,
  );
  if (haveCamera) browser = await launch(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${camera}`]);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (app) rmSync(app, { recursive: true, force: true });
});

interface Found {
  info: { backend: string; host: string; threads: number };
  found: { score: number }[];
  preview: { score: number }[];
}

async function runSnippet(url: string): Promise<Found> {
  const page = await browser!.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(url);
    const handle = await page.waitForFunction(() => (window as { eidkitResult?: unknown; eidkitError?: string }).eidkitResult ?? (window as { eidkitError?: string }).eidkitError, undefined, { timeout: 180_000 });
    const value = (await handle.jsonValue()) as Found | string;
    if (typeof value === 'string') throw new Error(`the page failed: ${value}`);
    expect(errors).toEqual([]);
    return value;
  } catch (e) {
    throw new Error(`${String(e)}\npage errors: ${errors.join('\n')}`);
  } finally {
    await page.close();
  }
}

/** Serves a built page folder and runs the snippet there; the face must be found by the worker. */
async function detectsInWorker(root: string): Promise<void> {
  const site = (await serve({ root, port: 0 })) as { url: string; close(): Promise<void> };
  try {
    const r = await runSnippet(site.url);
    expect(r.info.host).toBe('worker');
    expect(r.found.length).toBe(1);
  } finally {
    await site.close();
  }
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n += dirBytes(p);
    else if (e.isFile()) n += statSync(p).size;
  }
  return n;
}

test('the install is lean: no linters or cloud SDKs, under 100 MB, no engine warning', () => {
  const modules = join(app, 'node_modules');
  const names = readdirSync(modules)
    .filter((n) => !n.startsWith('.'))
    .flatMap((n) => (n.startsWith('@') ? readdirSync(join(modules, n)).map((m) => `${n}/${m}`) : [n]));
  expect(names.filter((n) => /^(eslint|@google-cloud\/|node-forge$|@vladmandic\/human-models$)/.test(n))).toEqual([]);
  const mb = dirBytes(modules) / 1e6;
  console.log(`integrator install: ${names.length} packages (eidkit and its dependencies), ${mb.toFixed(1)} MB of files in node_modules`);
  expect(mb).toBeLessThanOrEqual(100);
  expect(installLog.split('\n').filter((l) => /EBADENGINE/.test(l))).toEqual([]);
});

test.skipIf(!haveCamera)('the README worker snippet detects a face on the Vite dev server, with no config', async () => {
  const server: ViteDevServer = await createServer({ root: app, configFile: false, logLevel: 'error', server: { port: 0, host: '127.0.0.1' } });
  await server.listen();
  try {
    const r = await runSnippet(server.resolvedUrls!.local[0]!);
    expect(r.info.host).toBe('worker');
    expect(r.found.length).toBe(1);
    expect(r.preview.length).toBe(1);
  } finally {
    await server.close();
  }
});

test.skipIf(!haveCamera)('the same snippet detects a face in a Vite production build, and the page carries no tfjs', async () => {
  const out = join(app, 'dist');
  await build({ root: app, configFile: false, logLevel: 'error', build: { outDir: out, emptyOutDir: true } });
  const assets = readdirSync(join(out, 'assets'));
  const pageJs = assets.filter((f) => f.endsWith('.js') && !/worker/.test(f));
  const pageBytes = pageJs.reduce((n, f) => n + statSync(join(out, 'assets', f)).size, 0);
  const workerJs = assets.filter((f) => /worker.*\.js$/.test(f));
  console.log(`vite build: page JS ${pageJs.length} file(s) ${(pageBytes / 1e3).toFixed(1)} kB; worker ${workerJs.map((f) => `${f} ${(statSync(join(out, 'assets', f)).size / 1e6).toFixed(2)} MB`).join(', ')}`);
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  const preloaded = [...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]!);
  const preloadedBytes = preloaded.reduce((n, f) => n + statSync(join(out, 'assets', f)).size, 0);
  console.log(`vite build: the page loads ${preloaded.length} JS file(s) up front, ${(preloadedBytes / 1e3).toFixed(1)} kB: ${preloaded.join(', ')}`);
  const withTfjs = preloaded.filter((f) => /WASM_HAS_SIMD_SUPPORT|registerBackend\(`wasm`|tfjs-backend-wasm/.test(readFileSync(join(out, 'assets', f), 'utf8')));
  expect(withTfjs, 'page chunks carrying tfjs').toEqual([]);
  await detectsInWorker(out);
});

test.skipIf(!haveCamera)('in-process on the main thread (no worker), the built page detects a face and scores it for liveness', async () => {
  const out = join(app, 'dist-inprocess');
  // Only the second page needs naming as an entry; the package itself still needs no config.
  await build({ root: app, configFile: false, logLevel: 'error', build: { outDir: out, emptyOutDir: true, rollupOptions: { input: join(app, 'inprocess.html') } } });
  const site = (await serve({ root: out, port: 0 })) as { url: string; close(): Promise<void> };
  try {
    const r = (await runSnippet(new URL('inprocess.html', site.url).href)) as Found & { scores?: { antispoof?: number; liveness: number } };
    expect(r.info.host).toBe('in-process');
    expect(r.info.backend).toBe('wasm');
    expect(r.found.length).toBe(1);
    expect(r.scores?.liveness).toBeGreaterThanOrEqual(0);
    expect(r.scores?.liveness).toBeLessThanOrEqual(1);
  } finally {
    await site.close();
  }
});

test.each(['bundler', 'nodenext'])('the public types compile under strict without skipLibCheck (moduleResolution %s)', (resolution) => {
  const tsconfig = {
    compilerOptions: {
      strict: true,
      skipLibCheck: false,
      noEmit: true,
      target: 'ES2022',
      module: resolution === 'nodenext' ? 'NodeNext' : 'ESNext',
      moduleResolution: resolution,
      lib: ['ES2023', 'DOM', 'DOM.Iterable'],
      // eidkit/node's declarations name Node's types; an app on Node has them. Nothing else is visible.
      types: ['node'],
      typeRoots: [join(ROOT, 'node_modules/@types')],
    },
    files: ['types-check.ts'],
  };
  writeFileSync(join(app, `tsconfig.${resolution}.json`), JSON.stringify(tsconfig, null, 2));
  const r = spawnSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', `tsconfig.${resolution}.json`], { cwd: app, encoding: 'utf8' });
  expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
  expect(r.status).toBe(0);
});

/**
 * The JS a page runs before it does anything: its entry and every chunk the entry imports statically (ESM output), or
 * the one classic script (webpack). Chunks loaded on demand (the in-process engine) and the worker are not in it.
 */
function entryClosure(dir: string, entry: string): { files: string[]; bytes: number } {
  const seen = new Set<string>();
  const visit = (f: string): void => {
    if (seen.has(f)) return;
    seen.add(f);
    const code = readFileSync(join(dir, f), 'utf8');
    for (const m of code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w*{}\s,$]+from\s*)?["']\.\/([\w.-]+\.js)["']/g)) visit(m[1]!);
  };
  visit(entry);
  const files = [...seen];
  return { files, bytes: files.reduce((n, f) => n + statSync(join(dir, f)).size, 0) };
}

// esbuild and Rollup bundle the page and copy the package's self-contained worker file beside it; webpack bundles
// `new Worker(new URL('eidkit/workers/face.worker.js', import.meta.url))` itself. No other configuration.
// esbuild-lean imports createFaceEngine from 'eidkit/face-engine': esbuild's code splitting puts what a page importing
// 'eidkit' shares with the lazy in-process engine into chunks with tfjs-core, so only that variant is lean there.
test.skipIf(!haveCamera).each(['esbuild', 'esbuild-lean', 'rollup', 'webpack'])('a page bundled by %s starts the worker from the tarball and detects a face', async (bundler) => {
  const out = (await bundlePage(bundler, app, ROOT)) as string;
  cpSync(join(app, 'public/eidkit-models'), join(out, 'eidkit-models'), { recursive: true });
  const entry = entryClosure(out, 'page.js');
  console.log(`${bundler}: the page loads ${entry.files.length} JS file(s) up front, ${(entry.bytes / 1e3).toFixed(1)} kB: ${entry.files.join(', ')}`);
  // tfjs-core's flag registry ("IS_BROWSER") is in every build of it, minified or not.
  const withTfjs = entry.files.filter((f) => readFileSync(join(out, f), 'utf8').includes('IS_BROWSER'));
  if (bundler !== 'esbuild') expect(withTfjs, 'page files carrying tfjs').toEqual([]);
  await detectsInWorker(out);
});
