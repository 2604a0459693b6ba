#!/usr/bin/env -S node --import tsx
/**
 * `npx tsx bench/credential-scale.ts` — the credential-scale and deflate-bomb stages of `npm run bench` (issue 14) on
 * their own, in Debian Chromium, at 1x and 4x CPU, without building the face pages:
 *   - a status list for 10^8 credentials (2 bits each) with 1 % revoked at random: its bytes, and open (signature,
 *     chain, capped inflate of 25 MB) + 1,000 lookups;
 *   - a trust list of 1,000 authorities (IACA + DS each), as an eidkit trust list and as an ISO 18013-5 VICAL: its
 *     bytes, and open + verify of one presentation from an authority in the middle of the list;
 *   - deflate bombs as scanned QR texts (one full code; frames up to the verifier's and the desk's budgets; a stream of
 *     tiny blocks): the time of the text that completes each, until it is refused.
 * Inputs: bench/lib/credential-scale-fixtures.ts; page side: bench/pages/credential-scale-stages.ts (the same bodies
 * `npm run bench` times). Rows are StageResults, as in bench/results/<date>-<commit>.json; written to
 * bench/results/credential-scale.json with a Markdown table. Options: --runs N (default 5).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
// @ts-expect-error: plain ESM script without types
import { serve } from '../scripts/serve.mjs';
import { launch, openThrottled } from './lib/browser.ts';
import { writeScaleFixtures } from './lib/credential-scale-fixtures.ts';
import { round1, summarise } from './lib/stats.ts';
import { fmtMs } from './lib/table.ts';
import { STAGE_LABELS } from './pages/protocol.ts';
import { SCALE_STAGES } from './pages/credential-scale-stages.ts';
import type { StageResult } from './lib/results.ts';

const ROOT = resolve(import.meta.dirname, '..');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const log = (s: string) => console.log(s);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'eidkit-scale-'));
  const meta = await writeScaleFixtures(join(dir, 'scale'), log);
  await build({ entryPoints: [join(ROOT, 'bench/pages/credential-scale.ts')], bundle: true, format: 'esm', target: 'es2022', outfile: join(dir, 'scale.js'), logLevel: 'warning' });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>scale</title><script type="module" src="/scale.js"></script>');
  const server = (await serve({ root: dir, port: 0 })) as { url: string; close(): Promise<void> };
  const browser = await launch();
  const loadBefore = loadavg();
  const rows: StageResult[] = [];
  try {
    for (const cpu of [1, 4]) {
      const t = await openThrottled(browser);
      await t.page.goto(server.url);
      await t.page.waitForFunction(() => (globalThis as { scaleReady?: boolean }).scaleReady === true);
      await t.page.evaluate(() => (globalThis as unknown as { scaleLoad(): Promise<void> }).scaleLoad());
      for (const stage of SCALE_STAGES) {
        const ms: number[] = [];
        let ok = 0;
        for (let run = 0; run < RUNS + 1; run++) {
          await t.setCpu(cpu);
          const r = await t.page.evaluate((s) => (globalThis as unknown as { scaleRun(s: string): Promise<{ ok: boolean; ms: number }> }).scaleRun(s), stage);
          await t.setCpu(1);
          if (run === 0) continue; // the first run warms the JIT
          ms.push(r.ms);
          if (r.ok) ok++;
        }
        const row: StageResult = { library: 'eidkit', stage, throttle: cpu, ...summarise(ms), ok, samples: ms.map(round1) };
        rows.push(row);
        log(`  ${stage} at ${cpu}x: p50 ${fmtMs(row.p50)} ms, p95 ${fmtMs(row.p95)} ms (${ms.map((x) => Math.round(x)).join(', ')})${ok < ms.length ? ` — ${ok}/${ms.length} ok` : ''}`);
      }
      await t.context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    /* not a checkout */
  }
  const result = { date: new Date().toISOString(), commit, runs: RUNS, machine: { loadBefore, loadAfter: loadavg(), chromium: browser.version() }, facts: meta.facts, stages: rows };
  writeFileSync(join(ROOT, 'bench/results/credential-scale.json'), JSON.stringify(result, null, 1) + '\n');
  log(`\nload average before ${loadBefore.map((x) => x.toFixed(1)).join(' / ')}, after ${loadavg().map((x) => x.toFixed(1)).join(' / ')}`);
  log('\n| stage | 1x CPU p50 / p95 | 4x CPU p50 / p95 |\n|---|---:|---:|');
  for (const stage of SCALE_STAGES) {
    const at = (c: number) => {
      const r = rows.find((x) => x.stage === stage && x.throttle === c)!;
      return `${fmtMs(r.p50)} / ${fmtMs(r.p95)} ms${r.ok < r.runs ? ` (${r.ok}/${r.runs} ok)` : ''}`;
    };
    log(`| ${STAGE_LABELS[stage]} | ${at(1)} | ${at(4)} |`);
  }
}

await main();
