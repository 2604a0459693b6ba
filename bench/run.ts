#!/usr/bin/env -S node --import tsx
/**
 * `npm run bench` — eidkit beside face-api.js and Human in Debian Chromium, CPU-throttled 1x/4x/6x over CDP, plus
 * start-up (cold on Slow 4G, repeat visit offline) and payload. Writes bench/results/<date>-<commit>.json,
 * latest.md and latest.svg. `npm run bench -- --quick` is the few-minute version (written to bench/results/raw/).
 * See site/docs/benchmarks.md for what each number means.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';
// @ts-expect-error: plain ESM script without types
import { serve } from '../scripts/serve.mjs';
import { parseOptions, USAGE } from './lib/options.ts';
import { preparePages, ROOT, OUT } from './lib/prepare.ts';
import { launch } from './lib/browser.ts';
import { runStages } from './lib/stages.ts';
import { measureStartup } from './lib/startup.ts';
import { measurePayload } from './lib/payload.ts';
import type { PayloadResult } from './lib/results.ts';
import { evaluateTargets } from './lib/targets.ts';
import { updateDocs, updateReadme, writeResults } from './lib/write.ts';
import { RESULT_SCHEMA, type BenchResult } from './lib/results.ts';
import { FACEPLUGIN_CSP } from './pages/protocol.ts';

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const loadBefore = loadavg();
  // The tree as measured: recorded now, since other work may be committed while the run goes on.
  const commit = git(['rev-parse', 'HEAD']) || 'unknown';
  const dirty = git(['status', '--porcelain', '--untracked-files=no']).length > 0;
  const log = (s: string) => console.log(s);
  const notes: string[] = [];

  const prepared = options.build ? await preparePages(log) : { dir: OUT, frames: -1 };
  if ('framesMissing' in prepared && prepared.framesMissing) notes.push(prepared.framesMissing);
  const server = (await serve({ root: OUT, port: 0, csp: { '/faceplugin.html': FACEPLUGIN_CSP } })) as { url: string; close(): Promise<void> };
  const browser = await launch();
  let result: BenchResult;
  try {
    log(`stages: ${options.libraries.join(', ')} at ${options.throttles.map((t) => `${t}x`).join(', ')}, ${options.runs} runs each`);
    const stageRun = await runStages(
      browser,
      server.url,
      {
        throttles: options.throttles,
        libraries: options.libraries,
        runs: options.runs,
        warmup: options.warmup,
        stageBudgetMs: options.stageBudgetMs,
        stages: options.stages,
      },
      log,
    );
    const startup = options.startup.length ? await measureStartup(browser, options.startup, log) : { results: [], notes: [] };
    // A failed payload measurement must not cost the stage and start-up figures already measured.
    let payload: PayloadResult = { faceModels: [], faceModelBytes: 0 };
    if (options.payload) {
      try {
        payload = measurePayload();
      } catch (e) {
        notes.push(`Payload not measured: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const partial = { stages: stageRun.stages, startup: startup.results, libraries: stageRun.libraries };
    notes.push(...stageRun.failures, ...startup.notes);
    notes.push(
      'CPU throttling is CDP Emulation.setCPUThrottlingRate on the page being timed, during its batch only (an idle throttled page keeps half a core busy); Chromium refuses it for workers, so every library (eidkit included) is timed on the main thread. In start-up figures, work done inside workers is not slowed by the throttle.',
      "Start-up network profiles are applied by a shaped link in front of the server (one shared downlink, +RTT per response) rather than CDP's Network.emulateNetworkConditions, which does not reach the service worker's fetches in this Chromium (measured: 400 kB fetched by a service worker in 29 ms under Slow 4G emulation); the site's service worker precaches while /verify starts, and that traffic must share the link.",
      `Peers' model bytes loaded at setup (bundle + wasm + models, as served): ${stageRun.libraries.map((l) => `${l.label} ${(l.setupBytes / 1e6).toFixed(2)} MB`).join(', ')}.`,
    );
    result = {
      schema: RESULT_SCHEMA,
      date: new Date(started).toISOString(),
      commit,
      dirty,
      mode: options.mode,
      durationSeconds: Math.round((Date.now() - started) / 1000),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        loadBefore,
        loadAfter: loadavg(),
        node: process.version,
        chromium: browser.version(),
      },
      throttles: options.throttles,
      libraries: stageRun.libraries.map(({ setupBytes: _, ...info }) => info),
      stages: stageRun.stages,
      memory: stageRun.memory,
      startup: startup.results,
      payload,
      targets: evaluateTargets(partial),
      notes,
    };
  } finally {
    await browser.close();
    await server.close();
  }
  const written = writeResults(resolve(ROOT, options.outDir), result);
  if (options.mode === 'full') {
    updateDocs(join(ROOT, 'site/docs/benchmarks.md'), result);
    updateReadme(join(ROOT, 'README.md'), result);
    log('updated the results sections of site/docs/benchmarks.md and README.md');
  }
  log(`\nwrote ${relative(ROOT, written.json)}, ${relative(ROOT, written.markdown)}, ${relative(ROOT, written.chart)} in ${result.durationSeconds} s`);
  for (const t of result.targets) log(`  ${t.status.padEnd(7)} ${t.label}: ${t.value} (goal ${t.goal})${t.note ? ` — ${t.note}` : ''}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
