// uint8 affine quantisation of a tfjs graph model's weights, in the weights-manifest form tfjs already decodes
// (`quantization: { dtype: 'uint8', min, scale }`, value = q * scale + min). Own code rather than the Python converter:
// it runs in Node with no Python toolchain, on the exact files the engine pins, and is ~100 lines.

import { concatBytes } from './bytes.ts';

export interface Quantization {
  readonly dtype: 'uint8' | 'uint16' | 'float16';
  readonly min?: number;
  readonly scale?: number;
  readonly original_dtype?: string;
  /**
   * eidkit's own extension (tfjs has no per-channel uint8): one uint8 range per slice along this axis, stored after
   * the weights in the shard as float32 min[channels] then scale[channels]. `expandChannels` turns such weights into
   * plain float32 before tfjs sees the manifest; tfjs itself would misread them, so only eidkit's loader reads them.
   */
  readonly channelAxis?: number;
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

/** The channel axis's length and the number of values after it (one channel's run in the flat array). */
function channelLayout(shape: readonly number[], axis: number): { channels: number; inner: number } {
  return { channels: shape[axis]!, inner: count(shape.slice(axis + 1)) };
}

/** Bytes a weight takes in its shard, as stored. */
export function storedBytes(spec: WeightSpec): number {
  const n = count(spec.shape);
  const q = spec.quantization;
  if (q?.dtype === 'uint8') return q.channelAxis === undefined ? n : n + 8 * channelLayout(spec.shape, q.channelAxis).channels;
  if (q?.dtype === 'uint16' || q?.dtype === 'float16') return 2 * n;
  return (spec.dtype === 'bool' ? 1 : 4) * n;
}

/** Float values of a float32 weight however it is stored (plain, float16, affine uint8/uint16, per-channel uint8). */
export function readFloats(spec: WeightSpec, bytes: Uint8Array): Float32Array {
  const n = count(spec.shape);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  const q = spec.quantization;
  if (q?.dtype === 'uint8' && q.channelAxis !== undefined) {
    const { channels, inner } = channelLayout(spec.shape, q.channelAxis);
    for (let i = 0; i < n; i++) {
      const c = Math.floor(i / inner) % channels;
      out[i] = view.getUint8(i) * view.getFloat32(n + 4 * (channels + c), true) + view.getFloat32(n + 4 * c, true);
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    if (!q) out[i] = view.getFloat32(i * 4, true);
    else if (q.dtype === 'float16') out[i] = float16ToFloat32(view.getUint16(i * 2, true));
    else if (q.dtype === 'uint8') out[i] = view.getUint8(i) * q.scale! + q.min!;
    else out[i] = view.getUint16(i * 2, true) * q.scale! + q.min!;
  }
  return out;
}

/** IEEE 754 single → half, rounded to nearest (ties away from zero); out of range → ±Infinity, tiny → subnormal/0. */
export function float32ToFloat16(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  const mant = x & 0x7fffff;
  if (Number.isNaN(v)) return 0x7e00;
  if (exp >= 31) return sign | 0x7c00;
  if (exp <= 0) {
    if (exp < -10) return sign;
    return sign | (((mant | 0x800000) >> (1 - exp)) + 0x1000) >> 13;
  }
  // A carry out of the mantissa rounds into the exponent, as it should.
  return sign | ((exp << 10) + ((mant + 0x1000) >> 13));
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

/**
 * Rewrites every float32 weight as float16 (tfjs decodes `quantization: { dtype: 'float16' }` itself); other weights
 * are copied as stored. For graph models whose float32 weights were float16 to begin with (human's BlazeFace: all but
 * 14 of its 134,732 weights have their 13 low mantissa bits at zero) it halves the file and loses nothing.
 */
export function quantiseFloat16(model: ModelJson, shards: ReadonlyMap<string, Uint8Array>, binName: string): QuantisedModel {
  return rewriteFloats(model, shards, binName, (spec) => spec.quantization === undefined, (spec, values) => {
    const half = new Uint16Array(values.length);
    let err = 0;
    for (let i = 0; i < values.length; i++) {
      half[i] = float32ToFloat16(values[i]!);
      err = Math.max(err, Math.abs(float16ToFloat32(half[i]!) - values[i]!));
    }
    return { bytes: new Uint8Array(half.buffer), quantization: { dtype: 'float16', original_dtype: 'float32' }, maxAbsError: err };
  });
}

type Encoded = { readonly bytes: Uint8Array; readonly quantization: Quantization; readonly maxAbsError: number };

/**
 * The weights of `model` with every float32 tensor `wanted` re-encoded by `encode`, the others copied as stored, all
 * groups as one shard named `binName`.
 */
function rewriteFloats(
  model: ModelJson,
  shards: ReadonlyMap<string, Uint8Array>,
  binName: string,
  wanted: (spec: WeightSpec) => boolean,
  encode: (spec: WeightSpec, values: Float32Array) => Encoded,
): QuantisedModel {
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
      const size = storedBytes(spec);
      const raw = data.subarray(at, at + size);
      at += size;
      if (spec.dtype !== 'float32' || !wanted(spec)) {
        parts.push(raw.slice());
        specs.push(spec);
        continue;
      }
      const values = readFloats(spec, raw);
      const e = encode(spec, values);
      maxAbsError = Math.max(maxAbsError, e.maxAbsError);
      floatWeights += values.length;
      parts.push(e.bytes);
      specs.push({ name: spec.name, shape: spec.shape, dtype: 'float32', quantization: e.quantization });
    }
    if (at !== data.length) throw new Error(`weights group of ${group.paths.join(',')}: manifest covers ${at} of ${data.length} bytes`);
  }
  return { json: { ...model, weightsManifest: [{ paths: [binName], weights: specs }] }, bin: concatBytes(parts), maxAbsError, floatWeights };
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
  /**
   * One uint8 range per output channel (the last axis; a depthwise filter's [kh, kw, c, 1] its channel axis) instead
   * of one per tensor, for models whose channels differ in scale (BlazeFace's box regression moves by several % of the
   * face with one range per tensor). Costs 8 bytes per channel; read back by `expandChannels`.
   */
  readonly perChannel?: boolean;
}

/** The axis a per-channel range runs along: the last one, or the one before it when the last is 1 (depthwise). */
function channelAxisOf(shape: readonly number[]): number | undefined {
  if (shape.length < 2) return undefined;
  const last = shape.length - 1;
  return shape[last]! > 1 ? last : last - 1;
}

/** One uint8 range per channel along `axis`: the codes, then float32 mins and scales (little-endian). */
function quantiseChannels(values: Float32Array, shape: readonly number[], axis: number): { bytes: Uint8Array; maxAbsError: number } {
  const { channels, inner } = channelLayout(shape, axis);
  const lo = new Float64Array(channels).fill(Infinity);
  const hi = new Float64Array(channels).fill(-Infinity);
  for (let i = 0; i < values.length; i++) {
    const c = Math.floor(i / inner) % channels;
    lo[c] = Math.min(lo[c]!, values[i]!);
    hi[c] = Math.max(hi[c]!, values[i]!);
  }
  const bytes = new Uint8Array(values.length + 8 * channels);
  const view = new DataView(bytes.buffer);
  const ranges = Array.from({ length: channels }, (_, c) => uint8Range(lo[c]!, hi[c]!));
  // The ranges as stored (float32), so the error below is what a reader gets back.
  ranges.forEach((r, c) => {
    view.setFloat32(values.length + 4 * c, r.min, true);
    view.setFloat32(values.length + 4 * (channels + c), r.scale, true);
  });
  let maxAbsError = 0;
  for (let i = 0; i < values.length; i++) {
    const c = Math.floor(i / inner) % channels;
    const min = view.getFloat32(values.length + 4 * c, true);
    const scale = view.getFloat32(values.length + 4 * (channels + c), true);
    const k = Math.min(255, Math.max(0, Math.round((values[i]! - min) / scale)));
    bytes[i] = k;
    maxAbsError = Math.max(maxAbsError, Math.abs(k * scale + min - values[i]!));
  }
  return { bytes, maxAbsError };
}

/**
 * The manifest tfjs can decode: per-channel uint8 weights (`channelAxis`) expanded to float32, everything else
 * copied as stored. A manifest without them is returned as it is.
 */
export function expandChannels(specs: readonly WeightSpec[], data: Uint8Array): { specs: WeightSpec[]; data: Uint8Array } {
  if (!specs.some((s) => s.quantization?.channelAxis !== undefined)) return { specs: [...specs], data };
  const parts: Uint8Array[] = [];
  const out: WeightSpec[] = [];
  let at = 0;
  for (const spec of specs) {
    const size = storedBytes(spec);
    const raw = data.subarray(at, at + size);
    at += size;
    if (spec.quantization?.channelAxis === undefined) {
      parts.push(raw);
      out.push(spec);
      continue;
    }
    parts.push(new Uint8Array(readFloats(spec, raw).buffer));
    out.push({ name: spec.name, shape: spec.shape, dtype: 'float32' });
  }
  if (at !== data.length) throw new Error(`weights manifest covers ${at} of ${data.length} bytes`);
  return { specs: out, data: concatBytes(parts) };
}

/**
 * Rewrites float32 weights as uint8 (per tensor min/scale, or per channel with `perChannel`); int32 and bool weights, and float tensors under
 * `minElements`, are copied as stored. All groups become one shard named `binName`.
 */
export function quantiseUint8(model: ModelJson, shards: ReadonlyMap<string, Uint8Array>, binName: string, options: QuantiseOptions = {}): QuantisedModel {
  const minElements = options.minElements ?? 0;
  const perChannel = options.perChannel ?? false;
  return rewriteFloats(model, shards, binName, (spec) => count(spec.shape) >= minElements, (spec, values) => {
    const axis = perChannel ? channelAxisOf(spec.shape) : undefined;
    if (axis !== undefined) {
      const c = quantiseChannels(values, spec.shape, axis);
      return { bytes: c.bytes, quantization: { dtype: 'uint8', channelAxis: axis, original_dtype: 'float32' }, maxAbsError: c.maxAbsError };
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const { min, scale } = uint8Range(lo, hi);
    const q = new Uint8Array(values.length);
    let err = 0;
    for (let i = 0; i < values.length; i++) {
      const k = Math.min(255, Math.max(0, Math.round((values[i]! - min) / scale)));
      q[i] = k;
      err = Math.max(err, Math.abs(k * scale + min - values[i]!));
    }
    return { bytes: q, quantization: { dtype: 'uint8', min, scale, original_dtype: 'float32' }, maxAbsError: err };
  });
}
