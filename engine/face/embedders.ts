import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { Point } from './types.ts';

/** The embedding networks the engine can run. Only one is the product default (see DEFAULT_EMBEDDER); the others are
 * kept for the accuracy harness, which chose the default by measurement (site/docs/face.md). */
export type EmbedderId = 'faceres' | 'faceres-deep' | 'dlib';

export interface EmbedderSpec {
  readonly id: EmbedderId;
  /** Manifest id of the weights. */
  readonly modelId: string;
  /** Side of the square aligned crop the network takes. */
  readonly size: number;
  readonly dims: number;
  /**
   * Where the five alignment points (right eye, left eye, nose tip, right and left mouth corner, subject's view)
   * land in the crop, as fractions of its side. Chosen by measurement on lfw-dev (site/docs/face.md).
   */
  readonly template: readonly Point[];
}

/**
 * ArcFace's 112x112 five-point template (InsightFace), as fractions. A `zoom` > 1 shrinks the face inside the crop
 * (more context: hair line, jaw), which networks trained on loose VGGFace2 crops prefer.
 */
const ARCFACE_5: readonly Point[] = [
  [38.2946 / 112, 51.6963 / 112],
  [73.5318 / 112, 51.5014 / 112],
  [56.0252 / 112, 71.7366 / 112],
  [41.5493 / 112, 92.3655 / 112],
  [70.7299 / 112, 92.2041 / 112],
];

export function zoomedTemplate(zoom: number, shiftY = 0): Point[] {
  return ARCFACE_5.map(([x, y]) => [0.5 + (x - 0.5) / zoom, 0.5 + (y - 0.5) / zoom + shiftY] as Point);
}

export const EMBEDDERS: Readonly<Record<EmbedderId, EmbedderSpec>> = {
  faceres: { id: 'faceres', modelId: 'faceres', size: 224, dims: 1024, template: zoomedTemplate(1.5) },
  'faceres-deep': { id: 'faceres-deep', modelId: 'faceres-deep', size: 224, dims: 1024, template: zoomedTemplate(1.5) },
  dlib: { id: 'dlib', modelId: 'face-api-recognition', size: 150, dims: 128, template: zoomedTemplate(1.5) },
};

export interface Embedder {
  readonly spec: EmbedderSpec;
  /** `crop` is [1, size, size, 3] float RGB 0..255; returns the raw (unnormalised) embedding. Does not dispose `crop`. */
  embed(crop: tf.Tensor4D): Promise<Float32Array>;
  dispose(): void;
}

/** HSE FaceRes (human's faceres / faceres-deep): RGB 0..255 in, the 1024-d global-pooling output is the descriptor. */
export function faceResEmbedder(spec: EmbedderSpec, model: GraphModel): Embedder {
  return {
    spec,
    async embed(crop) {
      const outputs = model.execute(crop) as tf.Tensor[];
      const desc = outputs.find((t) => t.shape[t.shape.length - 1] === spec.dims);
      if (!desc) {
        tf.dispose(outputs);
        throw new Error(`${spec.id}: no ${spec.dims}-d output`);
      }
      const data = (await desc.data()) as Float32Array;
      tf.dispose(outputs);
      return data;
    },
    dispose: () => model.dispose(),
  };
}

/**
 * dlib's ResNet-34 face recogniser (the weights @vladmandic/face-api ships), run with our own tfjs: the forward pass
 * below follows face-api's FaceRecognitionNet op for op, so the same weights give the same 128-d descriptor without
 * a second copy of tfjs. Input normalisation as face-api: subtract the mean RGB, divide by 255.
 */
export function dlibEmbedder(spec: EmbedderSpec, weights: tf.NamedTensorMap): Embedder {
  const w = (name: string): tf.Tensor => {
    const t = weights[name];
    if (!t) throw new Error(`dlib weights: missing ${name}`);
    return t;
  };
  const convLayer = (x: tf.Tensor4D, prefix: string, stride: 1 | 2, relu: boolean, padding: 'same' | 'valid'): tf.Tensor4D => {
    let out = tf.conv2d(x, w(`${prefix}/conv/filters`) as tf.Tensor4D, stride, padding);
    out = tf.add(out, w(`${prefix}/conv/bias`)) as tf.Tensor4D;
    out = tf.add(tf.mul(out, w(`${prefix}/scale/weights`)), w(`${prefix}/scale/biases`)) as tf.Tensor4D;
    return relu ? tf.relu(out) : out;
  };
  const residual = (x: tf.Tensor4D, prefix: string): tf.Tensor4D => {
    const out = convLayer(convLayer(x, `${prefix}/conv1`, 1, true, 'same'), `${prefix}/conv2`, 1, false, 'same');
    return tf.relu(tf.add(out, x)) as tf.Tensor4D;
  };
  const residualDown = (x: tf.Tensor4D, prefix: string): tf.Tensor4D => {
    let out = convLayer(convLayer(x, `${prefix}/conv1`, 2, true, 'valid'), `${prefix}/conv2`, 1, false, 'same');
    let pooled = tf.avgPool(x, 2, 2, 'valid');
    if (pooled.shape[1] !== out.shape[1] || pooled.shape[2] !== out.shape[2]) {
      out = tf.concat([out, tf.zeros([out.shape[0], 1, out.shape[2], out.shape[3]])], 1);
      out = tf.concat([out, tf.zeros([out.shape[0], out.shape[1], 1, out.shape[3]])], 2);
    }
    if (pooled.shape[3] !== out.shape[3]) pooled = tf.concat([pooled, tf.zeros(pooled.shape)], 3);
    return tf.relu(tf.add(pooled, out)) as tf.Tensor4D;
  };
  const mean = tf.tensor1d([122.782, 117.001, 104.298]);
  return {
    spec,
    async embed(crop) {
      const result = tf.tidy(() => {
        let out = convLayer(tf.div(tf.sub(crop, mean), 255) as tf.Tensor4D, 'conv32_down', 2, true, 'valid');
        out = tf.maxPool(out, 3, 2, 'valid');
        for (const p of ['conv32_1', 'conv32_2', 'conv32_3']) out = residual(out, p);
        out = residualDown(out, 'conv64_down');
        for (const p of ['conv64_1', 'conv64_2', 'conv64_3']) out = residual(out, p);
        out = residualDown(out, 'conv128_down');
        for (const p of ['conv128_1', 'conv128_2']) out = residual(out, p);
        out = residualDown(out, 'conv256_down');
        for (const p of ['conv256_1', 'conv256_2']) out = residual(out, p);
        out = residualDown(out, 'conv256_down_out');
        return tf.matMul(tf.mean(out, [1, 2]) as tf.Tensor2D, w('fc') as tf.Tensor2D);
      });
      const data = (await result.data()) as Float32Array;
      result.dispose();
      return data;
    },
    dispose: () => {
      mean.dispose();
      tf.dispose(Object.values(weights));
    },
  };
}
