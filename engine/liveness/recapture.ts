import type { Box, FrameSample } from '../face/index.ts';
import { median } from './measures.ts';

/**
 * Recapture evidence: what a camera sees when it films a screen or a print instead of a face. Each cue is measured
 * per frame on the face engine's pixel sample (FrameSample) and summarised over the session; decideLiveness vetoes
 * on each with its own reason code and threshold (decide.ts, site/docs/liveness.md has the measurements).
 *
 * - moire: a display's pixel grid beating against the camera's sensor puts sharp peaks in the high-frequency
 *   spectrum of the face crop; skin, hair and JPEG noise spread their energy smoothly;
 * - border: long straight edges (a bezel, a paper edge) on three or four sides around the face;
 * - frame edge: the same for a screen or print that nearly fills the view: it still ends inside the picture, so a
 *   long straight edge runs along three or four sides of the frame, near its border;
 * - lattice: a display's pixel grid aliased by the camera's own grid beats into a moire pattern at the difference
 *   of the two frequencies, which can be low (a faint grid whose period is near a camera pixel's shows as broad
 *   ripples, not as fine dots), so it survives the camera's scaling and compression; it covers the whole screen,
 *   the recorded background included. Measured on the gray frame around the face, as isolated spectral peaks (a
 *   straight edge makes a ridge through the origin, which is not counted);
 * - glare: a specular patch (near-white, colourless) on the face area;
 * - gamut: chroma spread and luma contrast of the face crop (a print lifts the blacks and compresses colour);
 * - flicker: frame-to-frame beating of the face's brightness against the rest of the frame (a screen refreshing
 *   out of step with the camera); a lit face varies slowly.
 */
export interface RecaptureFrame {
  readonly moire: number;
  readonly border: number;
  /** Sides of the frame (0-4) with a long straight edge near that side of the frame. */
  readonly frameEdge: number;
  /** Median over gray-frame windows outside the face of their strongest isolated spectral peak (undefined: no window). */
  readonly lattice?: number;
  readonly glare: number;
  readonly chroma: number;
  readonly contrast: number;
  /** Face-crop mean luma over frame mean luma. */
  readonly relativeLuma: number;
}

export interface RecaptureSignal {
  readonly frames: number;
  /** Medians over the frames. */
  readonly moire: number;
  /** Fraction of frames with a border on at least three sides. */
  readonly border: number;
  /** Fraction of frames with a straight edge along at least three sides of the frame (absent in older saved runs). */
  readonly frameEdge?: number;
  /** Median over frames of the lattice score (absent when no frame had a window outside the face). */
  readonly lattice?: number;
  readonly glare: number;
  readonly chroma: number;
  readonly contrast: number;
  /** Mean absolute second difference of relativeLuma over its mean (temporal high-frequency energy). */
  readonly flicker: number;
}

const N = 64;

/** Cues already measured on a sample (an evaluation replays the same analysed frame in many sessions). */
const measured = new WeakMap<FrameSample, RecaptureFrame | undefined>();

/** Per-frame cues; `box` in frame pixels (the box the sample was taken around). */
export function recaptureFrame(sample: FrameSample, box: Box): RecaptureFrame | undefined {
  if (measured.has(sample)) return measured.get(sample);
  const r = measure(sample, box);
  measured.set(sample, r);
  return r;
}

