/**
 * Verification metrics for the accuracy harness (scripts/eval-faces.ts). Scores: higher = more alike. A pair whose
 * image had no face carries -Infinity (a non-match at every threshold).
 */

/** Area under the ROC curve = P(genuine score > impostor score), ties counting half (Mann-Whitney U). */
export function auc(genuine: ArrayLike<number>, impostor: ArrayLike<number>): number {
  const all: { s: number; g: boolean }[] = [];
  for (let i = 0; i < genuine.length; i++) all.push({ s: genuine[i]!, g: true });
  for (let i = 0; i < impostor.length; i++) all.push({ s: impostor[i]!, g: false });
  all.sort((a, b) => a.s - b.s);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.s === all[i]!.s) j++;
    const avgRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k]!.g) rankSum += avgRank;
    i = j;
  }
  const ng = genuine.length;
  const ni = impostor.length;
  if (ng === 0 || ni === 0) return NaN;
  return (rankSum - (ng * (ng + 1)) / 2) / (ng * ni);
}

function sortedCopy(a: ArrayLike<number>): Float64Array {
  const s = Float64Array.from(a as ArrayLike<number>);
  s.sort();
  return s;
}

/** Number of values in sorted `s` that are >= t. */
function countAtLeast(s: Float64Array, t: number): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return s.length - lo;
}

/**
 * The lowest threshold whose false-accept rate (impostors scoring >= threshold) is at most `far`, and the TAR there.
 * With n impostors the smallest FAR that can be told from zero is 1/n; below that the estimate says so by returning
 * the threshold just above the best impostor.
 */
export function tarAtFar(genuine: ArrayLike<number>, impostor: ArrayLike<number>, far: number): { tar: number; threshold: number; far: number } {
  const imp = sortedCopy(impostor);
  const gen = sortedCopy(genuine);
  const allowed = Math.floor(far * imp.length);
  // threshold strictly above the (allowed+1)-th highest impostor score
  const idx = imp.length - 1 - allowed;
  const threshold = idx >= 0 ? nextUp(imp[idx]!) : -Infinity;
  const accepted = countAtLeast(imp, threshold);
  return { tar: gen.length ? countAtLeast(gen, threshold) / gen.length : NaN, threshold, far: imp.length ? accepted / imp.length : NaN };
}

function nextUp(x: number): number {
  if (!Number.isFinite(x)) return x === -Infinity ? -Number.MAX_VALUE : x;
  return x + Math.max(Math.abs(x) * 1e-12, 1e-12);
}

/** Equal error rate: where FAR and FRR cross (the mean of the two at the closest threshold). */
export function eer(genuine: ArrayLike<number>, impostor: ArrayLike<number>): number {
  const gen = sortedCopy(genuine);
  const imp = sortedCopy(impostor);
  const thresholds = sortedCopy([...Array.from(gen), ...Array.from(imp)].filter(Number.isFinite));
  let best = { gap: Infinity, value: NaN };
  for (const t of thresholds) {
    const far = countAtLeast(imp, t) / imp.length;
    const frr = 1 - countAtLeast(gen, t) / gen.length;
    const gap = Math.abs(far - frr);
    if (gap < best.gap) best = { gap, value: (far + frr) / 2 };
  }
  return best.value;
}

/** Threshold maximising accuracy (genuine >= t counts as a match) on the given pairs. */
export function bestThreshold(pairs: readonly { score: number; same: boolean }[]): number {
  const candidates = [...new Set(pairs.map((p) => p.score).filter(Number.isFinite))].sort((a, b) => a - b);
  let best = { acc: -1, t: 0 };
  for (const t of candidates) {
    const acc = accuracyAt(pairs, t);
    if (acc > best.acc) best = { acc, t };
  }
  return best.t;
}

export function accuracyAt(pairs: readonly { score: number; same: boolean }[], t: number): number {
  let right = 0;
  for (const p of pairs) if (p.score >= t === p.same) right++;
  return pairs.length ? right / pairs.length : NaN;
}

/** LFW-style k-fold accuracy: each fold is scored at the best threshold of the other folds. */
export function foldAccuracy(pairs: readonly { score: number; same: boolean; fold: number }[]): { mean: number; std: number; folds: number[] } {
  const folds = [...new Set(pairs.map((p) => p.fold))].sort((a, b) => a - b);
  const accs = folds.map((f) => {
    const t = bestThreshold(pairs.filter((p) => p.fold !== f));
    return accuracyAt(pairs.filter((p) => p.fold === f), t);
  });
  const mean = accs.reduce((s, a) => s + a, 0) / accs.length;
  const std = Math.sqrt(accs.reduce((s, a) => s + (a - mean) ** 2, 0) / accs.length);
  return { mean, std, folds: accs };
}

/** Deterministic PRNG (mulberry32) for sampling impostor pairs with a fixed seed: the one liveness uses. */
export { seededRandom } from '../../engine/liveness/random.ts';

/**
 * All-pairs scores among `images` (every pair once): genuine where `identity` agrees, impostor otherwise. An image
 * without a vector scores -Infinity against everything (a failure is a non-match at every threshold).
 */
export function allPairScores<V>(
  images: readonly string[],
  vector: (image: string) => V | undefined,
  score: (a: V, b: V) => number,
  identity: (image: string) => string,
): { gen: number[]; imp: Float32Array } {
  const vs = images.map(vector);
  const ids = images.map(identity);
  const gen: number[] = [];
  const imp: number[] = [];
  for (let i = 0; i < images.length; i++) {
    for (let j = i + 1; j < images.length; j++) {
      const a = vs[i];
      const b = vs[j];
      (ids[i] === ids[j] ? gen : imp).push(a !== undefined && b !== undefined ? score(a, b) : -Infinity);
    }
  }
  return { gen, imp: Float32Array.from(imp) };
}
