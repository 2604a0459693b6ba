// The uint8 rewrite must produce manifests TensorFlow.js itself decodes, within half a step of the original weights.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { float16ToFloat32, quantiseUint8, uint8Range, type ModelJson } from './quantise.ts';

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

  it('refuses a manifest that does not cover its shard', () => {
    const model: ModelJson = { weightsManifest: [{ paths: ['a'], weights: [{ name: 'w', shape: [2], dtype: 'float32' }] }] };
    expect(() => quantiseUint8(model, new Map([['a', new Uint8Array(12)]]), 'b')).toThrow(/covers 8 of 12/);
    expect(() => quantiseUint8(model, new Map(), 'b')).toThrow(/shard a missing/);
  });
});