function measure(sample: FrameSample, box: Box): RecaptureFrame | undefined {
  const f = sample.face;
  if (!f || f.width < 16) return undefined;
  // Luma and chroma of the face square.
  const n = f.width * f.height;
  const y = new Float32Array(n);
  let sumCb = 0;
  let sumCr = 0;
  let sumCb2 = 0;
  let sumCr2 = 0;
  let bright = 0;
  for (let i = 0; i < n; i++) {
    const r = f.data[4 * i]!;
    const g = f.data[4 * i + 1]!;
    const b = f.data[4 * i + 2]!;
    const l = 0.299 * r + 0.587 * g + 0.114 * b;
    const cb = b - l;
    const cr = r - l;
    y[i] = l;
    sumCb += cb;
    sumCr += cr;
    sumCb2 += cb * cb;
    sumCr2 += cr * cr;
    if (l >= 235 && Math.abs(cb) < 12 && Math.abs(cr) < 12) bright++;
  }
  const chroma = Math.sqrt(Math.max(0, sumCb2 / n - (sumCb / n) ** 2) + Math.max(0, sumCr2 / n - (sumCr / n) ** 2));
  const sorted = Float32Array.from(y).sort();
  const contrast = sorted[Math.floor(0.98 * (n - 1))]! - sorted[Math.floor(0.02 * (n - 1))]!;
  let mean = 0;
  for (const v of y) mean += v;
  mean /= n;
  let frameMean = 0;
  for (const v of sample.gray.data) frameMean += v;
  frameMean /= Math.max(1, sample.gray.data.length);
  const lattice = latticeScore(sample, box);
  return {
    moire: moirePeak(y, f.width, f.height),
    border: borderSides(sample, box),
    frameEdge: frameEdgeSides(sample),
    ...(lattice !== undefined ? { lattice } : {}),
    glare: bright / n,
    chroma,
    contrast,
    relativeLuma: frameMean > 0 ? mean / frameMean : 0,
  };
}

/**
 * Peak-to-median ratio of the power spectrum above 0.25 cycles per pixel (radius; the corners of the spectrum
 * included, where a fine grid seen straight lands) of the central 64 x 64 luma window, Hann-windowed. Bins on the 8 x 8 lattice (JPEG's block grid) are left out.
 */
export function moirePeak(y: Float32Array, width: number, height: number): number {
  const size = Math.min(N, width, height) >= N ? N : 32;
  if (width < size || height < size) return 0;
  const x0 = (width - size) >> 1;
  const y0 = (height - size) >> 1;
  const re = new Float64Array(size * size);
  const im = new Float64Array(size * size);
  let mean = 0;
  for (let j = 0; j < size; j++) for (let i = 0; i < size; i++) mean += y[(y0 + j) * width + x0 + i]!;
  mean /= size * size;
  for (let j = 0; j < size; j++) {
    const wj = 0.5 - 0.5 * Math.cos((2 * Math.PI * j) / (size - 1));
    for (let i = 0; i < size; i++) {
      const wi = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (size - 1));
      re[j * size + i] = (y[(y0 + j) * width + x0 + i]! - mean) * wi * wj;
    }
  }
  fft2(re, im, size);
  const band: number[] = [];
  let peak = 0;
  const lattice = size / 8;
  for (let v = 0; v < size; v++) {
    const fv = v <= size / 2 ? v : v - size;
    for (let u = 0; u <= size / 2; u++) {
      const r = Math.hypot(u, fv) / size;
      if (r < 0.25) continue;
      if (u % lattice === 0 && fv % lattice === 0) continue;
      const p = re[v * size + u]! ** 2 + im[v * size + u]! ** 2;
      band.push(p);
      peak = Math.max(peak, p);
    }
  }
  const m = median(band);
  return m > 0 ? peak / m : 0;
}

/** In-place 2-D FFT (radix 2) of a size x size complex array: every row, then every column. */
function fft2(re: Float64Array, im: Float64Array, size: number): void {
  const r = new Float64Array(size);
  const i = new Float64Array(size);
  const line = (start: number, stride: number): void => {
    for (let k = 0; k < size; k++) {
      r[k] = re[start + k * stride]!;
      i[k] = im[start + k * stride]!;
    }
    fft(r, i);
    for (let k = 0; k < size; k++) {
      re[start + k * stride] = r[k]!;
      im[start + k * stride] = i[k]!;
    }
  };
  for (let row = 0; row < size; row++) line(row * size, 1);
  for (let col = 0; col < size; col++) line(col, size);
}

function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const a = (-2 * Math.PI) / len;
    const wr = Math.cos(a);
    const wi = Math.sin(a);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const p = i + k;
        const q = p + len / 2;
        const tr = re[q]! * cr - im[q]! * ci;
        const ti = re[q]! * ci + im[q]! * cr;
        re[q] = re[p]! - tr;
        im[q] = im[p]! - ti;
        re[p] = re[p]! + tr;
        im[p] = im[p]! + ti;
        const nr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = nr;
      }
    }
  }
}

