import type { Box, FrameSample } from '../face/index.ts';
import { buildPyramid, goodFeatures, trackPoints, type Pyramid, type Rect } from './flow.ts';
import { fitHomography, project, type Homography } from './homography.ts';
import { quantile } from './measures.ts';
import { seededRandom } from './random.ts';

/**
 * Planarity from the face's own texture. Corners on the face and on a ring around it are tracked from frame to
 * frame (flow.ts) and compared with a key frame a few hundred milliseconds back:
 *
 * - **independence**: how far the face moved in a way the motion of its surroundings cannot explain. The ring's
 *   motion is fitted by up to two homographies (RANSAC): the wall behind a person, or the paper or screen around a
 *   pictured face (and the wall beyond its edge). A photo moves with its paper, so its face follows one of them to
 *   within tracking noise; a head turns, nods, blinks and talks against its background. Divided by the face's own
 *   motion, so waving a photo fast does not make it look independent.
 * - **parallax**: what a homography fitted to the face points alone leaves unexplained, divided by their motion: a
 *   flat picture turned or tilted leaves only tracking noise; a head turning leaves the nose moving against the
 *   cheeks. It cannot tell a head moved in the image plane from a photo moved so (both fit a homography), which is
 *   why independence is the main test.
 *
 * Frames whose face moved less than MIN_MOTION eye distances from the key frame are not judged: without motion
 * there is no evidence either way.
 */
export interface TextureSignal {
  /** Frames whose face moved enough to be judged. */
  readonly frames: number;
  /** 90th percentile over judged frames of independent motion / face motion (undefined when frames is 0). */
  readonly independence?: number;
  /** Median over judged frames of the face homography's residual / face motion. */
  readonly parallax?: number;
  /** Largest face motion against the key frame seen, eye distances. */
  readonly maxMotion: number;
  /** Median number of face and ring points tracked per judged frame. */
  readonly facePoints: number;
  readonly ringPoints: number;
}

export const TEXTURE = {
  /** Key frame age, ms: long enough for motion to add up, short enough for points to survive a turn. */
  keyMs: 500,
  /** Face motion from the key frame (eye distances) below which a frame is not judged. */
  minMotion: 0.05,
  /** Corner grid cells, gray pixels; minimum structure-tensor eigenvalue (gray levels squared). */
  faceCell: 5,
  ringCell: 7,
  minEigen: 12,
  /** Ring around the face: from RING_INNER to RING_OUTER times the face box's side, about its centre. */
  ringInner: 1.25,
  ringOuter: 2.1,
  /** At most this many points per region (evenly thinned): the tracking cost is linear in them. */
  maxPoints: 80,
  /** Minimum points for a fit. */
  minFacePoints: 12,
  minRingPoints: 10,
  /** RANSAC inlier distance, gray pixels. */
  inlierPx: 0.75,
} as const;

interface Key {
  readonly t: number;
  readonly face: Float64Array;
  readonly ring: Float64Array;
}

interface Track {
  readonly key: Key;
  face: { from: Float64Array; at: Float64Array };
  ring: { from: Float64Array; at: Float64Array };
}

interface Judged {
  readonly ratio: number;
  readonly parallax: number;
  readonly facePoints: number;
  readonly ringPoints: number;
}

export class TextureTracker {
  private previous: Pyramid | undefined;
  private previousScale = 0;
  private track: Track | undefined;
  private readonly judged: Judged[] = [];
  private maxMotion = 0;
  private readonly random = seededRandom(0x7e57);

  /** One analysed frame: its pixel sample, the face box (frame pixels) and eye distance (frame pixels). */
  push(t: number, sample: FrameSample, box: Box, eyeDistance: number): void {
    const pyr = buildPyramid(sample.gray, 3);
    const s = sample.grayScale;
    if (this.previous && this.track && this.previousScale === s && t - this.track.key.t <= TEXTURE.keyMs * 2) {
      this.follow(pyr);
      this.judge(eyeDistance / s);
    }
    if (!this.track || t - this.track.key.t >= TEXTURE.keyMs || this.track.face.at.length < 2 * TEXTURE.minFacePoints || this.previousScale !== s) {
      this.seed(t, pyr, box, s);
    }
    this.previous = pyr;
    this.previousScale = s;
  }

