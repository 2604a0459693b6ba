// Drives the bench pages: one page (own context, own renderer) per library, set up unthrottled, then every stage at
// every CPU throttle, interleaved run by run: the libraries take turns, so a burst of load from another process hits
// all of them rather than whichever happened to run then.
import type { Browser } from 'playwright-core';
import { STAGES, type Batch, type LibraryId, type PageInfo, type StageId } from '../pages/protocol.ts';
import { openThrottled, type Throttled } from './browser.ts';
import { round1, summarise } from './stats.ts';
import type { MemoryResult, StageResult } from './results.ts';

export interface StagePlan {
  readonly throttles: readonly number[];
  readonly libraries: readonly LibraryId[];
  /** Timed runs per stage, library and throttle, one per round. */
  readonly runs: number;
  /** Untimed runs before the first timed run of each stage at each throttle. */
  readonly warmup: number;
  /** Timed work per stage, library and throttle, ms, after which a library stops (never before 3 runs). */
  readonly stageBudgetMs: number;
  readonly stages?: readonly StageId[];
}

const PAGE: Readonly<Record<LibraryId, string>> = {
  eidkit: 'eidkit.html',
  'face-api-ssd': 'face-api.html?detector=ssd',
  'face-api-tiny': 'face-api.html?detector=tiny',
  human: 'human.html',
  faceplugin: 'faceplugin.html',
};

interface OpenLibrary {
  readonly id: LibraryId;
  readonly page: Throttled;
  readonly info: PageInfo;
  /** Response bytes the page loaded during setup (bundle, wasm, models). */
  readonly setupBytes: number;
}

async function openLibrary(browser: Browser, base: string, id: LibraryId, log: (s: string) => void): Promise<OpenLibrary> {
  const page = await openThrottled(browser);
  let setupBytes = 0;
  page.context.on('requestfinished', (req) => {
    void req.sizes().then((s) => (setupBytes += Math.max(0, s.responseBodySize) + s.responseHeadersSize)).catch(() => undefined);
  });
  const errors: string[] = [];
  page.page.on('pageerror', (e) => errors.push(String(e)));
  page.page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.page.goto(new URL(PAGE[id], base).href);
  await page.page.waitForFunction(() => window.__bench !== undefined || window.__benchError !== undefined, undefined, { timeout: 60_000 });
  const started = Date.now();
  let info: PageInfo;
  try {
    info = await page.page.evaluate(() => window.__bench!.setup());
  } catch (e) {
    throw new Error(`${id}: setup failed: ${String(e)}${errors.length ? `\n  page errors: ${errors.join('\n  ')}` : ''}`);
  }
  log(`  ${info.label} ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${info.backend}, ${info.threads} thread(s), SIMD ${info.simd})`);
  return { id, page, info, setupBytes };
}

export interface StageRun {
  readonly libraries: readonly (PageInfo & { readonly setupBytes: number })[];
  readonly stages: StageResult[];
  readonly memory: MemoryResult[];
  /** Libraries or stages that failed, in words (they go into the result's notes). */
  readonly failures: string[];
}

export async function runStages(browser: Browser, base: string, plan: StagePlan, log: (s: string) => void): Promise<StageRun> {
  const open: OpenLibrary[] = [];
  const failures: string[] = [];
  try {
    for (const id of plan.libraries) {
      try {
        open.push(await openLibrary(browser, base, id, log));
      } catch (e) {
        log(`  ✖ ${String(e)}`);
        failures.push(`${id} could not be set up: ${String(e).split('\n')[0]}`);
      }
    }
    const samples = new Map<string, { ms: number[]; ok: number }>();
    const memory = new Map<LibraryId, { jsHeapPeak: number; wasmBytes: number }>();
    const wanted = plan.stages ?? STAGES;
    for (const throttle of plan.throttles) {
      // Only the page being timed is throttled, and only while it runs: Chromium's CDP throttling keeps a throttled
      // page's renderer busy even when idle (half a core per page, measured on this machine), so throttling all four
      // pages at once left the timed one sharing two cores with two cores' worth of idle throttling.
      for (const stage of wanted) {
        const runners = open.filter((l) => l.info.stages.includes(stage));
        if (runners.length === 0) continue;
        const t0 = Date.now();
        const spent = new Map<LibraryId, number>();
        const broken = new Set<LibraryId>();
        // One run per library per round, in rotating order: the libraries see the same machine load within seconds
        // of each other, which matters more than anything else on a shared machine.
        for (let round = 0; round < plan.runs; round++) {
          const order = runners.map((_, i) => runners[(i + round) % runners.length]!);
          for (const lib of order) {
            const key = `${lib.id}|${stage}|${throttle}`;
            const got = samples.get(key) ?? { ms: [], ok: 0 };
            if (broken.has(lib.id) || (got.ms.length >= 3 && (spent.get(lib.id) ?? 0) > plan.stageBudgetMs)) continue;
            let batch: Batch;
            try {
              await lib.page.setCpu(throttle);
              batch = await lib.page.page.evaluate(
                ([s, n, w, b]) => window.__bench!.run(s, n, w, b),
                [stage, 1, round === 0 ? plan.warmup : 0, Number.MAX_SAFE_INTEGER] as const,
              );
            } catch (e) {
              // A library that throws on a stage is reported, not allowed to end the whole run.
              broken.add(lib.id);
              const why = String(e).split('\n')[0];
              failures.push(`${lib.info.label}, ${stage} at ${throttle}x threw: ${why}`);
              log(`  ✖ ${lib.id} ${stage} ${throttle}x: ${why}`);
              continue;
            } finally {
              await lib.page.setCpu(1).catch(() => undefined);
            }
            got.ms.push(...batch.ms);
            got.ok += batch.ok;
            samples.set(key, got);
            spent.set(lib.id, (spent.get(lib.id) ?? 0) + batch.ms.reduce((n, x) => n + x, 0));
            const m = memory.get(lib.id) ?? { jsHeapPeak: 0, wasmBytes: 0 };
            memory.set(lib.id, { jsHeapPeak: Math.max(m.jsHeapPeak, batch.jsHeapPeak), wasmBytes: Math.max(m.wasmBytes, batch.wasmBytes) });
          }
        }
        const summary = runners
          .map((l) => {
            const s = samples.get(`${l.id}|${stage}|${throttle}`);
            return s ? `${l.id} ${summarise(s.ms).p50.toFixed(1)}` : '';
          })
          .join(', ');
        log(`  ${throttle}x ${stage}: p50 ${summary} ms (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      }
    }
    const stages: StageResult[] = [];
    for (const [key, s] of samples) {
      const [library, stage, throttle] = key.split('|') as [LibraryId, StageId, string];
      stages.push({ library, stage, throttle: Number(throttle), ...summarise(s.ms), ok: s.ok, samples: s.ms.map(round1) });
    }
    return {
      libraries: open.map((l) => ({ ...l.info, setupBytes: l.setupBytes })),
      stages,
      memory: [...memory].map(([library, m]) => ({ library, ...m })),
      failures,
    };
  } finally {
    for (const l of open) await l.page.context.close().catch(() => undefined);
  }
}
