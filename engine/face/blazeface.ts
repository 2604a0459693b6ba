import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { BLAZEFACE_INPUT, ROW, decodeCandidates, generateAnchors, letterbox, toSourceSpace, type Letterbox } from './blazeface-decode.ts';
import type { DetectedFace } from './types.ts';
import type { RgbaImage } from '../runtime/frame.ts';

export interface DetectOptions {
  /** Minimum detector confidence for a face to count. */
  readonly minScore?: number;
  readonly iouThreshold?: number;
  readonly maxFaces?: number;
  /** Border added around the image, as a fraction of its longer side (see `letterbox`). */
  readonly padding?: number;
}

/**
 * Defaults chosen on ../shared/fixtures/faces/groups and edge: a 0.5 minimum score keeps every clearly visible face
 * in the group photos (the half-hidden girl in obama_and_biden scores 0.54, a background false hit 0.34) and the blank
 * image at zero; 0.3 IoU merges the duplicate boxes BlazeFace emits at its two anchor scales without merging
 * neighbours in a crowd.
 */
export const DETECT_DEFAULTS: Required<DetectOptions> = { minScore: 0.5, iouThreshold: 0.3, maxFaces: 20, padding: 0.1 };

/**
 * The two BlazeFace variants eidkit ships: MediaPipe's full-range (back-camera) model at 256 px, the default for
 * analysis and templates (face accuracy was measured with it), and the short-range (front-camera, selfie) model at
 * 128 px, about a fifth of the compute, for a live preview that only needs "is there a face and where". Both emit
 * the same 896 anchors (16x16x2 then 8x8x6) and row layout, scaled to their input size.
 */
export type DetectorId = 'full-range' | 'short-range';
export const DETECTORS: Readonly<Record<DetectorId, { readonly modelId: string; readonly inputSize: number }>> = {
  'full-range': { modelId: 'blazeface', inputSize: BLAZEFACE_INPUT },
  'short-range': { modelId: 'blazeface-front', inputSize: 128 },
};

export class BlazeFaceDetector {
  private readonly anchors: Float32Array;

  constructor(
    private readonly model: GraphModel,
    private readonly size: number = BLAZEFACE_INPUT,
  ) {
    this.anchors = generateAnchors(size);
  }

  /**
   * Detects faces in RGBA pixels. The letterboxed model input is resampled in one JS pass over the ~210x160 content
   * pixels, so the whole frame never becomes a tensor (at 640x480 the frame tensor, its resize and the padding cost
   * more than a quarter of the detector's time). The resampling is tf.image.resizeBilinear's (align corners off, no
   * half-pixel centres; blazeface-input.test.ts holds it to that).
   */
  async detect(px: RgbaImage, options: DetectOptions = {}): Promise<DetectedFace[]> {
    const o = { ...DETECT_DEFAULTS, ...options };
    const lb = letterbox(px.width, px.height, o.padding, this.size);
    const input = tf.tensor4d(letterboxedInput(px, lb, this.size), [1, this.size, this.size, 3]);
    return this.run(input, lb, o);
  }

  /** Runs the model on a [1, size, size, 3] input (disposed here) and decodes its boxes into source pixels. */
  private async run(input: tf.Tensor4D, lb: Letterbox, o: Required<DetectOptions>): Promise<DetectedFace[]> {
    const outputs = this.model.execute(input) as tf.Tensor[];
    input.dispose();
    const rows = tf.tidy(() => {
      // Neither converted graph names its outputs usefully: order the four by size (human does the same); both
      // variants have the same four shapes.
      const [s384, s512, r384, r512] = [...outputs].sort((a, b) => a.size - b.size) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const grid512 = tf.concat([s512, r512], 2);
      const grid384 = tf.concat([s384, r384], 2);
      return tf.reshape(tf.concat([grid512, grid384], 1), [-1, ROW]);
    });
    tf.dispose(outputs);
    const data = (await rows.data()) as Float32Array;
    rows.dispose();
    return decodeCandidates(data, this.anchors, o).map((c) => toSourceSpace(c, lb));
  }
}

/**
 * BlazeFace's input from RGBA pixels: the image bilinearly resized into the letterbox's content rectangle, scaled to
 * [-1, 1], the border left at 0 (mid-grey). Sampling follows tf.image.resizeBilinear without align corners or
 * half-pixel centres: source = destination x (in / out), between floor and ceil.
 */
export function letterboxedInput(px: RgbaImage, lb: Letterbox, size = BLAZEFACE_INPUT): Float32Array {
  const { width, height, data } = px;
  const out = new Float32Array(size * size * 3);
  const sy = height / lb.contentHeight;
  const sx = width / lb.contentWidth;
  const x0s = new Int32Array(lb.contentWidth);
  const x1s = new Int32Array(lb.contentWidth);
  const fxs = new Float32Array(lb.contentWidth);
  for (let x = 0; x < lb.contentWidth; x++) {
    const f = x * sx;
    x0s[x] = Math.floor(f) * 4;
    x1s[x] = Math.min(width - 1, Math.ceil(f)) * 4;
    fxs[x] = f - Math.floor(f);
  }
  const k = 1 / 127.5;
  for (let y = 0; y < lb.contentHeight; y++) {
    const f = y * sy;
    const top = Math.floor(f) * width * 4;
    const bottom = Math.min(height - 1, Math.ceil(f)) * width * 4;
    const fy = f - Math.floor(f);
    let o = ((y + lb.offsetY) * size + lb.offsetX) * 3;
    for (let x = 0; x < lb.contentWidth; x++) {
      const a = top + x0s[x]!;
      const b = top + x1s[x]!;
      const c = bottom + x0s[x]!;
      const d = bottom + x1s[x]!;
      const fx = fxs[x]!;
      for (let ch = 0; ch < 3; ch++) {
        const t = data[a + ch]! + (data[b + ch]! - data[a + ch]!) * fx;
        const u = data[c + ch]! + (data[d + ch]! - data[c + ch]!) * fx;
        out[o++] = (t + (u - t) * fy) * k - 1;
      }
    }
  }
  return out;
}
