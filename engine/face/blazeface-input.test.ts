import { beforeAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../runtime/backend.ts';
import { letterboxedInput } from './blazeface.ts';
import { letterbox } from './blazeface-decode.ts';

/** The tensor path BlazeFaceDetector.detect takes: resize, normalise to [-1, 1], pad with 0. */
function tensorInput(data: Uint8ClampedArray, width: number, height: number, padding: number): Float32Array {
  const lb = letterbox(width, height, padding);
  return tf.tidy(() => {
    const rgb = tf.browser.fromPixels({ data: new Uint8Array(data.buffer), width, height }, 3);
    const resized = tf.image.resizeBilinear(rgb, [lb.contentHeight, lb.contentWidth]);
    const normalised = tf.sub(tf.div(resized, 127.5), 1);
    return tf.pad(normalised, [
      [lb.offsetY, lb.inputHeight - lb.contentHeight - lb.offsetY],
      [lb.offsetX, lb.inputWidth - lb.contentWidth - lb.offsetX],
      [0, 0],
    ]).dataSync() as Float32Array;
  });
}

describe('BlazeFace input from RGBA pixels', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  test.each([
    [640, 480, 0.1],
    [480, 640, 0.1],
    [250, 250, 0.5],
    [1280, 720, 0.1],
    [97, 61, 0.1],
  ])('%ix%i, padding %f: the same values as the tensor path', (width, height, padding) => {
    let s = width * 31 + height;
    const data = new Uint8ClampedArray(width * height * 4).map(() => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24);
    const fast = letterboxedInput({ data, width, height }, letterbox(width, height, padding));
    const slow = tensorInput(data, width, height, padding);
    expect(fast.length).toBe(slow.length);
    let worst = 0;
    for (let i = 0; i < fast.length; i++) worst = Math.max(worst, Math.abs(fast[i]! - slow[i]!));
    // float32 rounding of the sampling positions only: 1e-3 is a tenth of a grey level in the [-1, 1] range.
    expect(worst).toBeLessThan(1e-3);
  });
});
