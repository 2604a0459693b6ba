import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { Point } from './types.ts';
import type { OnnxRunner } from '../runtime/onnx-run.ts';

/** The embedding networks the engine can run. Only one is the product default (see DEFAULT_EMBEDDER); the others are
 * kept for the accuracy harness, which chose the default by measurement (site/docs/face.md). */
export type EmbedderId = 'faceres' | 'faceres-deep' | 'dlib' | 'fr-feature' | 'fr-feature-float' | 'fr-feature-sdk';

export interface EmbedderSpec {
  readonly id: EmbedderId;
  /** Manifest id of the weights. */
  readonly modelId: string;
  /** Side of the square aligned crop the network takes. */
  readonly size: number;
  readonly dims: number;
  /** How the aligned crop is cut from the face's landmarks. Chosen by measurement on lfw-dev (site/docs/face.md). */
  readonly alignment: CropAlignment;
  /** Average the embedding of the crop and of its mirror image (test-time augmentation; one batch of two). */
  readonly mirror?: boolean;
}

/**
 * Where the crop puts the face, as fractions of its side. `five-points`: the eye centres, nose tip and mouth corners
 * (right eye, left eye, nose tip, right and left mouth corner, subject's view; landmarks.ts fivePoints). `mesh`: the
 * given FaceMesh vertices, the network's own training alignment reproduced as closely as the mesh allows.
 */
export type CropAlignment =
  | { readonly kind: 'five-points'; readonly points: readonly Point[] }
  /** FacePlugin's SDK: an exact affine map of three points (the eye centres and the nose tip) onto the first three. */
  | { readonly kind: 'three-points-affine'; readonly points: readonly Point[] }
  | { readonly kind: 'mesh'; readonly indices: readonly number[]; readonly points: readonly Point[] };

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

/**
 * dlib's own alignment: a least-squares similarity fit of the 51 inner iBUG-68 points (brows, nose, eyes, lips; not
 * the jaw line) onto dlib's mean face shape (dlib/image_transforms/interpolation.h, get_face_chip_details), padded by
 * 0.25. FaceMesh has no iBUG points, so each is the mesh vertex at the same place (MediaPipe's published
 * correspondence, iBUG order 17..67).
 */
const IBUG51_MESH = [
  70, 63, 105, 66, 107, 336, 296, 334, 293, 300, 168, 197, 5, 4, 75, 97, 2, 326, 305, 33, 160, 158, 133, 153, 144, 362, 385, 387, 263, 373, 380,
  61, 39, 37, 0, 267, 269, 291, 405, 314, 17, 84, 181, 78, 82, 13, 312, 308, 317, 14, 87,
];
const DLIB_MEAN_X = [
  0.000213256, 0.0752622, 0.18113, 0.29077, 0.393397, 0.586856, 0.689483, 0.799124, 0.904991, 0.98004, 0.490127, 0.490127, 0.490127, 0.490127,
  0.36688, 0.426036, 0.490127, 0.554217, 0.613373, 0.121737, 0.187122, 0.265825, 0.334606, 0.260918, 0.182743, 0.645647, 0.714428, 0.793132,
  0.858516, 0.79751, 0.719335, 0.254149, 0.340985, 0.428858, 0.490127, 0.551395, 0.639268, 0.726104, 0.642159, 0.556721, 0.490127, 0.423532,
  0.338094, 0.290379, 0.428096, 0.490127, 0.552157, 0.689874, 0.553364, 0.490127, 0.42689,
];
const DLIB_MEAN_Y = [
  0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891, 0.0187482, 0.038915, 0.106454, 0.203352, 0.307009, 0.409805,
  0.515625, 0.587326, 0.609345, 0.628106, 0.609345, 0.587326, 0.216423, 0.178758, 0.179852, 0.231733, 0.245099, 0.244077, 0.231733, 0.179852,
  0.178758, 0.216423, 0.244077, 0.245099, 0.780233, 0.745405, 0.727388, 0.742578, 0.727388, 0.745405, 0.780233, 0.864805, 0.902192, 0.909281,
  0.902192, 0.864805, 0.784792, 0.778746, 0.785343, 0.778746, 0.784792, 0.824182, 0.831803, 0.824182,
];
const DLIB_CHIP_51: CropAlignment = {
  kind: 'mesh',
  indices: IBUG51_MESH,
  points: DLIB_MEAN_X.map((x, i) => [(x + 0.25) / 1.5, (DLIB_MEAN_Y[i]! + 0.25) / 1.5] as Point),
};

/** ArcFace's five points scaled about the crop centre (see ARCFACE_5). */
export function zoomedTemplate(zoom: number): Point[] {
  return ARCFACE_5.map(([x, y]) => [0.5 + (x - 0.5) / zoom, 0.5 + (y - 0.5) / zoom] as Point);
}