/**
 * Sides of the face (above, below, left, right) with a long straight edge between 0.75 and 2.5 face sides from its
 * centre: a row (column) of the gray frame where at least 60 % of the span facing the face has a strong gradient
 * across the line and a weak one along it.
 */
export function borderSides(sample: FrameSample, box: Box): number {
  const g = sample.gray;
  const s = sample.grayScale;
  const w = g.width;
  const h = g.height;
  const cx = (box.x + box.width / 2) / s;
  const cy = (box.y + box.height / 2) / s;
  const side = Math.max(box.width, box.height) / s;
  const d = g.data;
  const strong = 24;
  // Edge masks over the searched window: 1 where the gradient is strong across a horizontal (vertical) line and weak
  // along it.
  const reach = Math.ceil(2.5 * side) + 2;
  const wx0 = Math.max(1, Math.floor(cx - reach));
  const wy0 = Math.max(1, Math.floor(cy - reach));
  const wx1 = Math.min(w - 1, Math.ceil(cx + reach));
  const wy1 = Math.min(h - 1, Math.ceil(cy + reach));
  const horizontalEdge = new Uint8Array(w * h);
  const verticalEdge = new Uint8Array(w * h);
  for (let y = wy0; y < wy1; y++) {
    for (let x = wx0; x < wx1; x++) {
      const o = y * w + x;
      const gx = Math.abs(d[o + 1]! - d[o - 1]!);
      const gy = Math.abs(d[o + w]! - d[o - w]!);
      if (gy >= strong && gy > 2 * gx) horizontalEdge[o] = 1;
      if (gx >= strong && gx > 2 * gy) verticalEdge[o] = 1;
    }
  }
  const lineAt = (horizontal: boolean, pos: number): boolean => {
    const half = Math.round(side * 0.5);
    let hits = 0;
    let span = 0;
    for (let k = -half; k <= half; k++) {
      const x = horizontal ? Math.round(cx + k) : pos;
      const y = horizontal ? pos : Math.round(cy + k);
      if (x < 2 || y < 2 || x >= w - 2 || y >= h - 2) continue;
      span++;
      // A line may wander by a pixel (a tilted bezel): look one row/column either side.
      const o = y * w + x;
      if (horizontal ? horizontalEdge[o] || horizontalEdge[o - w] || horizontalEdge[o + w] : verticalEdge[o] || verticalEdge[o - 1] || verticalEdge[o + 1]) hits++;
    }
    return span >= half && hits >= 0.6 * span;
  };
  let sides = 0;
  const search = (horizontal: boolean, sign: number): boolean => {
    const c = horizontal ? cy : cx;
    for (let r = Math.round(0.75 * side); r <= Math.round(2.5 * side); r++) {
      const pos = Math.round(c + sign * r);
      if (pos < 1 || pos >= (horizontal ? h : w) - 1) return false;
      if (lineAt(horizontal, pos)) return true;
    }
    return false;
  };
  if (search(true, -1)) sides++;
  if (search(true, 1)) sides++;
  if (search(false, -1)) sides++;
  if (search(false, 1)) sides++;
  return sides;
}

export const FRAME_EDGE = {
  /** Gradient across the line (gray levels over 2 pixels) that counts as an edge pixel: weaker than the border's, as
   * a screen's content meets the wall at whatever contrast the two happen to have. */
  strong: 12,
  /** How far in from each side of the frame a line is searched, as a share of the frame's other side. */
  band: 0.2,
  /** Tilts searched, as slopes (about +-8 degrees): a screen held by hand is turned a little. */
  maxSlope: 0.14,
  /** Share of the side's middle 80 % the line must cover. */
  cover: 0.6,
} as const;

