import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, inject, test } from 'vitest';
import { dlibEmbedder, EMBEDDERS } from './embedders.ts';
import { initBackend } from '../runtime/backend.ts';
import { decodeImage, fixture } from '../../test-fixtures/node-images.ts';

/**
 * Our dlib forward pass against face-api's own FaceRecognitionNet, on the same weights and the same 150x150 input:
 * the engine's default embedding must be dlib's descriptor, not an approximation of it.
 */
const require = createRequire(import.meta.url);
const modelDir = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');

function loadWeights(): tf.NamedTensorMap {
  const manifest = JSON.parse(readFileSync(join(modelDir, 'face_recognition_model-weights_manifest.json'), 'utf8')) as { weights: tf.io.WeightsManifestEntry[] }[];
  const bin = readFileSync(join(modelDir, 'face_recognition_model.bin'));
  return tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length), manifest[0]!.weights);
}

describe('dlib ResNet-34 port', () => {
  let reference: { computeFaceDescriptor(t: tf.Tensor3D): Promise<Float32Array> };
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
    // face-api's node-wasm build shares our tfjs (same registry), so both run on the same backend.
    const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as typeof import('@vladmandic/face-api');
    await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);
    reference = faceapi.nets.faceRecognitionNet as unknown as typeof reference;
  });

  const compare = async (input: tf.Tensor4D) => {
    const ours = dlibEmbedder({ ...EMBEDDERS.dlib, mirror: false }, loadWeights());
    const a = await ours.embed(input);
    const ref = await reference.computeFaceDescriptor(tf.squeeze(input, [0]) as tf.Tensor3D);
    ours.dispose();
    let diff = 0;
    let norm = 0;
    for (let i = 0; i < 128; i++) {
      diff = Math.max(diff, Math.abs(a[i]! - ref[i]!));
      norm += ref[i]! ** 2;
    }
    return { diff, norm: Math.sqrt(norm), dims: a.length };
  };

  test('gives face-api\'s descriptor on noise', async () => {
    const input = tf.tidy(() => tf.mul(tf.randomUniform([1, 150, 150, 3], 0, 1, 'float32', 7), 255)) as tf.Tensor4D;
    const r = await compare(input);
    input.dispose();
    expect(r.dims).toBe(128);
    expect(r.norm).toBeGreaterThan(0.1);
    expect(r.diff).toBeLessThan(1e-5);
  });

  test('a batch of two views (a crop and its mirror image) gives the sum of their unit descriptors', async () => {
    const crop = tf.tidy(() => tf.mul(tf.randomUniform([1, 150, 150, 3], 0, 1, 'float32', 11), 255)) as tf.Tensor4D;
    const mirrored = tf.reverse(crop, 2) as tf.Tensor4D;
    const batch = tf.concat([crop, mirrored], 0) as tf.Tensor4D;
    const ours = dlibEmbedder(EMBEDDERS.dlib, loadWeights());
    const both = await ours.embed(batch);
    ours.dispose();
    const unit = async (t: tf.Tensor4D) => {
      const v = await reference.computeFaceDescriptor(tf.squeeze(t, [0]) as tf.Tensor3D);
      const n = Math.hypot(...v);
      return v.map((x) => x / n);
    };
    const [a, b] = [await unit(crop), await unit(mirrored)];
    tf.dispose([crop, mirrored, batch]);
    expect(both.length).toBe(128);
    let diff = 0;
    for (let i = 0; i < 128; i++) diff = Math.max(diff, Math.abs(both[i]! - (a[i]! + b[i]!)));
    // unit vectors: 1e-4 is float32 rounding through 29 layers, far below any difference in identity
    expect(diff).toBeLessThan(1e-4);
    // and the mirror view is a different input, so the sum is not just twice one view
    expect(Math.max(...a.map((x, i) => Math.abs(x - b[i]!)))).toBeGreaterThan(1e-3);
  });

  test.skipIf(!inject('fixturesPresent'))('gives face-api\'s descriptor on a real face', async () => {
    const img = decodeImage(fixture('faces/lfw-dev/images/Abel_Pacheco/Abel_Pacheco_0001.jpg'));
    const input = tf.tidy(() => {
      const rgb = tf.slice(tf.tensor3d(new Uint8Array(img.data), [img.height, img.width, 4], 'int32'), [0, 0, 0], [-1, -1, 3]);
      return tf.expandDims(tf.image.resizeBilinear(tf.slice(rgb, [50, 50, 0], [150, 150, 3]), [150, 150]), 0);
    }) as tf.Tensor4D;
    const r = await compare(input);
    input.dispose();
    expect(r.diff).toBeLessThan(1e-5);
  });
});