export const EMBEDDERS: Readonly<Record<EmbedderId, EmbedderSpec>> = {
  faceres: { id: 'faceres', modelId: 'faceres', size: 224, dims: 1024, alignment: { kind: 'five-points', points: zoomedTemplate(1.5) } },
  'faceres-deep': { id: 'faceres-deep', modelId: 'faceres-deep', size: 224, dims: 1024, alignment: { kind: 'five-points', points: zoomedTemplate(1.5) } },
  // The default. dlib's own 51-point chip alignment and the mirror average were each measured on lfw-dev fold 1
  // (allPairs TAR@1e-3: five-point fit 87.5 %, + mirror 90.8 %, + 51-point fit 91.2 %); site/docs/face.md.
  dlib: { id: 'dlib', modelId: 'face-api-recognition', size: 150, dims: 128, alignment: DLIB_CHIP_51, mirror: true },
  // FacePlugin's MobileFaceNet (ArcFace-class, 512-d), on ArcFace's own 112x112 five-point template, weights uint8.
  // One view: with the uint8 FaceMesh the mirror average was worth nothing on the shipped template (lfw-dev all-pairs
  // TAR@1e-3 / 1e-4 98.05 / 95.65 % with it, 98.01 / 95.65 % without) and cost about 40 % of the chain; face.md.
  'fr-feature': { id: 'fr-feature', modelId: 'fr-feature', size: 112, dims: 512, alignment: { kind: 'five-points', points: ARCFACE_5 }, mirror: false },
  // The same network with its float weights, read from the ONNX file at load time (the uint8 copy's reference).
  'fr-feature-float': { id: 'fr-feature-float', modelId: 'fr-feature-onnx', size: 112, dims: 512, alignment: { kind: 'five-points', points: ARCFACE_5 }, mirror: false },
  // As FacePlugin's SDK frames it: a three-point affine (eyes, nose tip), no mirror view. For the comparison only.
  'fr-feature-sdk': { id: 'fr-feature-sdk', modelId: 'fr-feature-onnx', size: 112, dims: 512, alignment: { kind: 'three-points-affine', points: ARCFACE_5.slice(0, 3) } },
};

/** The embedders that run an ONNX graph through onnx-run.ts. */
export const isOnnxEmbedder = (spec: EmbedderSpec): boolean => spec.id.startsWith('fr-feature');

export interface Embedder {
  readonly spec: EmbedderSpec;
  /**
   * `crops` is [n, size, size, 3] float RGB 0..255: views of one face (the aligned crop and, with `spec.mirror`, its
   * mirror image). Returns the raw descriptor of a single view, or the sum of the views' unit descriptors. Does not
   * dispose `crops`.
   */
  embed(crops: tf.Tensor4D): Promise<Float32Array>;
  dispose(): void;
}

/** One view's descriptor as it is; several views' unit descriptors summed. `d` is [views, dims]. */
function combineViews(d: tf.Tensor2D): tf.Tensor {
  return d.shape[0] > 1 ? tf.sum(tf.div(d, tf.norm(d, 2, 1, true)), 0) : tf.reshape(d, [-1]);
}

/** HSE FaceRes (human's faceres / faceres-deep): RGB 0..255 in, the 1024-d global-pooling output is the descriptor. */
export function faceResEmbedder(spec: EmbedderSpec, model: GraphModel): Embedder {
  return {
    spec,
    async embed(crops) {
      const outputs = model.execute(crops) as tf.Tensor[];
      const desc = outputs.find((t) => t.shape[t.shape.length - 1] === spec.dims);
      if (!desc) {
        tf.dispose(outputs);
        throw new Error(`${spec.id}: no ${spec.dims}-d output`);
      }
      const one = tf.tidy(() => combineViews(tf.reshape(desc, [crops.shape[0], spec.dims])));
      tf.dispose(outputs);
      const data = (await one.data()) as Float32Array;
      one.dispose();
      return data;
    },
    dispose: () => model.dispose(),
  };
}

/**
 * An ONNX embedding graph run by our reader (engine/runtime/onnx-run.ts) on the engine's tfjs: FacePlugin's
 * MobileFaceNet takes RGB as (x - 127) / 128 (its SDK's own normalisation). With `spec.mirror` the batch holds the
 * crop and its mirror image, and their unit descriptors are summed.
 */
export function onnxEmbedder(spec: EmbedderSpec, runner: OnnxRunner): Embedder {
  return {
    spec,
    async embed(crops) {
      const result = tf.tidy(() => {
        const out = runner.run(tf.div(tf.sub(crops, 127), 128) as tf.Tensor4D);
        return combineViews(tf.reshape(out, [crops.shape[0], spec.dims]));
      });
      const data = (await result.data()) as Float32Array;
      result.dispose();
      return data;
    },
    dispose: () => runner.dispose(),
  };
}

