// The uint8 rewrite must produce manifests TensorFlow.js itself decodes, within half a step of the original weights.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { expandChannels, float16ToFloat32, float32ToFloat16, quantiseFloat16, quantiseUint8, readFloats, uint8Range, type ModelJson } from './quantise.ts';

/** float32 → IEEE half (round to nearest), for building a float16-stored fixture. */
function toHalf(v: number): number {
  const f = new Float32Array([v]);
  const u = new Uint32Array(f.buffer)[0]!;
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  const mant = u & 0x7fffff;
  if (exp <= 0) return sign;
  return sign | (exp << 10) | Math.round(mant / 8192);
}

describe('uint8 weight quantisation', () => {
  it('float16 decoding matches IEEE 754 halves', () => {
    expect(float16ToFloat32(0x3c00)).toBe(1);
    expect(float16ToFloat32(0xc000)).toBe(-2);
    expect(float16ToFloat32(0x3555)).toBeCloseTo(0.33325, 5);
    expect(float16ToFloat32(0x0001)).toBeCloseTo(5.96e-8, 10);
  });

  it('keeps zero exact when the range straddles it', () => {
    for (const [lo, hi] of [[-1, 3], [-0.001, 5], [-5, 0.001], [-2, 2]] as const) {
      const { min, scale } = uint8Range(lo, hi);
      const zero = -min / scale;
      expect(Math.abs(zero - Math.round(zero))).toBeLessThan(1e-9);
      expect(min).toBeLessThanOrEqual(lo + scale / 2);
      expect(min + 255 * scale).toBeGreaterThanOrEqual(hi - scale / 2);
    }
  });

  it('rewrites float32 and float16 tensors, copies int32 and small tensors, and tfjs decodes the result', async () => {
    await tf.setBackend('cpu');
    const big = Float32Array.from({ length: 5000 }, (_, i) => Math.sin(i) * 3 - 0.5);
    big[7] = 0;
    const half = Float32Array.from({ length: 4096 }, (_, i) => Math.cos(i * 0.37) * 0.25);
    const small = Float32Array.from([0.5, -100, 3]);
    const ints = Int32Array.from([1, -2, 3, 2 ** 30]);
    const halfBytes = new Uint16Array(half.length).map((_, i) => toHalf(half[i]!));
    const shard = new Uint8Array([
      ...new Uint8Array(big.buffer),
      ...new Uint8Array(halfBytes.buffer),
      ...new Uint8Array(small.buffer),
      ...new Uint8Array(ints.buffer),
    ]);
    const model: ModelJson = {
      modelTopology: {},
      weightsManifest: [
        {
          paths: ['m.bin'],
          weights: [
            { name: 'big', shape: [50, 100], dtype: 'float32' },
            { name: 'half', shape: [4096], dtype: 'float32', quantization: { dtype: 'float16' } },
            { name: 'small', shape: [3], dtype: 'float32' },
            { name: 'ints', shape: [4], dtype: 'int32' },
          ],
        },
      ],
    };
    const q = quantiseUint8(model, new Map([['m.bin', shard]]), 'q.bin', { minElements: 100 });
    expect(q.bin.length).toBe(5000 + 4096 + 3 * 4 + 4 * 4);
    expect(q.floatWeights).toBe(9096);
    const specs = q.json.weightsManifest[0]!.weights;
    expect(q.json.weightsManifest[0]!.paths).toEqual(['q.bin']);
    expect(specs.map((s) => s.quantization?.dtype)).toEqual(['uint8', 'uint8', undefined, undefined]);

    const decoded = tf.io.decodeWeights(q.bin.buffer.slice(0) as ArrayBuffer, specs as tf.io.WeightsManifestEntry[]);
    const got = (name: string) => decoded[name]!.dataSync();
    const bigScale = specs[0]!.quantization!.scale!;
    const b = got('big');
    for (let i = 0; i < big.length; i++) expect(Math.abs(b[i]! - big[i]!)).toBeLessThanOrEqual(bigScale / 2 + 1e-6);
    expect(b[7]).toBe(0);
    expect(q.maxAbsError).toBeLessThanOrEqual(Math.max(bigScale, specs[1]!.quantization!.scale!) / 2 + 1e-6);
    const h = got('half');
    for (let i = 0; i < half.length; i++) expect(Math.abs(h[i]! - half[i]!)).toBeLessThan(specs[1]!.quantization!.scale! / 2 + 1e-3);
    expect([...got('small')]).toEqual([...small]);
    expect([...got('ints')]).toEqual([...ints]);
    tf.dispose(Object.values(decoded));
  });

  it('per channel: one range per output channel (per channel of a depthwise filter), expanded to float32 for tfjs', async () => {
    await tf.setBackend('cpu');
    // A 1x1 conv [1, 1, 4, 3] whose three output channels differ in scale by 1000x, and a depthwise [2, 2, 3, 1] one.
    const conv = Float32Array.from({ length: 12 }, (_, i) => Math.sin(i + 1) * [1000, 1, 0.001][i % 3]!);
    const dw = Float32Array.from({ length: 12 }, (_, i) => Math.cos(i) * [5, 0.05, 0.0005][i % 3]!);
    const shard = new Uint8Array([...new Uint8Array(conv.buffer), ...new Uint8Array(dw.buffer)]);
    const model: ModelJson = {
      weightsManifest: [
        {
          paths: ['m.bin'],
          weights: [
            { name: 'conv', shape: [1, 1, 4, 3], dtype: 'float32' },
            { name: 'dw', shape: [2, 2, 3, 1], dtype: 'float32' },
          ],
        },
      ],
    };
    const q = quantiseUint8(model, new Map([['m.bin', shard]]), 'q.bin', { perChannel: true });
    const specs = q.json.weightsManifest[0]!.weights;
    expect(specs.map((s) => s.quantization?.channelAxis)).toEqual([3, 2]);
    expect(q.bin.length).toBe(12 + 3 * 8 + 12 + 3 * 8);
    const conv8 = readFloats(specs[0]!, q.bin.subarray(0, 36));
    // Each channel within half of its own step: (max - min) / 255 / 2 of that channel, not of the tensor.
    for (let c = 0; c < 3; c++) {
      const vals = [...conv].filter((_, i) => i % 3 === c);
      const step = (Math.max(...vals, 0) - Math.min(...vals, 0)) / 255;
      for (let i = c; i < 12; i += 3) expect(Math.abs(conv8[i]! - conv[i]!)).toBeLessThanOrEqual(step / 2 + 1e-7 * Math.abs(conv[i]!));
    }
    const plain = expandChannels(specs, q.bin);
    expect(plain.specs.map((s) => s.quantization)).toEqual([undefined, undefined]);
    const decoded = tf.io.decodeWeights(plain.data.buffer.slice(plain.data.byteOffset) as ArrayBuffer, plain.specs as tf.io.WeightsManifestEntry[]);
    expect([...decoded.conv!.dataSync()]).toEqual([...conv8]);
    const d = decoded.dw!.dataSync();
    for (let i = 0; i < 12; i++) expect(Math.abs(d[i]! - dw[i]!)).toBeLessThanOrEqual(Math.abs([5, 0.05, 0.0005][i % 3]!) * (2 / 255) / 2 + 1e-9);
    tf.dispose(Object.values(decoded));
    // A manifest without per-channel weights passes through untouched.
    const untouched = expandChannels(model.weightsManifest[0]!.weights, shard);
    expect(untouched.data).toBe(shard);
  });

  it('float16: halves, rounds to the nearest half, and is exact for values that were halves already', async () => {
    await tf.setBackend('cpu');
    for (const v of [0, 1, -2, 0.333251953125, 65504, 6.103515625e-5, 5.960464477539063e-8]) expect(float16ToFloat32(float32ToFloat16(v))).toBe(v);
    expect(float16ToFloat32(float32ToFloat16(1e6))).toBe(Infinity);
    expect(Math.abs(float16ToFloat32(float32ToFloat16(0.1)) - 0.1)).toBeLessThan(0.1 * 2 ** -11);
    const w = Float32Array.from({ length: 100 }, (_, i) => float16ToFloat32(float32ToFloat16(Math.sin(i) * 4)));
    const ints = Int32Array.from([7, 8]);
    const model: ModelJson = { weightsManifest: [{ paths: ['m.bin'], weights: [{ name: 'w', shape: [100], dtype: 'float32' }, { name: 'i', shape: [2], dtype: 'int32' }] }] };
    const q = quantiseFloat16(model, new Map([['m.bin', new Uint8Array([...new Uint8Array(w.buffer), ...new Uint8Array(ints.buffer)])]]), 'h.bin');
    expect(q.bin.length).toBe(200 + 8);
    expect(q.maxAbsError).toBe(0);
    const decoded = tf.io.decodeWeights(q.bin.buffer.slice(0) as ArrayBuffer, q.json.weightsManifest[0]!.weights as tf.io.WeightsManifestEntry[]);
    expect([...decoded.w!.dataSync()]).toEqual([...w]);
    expect([...decoded.i!.dataSync()]).toEqual([7, 8]);
    tf.dispose(Object.values(decoded));
  });

  it('refuses a manifest that does not cover its shard', () => {
    const model: ModelJson = { weightsManifest: [{ paths: ['a'], weights: [{ name: 'w', shape: [2], dtype: 'float32' }] }] };
    expect(() => quantiseUint8(model, new Map([['a', new Uint8Array(12)]]), 'b')).toThrow(/covers 8 of 12/);
    expect(() => quantiseUint8(model, new Map(), 'b')).toThrow(/shard a missing/);
  });
});
