import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { loadGraphModel, type LoadProgress } from '../runtime/load-model.ts';
import { urlSource, type ModelSource } from '../runtime/model-source.ts';
import { frameToTensor, type FrameInput } from '../runtime/frame.ts';
import { initBackend, type BackendOptions } from '../runtime/backend.ts';
import type { Box } from '../face/index.ts';
import type { PassiveScores } from './types.ts';
import { PASSIVE_MODELS } from './decide.ts';

export { PASSIVE_MODELS } from './decide.ts';

/**
 * How much larger than the detector's face box the crop fed to both models is. human feeds them the face crop it
 * also gives FaceMesh (the box enlarged by its detector scale of 1.4 ... 1.5); the models saw that framing in
 * training, with some background around the face, which is where screen and print edges show.
 */
export const PASSIVE_CROP_SCALE = 1.5;

/**
 * Runs human's two small passive anti-spoofing classifiers on a face crop. Both are weak on their own (undocumented
 * training data; see site/docs/liveness.md for what they score on our fixtures), so decideLiveness uses them as one
 * signal among several, never alone.
 */
export class PassiveScorer {
  /** `antispoof` undefined: not loaded (the policy does not use it); its score is then NaN. */
  constructor(
    private readonly antispoof: GraphModel | undefined,
    private readonly liveness: GraphModel,
  ) {}

  /** `rgb` is an [h, w, 3] tensor of 0..255 values (not disposed); `box` the detector's face box in its pixels. */
  async score(rgb: tf.Tensor3D, box: Box): Promise<PassiveScores> {
    const [height, width] = rgb.shape;
    const side = Math.max(box.width, box.height) * PASSIVE_CROP_SCALE;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    // Normalised [y1, x1, y2, x2]; parts outside the frame are filled with 0 (black), as a camera edge would be.
    const region = [(cy - side / 2) / height, (cx - side / 2) / width, (cy + side / 2) / height, (cx + side / 2) / width];
    const [a, l] = tf.tidy(() => {
      const image = tf.expandDims(tf.div(tf.cast(rgb, 'float32'), 255), 0) as tf.Tensor4D;
      const crop = (size: number): tf.Tensor4D => tf.image.cropAndResize(image, [region], [0], [size, size], 'bilinear', 0);
      return [this.antispoof ? (this.antispoof.execute(crop(128)) as tf.Tensor) : undefined, this.liveness.execute(crop(32)) as tf.Tensor] as const;
    });
    try {
      const [as, lv] = await Promise.all([a?.data(), l.data()]);
      // liveness outputs two softmax probabilities; human reports the first as its "live" score, and so do we
      // (the manifest's [fake, real] reading was checked against the fixtures: see site/docs/liveness.md).
      return { antispoof: as ? as[0]! : Number.NaN, liveness: lv[0]! };
    } finally {
      a?.dispose();
      l.dispose();
    }
  }

  /** Convenience for a whole frame (decoded pixels, ImageBitmap, VideoFrame ...). */
  async scoreFrame(frame: FrameInput, box: Box): Promise<PassiveScores> {
    const rgb = await frameToTensor(frame);
    try {
      return await this.score(rgb, box);
    } finally {
      rgb.dispose();
    }
  }

  dispose(): void {
    this.antispoof?.dispose();
    this.liveness.dispose();
  }
}

export interface PassiveScorerOptions {
  /** Same-origin base URL of the models folder, or a ModelSource (Node: packageSource() from 'eidkit/node'). */
  readonly models: string | ModelSource;
  readonly backend?: BackendOptions;
  readonly onProgress?: (progress: LoadProgress) => void;
  /**
   * Load and run the antispoof model too (default true). The default policy does not use its score
   * (passiveAntispoofMin 0; passiveModelsFor() says which models a policy needs): an app can skip its download
   * (0.85 MB) and its per-frame cost. Its score is then NaN, and a policy that asks for it fails closed.
   */
  readonly antispoof?: boolean;
}

/** Loads the passive models (hash-checked, from the pinned manifest) in the current realm. */
export async function createPassiveScorer(options: PassiveScorerOptions): Promise<PassiveScorer> {
  const source = typeof options.models === 'string' ? urlSource(options.models) : options.models;
  const wasmBase = typeof options.models === 'string' ? options.models : undefined;
  await initBackend({ ...(wasmBase ? { wasmBase } : {}), ...options.backend });
  const ids = PASSIVE_MODELS.filter((id) => id !== 'antispoof' || options.antispoof !== false);
  const models = new Map(await Promise.all(ids.map(async (id) => [id, await loadGraphModel(id, source, options.onProgress)] as const)));
  return new PassiveScorer(models.get('antispoof'), models.get('liveness')!);
}
