// Command-line options of `npm run bench`.
import type { LibraryId, StageId } from '../pages/protocol.ts';
import { STAGES } from '../pages/protocol.ts';

export interface BenchOptions {
  readonly quick: boolean;
  /**
   * 'full': every library, stage, throttle and start-up profile, the payload and the default runs into
   * bench/results; only such a run rewrites the published results in the README and site/docs/benchmarks.md.
   * 'partial': anything narrower that is not --quick (it still writes its own folder).
   */
  readonly mode: 'quick' | 'partial' | 'full';
  readonly throttles: readonly number[];
  readonly libraries: readonly LibraryId[];
  readonly stages: readonly StageId[];
  readonly runs: number;
  readonly warmup: number;
  /** Timed work per stage, library and throttle before a slow library stops early (after at least 3 runs). */
  readonly stageBudgetMs: number;
  /** Start-up runs: [throttle, network] pairs. */
  readonly startup: readonly (readonly [number, 'none' | 'slow-4g'])[];
  readonly payload: boolean;
  /** Where the JSON, table and chart go. Quick runs default to bench/results/raw (gitignored), so a short run never
   * replaces the published table. */
  readonly outDir: string;
  readonly build: boolean;
}

export const USAGE = `npm run bench [-- options]
  --quick               a short run (4x CPU only, fewer runs, one start-up profile); writes to bench/results/raw/
  --throttles 1,4,6     CPU throttling factors (default 1,4,6; quick: 4)
  --libraries a,b       eidkit,face-api-ssd,face-api-tiny,human,faceplugin (default all; quick: all but face-api-ssd)
  --stages a,b          stage ids (default all): ${STAGES.join(', ')}
  --runs N              timed runs per stage, library and throttle (default 30; quick 6)
  --no-startup          skip the start-up (cold / offline) measurements
  --no-payload          skip the payload (the face check's files and the precache)
  --no-build            reuse dist/bench from the last run
  --out DIR             results folder (default bench/results; quick or narrowed runs: bench/results/raw)

Only a full run (none of the options above) rewrites the results in README.md and site/docs/benchmarks.md.`;

const ALL_LIBRARIES: readonly LibraryId[] = ['eidkit', 'face-api-ssd', 'face-api-tiny', 'human', 'faceplugin'];

export function parseOptions(argv: readonly string[]): BenchOptions {
  const args = argv.filter((a) => a !== '--');
  const has = (f: string) => args.includes(f);
  const value = (f: string): string | undefined => {
    const i = args.indexOf(f);
    if (i < 0) return undefined;
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${f} needs a value\n\n${USAGE}`);
    return v;
  };
  const known = new Set(['--quick', '--throttles', '--libraries', '--stages', '--runs', '--no-startup', '--no-payload', '--no-build', '--out', '--help']);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) continue;
    if (!known.has(a)) throw new Error(`unknown option ${a}\n\n${USAGE}`);
  }
  const quick = has('--quick');
  const list = (f: string): string[] | undefined => value(f)?.split(',').map((s) => s.trim()).filter(Boolean);
  const throttles = (list('--throttles') ?? (quick ? ['4'] : ['1', '4', '6'])).map(Number);
  if (throttles.some((t) => !(t >= 1 && t <= 20))) throw new Error('--throttles: factors between 1 and 20');
  // Quick runs leave out face-api's SSD detector, by far the slowest peer; the tiny detector stays.
  const libraries = (list('--libraries') ?? (quick ? ALL_LIBRARIES.filter((l) => l !== 'face-api-ssd') : [...ALL_LIBRARIES])) as LibraryId[];
  for (const l of libraries) if (!ALL_LIBRARIES.includes(l)) throw new Error(`unknown library ${l} (${ALL_LIBRARIES.join(', ')})`);
  const stages = (list('--stages') ?? [...STAGES]) as StageId[];
  for (const s of stages) if (!STAGES.includes(s)) throw new Error(`unknown stage ${s} (${STAGES.join(', ')})`);
  const runs = Number(value('--runs') ?? (quick ? 6 : 30));
  if (!(runs >= 1)) throw new Error('--runs: at least 1');
  const narrowed = ['--throttles', '--libraries', '--stages', '--runs', '--no-startup', '--no-payload', '--out'].some(has);
  return {
    quick,
    mode: quick ? 'quick' : narrowed ? 'partial' : 'full',
    throttles,
    libraries,
    stages,
    runs,
    warmup: 2,
    stageBudgetMs: quick ? 10_000 : 30_000,
    startup: has('--no-startup')
      ? []
      : quick
        ? [[4, 'slow-4g']]
        : [
            [1, 'none'],
            [4, 'slow-4g'],
            [6, 'slow-4g'],
          ],
    payload: !has('--no-payload'),
    // A partial run must not replace the published full run's files.
    outDir: value('--out') ?? (quick || narrowed ? 'bench/results/raw' : 'bench/results'),
    build: !has('--no-build'),
  };
}