  private seed(t: number, pyr: Pyramid, box: Box, s: number): void {
    const cx = (box.x + box.width / 2) / s;
    const cy = (box.y + box.height / 2) / s;
    const side = Math.max(box.width, box.height) / s;
    const inner: Rect = { x0: box.x / s + 0.1 * side, y0: box.y / s + 0.05 * side, x1: (box.x + box.width) / s - 0.1 * side, y1: (box.y + box.height) / s - 0.05 * side };
    const square = (k: number): Rect => ({ x0: cx - (k * side) / 2, y0: cy - (k * side) / 2, x1: cx + (k * side) / 2, y1: cy + (k * side) / 2 });
    const ringIn = square(TEXTURE.ringInner);
    const ringOut = square(TEXTURE.ringOuter);
    const face = thin(goodFeatures(pyr, inner, TEXTURE.faceCell, TEXTURE.minEigen), TEXTURE.maxPoints);
    const ring = thin(goodFeatures(pyr, ringOut, TEXTURE.ringCell, TEXTURE.minEigen, ringIn), TEXTURE.maxPoints);
    const key: Key = { t, face, ring };
    this.track = { key, face: { from: face, at: face }, ring: { from: ring, at: ring } };
  }

  private follow(pyr: Pyramid): void {
    const tr = this.track!;
    const step = (set: { from: Float64Array; at: Float64Array }): { from: Float64Array; at: Float64Array } => {
      const r = trackPoints(this.previous!, pyr, set.at);
      const from: number[] = [];
      const at: number[] = [];
      for (let k = 0; k < r.ok.length; k++) {
        if (!r.ok[k]) continue;
        from.push(set.from[2 * k]!, set.from[2 * k + 1]!);
        at.push(r.points[2 * k]!, r.points[2 * k + 1]!);
      }
      return { from: Float64Array.from(from), at: Float64Array.from(at) };
    };
    tr.face = step(tr.face);
    tr.ring = step(tr.ring);
  }

  /** `eye`: the eye distance in gray pixels. */
  private judge(eye: number): void {
    const { face, ring } = this.track!;
    const nf = face.at.length >> 1;
    const nr = ring.at.length >> 1;
    if (nf < TEXTURE.minFacePoints || !(eye > 0)) return;
    const moves: number[] = [];
    for (let k = 0; k < nf; k++) moves.push(Math.hypot(face.at[2 * k]! - face.from[2 * k]!, face.at[2 * k + 1]! - face.from[2 * k + 1]!));
    const motion = quantile(moves, 0.75) / eye;
    this.maxMotion = Math.max(this.maxMotion, motion);
    if (motion < TEXTURE.minMotion) return;
    // Surroundings: up to two motion layers.
    let independent = Number.NaN;
    if (nr >= TEXTURE.minRingPoints) {
      const layers: Homography[] = [];
      let rest = { from: ring.from, at: ring.at };
      for (let l = 0; l < 2 && rest.at.length >> 1 >= TEXTURE.minRingPoints; l++) {
        const fit = ransacHomography(rest.from, rest.at, TEXTURE.inlierPx, this.random);
        if (!fit) break;
        layers.push(fit.h);
        rest = fit.outliers;
      }
      for (const h of layers) {
        // The face's own motion against the layer: its 75th percentile, so an eye or a mouth moving counts.
        const r = residualQ75(h, face) / eye;
        independent = Number.isNaN(independent) ? r : Math.min(independent, r);
      }
    }
    const own = fitHomography(face.from, face.at);
    let parallax = Number.NaN;
    if (own) parallax = residualQ75(own, face) / eye / motion;
    if (Number.isNaN(independent)) return;
    this.judged.push({ ratio: independent / motion, parallax, facePoints: nf, ringPoints: nr });
  }

