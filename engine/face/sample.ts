import type { RgbaImage } from '../runtime/frame.ts';
import type { Box } from './types.ts';

/**
 * A small copy of a frame's pixels, taken by the face engine where the pixels already are (a worker), for measures
 * that compare frames (liveness tracks texture from frame to frame and looks for screen and print artefacts). Plain
 * data: it crosses the worker boundary as is, at about 80 KB for a 640 x 480 camera frame.
 */
export interface FrameSample {
  /** Luma (BT.601) of the whole frame, box-filtered by an integer factor to at most `frameSide` on the longer side. */
  readonly gray: { readonly data: Uint8Array; readonly width: number; readonly height: number };
  /** Frame pixels per gray pixel (in the caller's frame pixels). */
  readonly grayScale: number;
  /**
   * RGBA of a square around the main face (its box enlarged by FACE_SAMPLE_SCALE) at the frame's own resolution
   * (nearest pixel, no filtering, so a screen's pixel grid survives), shrunk by an integer factor only when larger
   * than `faceSide`. `x`, `y`: its top-left corner in caller frame pixels; `scale`: caller pixels per sample pixel.
   */
  readonly face?: RgbaImage & { readonly x: number; readonly y: number; readonly scale: number };
}

export interface SampleOptions {
  /** Longest side of the gray frame. Default 320. */
  readonly frameSide?: number;
  /** Longest side of the face sample. Default 128. */
  readonly faceSide?: number;
}

/** The face square is the detector box enlarged by this (some skin beyond the cheeks, little background). */
export const FACE_SAMPLE_SCALE = 1.2;

/**
 * Samples `px` (the engine's working copy of the frame; `scale` caller pixels per working pixel). `box` is in
 * working pixels.
 */
export function sampleFrame(px: RgbaImage, scale: number, box: Box | undefined, options: SampleOptions = {}): FrameSample {
  const frameSide = options.frameSide ?? 320;
  const faceSide = options.faceSide ?? 128;
  const f = Math.max(1, Math.ceil(Math.max(px.width, px.height) / frameSide));
  const w = Math.floor(px.width / f);
  const h = Math.floor(px.height / f);
  const gray = new Uint8Array(w * h);
  const d = px.data;
  const inv = 1 / (f * f);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let j = 0; j < f; j++) {
        let o = ((y * f + j) * px.width + x * f) * 4;
        for (let i = 0; i < f; i++, o += 4) s += 0.299 * d[o]! + 0.587 * d[o + 1]! + 0.114 * d[o + 2]!;
      }
      gray[y * w + x] = Math.round(s * inv);
    }
  }
  let face: FrameSample['face'];
  if (box) {
    const side = Math.max(box.width, box.height) * FACE_SAMPLE_SCALE;
    const k = Math.max(1, Math.ceil(side / faceSide));
    const n = Math.max(8, Math.floor(side / k));
    const x0 = Math.round(box.x + box.width / 2 - (n * k) / 2);
    const y0 = Math.round(box.y + box.height / 2 - (n * k) / 2);
    const data = new Uint8Array(n * n * 4);
    for (let y = 0; y < n; y++) {
      const sy = Math.min(px.height - 1, Math.max(0, y0 + y * k));
      for (let x = 0; x < n; x++) {
        const sx = Math.min(px.width - 1, Math.max(0, x0 + x * k));
        const o = (sy * px.width + sx) * 4;
        const q = (y * n + x) * 4;
        data[q] = d[o]!;
        data[q + 1] = d[o + 1]!;
        data[q + 2] = d[o + 2]!;
        data[q + 3] = 255;
      }
    }
    face = { data, width: n, height: n, x: x0 * scale, y: y0 * scale, scale: k * scale };
  }
  return { gray: { data: gray, width: w, height: h }, grayScale: f * scale, ...(face ? { face } : {}) };
}