/**
 * Sides of the frame (top, bottom, left, right) with a straight edge, within FRAME_EDGE.band of that side and
 * tilted at most FRAME_EDGE.maxSlope, covering FRAME_EDGE.cover of the side's middle 80 %: where a screen or a print
 * filling nearly the whole view ends. Gray frame only.
 */
export function frameEdgeSides(sample: FrameSample): number {
  const g = sample.gray;
  const w = g.width;
  const h = g.height;
  const d = g.data;
  const across = new Uint8Array(w * h); // bit 1: edge across a horizontal line; bit 2: across a vertical one
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const o = y * w + x;
      const gx = Math.abs(d[o + 1]! - d[o - 1]!);
      const gy = Math.abs(d[o + w]! - d[o - w]!);
      if (gy >= FRAME_EDGE.strong && gy > 2 * gx) across[o]! |= 1;
      if (gx >= FRAME_EDGE.strong && gx > 2 * gy) across[o]! |= 2;
    }
  }
  const side = (horizontal: boolean, far: boolean): boolean => {
    const len = horizontal ? w : h;
    const depth = horizontal ? h : w;
    const bit = horizontal ? 1 : 2;
    const stride = horizontal ? w : 1;
    const k0 = Math.round(0.1 * len);
    const k1 = Math.round(0.9 * len);
    const need = FRAME_EDGE.cover * (k1 - k0);
    const slopeStep = 2 / len; // two pixels over the side (a line may wander by one either way)
    for (let off = 1; off <= Math.round(FRAME_EDGE.band * depth); off++) {
      const p0 = far ? depth - 1 - off : off;
      for (let s = -FRAME_EDGE.maxSlope; s <= FRAME_EDGE.maxSlope + 1e-9; s += slopeStep) {
        let hits = 0;
        let missed = 0;
        for (let k = k0; k < k1 && missed <= k1 - k0 - need; k++) {
          const p = Math.round(p0 + s * (k - len / 2));
          const o = horizontal ? p * w + k : k * w + p;
          if (p >= 1 && p < depth - 1 && (across[o]! & bit || across[o - stride]! & bit || across[o + stride]! & bit)) hits++;
          else missed++;
        }
        if (hits >= need) return true;
      }
    }
    return false;
  };
  return Number(side(true, false)) + Number(side(true, true)) + Number(side(false, false)) + Number(side(false, true));
}

export const LATTICE = {
  /** Window side (gray pixels) and step between windows. */
  window: 64,
  step: 64,
  /** Lowest frequency counted, cycles per pixel (a period of 25 pixels): below it lies the scene's own shading. */
  minFrequency: 0.04,
  /** A peak's neighbours along its ray within this angle count as its ridge (a straight edge's spectrum). */
  ridgeDegrees: 35,
  /** Local maxima judged per window, strongest first (a visible ripple is among them). */
  peaks: 8,
} as const;

/** The lattice windows' Hann taper, made once (latticeScore runs on every frame). */
const HANN = Float64Array.from({ length: LATTICE.window }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (LATTICE.window - 1)));

/**
 * The lattice score: over 64 x 64 windows of the gray frame that do not touch the face box, each window's strongest
 * isolated spectral peak (Hann window; a local maximum over the median of its ring of neighbours 2-3 bins away and
 * over the highest of those neighbours that lie along its ray, so that a straight edge's ridge does not count; JPEG's
 * 8 x 8 lattice left out), and their median: a pattern that covers most of the view, as a screen's moire covers the
 * whole screen, and not one striped object.
 */
export function latticeScore(sample: FrameSample, box: Box): number | undefined {
  const g = sample.gray;
  const s = sample.grayScale;
  const n = LATTICE.window;
  const fx0 = box.x / s;
  const fy0 = box.y / s;
  const fx1 = (box.x + box.width) / s;
  const fy1 = (box.y + box.height) / s;
  const scores: number[] = [];
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  const hann = HANN;
  for (let wy = 0; wy + n <= g.height; wy += LATTICE.step) {
    for (let wx = 0; wx + n <= g.width; wx += LATTICE.step) {
      if (wx < fx1 && wx + n > fx0 && wy < fy1 && wy + n > fy0) continue;
      let mean = 0;
      for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) mean += g.data[(wy + j) * g.width + wx + i]!;
      mean /= n * n;
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < n; i++) re[j * n + i] = (g.data[(wy + j) * g.width + wx + i]! - mean) * hann[i]! * hann[j]!;
      }
      im.fill(0);
      fft2(re, im, n);
      for (let k = 0; k < n * n; k++) re[k] = re[k]! ** 2 + im[k]! ** 2;
      scores.push(isolatedPeak(re, n));
    }
  }
  return scores.length > 0 ? median(scores) : undefined;
}

