/** Order statistics for latency samples. Nearest-rank percentiles: with few runs they report a time that was really
 * measured instead of an interpolation between two runs. */
export interface Summary {
  readonly runs: number;
  readonly p50: number;
  readonly p95: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarise(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  return {
    runs: n,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    mean: n ? sorted.reduce((s, x) => s + x, 0) / n : Number.NaN,
    min: n ? sorted[0]! : Number.NaN,
    max: n ? sorted[n - 1]! : Number.NaN,
  };
}

/** Rounds to 0.1 ms for storage: timer resolution in a cross-origin isolated page is 5 µs, noise here is far above. */
export const round1 = (x: number): number => Math.round(x * 10) / 10;
