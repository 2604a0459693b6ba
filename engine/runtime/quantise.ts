// uint8 affine quantisation of a tfjs graph model's weights, in the weights-manifest form tfjs already decodes
// (`quantization: { dtype: 'uint8', min, scale }`, value = q * scale + min). Own code rather than the Python converter:
// it runs in Node with no Python toolchain, on the exact files the engine pins, and is ~100 lines.

import { concatBytes } from './bytes.ts';

export interface Quantization {
  readonly dtype: 'uint8' | 'uint16' | 'float16';
  readonly min?: number;
  readonly scale?: number;
  readonly original_dtype?: string;
}

export interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly quantization?: Quantization;
}

export interface WeightGroup {
  readonly paths: readonly string[];
  readonly weights: readonly WeightSpec[];
}

export interface ModelJson {
  readonly weightsManifest: readonly WeightGroup[];
  readonly [key: string]: unknown;
}

const count = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);

/** IEEE 754 half → single. */
export function float16ToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? Number.NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function bytesPer(spec: WeightSpec): number {
  const q = spec.quantization?.dtype;
  if (q === 'uint8') return 1;
  if (q === 'uint16' || q === 'float16') return 2;
  return spec.dtype === 'bool' ? 1 : 4;
}

/** Float values of a float32 weight however it is stored (plain, float16, or affine uint8/uint16). */
export function readFloats(spec: WeightSpec, bytes: Uint8Array): Float32Array {
  const n = count(spec.shape);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  const q = spec.quantization;
  for (let i = 0; i < n; i++) {
    if (!q) out[i] = view.getFloat32(i * 4, true);
    else if (q.dtype === 'float16') out[i] = float16ToFloat32(view.getUint16(i * 2, true));
    else if (q.dtype === 'uint8') out[i] = view.getUint8(i) * q.scale! + q.min!;
    else out[i] = view.getUint16(i * 2, true) * q.scale! + q.min!;
  }
  return out;
}

/**
 * Range for uint8 with 0 exactly representable when the weights straddle it (as tfjs's converter does): zero weights
 * (padding, pruned connections) stay zero instead of becoming ±scale/2.
 */
export function uint8Range(min: number, max: number): { min: number; scale: number } {
  if (!(max > min)) return { min, scale: 1 };
  let scale = (max - min) / 255;
  if (min < 0 && max > 0) {
    const zero = Math.round(-min / scale);
    // Zero at an end of the range: the other side spans all 255 steps (the clipped sliver is under half a step).
    if (zero === 0) return { min: 0, scale: max / 255 };
    if (zero === 255) return { min, scale: -min / 255 };
    scale = Math.max(-min / zero, max / (255 - zero));
    return { min: -zero * scale, scale };
  }
  return { min, scale };
}

export interface QuantisedModel {
  readonly json: ModelJson;
  readonly bin: Uint8Array;
  /** Largest |w - dequantised(w)| over every float weight. */
  readonly maxAbsError: number;
  readonly floatWeights: number;
}

export interface QuantiseOptions {
  /**
   * Tensors with fewer values keep their stored encoding (float16/float32). Biases, batch-norm terms and depthwise
   * kernels are small, carry outliers a per-tensor uint8 range cannot hold, and are a sliver of the bytes; the large
   * convolution kernels are where the bytes are. 0 quantises everything.
   */
  readonly minElements?: number;
}

/**
 * Rewrites float32 weights as uint8 (per tensor min/scale); int32 and bool weights, and float tensors under
 * `minElements`, are copied as stored. All groups become one shard named `binName`.
 */
export function quantiseUint8(model: ModelJson, shards: ReadonlyMap<string, Uint8Array>, binName: string, options: QuantiseOptions = {}): QuantisedModel {
  const minElements = options.minElements ?? 0;
  const parts: Uint8Array[] = [];
  const specs: WeightSpec[] = [];
  let maxAbsError = 0;
  let floatWeights = 0;
  for (const group of model.weightsManifest) {
    const data = concatBytes(group.paths.map((p) => {
      const s = shards.get(p);
      if (!s) throw new Error(`weights shard ${p} missing`);
      return s;
    }));
    let at = 0;
    for (const spec of group.weights) {
      const size = count(spec.shape) * bytesPer(spec);
      const raw = data.subarray(at, at + size);
      at += size;
      if (spec.dtype !== 'float32' || count(spec.shape) < minElements) {
        parts.push(raw.slice());
        specs.push(spec);
        continue;
      }
      const values = readFloats(spec, raw);
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of values) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      const { min, scale } = uint8Range(lo, hi);
      const q = new Uint8Array(values.length);
      for (let i = 0; i < values.length; i++) {
        const k = Math.min(255, Math.max(0, Math.round((values[i]! - min) / scale)));
        q[i] = k;
        maxAbsError = Math.max(maxAbsError, Math.abs(k * scale + min - values[i]!));
      }
      floatWeights += values.length;
      parts.push(q);
      specs.push({ name: spec.name, shape: spec.shape, dtype: 'float32', quantization: { dtype: 'uint8', min, scale, original_dtype: 'float32' } });
    }
    if (at !== data.length) throw new Error(`weights group of ${group.paths.join(',')}: manifest covers ${at} of ${data.length} bytes`);
  }
  return { json: { ...model, weightsManifest: [{ paths: [binName], weights: specs }] }, bin: concatBytes(parts), maxAbsError, floatWeights };
}