/** The strongest isolated peak of an n x n power spectrum (see latticeScore), over its LATTICE.peaks strongest local maxima. */
function isolatedPeak(p: Float64Array, n: number): number {
  const at = (u: number, v: number): number => p[((v + n) % n) * n + ((u + n) % n)]!;
  const lattice = n / 8;
  const cosRidge = Math.cos((LATTICE.ridgeDegrees * Math.PI) / 180);
  // Local maxima of the half-plane u >= 0 (the other half mirrors it), strongest first.
  const maxima: { x: number; u: number; fv: number }[] = [];
  for (let v = 0; v < n; v++) {
    const fv = v <= n / 2 ? v : v - n;
    for (let u = 0; u <= n / 2; u++) {
      if (Math.hypot(u, fv) / n < LATTICE.minFrequency) continue;
      if (u % lattice === 0 && fv % lattice === 0) continue;
      const x = p[v * n + u]!;
      if (!(x > 0)) continue;
      let isMax = true;
      for (let dv = -1; dv <= 1 && isMax; dv++) for (let du = -1; du <= 1; du++) if ((du || dv) && at(u + du, fv + dv) > x) { isMax = false; break; }
      if (isMax) maxima.push({ x, u, fv });
    }
  }
  maxima.sort((a, b) => b.x - a.x);
  const ring: number[] = [];
  let best = 0;
  for (const { x, u, fv } of maxima.slice(0, LATTICE.peaks)) {
    const r = Math.hypot(u, fv);
    ring.length = 0;
    let ridge = 0;
    for (let dv = -3; dv <= 3; dv++) {
      for (let du = -3; du <= 3; du++) {
        if (Math.max(Math.abs(du), Math.abs(dv)) < 2) continue;
        const y = at(u + du, fv + dv);
        ring.push(y);
        if (Math.abs(du * u + dv * fv) > cosRidge * Math.hypot(du, dv) * r) ridge = Math.max(ridge, y);
      }
    }
    best = Math.max(best, Math.min(x / Math.max(1e-12, median(ring)), x / Math.max(1e-12, ridge)));
  }
  return best;
}

/** Summarises per-frame cues over a session. */
export class RecaptureTracker {
  private readonly frames: RecaptureFrame[] = [];

  push(f: RecaptureFrame | undefined): void {
    if (f) this.frames.push(f);
  }

  signal(): RecaptureSignal | undefined {
    const f = this.frames;
    if (f.length < 3) return undefined;
    const rel = f.map((x) => x.relativeLuma);
    let hf = 0;
    for (let i = 1; i < rel.length - 1; i++) hf += Math.abs(rel[i]! - (rel[i - 1]! + rel[i + 1]!) / 2);
    const meanRel = rel.reduce((a, b) => a + b, 0) / rel.length;
    const lattice = f.flatMap((x) => (x.lattice !== undefined ? [x.lattice] : []));
    return {
      frames: f.length,
      moire: median(f.map((x) => x.moire)),
      border: f.filter((x) => x.border >= 3).length / f.length,
      frameEdge: f.filter((x) => x.frameEdge >= 3).length / f.length,
      ...(lattice.length > 0 ? { lattice: median(lattice) } : {}),
      glare: median(f.map((x) => x.glare)),
      chroma: median(f.map((x) => x.chroma)),
      contrast: median(f.map((x) => x.contrast)),
      flicker: meanRel > 0 ? hf / (rel.length - 2) / meanRel : 0,
    };
  }
}
