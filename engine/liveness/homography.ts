/**
 * Plane-to-plane maps (3x3 homographies, row-major, h[8] = 1) fitted to point correspondences. Liveness uses them
 * twice: to tell a flat photo or screen (whose landmarks move by one homography whatever is done to it) from a real
 * head (whose nose, eyes and cheeks lie at different depths, so turning it leaves a residual), and the attack-video
 * generator uses them to tilt photos in depth. Own code rather than a library: the whole need is a normalised DLT
 * on a few dozen points, about sixty lines, and no small, maintained package does just that.
 */
export type Homography = readonly [number, number, number, number, number, number, number, number, number];

export const IDENTITY: Homography = [1, 0, 0, 0, 1, 0, 0, 0, 1];

/** Maps (x, y) through `h`. */
export function project(h: Homography, x: number, y: number): [number, number] {
  const w = h[6] * x + h[7] * y + h[8];
  return [(h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w];
}

/**
 * Least-squares homography taking `from[i]` to `to[i]` (flat [x0, y0, x1, y1, ...] arrays of equal length, at least
 * four points). Points are first normalised (Hartley: centroid at 0, mean distance sqrt 2) so the linear system is
 * well conditioned whatever the pixel scale. Returns undefined for degenerate input (collinear points, NaN).
 */
export function fitHomography(from: ArrayLike<number>, to: ArrayLike<number>): Homography | undefined {
  const n = Math.min(from.length, to.length) >> 1;
  if (n < 4) return undefined;
  const a = normaliser(from, n);
  const b = normaliser(to, n);
  if (!a || !b) return undefined;
  // Normal equations of the 8-unknown linear system (h8 = 1), accumulated without building the 2n x 8 matrix.
  const ata = new Float64Array(64);
  const atb = new Float64Array(8);
  const row = new Float64Array(8);
  const add = (rhs: number): void => {
    for (let i = 0; i < 8; i++) {
      const ri = row[i]!;
      if (ri === 0) continue;
      atb[i]! += ri * rhs;
      for (let j = 0; j < 8; j++) ata[i * 8 + j]! += ri * row[j]!;
    }
  };
  for (let k = 0; k < n; k++) {
    const x = (from[2 * k]! - a.cx) * a.s;
    const y = (from[2 * k + 1]! - a.cy) * a.s;
    const u = (to[2 * k]! - b.cx) * b.s;
    const v = (to[2 * k + 1]! - b.cy) * b.s;
    row.set([x, y, 1, 0, 0, 0, -u * x, -u * y]);
    add(u);
    row.set([0, 0, 0, x, y, 1, -v * x, -v * y]);
    add(v);
  }
  const h = solve(ata, atb, 8);
  if (!h) return undefined;
  // Undo the normalisations: H = Tb^-1 * Hn * Ta.
  const hn: Homography = [h[0]!, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!, h[6]!, h[7]!, 1];
  const ta: Homography = [a.s, 0, -a.s * a.cx, 0, a.s, -a.s * a.cy, 0, 0, 1];
  const tbInv: Homography = [1 / b.s, 0, b.cx, 0, 1 / b.s, b.cy, 0, 0, 1];
  const out = multiply(tbInv, multiply(hn, ta));
  const w = out[8];
  if (!Number.isFinite(w) || Math.abs(w) < 1e-12) return undefined;
  const scaled = out.map((v) => v / w) as unknown as Homography;
  return scaled.every(Number.isFinite) ? scaled : undefined;
}

/** Root-mean-square distance between `to` and `from` mapped through `h`. */
export function rmsResidual(h: Homography, from: ArrayLike<number>, to: ArrayLike<number>): number {
  const n = Math.min(from.length, to.length) >> 1;
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const [x, y] = project(h, from[2 * k]!, from[2 * k + 1]!);
    sum += (x - to[2 * k]!) ** 2 + (y - to[2 * k + 1]!) ** 2;
  }
  return n > 0 ? Math.sqrt(sum / n) : 0;
}

export function multiply(p: Homography, q: Homography): Homography {
  const r: number[] = [];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) r.push(p[3 * i]! * q[j]! + p[3 * i + 1]! * q[3 + j]! + p[3 * i + 2]! * q[6 + j]!);
  }
  return r as unknown as Homography;
}

/** Inverse of `h` scaled so its last entry is 1; undefined when singular. */
export function invert(h: Homography): Homography | undefined {
  const [a, b, c, d, e, f, g, i, j] = h;
  const A = e * j - f * i;
  const B = -(d * j - f * g);
  const C = d * i - e * g;
  const det = a * A + b * B + c * C;
  if (!(Math.abs(det) > 1e-15)) return undefined;
  const inv = [A, -(b * j - c * i), b * f - c * e, B, a * j - c * g, -(a * f - c * d), C, -(a * i - b * g), a * e - b * d];
  const w = inv[8]!;
  if (!(Math.abs(w) > 1e-15)) return undefined;
  return inv.map((v) => v / w) as unknown as Homography;
}

function normaliser(p: ArrayLike<number>, n: number): { cx: number; cy: number; s: number } | undefined {
  let cx = 0;
  let cy = 0;
  for (let k = 0; k < n; k++) {
    cx += p[2 * k]!;
    cy += p[2 * k + 1]!;
  }
  cx /= n;
  cy /= n;
  let d = 0;
  for (let k = 0; k < n; k++) d += Math.hypot(p[2 * k]! - cx, p[2 * k + 1]! - cy);
  d /= n;
  return Number.isFinite(d) && d > 1e-9 ? { cx, cy, s: Math.SQRT2 / d } : undefined;
}

/** Gaussian elimination with partial pivoting on an n x n system; undefined when (nearly) singular. */
function solve(m: Float64Array, rhs: Float64Array, n: number): Float64Array | undefined {
  const a = Float64Array.from(m);
  const b = Float64Array.from(rhs);
  let scale = 0;
  for (const v of a) scale = Math.max(scale, Math.abs(v));
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r * n + col]!) > Math.abs(a[pivot * n + col]!)) pivot = r;
    if (!(Math.abs(a[pivot * n + col]!) > scale * 1e-12)) return undefined;
    if (pivot !== col) {
      for (let k = 0; k < n; k++) [a[col * n + k], a[pivot * n + k]] = [a[pivot * n + k]!, a[col * n + k]!];
      [b[col], b[pivot]] = [b[pivot]!, b[col]!];
    }
    for (let r = col + 1; r < n; r++) {
      const f = a[r * n + col]! / a[col * n + col]!;
      if (f === 0) continue;
      for (let k = col; k < n; k++) a[r * n + k]! -= f * a[col * n + k]!;
      b[r]! -= f * b[col]!;
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let k = r + 1; k < n; k++) s -= a[r * n + k]! * x[k]!;
    x[r] = s / a[r * n + r]!;
  }
  return x;
}

/** The homography taking the unit square's corners (0,0), (1,0), (1,1), (0,1) to `quad` (4 corners, same order). */
export function squareToQuad(quad: readonly (readonly [number, number])[]): Homography | undefined {
  return fitHomography([0, 0, 1, 0, 1, 1, 0, 1], quad.flat());
}
