import type { Box, DetectedFace, Point } from './types.ts';

/**
 * Pure decoding of BlazeFace (back/full-range, 256x256) raw output, following vladmandic/human's reading of the model:
 * 896 anchors at 256x256 (16x16 grid x 2, then 8x8 grid x 6; other input shapes, generateAnchors), each row = [logit, cx, cy, w, h, 6 x (x, y)], offsets in input
 * pixels relative to the anchor centre. Done in JS rather than tensor ops: 896 rows are cheap and this is testable.
 */
export const BLAZEFACE_INPUT = 256;
export const ROW = 17;

/**
 * Anchor centres for a `width` x `height` input of a model made for `size` x `size` (the graph is fully
 * convolutional): its fine grid (stride size / 16) with 2 anchors a cell, then its coarse grid (stride size / 8) with
 * 6, each row-major (y, then x, then anchor), the order the model's output rows come in. At size x size these are
 * the model's own 896.
 */
export function generateAnchors(width = BLAZEFACE_INPUT, height = width, size = width): Float32Array {
  const out: number[] = [];
  for (const { stride, perCell } of [
    { stride: size / 16, perCell: 2 },
    { stride: size / 8, perCell: 6 },
  ]) {
    for (let gy = 0; gy < Math.ceil(height / stride); gy++) {
      for (let gx = 0; gx < Math.ceil(width / stride); gx++) {
        for (let n = 0; n < perCell; n++) out.push(stride * (gx + 0.5), stride * (gy + 0.5));
      }
    }
  }
  return new Float32Array(out);
}

export interface RawCandidate {
  readonly score: number;
  /** In detector input pixels. */
  readonly box: Box;
  readonly keypoints: readonly Point[];
}

export interface DecodeOptions {
  /** Candidates below this sigmoid score are dropped before NMS. */
  readonly minScore: number;
  /** Overlap above which the weaker of two boxes is suppressed. */
  readonly iouThreshold: number;
  readonly maxFaces: number;
}

/** `rows` is the anchors x 17 logit+regressor matrix, row-major (896 rows at 256x256). */
export function decodeCandidates(rows: Float32Array, anchors: Float32Array, options: DecodeOptions): RawCandidate[] {
  const n = anchors.length / 2;
  if (rows.length !== n * ROW) throw new RangeError(`expected ${n * ROW} values, got ${rows.length}`);
  const candidates: RawCandidate[] = [];
  for (let i = 0; i < n; i++) {
    const o = i * ROW;
    const score = sigmoid(rows[o]!);
    if (score < options.minScore) continue;
    const ax = anchors[2 * i]!;
    const ay = anchors[2 * i + 1]!;
    const cx = rows[o + 1]! + ax;
    const cy = rows[o + 2]! + ay;
    const w = rows[o + 3]!;
    const h = rows[o + 4]!;
    if (!(w > 0 && h > 0)) continue;
    const keypoints: Point[] = [];
    for (let k = 0; k < 6; k++) keypoints.push([rows[o + 5 + 2 * k]! + ax, rows[o + 6 + 2 * k]! + ay]);
    candidates.push({ score, box: { x: cx - w / 2, y: cy - h / 2, width: w, height: h }, keypoints });
  }
  return nonMaxSuppression(candidates, options.iouThreshold, options.maxFaces);
}

export function nonMaxSuppression<T extends { score: number; box: Box }>(items: readonly T[], iouThreshold: number, max: number): T[] {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const c of sorted) {
    if (kept.length >= max) break;
    if (kept.every((k) => iou(k.box, c.box) <= iouThreshold)) kept.push(c);
  }
  return kept;
}

export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Maps a candidate from letterboxed detector-input pixels back to source-image pixels. */
export function toSourceSpace(c: RawCandidate, letterbox: Letterbox): DetectedFace {
  const map = ([x, y]: Point): Point => [(x - letterbox.offsetX) / letterbox.scale, (y - letterbox.offsetY) / letterbox.scale];
  const [x0, y0] = map([c.box.x, c.box.y]);
  const [x1, y1] = map([c.box.x + c.box.width, c.box.y + c.box.height]);
  const k = c.keypoints.map(map);
  return {
    score: c.score,
    box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 },
    keypoints: { rightEye: k[0]!, leftEye: k[1]!, noseTip: k[2]!, mouth: k[3]!, rightEar: k[4]!, leftEar: k[5]! },
  };
}

/**
 * How a width x height image is fitted into the detector input: scaled by `scale` (the longer side plus its borders
 * to the model's `size`) and centred with a border. `padding` adds a border of that fraction of the longer side on
 * every side first, because BlazeFace misses faces that fill the whole frame (tight crops such as LFW's 250x250
 * images). The input is square only for a square image: each side is the smallest multiple of the coarse grid's
 * stride (32 px at 256, 16 at 128) that holds the content and both borders, so a 640x480 frame is read as 256x224,
 * at the same scale as in the model's square 256x256 with an eighth fewer pixels (the graph is fully convolutional,
 * and its anchors follow the input's shape: generateAnchors). Cutting the short side closer (256x192 for 4:3) was
 * measured and refused: the half-hidden face at the top of faces/groups/obama_and_biden fell from 0.545 to 0.478,
 * below the 0.5 minimum; BlazeFace reads a face at the frame's edge better with grey beyond it than with the
 * convolutions' own zero padding.
 */
export interface Letterbox {
  readonly scale: number;
  readonly offsetX: number;
  readonly offsetY: number;
  readonly contentWidth: number;
  readonly contentHeight: number;
  /** The detector input's size: multiples of the coarse grid's stride (size / 8), at most `size`. */
  readonly inputWidth: number;
  readonly inputHeight: number;
}

export function letterbox(width: number, height: number, padding: number, size = BLAZEFACE_INPUT, step = size / 8): Letterbox {
  const side = Math.max(width, height) * (1 + 2 * padding);
  const scale = size / side;
  const contentWidth = Math.max(1, Math.round(width * scale));
  const contentHeight = Math.max(1, Math.round(height * scale));
  const border = 2 * padding * Math.max(width, height) * scale;
  const fit = (content: number): number => Math.min(size, Math.max(1, Math.ceil((content + border - 1e-9) / step)) * step);
  const inputWidth = fit(contentWidth);
  const inputHeight = fit(contentHeight);
  return {
    scale,
    offsetX: Math.floor((inputWidth - contentWidth) / 2),
    offsetY: Math.floor((inputHeight - contentHeight) / 2),
    contentWidth,
    contentHeight,
    inputWidth,
    inputHeight,
  };
}
