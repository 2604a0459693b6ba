// Wasm threads in the published face worker: 1 thread vs 2 (and more when asked), interleaved, on a cross-origin
// isolated page served like the site (scripts/serve.mjs: COOP/COEP and the site's CSP). Workers cannot be CPU-throttled
// over CDP, so this is unthrottled; compare only the rows of one run. Writes bench/results/threads.{md,json}.
//   npx tsx bench/threads/run.ts [--runs 30] [--rounds 3] [--threads 1,2]
import { build } from 'esbuild';
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { launch } from '../lib/browser.ts';
import { fixturesDir } from '../lib/prepare.ts';
// @ts-expect-error: plain ESM script without types
import { serve } from '../../scripts/serve.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const OUT = join(ROOT, 'dist/bench-threads');
const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const runs = Number(arg('runs', '30'));
const rounds = Number(arg('rounds', '3'));
const counts = arg('threads', '1,2').split(',').map(Number);

if (!existsSync(join(ROOT, 'dist/workers/face.worker.js')) || !existsSync(join(ROOT, 'dist/models/tfjs-backend-wasm-threaded-simd.js'))) {
  throw new Error('Build first: node scripts/build.mjs --engine (the published worker and dist/models).');
}
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
await build({ entryPoints: [join(ROOT, 'bench/threads/page.ts')], bundle: true, format: 'esm', outfile: join(OUT, 'page.js'), logLevel: 'warning' });
writeFileSync(join(OUT, 'index.html'), '<!doctype html><meta charset="utf-8"><title>eidkit wasm threads</title><script type="module" src="/page.js"></script>\n');
copyFileSync(join(ROOT, 'dist/workers/face.worker.js'), join(OUT, 'face.worker.js'));
cpSync(join(ROOT, 'dist/models'), join(OUT, 'models'), { recursive: true });
const photo = join(fixturesDir(), 'faces/people/barack_obama/obama.jpg');
copyFileSync(photo, join(OUT, 'photo.jpg'));

const p50 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const site = (await serve({ root: OUT, port: 0 })) as { url: string; close(): Promise<void> };
const browser = await launch();
const samples = new Map<number, { detect: number[]; embed: number[]; reported: number }>();
try {
  for (let round = 0; round < rounds; round++) {
    for (const n of counts) {
      const page = await browser.newPage();
      await page.goto(`${site.url}?threads=${n}&runs=${runs}`);
      const r = (await (await page.waitForFunction(() => (window as { benchResult?: unknown }).benchResult, undefined, { timeout: 300_000 })).jsonValue()) as {
        error?: string;
        info: { threads: number; crossOriginIsolated: boolean };
        detect: number[];
        embed: number[];
      };
      await page.close();
      if (r.error) throw new Error(`threads=${n}: ${r.error}`);
      const s = samples.get(n) ?? { detect: [], embed: [], reported: r.info.threads };
      s.detect.push(...r.detect);
      s.embed.push(...r.embed);
      samples.set(n, s);
      console.log(`round ${round + 1} threads=${n} (engine reports ${r.info.threads}): detect p50 ${p50(r.detect).toFixed(1)} ms, detect+landmarks+embed p50 ${p50(r.embed).toFixed(1)} ms`);
    }
  }
} finally {
  await browser.close();
  await site.close();
}

const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
const base = samples.get(counts[0]!)!;
const rows = counts.map((n) => {
  const s = samples.get(n)!;
  return { asked: n, reported: s.reported, detectP50: p50(s.detect), embedP50: p50(s.embed), detectSpeedup: p50(base.detect) / p50(s.detect), embedSpeedup: p50(base.embed) / p50(s.embed), samples: s.detect.length };
});
const date = new Date().toISOString().slice(0, 10);
const md = [
  '# Wasm threads in the face worker',
  '',
  `Run ${date} on commit ${commit}: \`npx tsx bench/threads/run.ts --runs ${runs} --rounds ${rounds} --threads ${counts.join(',')}\`, headless Chromium, this machine (${(await import('node:os')).cpus().length} cores), unthrottled (CDP throttling does not reach workers), the published worker bundle (dist/workers/face.worker.js) on a cross-origin isolated page with the site's CSP, one fixture photo (faces/people/barack_obama/obama.jpg), ${rounds} interleaved rounds of ${runs} timed calls after 3 warm-up calls.`,
  '',
  '| threads asked | threads the engine reports | detectFaces p50 | speed-up | analyse + embed p50 | speed-up |',
  '|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.asked} | ${r.reported} | ${r.detectP50.toFixed(1)} ms | ${r.detectSpeedup.toFixed(2)}x | ${r.embedP50.toFixed(1)} ms | ${r.embedSpeedup.toFixed(2)}x |`),
  '',
  'The default (`threads: \'auto\'`) is one thread while the threaded build does not pay (runtime/backend.ts).',
  '',
].join('\n');
writeFileSync(join(ROOT, 'bench/results/threads.md'), md);
writeFileSync(join(ROOT, 'bench/results/threads.json'), JSON.stringify({ date, commit, runs, rounds, rows }, null, 2) + '\n');
console.log(`\n${md}`);
