import type { Point } from './types.ts';

/**
 * A 2-D affine map (x, y) -> (a x + b y + c, d x + e y + f), kept as a plain tuple so it crosses worker boundaries
 * and can be tested without tensors. Coordinates are continuous pixel coordinates: pixel (i, j) covers
 * [i, i + 1) x [j, j + 1), so its centre is (i + 0.5, j + 0.5).
 */
export type Affine = readonly [a: number, b: number, c: number, d: number, e: number, f: number];

export const IDENTITY: Affine = [1, 0, 0, 0, 1, 0];

export function apply(m: Affine, [x, y]: Point): Point {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

/** `compose(p, q)` applies q first, then p. */
export function compose(p: Affine, q: Affine): Affine {
  return [
    p[0] * q[0] + p[1] * q[3],
    p[0] * q[1] + p[1] * q[4],
    p[0] * q[2] + p[1] * q[5] + p[2],
    p[3] * q[0] + p[4] * q[3],
    p[3] * q[1] + p[4] * q[4],
    p[3] * q[2] + p[4] * q[5] + p[5],
  ];
}

export function invert(m: Affine): Affine {
  const det = m[0] * m[4] - m[1] * m[3];
  if (!(Math.abs(det) > 1e-12)) throw new RangeError('affine map is singular');
  const a = m[4] / det;
  const b = -m[1] / det;
  const d = -m[3] / det;
  const e = m[0] / det;
  return [a, b, -(a * m[2] + b * m[5]), d, e, -(d * m[2] + e * m[5])];
}

/**
 * The square window of side `side` centred on `centre` and turned by `angle` radians, as the map from a
 * size x size crop to the image: crop (0, 0) is the window's top-left corner, crop (size, size) its bottom-right.
 */
export function squareWindow(centre: Point, side: number, angle: number, size: number): Affine {
  const s = side / size;
  const cos = Math.cos(angle) * s;
  const sin = Math.sin(angle) * s;
  const h = size / 2;
  // image = centre + R(angle) * s * (crop - h)
  return [cos, -sin, centre[0] - cos * h + sin * h, sin, cos, centre[1] - sin * h - cos * h];
}

/**
 * Least-squares similarity transform (rotation, uniform scale, translation) taking `from[i]` onto `to[i]`
 * (Umeyama's method restricted to 2-D without reflection). Used to align a face to a template of landmark positions.
 */
export function similarityFit(from: readonly Point[], to: readonly Point[]): Affine {
  const n = from.length;
  if (n < 2 || to.length !== n) throw new RangeError('similarityFit needs two or more matching points');
  let mx = 0;
  let my = 0;
  let ux = 0;
  let uy = 0;
  for (let i = 0; i < n; i++) {
    mx += from[i]![0];
    my += from[i]![1];
    ux += to[i]![0];
    uy += to[i]![1];
  }
  mx /= n;
  my /= n;
  ux /= n;
  uy /= n;
  // For z = x + iy, the best similarity is to - ut = k (from - mf) with complex k = sum(conj(f) t) / sum(|f|^2).
  let re = 0;
  let im = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const fx = from[i]![0] - mx;
    const fy = from[i]![1] - my;
    const tx = to[i]![0] - ux;
    const ty = to[i]![1] - uy;
    re += fx * tx + fy * ty;
    im += fx * ty - fy * tx;
    norm += fx * fx + fy * fy;
  }
  if (!(norm > 1e-12)) throw new RangeError('similarityFit: source points coincide');
  const a = re / norm;
  const b = im / norm;
  return [a, -b, ux - (a * mx - b * my), b, a, uy - (b * mx + a * my)];
}

/**
 * The affine map taking three points exactly onto three others (what OpenCV's getAffineTransform computes; FacePlugin's
 * SDK aligns its crops this way). Shear and uneven scale follow the landmarks' noise, unlike similarityFit.
 */
export function affineFit3(from: readonly Point[], to: readonly Point[]): Affine {
  if (from.length !== 3 || to.length !== 3) throw new RangeError('affineFit3 needs three matching points');
  const [[x0, y0], [x1, y1], [x2, y2]] = from as [Point, Point, Point];
  const det = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
  if (!(Math.abs(det) > 1e-12)) throw new RangeError('affineFit3: source points are collinear');
  // Solve [u] = [a b c] [x y 1]^T for each output coordinate by Cramer's rule on the differences from point 0.
  const solve = (u0: number, u1: number, u2: number): [number, number, number] => {
    const a = ((u1 - u0) * (y2 - y0) - (u2 - u0) * (y1 - y0)) / det;
    const b = ((x1 - x0) * (u2 - u0) - (x2 - x0) * (u1 - u0)) / det;
    return [a, b, u0 - a * x0 - b * y0];
  };
  const [a, b, c] = solve(to[0]![0], to[1]![0], to[2]![0]);
  const [d, e, f] = solve(to[0]![1], to[1]![1], to[2]![1]);
  return [a, b, c, d, e, f];
}

/** Uniform scale factor of a similarity (or the geometric mean scale of a general affine map). */
export function scaleOf(m: Affine): number {
  return Math.sqrt(Math.abs(m[0] * m[4] - m[1] * m[3]));
}

export function distance(a: Point, b: Point): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

export function midpoint(a: Point, b: Point): Point {
  return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
}