  signal(): TextureSignal {
    const j = this.judged;
    if (j.length === 0) return { frames: 0, maxMotion: this.maxMotion, facePoints: 0, ringPoints: 0 };
    const parallax = j.map((x) => x.parallax).filter(Number.isFinite);
    return {
      frames: j.length,
      independence: quantile(j.map((x) => x.ratio), 0.9),
      ...(parallax.length > 0 ? { parallax: quantile(parallax, 0.5) } : {}),
      maxMotion: this.maxMotion,
      facePoints: quantile(j.map((x) => x.facePoints), 0.5),
      ringPoints: quantile(j.map((x) => x.ringPoints), 0.5),
    };
  }
}

/** 75th percentile of how far the tracked points landed from where `h` carries their start. */
function residualQ75(h: Homography, set: { readonly from: Float64Array; readonly at: Float64Array }): number {
  const res: number[] = [];
  for (let k = 0; k < set.at.length >> 1; k++) {
    const [x, y] = project(h, set.from[2 * k]!, set.from[2 * k + 1]!);
    res.push(Math.hypot(x - set.at[2 * k]!, y - set.at[2 * k + 1]!));
  }
  return quantile(res, 0.75);
}

/** Every k-th point so that at most `max` remain, spread over the region as the grid was. */
function thin(points: number[], max: number): Float64Array {
  const n = points.length >> 1;
  if (n <= max) return Float64Array.from(points);
  const out = new Float64Array(2 * max);
  for (let i = 0; i < max; i++) {
    const k = Math.floor((i * n) / max);
    out[2 * i] = points[2 * k]!;
    out[2 * i + 1] = points[2 * k + 1]!;
  }
  return out;
}

/**
 * RANSAC over 4-point homographies (60 draws), refitted on the inliers of the best draw. Returns undefined when no
 * draw gathers at least 6 inliers.
 */
export function ransacHomography(
  from: Float64Array,
  to: Float64Array,
  inlier: number,
  random: () => number,
): { h: Homography; inliers: number; outliers: { from: Float64Array; at: Float64Array } } | undefined {
  const n = from.length >> 1;
  if (n < 6) return undefined;
  let best: Homography | undefined;
  let bestCount = 0;
  const a = new Float64Array(8);
  const b = new Float64Array(8);
  const count = (h: Homography): number => {
    let c = 0;
    for (let k = 0; k < n; k++) {
      const [x, y] = project(h, from[2 * k]!, from[2 * k + 1]!);
      if ((x - to[2 * k]!) ** 2 + (y - to[2 * k + 1]!) ** 2 <= inlier * inlier) c++;
    }
    return c;
  };
  for (let it = 0; it < 60; it++) {
    const idx = new Set<number>();
    while (idx.size < 4) idx.add(Math.floor(random() * n));
    let i = 0;
    for (const k of idx) {
      a[2 * i] = from[2 * k]!;
      a[2 * i + 1] = from[2 * k + 1]!;
      b[2 * i] = to[2 * k]!;
      b[2 * i + 1] = to[2 * k + 1]!;
      i++;
    }
    const h = fitHomography(a, b);
    if (!h) continue;
    const c = count(h);
    if (c > bestCount) {
      bestCount = c;
      best = h;
    }
  }
  if (!best || bestCount < 6) return undefined;
  const inF: number[] = [];
  const inT: number[] = [];
  const outF: number[] = [];
  const outT: number[] = [];
  const h0 = best;
  for (let k = 0; k < n; k++) {
    const [x, y] = project(h0, from[2 * k]!, from[2 * k + 1]!);
    const inside = (x - to[2 * k]!) ** 2 + (y - to[2 * k + 1]!) ** 2 <= inlier * inlier;
    (inside ? inF : outF).push(from[2 * k]!, from[2 * k + 1]!);
    (inside ? inT : outT).push(to[2 * k]!, to[2 * k + 1]!);
  }
  const refit = fitHomography(inF, inT) ?? h0;
  return { h: refit, inliers: inF.length >> 1, outliers: { from: Float64Array.from(outF), at: Float64Array.from(outT) } };
}
