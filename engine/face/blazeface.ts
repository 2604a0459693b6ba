import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { BLAZEFACE_INPUT, ROW, decodeCandidates, generateAnchors, letterbox, toSourceSpace, type Letterbox } from './blazeface-decode.ts';
import type { GraphNode } from '../runtime/load-model.ts';
import { EidkitError } from '../errors.ts';
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
 * the same 896 anchors (16x16x2 then 8x8x6) and row layout at their square input, scaled to its size; loaded with
 * anySizeInput they read a non-square frame at the same scale through fewer pixels (letterbox).
 */
export type DetectorId = 'full-range' | 'short-range';
export const DETECTORS: Readonly<Record<DetectorId, { readonly modelId: string; readonly inputSize: number; readonly anySize: boolean }>> = {
  // The full-range graph reads a non-square frame through an input of its shape (anySizeInput, letterbox): on the
  // fixture photos and camera frames the same faces as through its square input (blazeface-any-size.test.ts).
  'full-range': { modelId: 'blazeface', inputSize: BLAZEFACE_INPUT, anySize: true },
  // The short-range one keeps its square: it is the preview's detector and fast enough as it is, and through 128x112
  // its boxes moved more (on the same images, the same faces found but one box or keypoint moved by 0.31 of the
  // face's width; through 128x96, 3 faces were lost).
  'short-range': { modelId: 'blazeface-front', inputSize: 128, anySize: false },
};

/**
 * The topology edit (loadGraphModel's `edit`) that lets a BlazeFace graph take any H x W input (multiples of its
 * coarse grid's stride, letterbox): its placeholder's fixed 256x256 (128x128) becomes -1 x -1, and its four outputs
 * skip the Reshape to the fixed anchor count, returning the fine and coarse grids ([1, h, w, 2 | 32] and
 * [1, h / 2, w / 2, 6 | 96]) as the convolutions give them. The weights and every other node are untouched; at its
 * square input the rows are the model's own.
 */
export function anySizeInput(nodes: GraphNode[]): void {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  for (const n of nodes) {
    if (n.op === 'Placeholder') {
      const dim = ((n.attr?.shape as { shape?: { dim?: { size: string }[] } } | undefined)?.shape?.dim ?? []) as { size: string }[];
      if (dim.length !== 4) throw new EidkitError('runtime/model-invalid', `BlazeFace graph input ${n.name} is not NHWC.`, { node: n.name });
      dim[1]!.size = '-1';
      dim[2]!.size = '-1';
    }
    if (n.op === 'Identity') {
      const from = byName.get(n.input?.[0] ?? '');
      if (from?.op === 'Reshape' && from.input?.[0]) n.input = [from.input[0]];
    }
  }
}

export class BlazeFaceDetector {
  private readonly anchors = new Map<string, Float32Array>();
  /** Whether the graph was loaded with anySizeInput; a graph loaded as is takes only its square input. */
  private readonly anySize: boolean;

  constructor(
    private readonly model: GraphModel,
    private readonly size: number = BLAZEFACE_INPUT,
  ) {
    this.anySize = model.inputs[0]?.shape?.[1] === -1;
  }

  /**
   * Detects faces in RGBA pixels. The letterboxed model input is resampled in one JS pass over the ~210x160 content
   * pixels, so the whole frame never becomes a tensor (at 640x480 the frame tensor, its resize and the padding cost
   * more than a quarter of the detector's time). The resampling is tf.image.resizeBilinear's (align corners off, no
   * half-pixel centres; blazeface-input.test.ts holds it to that). With an any-size graph the input is the
   * letterbox's own shape (256x224 for a 4:3 frame), else the model's square.
   */
  async detect(px: RgbaImage, options: DetectOptions = {}): Promise<DetectedFace[]> {
    const o = { ...DETECT_DEFAULTS, ...options };
    // A square graph takes only its own size: a step of the whole side makes the letterbox that square.
    const lb = letterbox(px.width, px.height, o.padding, this.size, this.anySize ? this.size / 8 : this.size);
    const input = tf.tensor4d(letterboxedInput(px, lb), [1, lb.inputHeight, lb.inputWidth, 3]);
    return this.run(input, lb, o);
  }

  /** Runs the model on a [1, h, w, 3] input (disposed here) and decodes its boxes into source pixels. */
  private async run(input: tf.Tensor4D, lb: Letterbox, o: Required<DetectOptions>): Promise<DetectedFace[]> {
    const outputs = this.model.execute(input) as tf.Tensor[];
    input.dispose();
    const rows = tf.tidy(() => {
      // Neither converted graph names its outputs usefully: order the four by size (human does the same); the fine
      // grid has 4/3 of the coarse grid's anchors at any input shape, so the order is always the same.
      const [sc, sf, rc, rf] = [...outputs].sort((a, b) => a.size - b.size) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const grid = (s: tf.Tensor, r: tf.Tensor) => tf.concat([tf.reshape(s, [-1, 1]), tf.reshape(r, [-1, ROW - 1])], 1);
      return tf.concat([grid(sf, rf), grid(sc, rc)], 0);
    });
    tf.dispose(outputs);
    const data = (await rows.data()) as Float32Array;
    rows.dispose();
    return decodeCandidates(data, this.anchorsFor(lb.inputWidth, lb.inputHeight), o).map((c) => toSourceSpace(c, lb));
  }

  private anchorsFor(width: number, height: number): Float32Array {
    const key = `${width}x${height}`;
    let a = this.anchors.get(key);
    if (!a) this.anchors.set(key, (a = generateAnchors(width, height, this.size)));
    return a;
  }
}

/**
 * BlazeFace's input from RGBA pixels (lb.inputHeight x lb.inputWidth): the image bilinearly resized into the
 * letterbox's content rectangle, scaled to [-1, 1], the border left at 0 (mid-grey). Sampling follows tf.image.resizeBilinear without align corners or
 * half-pixel centres: source = destination x (in / out), between floor and ceil.
 */
export function letterboxedInput(px: RgbaImage, lb: Letterbox): Float32Array {
  const { width, height, data } = px;
  const out = new Float32Array(lb.inputWidth * lb.inputHeight * 3);
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
    let o = ((y + lb.offsetY) * lb.inputWidth + lb.offsetX) * 3;
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
