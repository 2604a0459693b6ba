/**
 * Mean-centred PCA for the template projection (scripts/learn-projection.ts). Own code rather than a linear-algebra
 * package: it runs once offline, needs only the top k eigenvectors of one 1024x1024 covariance, and orthogonal
 * iteration does that in a few seconds in plain JS.
 */
export interface Pca {
  readonly mean: Float64Array;
  /** k x d, row-major, unit rows, by decreasing variance. */
  readonly components: Float64Array;
  readonly variances: Float64Array;
  readonly d: number;
  readonly k: number;
}

export function pca(samples: readonly Float32Array[], k: number, iterations = 40, seed = 7): Pca {
  const n = samples.length;
  const d = samples[0]!.length;
  const mean = new Float64Array(d);
  for (const s of samples) for (let i = 0; i < d; i++) mean[i]! += s[i]!;
  for (let i = 0; i < d; i++) mean[i]! /= n;
  // covariance (d x d), symmetric
  const cov = new Float64Array(d * d);
  const c = new Float64Array(d);
  for (const s of samples) {
    for (let i = 0; i < d; i++) c[i] = s[i]! - mean[i]!;
    for (let i = 0; i < d; i++) {
      const ci = c[i]!;
      if (ci === 0) continue;
      const row = i * d;
      for (let j = i; j < d; j++) cov[row + j]! += ci * c[j]!;
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const v = cov[i * d + j]! / n;
      cov[i * d + j] = v;
      cov[j * d + i] = v;
    }
  }
  // orthogonal iteration: Q <- orth(C Q), columns stored as rows of q (k x d)
  let state = seed >>> 0;
  const rnd = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296 - 0.5;
  };
  let q = new Float64Array(k * d).map(rnd);
  orthonormalise(q, k, d);
  for (let it = 0; it < iterations; it++) {
    const z = new Float64Array(k * d);
    for (let r = 0; r < k; r++) {
      const qr = r * d;
      for (let i = 0; i < d; i++) {
        let s = 0;
        const row = i * d;
        for (let j = 0; j < d; j++) s += cov[row + j]! * q[qr + j]!;
        z[qr + i] = s;
      }
    }
    orthonormalise(z, k, d);
    q = z;
  }
  const variances = new Float64Array(k);
  for (let r = 0; r < k; r++) {
    let s = 0;
    for (let i = 0; i < d; i++) {
      let ci = 0;
      for (let j = 0; j < d; j++) ci += cov[i * d + j]! * q[r * d + j]!;
      s += ci * q[r * d + i]!;
    }
    variances[r] = s;
  }
  return { mean, components: q, variances, d, k };
}

/** Modified Gram-Schmidt on the rows of m (rows x cols). */
function orthonormalise(m: Float64Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let p = 0; p < r; p++) {
      const po = p * cols;
      let dot = 0;
      for (let i = 0; i < cols; i++) dot += m[o + i]! * m[po + i]!;
      for (let i = 0; i < cols; i++) m[o + i]! -= dot * m[po + i]!;
    }
    let norm = 0;
    for (let i = 0; i < cols; i++) norm += m[o + i]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < cols; i++) m[o + i]! /= norm;
  }
}