/**
 * dlib's ResNet-34 face recogniser (the weights @vladmandic/face-api ships), run with our own tfjs: the forward pass
 * below follows face-api's FaceRecognitionNet op for op, so the same weights give the same 128-d descriptor without
 * a second copy of tfjs or face-api's 1 MB bundle (dlib-port.test.ts checks it number for number against face-api).
 * Input normalisation as face-api (subtract the mean RGB, divide by 255), folded into the first layer. With
 * `spec.mirror` the pipeline passes the crop and its mirror image as one batch of two, and the result is the sum of
 * their unit descriptors.
 */
export function dlibEmbedder(spec: EmbedderSpec, weights: tf.NamedTensorMap): Embedder {
  const layers = foldDlibWeights(weights);
  const layer = (name: string): FoldedConv => {
    const l = layers.get(name);
    if (!l) throw new Error(`dlib weights: missing ${name}`);
    return l;
  };
  const convLayer = (x: tf.Tensor4D, prefix: string, stride: 1 | 2, relu: boolean, padding: 'same' | 'valid'): tf.Tensor4D => {
    const { filter, bias } = layer(prefix);
    return tf.fused.conv2d({ x, filter, strides: stride, pad: padding, bias, activation: relu ? 'relu' : 'linear' });
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
  const fc = weights.fc;
  if (!fc) throw new Error('dlib weights: missing fc');
  return {
    spec,
    async embed(crops) {
      const result = tf.tidy(() => {
        // The input normalisation is folded into this first layer (foldDlibWeights), so the crop goes in as it is.
        let out = convLayer(crops, 'conv32_down', 2, true, 'valid');
        out = tf.maxPool(out, 3, 2, 'valid');
        for (const p of ['conv32_1', 'conv32_2', 'conv32_3']) out = residual(out, p);
        out = residualDown(out, 'conv64_down');
        for (const p of ['conv64_1', 'conv64_2', 'conv64_3']) out = residual(out, p);
        out = residualDown(out, 'conv128_down');
        for (const p of ['conv128_1', 'conv128_2']) out = residual(out, p);
        out = residualDown(out, 'conv256_down');
        for (const p of ['conv256_1', 'conv256_2']) out = residual(out, p);
        out = residualDown(out, 'conv256_down_out');
        return combineViews(tf.matMul(tf.mean(out, [1, 2]) as tf.Tensor2D, fc as tf.Tensor2D));
      });
      const data = (await result.data()) as Float32Array;
      result.dispose();
      return data;
    },
    dispose: () => {
      for (const l of layers.values()) tf.dispose([l.filter, l.bias]);
      fc.dispose();
    },
  };
}

interface FoldedConv {
  readonly filter: tf.Tensor4D;
  readonly bias: tf.Tensor1D;
}

/** face-api's normalisation of the dlib input: subtract the mean RGB, divide by 255. */
const DLIB_MEAN_RGB = [122.782, 117.001, 104.298] as const;

/**
 * Each dlib layer is a convolution, a bias and a per-channel affine "scale" layer: w * (conv(x, f) + b) + s is
 * conv(x, f * w) + (b * w + s), one fused conv2d (with its ReLU) instead of five ops. The first layer also absorbs
 * the input normalisation: it pads nothing ('valid'), so conv((x - mean) / 255, f) = conv(x, f / 255) -
 * sum(f * mean) / 255 exactly. The originals are disposed; the folded set is what the embedder keeps.
 */
function foldDlibWeights(weights: tf.NamedTensorMap): Map<string, FoldedConv> {
  const prefixes = [...new Set(Object.keys(weights).filter((k) => k.endsWith('/conv/filters')).map((k) => k.slice(0, -'/conv/filters'.length)))];
  const layers = new Map<string, FoldedConv>();
  for (const prefix of prefixes) {
    const get = (name: string): tf.Tensor => {
      const t = weights[`${prefix}/${name}`];
      if (!t) throw new Error(`dlib weights: missing ${prefix}/${name}`);
      return t;
    };
    const folded = tf.tidy(() => {
      const w = get('scale/weights');
      let filter = tf.mul(get('conv/filters'), w) as tf.Tensor4D;
      let bias = tf.add(tf.mul(get('conv/bias'), w), get('scale/biases')) as tf.Tensor1D;
      if (prefix === 'conv32_down') {
        filter = tf.div(filter, 255) as tf.Tensor4D;
        const mean = tf.reshape(tf.tensor1d([...DLIB_MEAN_RGB]), [1, 1, 3, 1]);
        bias = tf.sub(bias, tf.sum(tf.mul(filter, mean), [0, 1, 2])) as tf.Tensor1D;
      }
      return { filter, bias };
    });
    layers.set(prefix, folded);
    for (const name of ['conv/filters', 'conv/bias', 'scale/weights', 'scale/biases']) get(name).dispose();
  }
  return layers;
}
