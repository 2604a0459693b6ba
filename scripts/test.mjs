#!/usr/bin/env node
// `npm test`: installs what is missing, checks for Chromium, builds, type-checks, then runs every test:
// Node unit tests, engine tests in real Chromium (vitest browser mode) and end-to-end tests against the built site.
// Extra arguments go to vitest (e.g. `npm test -- --project node engine/face`).
import { readFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, log, run, runOrExit, ensureInstalled, findChromium, buildEngine, prepareModels, buildSite } from './lib/steps.mjs';

const started = Date.now();
await ensureInstalled();

const chromium = findChromium();
if (!chromium) {
  console.error(
    '\n✖ No Chromium found. The browser and end-to-end tests need one.\n' +
      '  On Debian/Ubuntu: sudo apt-get install -y chromium   (gives /usr/bin/chromium)\n' +
      '  Elsewhere: set CHROME_PATH to a Chromium or Chrome executable.',
  );
  process.exit(1);
}
process.env.CHROME_PATH = chromium;

const fixtures = process.env.EIDKIT_FIXTURES ?? join(ROOT, '../shared/fixtures');
if (!existsSync(fixtures)) console.warn(`⚠ face fixtures not found at ${fixtures}: the tests that need them will be reported as skipped.`);

await buildEngine();
await prepareModels('dist/models');
log('type-checking (tsc --noEmit)');
await runOrExit('type-check', join(ROOT, 'node_modules/.bin/tsc'), ['--noEmit', '-p', 'tsconfig.json']);
await buildSite({ testHooks: true });

log('running the tests (vitest: node, browser = Chromium, e2e)');
mkdirSync(join(ROOT, '.cache'), { recursive: true });
const report = join(ROOT, '.cache/vitest-report.json');
const code = await run(join(ROOT, 'node_modules/.bin/vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
]);

// One closing line in the plain form CI reads, whatever vitest printed above it.
let summary = 'tests: 0 passed, 1 failed';
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  summary = `tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`;
  if (r.numTotalTests === 0) summary += ' (no test ran)';
} catch {
  /* vitest could not write its report: counted as a failure below */
}
console.log(`\nwall time ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(summary);
process.exit(code !== 0 || summary.includes(' 0 passed') ? code || 1 : 0);
