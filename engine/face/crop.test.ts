import { beforeAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../runtime/backend.ts';
import { boxFilter, cropPixels, FrameRaster, resizeAlignedCorners } from './crop.ts';
import { compose, scaleOf, squareWindow, type Affine } from './geometry.ts';

/**
 * The crop the engine cut with tf.image.transform before crops moved to JS (and what the gates and thresholds were
 * calibrated on): box-filter by an integer factor when shrinking by 3x or more, then one bilinear transform with
 * zeros outside the image.
 */
function tensorCrop(data: Uint8ClampedArray, width: number, height: number, cropToImage: Affine, size: number): Float32Array {
  return tf.tidy(() => {
    const rgb = tf.slice(tf.tensor3d(new Int32Array(data), [height, width, 4]), [0, 0, 0], [-1, -1, 3]);
    let source = tf.expandDims(tf.cast(rgb, 'float32'), 0) as tf.Tensor4D;
    let map = cropToImage;
    const factor = Math.floor(scaleOf(cropToImage) / 1.5);
    if (factor >= 2 && height >= 2 * factor && width >= 2 * factor) {
      source = tf.avgPool(source, factor, factor, 'valid');
      map = compose([1 / factor, 0, 0, 0, 1 / factor, 0], map);
    }
    const m = compose([1, 0, -0.5, 0, 1, -0.5], compose(map, [1, 0, 0.5, 0, 1, 0.5]));
    const transforms = tf.tensor2d([[m[0], m[1], m[2], m[3], m[4], m[5], 0, 0]]);
    return tf.image.transform(source, transforms, 'bilinear', 'constant', 0, [size, size]).dataSync() as Float32Array;
  });
}

function noise(width: number, height: number, seed: number): Uint8ClampedArray {
  let s = seed;
  return new Uint8ClampedArray(width * height * 4).map(() => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24);
}

const worst = (a: Float32Array, b: Float32Array): number => {
  expect(a.length).toBe(b.length);
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i]! - b[i]!));
  return w;
};

describe('crops sampled in JS', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  test.each([
    ['a 192 landmark crop, turned 20 degrees', 640, 480, squareWindow([300, 220], 260, 0.35, 192), 192],
    ['a 150 crop upsampled from a small face', 640, 480, squareWindow([100, 400], 90, -0.1, 150), 150],
    ['a crop half outside the image (zeros there, blended at the edge)', 320, 240, squareWindow([10, 230], 200, 0.2, 112), 112],
    ['a crop wholly outside the image', 200, 100, squareWindow([-500, -500], 50, 0, 32), 32],
    ['a 3x shrink (box-filtered by 2)', 640, 480, squareWindow([320, 240], 3.1 * 112, 0.05, 112), 112],
    ['a 7x shrink of a tall frame (box-filtered by 4)', 480, 900, squareWindow([240, 450], 7 * 64, 0, 64), 64],
  ])('%s: the values tf.image.transform gives', (_, width, height, map, size) => {
    const data = noise(width, height, width + height);
    const ours = cropPixels(new FrameRaster({ data, width, height }), map, size);
    // The kernel works out sampling positions in float32 (ulp 3e-5 px at 300 px), and this noise steps by up to 255
    // between neighbours, so positions that agree to float32 rounding give values within 255 x 6e-5 = 0.015.
    expect(worst(ours, tensorCrop(data, width, height, map, size))).toBeLessThan(0.02);
  });

  test('gain scales every sample; the mirror option gives the crop with its columns reversed', () => {
    const width = 300;
    const height = 200;
    const frame = new FrameRaster({ data: noise(width, height, 5), width, height });
    const map = squareWindow([150, 100], 120, 0.3, 64);
    const plain = cropPixels(frame, map, 64);
    const scaled = cropPixels(frame, map, 64, { gain: 1 / 255 });
    expect(worst(scaled, plain.map((v) => v / 255))).toBeLessThan(1e-6);
    const mirrored = cropPixels(frame, map, 64, { mirror: true });
    const reversed = new Float32Array(plain.length);
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) for (let c = 0; c < 3; c++) reversed[(y * 64 + x) * 3 + c] = plain[(y * 64 + 63 - x) * 3 + c]!;
    expect(worst(mirrored, reversed)).toBeLessThan(1e-3);
    expect(worst(mirrored, plain)).toBeGreaterThan(10);
  });

  test('box filter: tf.avgPool with valid padding (a partial edge block is dropped)', () => {
    const [width, height] = [101, 67];
    const data = noise(width, height, 9);
    const ours = boxFilter({ data, width, height, channels: 4 }, 3);
    expect([ours.width, ours.height]).toEqual([33, 22]);
    const ref = tf.tidy(() => {
      const rgb = tf.cast(tf.slice(tf.tensor3d(new Int32Array(data), [height, width, 4]), [0, 0, 0], [-1, -1, 3]), 'float32');
      return tf.avgPool(tf.expandDims(rgb, 0) as tf.Tensor4D, 3, 3, 'valid').dataSync() as Float32Array;
    });
    expect(worst(ours.data as Float32Array, ref)).toBeLessThan(1e-3);
  });

  test('resize with aligned corners: tf.image.resizeBilinear(…, alignCorners = true)', () => {
    const size = 50;
    const src = Float32Array.from(noise(size, size, 3).subarray(0, size * size * 3));
    const ours = resizeAlignedCorners(src, size, 23);
    const ref = tf.tidy(() => tf.image.resizeBilinear(tf.tensor3d(src, [size, size, 3]), [23, 23], true).dataSync() as Float32Array);
    expect(worst(ours, ref)).toBeLessThan(1e-3);
  });
});
