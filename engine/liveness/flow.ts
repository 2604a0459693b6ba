/**
 * Sparse optical flow: Shi-Tomasi corners tracked by pyramidal Lucas-Kanade (Bouguet's formulation) with a
 * forward-backward check. Own code rather than a library: the need is a few hundred points on a 320 x 240 gray
 * frame, about 150 lines; OpenCV.js would add 8 MB of wasm for it, and no small maintained npm package does just this.
 * Pure and allocation-light, so it runs per frame on a slow phone (bench/ has its cost).
 */

export interface GrayImage {
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
}

/** A pyramid level with its horizontal and vertical gradients (central differences). */
interface Level extends GrayImage {
  readonly gx: Float32Array;
  readonly gy: Float32Array;
}

export type Pyramid = readonly Level[];

/** Builds a `levels`-deep pyramid (2x2 box down-sampling) from 8-bit luma. */
export function buildPyramid(gray: { readonly data: ArrayLike<number>; readonly width: number; readonly height: number }, levels = 3): Pyramid {
  const out: Level[] = [];
  let cur: GrayImage = { data: Float32Array.from(gray.data as ArrayLike<number>), width: gray.width, height: gray.height };
  for (let l = 0; l < levels; l++) {
    out.push(withGradients(cur));
    if (cur.width < 16 || cur.height < 16) break;
    const w = cur.width >> 1;
    const h = cur.height >> 1;
    const d = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = 2 * y * cur.width + 2 * x;
        d[y * w + x] = 0.25 * (cur.data[o]! + cur.data[o + 1]! + cur.data[o + cur.width]! + cur.data[o + cur.width + 1]!);
      }
    }
    cur = { data: d, width: w, height: h };
  }
  return out;
}

function withGradients(g: GrayImage): Level {
  const { width: w, height: h, data } = g;
  const gx = new Float32Array(w * h);
  const gy = new Float32Array(w * h);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const o = y * w + x;
      gx[o] = 0.5 * (data[o + 1]! - data[o - 1]!);
      gy[o] = 0.5 * (data[o + w]! - data[o - w]!);
    }
  }
  return { ...g, gx, gy };
}

