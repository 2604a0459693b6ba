import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { BLAZEFACE_INPUT, ROW, decodeCandidates, generateAnchors, letterbox, toSourceSpace } from './blazeface-decode.ts';
import type { DetectedFace } from './types.ts';

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

export class BlazeFaceDetector {
  private readonly anchors = generateAnchors(BLAZEFACE_INPUT);

  constructor(private readonly model: GraphModel) {}

  /** `rgb` is an int32 or float [h, w, 3] tensor with 0..255 values; it is not disposed. */
  async detect(rgb: tf.Tensor3D, options: DetectOptions = {}): Promise<DetectedFace[]> {
    const o = { ...DETECT_DEFAULTS, ...options };
    const [height, width] = rgb.shape;
    const lb = letterbox(width, height, o.padding);
    const input = tf.tidy(() => {
      const resized = tf.image.resizeBilinear(rgb, [lb.contentHeight, lb.contentWidth]);
      const normalised = tf.sub(tf.div(resized, 127.5), 1);
      // Padding after normalising fills the border with 0, mid-grey in the model's [-1, 1] range: a neutral border.
      const padded = tf.pad(normalised, [
        [lb.offsetY, BLAZEFACE_INPUT - lb.contentHeight - lb.offsetY],
        [lb.offsetX, BLAZEFACE_INPUT - lb.contentWidth - lb.offsetX],
        [0, 0],
      ]);
      return tf.expandDims(padded, 0);
    });
    const outputs = this.model.execute(input) as tf.Tensor[];
    input.dispose();
    const rows = tf.tidy(() => {
      // The converted graph has no output signature: order the four outputs by size (human does the same).
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
