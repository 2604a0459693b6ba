// Build and setup steps shared by `npm start`, `npm test` and `npm run build`. Node built-ins only: these run
// before dependencies are known to be installed.
import { spawn } from 'node:child_process';
import { existsSync, statSync, accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name) => join(ROOT, 'node_modules', '.bin', name);

export function log(step) {
  process.stdout.write(`\n▶ ${step}\n`);
}

/** Runs a command with inherited output; resolves with its exit code (rejects only if it cannot start). */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(signal ? 1 : (code ?? 1)));
  });
}

export async function runOrExit(label, command, args, options) {
  const code = await run(command, args, options);
  if (code !== 0) {
    console.error(`\n✖ ${label} failed (exit ${code}).`);
    process.exit(code);
  }
}

/** Installs dependencies when node_modules is missing or older than package-lock.json. */
export async function ensureInstalled() {
  const marker = join(ROOT, 'node_modules', '.package-lock.json');
  const lock = join(ROOT, 'package-lock.json');
  const fresh = existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs);
  if (fresh) return;
  // `npm ci`: exactly the lock file's tree, or a clear error if package.json and the lock disagree. The tree has no
  // native optional packages (cbor-x's cbor-extract is overridden away, see site/docs/dependencies.md).
  log('installing dependencies (npm ci)');
  await runOrExit('npm ci', 'npm', ['ci', '--no-audit', '--no-fund']);
}

/** The Chromium the browser tests drive: $CHROME_PATH, else Debian's /usr/bin/chromium. */
export function findChromium() {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium'].filter(Boolean);
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      /* try the next */
    }
  }
  return undefined;
}

export async function buildEngine({ tolerateTypeErrors = false } = {}) {
  log('building the engine and workers (dist/engine, dist/workers)');
  const code = await run(bin('tsc'), ['-p', 'engine/tsconfig.build.json']);
  if (code !== 0 && !tolerateTypeErrors) {
    console.error('\n✖ engine build failed.');
    process.exit(code);
  }
  // `build --engine` emits despite a type error (a quick local build); `npm test` type-checks strictly.
  if (code !== 0) console.warn('⚠ the engine has type errors; JavaScript was emitted anyway. Run npm test to see them.');
  // tfjs is vendored into dist/vendor and the built engine relinked to it (scripts/lib/vendor.mjs).
  const { vendorTfjs, relinkEngine } = await import('./vendor.mjs');
  await vendorTfjs(ROOT);
  await relinkEngine(ROOT);
  // The published workers are self-contained bundles (tfjs inside): tsc's per-file output is replaced.
  const { bundleWorkers } = await import('./bundle.mjs');
  const sizes = await bundleWorkers(ROOT);
  for (const [file, bytes] of Object.entries(sizes)) if (file.endsWith('.js')) console.log(`  ${file} ${(bytes / 1e6).toFixed(2)} MB`);
}

export async function prepareModels(dir) {
  log(`copying hash-checked models and the wasm runtime into ${dir}`);
  await runOrExit('models copy', process.execPath, [join(ROOT, 'dist/engine/cli/main.js'), 'models', 'copy', dir]);
}

/**
 * `testHooks`: the build honours the testing setting of a fixed liveness challenge (site/lib/dev-settings.ts), which
 * the end-to-end tests need to drive the check with recorded videos. Only `npm test` builds with it; `npm start` and
 * `npm run build` never do, so production builds do not contain it.
 */
export async function buildSite({ testHooks = false } = {}) {
  log(`building the site (dist/site)${testHooks ? ' with test hooks (a fixed liveness challenge is allowed): not for production' : ''}`);
  const env = { ...process.env, EIDKIT_TEST_HOOKS: testHooks ? '1' : '' };
  await runOrExit('vite build', bin('vite'), ['build', '--logLevel', 'warn'], { env });
  await prepareModels('dist/site/models');
  await compressSite(join(ROOT, 'dist/site'));
}

/** Brotli and gzip copies beside the built files, for hosts (and scripts/serve.mjs) that serve them. */
export async function compressSite(dir) {
  log(`precompressing ${dir} (brotli, gzip)`);
  const { precompress } = await import('./precompress.mjs');
  const t = await precompress(dir);
  const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;
  console.log(`  ${t.files} files, ${mb(t.bytes)} → brotli ${mb(t.brotli)}, gzip ${mb(t.gzip)}`);
}