export interface Rect {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/**
 * Corners in `include` but outside `exclude` (pixel rects of level 0): one per `cell` x `cell` cell, the pixel with
 * the largest smaller eigenvalue of the 5 x 5 structure tensor, kept when that eigenvalue reaches `minEigen`
 * (squared gray levels per pixel). Flat skin, a plain wall and JPEG blocks give nothing to track, so they give no point.
 */
export function goodFeatures(p: Pyramid, include: Rect, cell: number, minEigen: number, exclude?: Rect): number[] {
  const g = p[0]!;
  const { width: w, height: h, gx, gy } = g;
  const margin = 6;
  const x0 = Math.max(margin, Math.floor(include.x0));
  const y0 = Math.max(margin, Math.floor(include.y0));
  const x1 = Math.min(w - margin, Math.ceil(include.x1));
  const y1 = Math.min(h - margin, Math.ceil(include.y1));
  const out: number[] = [];
  for (let cy = y0; cy < y1; cy += cell) {
    for (let cx = x0; cx < x1; cx += cell) {
      let best = minEigen;
      let bx = -1;
      let by = -1;
      for (let y = cy; y < Math.min(cy + cell, y1); y++) {
        for (let x = cx; x < Math.min(cx + cell, x1); x++) {
          if (exclude && x >= exclude.x0 && x < exclude.x1 && y >= exclude.y0 && y < exclude.y1) continue;
          let a = 0;
          let b = 0;
          let c = 0;
          for (let j = -2; j <= 2; j++) {
            for (let i = -2; i <= 2; i++) {
              const o = (y + j) * w + x + i;
              const u = gx[o]!;
              const v = gy[o]!;
              a += u * u;
              b += u * v;
              c += v * v;
            }
          }
          const e = (a + c) / 2 - Math.sqrt(((a - c) / 2) ** 2 + b * b);
          if (e / 25 > best) {
            best = e / 25;
            bx = x;
            by = y;
          }
        }
      }
      if (bx >= 0) out.push(bx, by);
    }
  }
  return out;
}

const WIN = 4; // 9 x 9 window
const ITERATIONS = 10;
const PATCH = new Float64Array((2 * WIN + 1) ** 2);
const PGX = new Float64Array((2 * WIN + 1) ** 2);
const PGY = new Float64Array((2 * WIN + 1) ** 2);

function bilinear(d: Float32Array, w: number, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const o = y0 * w + x0;
  return (d[o]! * (1 - fx) + d[o + 1]! * fx) * (1 - fy) + (d[o + w]! * (1 - fx) + d[o + w + 1]! * fx) * fy;
}

/** Tracks one point from `a` to `b`; returns false when it leaves the image or the system is degenerate. */
function trackPoint(a: Pyramid, b: Pyramid, x: number, y: number, out: Float64Array): boolean {
  let gxs = 0;
  let gys = 0;
  const levels = Math.min(a.length, b.length);
  for (let l = levels - 1; l >= 0; l--) {
    const A = a[l]!;
    const B = b[l]!;
    const s = 1 / (1 << l);
    const px = x * s;
    const py = y * s;
    const w = A.width;
    if (px < WIN + 1 || py < WIN + 1 || px > w - WIN - 2 || py > A.height - WIN - 2) return false;
    let gxx = 0;
    let gxy = 0;
    let gyy = 0;
    // The reference patch and its gradients, sampled once per level.
    let q = 0;
    for (let j = -WIN; j <= WIN; j++) {
      for (let i = -WIN; i <= WIN; i++, q++) {
        const u = bilinear(A.gx, w, px + i, py + j);
        const v = bilinear(A.gy, w, px + i, py + j);
        PATCH[q] = bilinear(A.data, w, px + i, py + j);
        PGX[q] = u;
        PGY[q] = v;
        gxx += u * u;
        gxy += u * v;
        gyy += v * v;
      }
    }
    const det = gxx * gyy - gxy * gxy;
    if (!(det > 1e-6)) return false;
    let dx = 0;
    let dy = 0;
    for (let it = 0; it < ITERATIONS; it++) {
      const qx = px + gxs + dx;
      const qy = py + gys + dy;
      if (qx < WIN + 1 || qy < WIN + 1 || qx > B.width - WIN - 2 || qy > B.height - WIN - 2) return false;
      let bx = 0;
      let by = 0;
      // Bilinear weights are the same for the whole window (integer offsets from qx, qy).
      const x0 = Math.floor(qx);
      const y0 = Math.floor(qy);
      const fx = qx - x0;
      const fy = qy - y0;
      const w00 = (1 - fx) * (1 - fy);
      const w01 = fx * (1 - fy);
      const w10 = (1 - fx) * fy;
      const w11 = fx * fy;
      const bw = B.width;
      const bd = B.data;
      let k = 0;
      for (let j = -WIN; j <= WIN; j++) {
        let o = (y0 + j) * bw + x0 - WIN;
        for (let i = -WIN; i <= WIN; i++, k++, o++) {
          const diff = PATCH[k]! - (bd[o]! * w00 + bd[o + 1]! * w01 + bd[o + bw]! * w10 + bd[o + bw + 1]! * w11);
          bx += diff * PGX[k]!;
          by += diff * PGY[k]!;
        }
      }
      const ex = (gyy * bx - gxy * by) / det;
      const ey = (gxx * by - gxy * bx) / det;
      dx += ex;
      dy += ey;
      if (ex * ex + ey * ey < 1e-4) break;
    }
    if (l > 0) {
      gxs = 2 * (gxs + dx);
      gys = 2 * (gys + dy);
    } else {
      gxs += dx;
      gys += dy;
    }
  }
  out[0] = x + gxs;
  out[1] = y + gys;
  return Number.isFinite(out[0]) && Number.isFinite(out[1]);
}

/**
 * Tracks the points `pts` ([x0, y0, x1, y1, ...], level-0 pixels) from pyramid `a` to pyramid `b`. Returns the new
 * positions and, per point, whether it was kept: tracked forward, tracked back to within `maxBackError` pixels of
 * where it started (the forward-backward check drops points that slid along an edge or were occluded).
 */
export function trackPoints(a: Pyramid, b: Pyramid, pts: ArrayLike<number>, maxBackError = 0.5): { readonly points: Float64Array; readonly ok: Uint8Array } {
  const n = pts.length >> 1;
  const points = new Float64Array(2 * n);
  const ok = new Uint8Array(n);
  const f = new Float64Array(2);
  const r = new Float64Array(2);
  for (let k = 0; k < n; k++) {
    const x = pts[2 * k]!;
    const y = pts[2 * k + 1]!;
    if (!trackPoint(a, b, x, y, f)) continue;
    if (!trackPoint(b, a, f[0]!, f[1]!, r)) continue;
    if ((r[0]! - x) ** 2 + (r[1]! - y) ** 2 > maxBackError * maxBackError) continue;
    points[2 * k] = f[0]!;
    points[2 * k + 1] = f[1]!;
    ok[k] = 1;
  }
  return { points, ok };
}
