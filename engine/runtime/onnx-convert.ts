// ONNX graph → a small op program tfjs runs (onnx-run.ts), with the weights laid out the way tfjs wants them (NHWC).
// Pure: no tfjs, so it runs at install time (derive.ts) as well as in tests. Only the op subset the embedding models
// need is accepted — Conv (plain and depthwise), PRelu, Relu, Add, Reshape/Flatten to [n, -1] — and anything else is
// refused by name, so a model we have not read cannot half-run.

import { EidkitError } from '../errors.ts';
import type { OnnxGraph, OnnxNode, OnnxTensor } from './onnx.ts';
import type { ModelJson, WeightSpec } from './quantise.ts';

/** One step of the program; tensors are named by the ONNX graph's value names. */
export type OnnxStep =
  | {
      readonly op: 'conv';
      readonly x: string;
      readonly filter: string;
      readonly bias?: string;
      readonly y: string;
      readonly strides: readonly [number, number];
      /** [top, bottom, left, right], explicit. */
      readonly pads: readonly [number, number, number, number];
      readonly dilations: readonly [number, number];
      /** Depthwise (group = channels, one filter each); else group 1. */
      readonly depthwise: boolean;
      /** Per-channel factors the filter is multiplied by at load time (normaliseChannels, for uint8 weights). */
      readonly filterScale?: string;
      /** Activation fused from the next node when only this conv reads its output. */
      readonly activation?: 'relu' | 'prelu';
      readonly alpha?: string;
    }
  | { readonly op: 'prelu'; readonly x: string; readonly alpha: string; readonly y: string }
  | { readonly op: 'relu'; readonly x: string; readonly y: string }
  | { readonly op: 'add'; readonly a: string; readonly b: string; readonly y: string }
  | { readonly op: 'flatten'; readonly x: string; readonly y: string };

export interface OnnxProgram {
  readonly format: 'eidkit-onnx-program';
  readonly version: 1;
  /** The graph's input, NCHW as the ONNX model declares it; the program itself takes NHWC. */
  readonly input: { readonly name: string; readonly shape: readonly number[] };
  readonly output: string;
  readonly steps: readonly OnnxStep[];
}

/** A model JSON in tfjs's weights-manifest form (quantise.ts can re-quantise it) carrying the program. */
export interface OnnxProgramJson extends ModelJson {
  readonly program: OnnxProgram;
}

function unsupported(what: string, node?: OnnxNode): EidkitError {
  return new EidkitError('runtime/model-unsupported', `ONNX model uses ${what}, which the engine's reader does not run.`, { op: node?.op, node: node?.name });
}

const ints = (v: unknown, fallback: readonly number[]): readonly number[] => (Array.isArray(v) ? (v as number[]) : fallback);

/**
 * Converts the graph. Weights come out float32, in tfjs's layouts: conv filters [kh, kw, in, out], depthwise
 * [kh, kw, channels, 1], PRelu slopes [channels], biases [out].
 */
export function onnxToProgram(graph: OnnxGraph, binName: string): { json: OnnxProgramJson; bin: Uint8Array } {
  if (graph.inputs.length !== 1 || graph.outputs.length !== 1) throw unsupported(`${graph.inputs.length} inputs and ${graph.outputs.length} outputs`);
  const readers = new Map<string, number>();
  for (const n of graph.nodes) for (const i of n.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
  for (const o of graph.outputs) readers.set(o, (readers.get(o) ?? 0) + 1);

  const weights = new Map<string, { shape: number[]; values: Float32Array }>();
  const init = (name: string | undefined, node: OnnxNode): OnnxTensor => {
    const t = name ? graph.initializers.get(name) : undefined;
    if (!t) throw unsupported(`a computed weight (${name ?? 'none'})`, node);
    return t;
  };
  const addWeight = (name: string, shape: number[], values: Float32Array): string => {
    weights.set(name, { shape, values });
    return name;
  };

  const steps: OnnxStep[] = [];
  const nodes = graph.nodes;
  for (let k = 0; k < nodes.length; k++) {
    const n = nodes[k]!;
    const a = n.attributes;
    if (n.op === 'Conv') {
      const w = init(n.inputs[1], n);
      if (w.dims.length !== 4) throw unsupported(`a ${w.dims.length}-d convolution`, n);
      const [outC, inPerGroup, kh, kw] = w.dims as [number, number, number, number];
      const group = typeof a.group === 'number' ? a.group : 1;
      if (a.auto_pad !== undefined && a.auto_pad !== 'NOTSET') throw unsupported(`auto_pad ${String(a.auto_pad)}`, n);
      const depthwise = group > 1;
      if (depthwise && !(inPerGroup === 1 && group === outC)) throw unsupported(`a grouped convolution (group ${group})`, n);
      const filter = new Float32Array(w.values.length);
      // ONNX [out, in, kh, kw] → tfjs [kh, kw, in, out]; depthwise [c, 1, kh, kw] → [kh, kw, c, 1].
      const inC = depthwise ? outC : inPerGroup;
      for (let o = 0; o < outC; o++)
        for (let i = 0; i < inPerGroup; i++)
          for (let y = 0; y < kh; y++)
            for (let x = 0; x < kw; x++) {
              const src = ((o * inPerGroup + i) * kh + y) * kw + x;
              const dst = depthwise ? (y * kw + x) * outC + o : ((y * kw + x) * inC + i) * outC + o;
              filter[dst] = w.values[src]!;
            }
      const p = ints(a.pads, [0, 0, 0, 0]); // ONNX: [top, left, bottom, right]
      const s = ints(a.strides, [1, 1]);
      const d = ints(a.dilations, [1, 1]);
      const ks = ints(a.kernel_shape, [kh, kw]);
      if (ks[0] !== kh || ks[1] !== kw) throw unsupported('a kernel_shape that disagrees with its weights', n);
      let bias: string | undefined;
      if (n.inputs[2]) {
        const b = init(n.inputs[2], n);
        bias = addWeight(b.name, [outC], Float32Array.from(b.values));
      }
      const conv = {
        op: 'conv' as const,
        x: n.inputs[0]!,
        filter: addWeight(w.name, depthwise ? [kh, kw, outC, 1] : [kh, kw, inC, outC], filter),
        ...(bias ? { bias } : {}),
        y: n.outputs[0]!,
        strides: [s[0]!, s[1]!] as [number, number],
        pads: [p[0]!, p[2]!, p[1]!, p[3]!] as [number, number, number, number],
        dilations: [d[0]!, d[1]!] as [number, number],
        depthwise,
      };
      // Fuse a following PRelu/Relu that is the conv output's only reader.
      const next = nodes[k + 1];
      if (next && next.inputs[0] === conv.y && readers.get(conv.y) === 1 && (next.op === 'PRelu' || next.op === 'Relu')) {
        if (next.op === 'Relu') steps.push({ ...conv, y: next.outputs[0]!, activation: 'relu' });
        else steps.push({ ...conv, y: next.outputs[0]!, activation: 'prelu', alpha: preluWeight(init(next.inputs[1], next), outC, addWeight, next) });
        k++;
      } else steps.push(conv);
    } else if (n.op === 'PRelu') {
      steps.push({ op: 'prelu', x: n.inputs[0]!, alpha: preluWeight(init(n.inputs[1], n), -1, addWeight, n), y: n.outputs[0]! });
    } else if (n.op === 'Relu') {
      steps.push({ op: 'relu', x: n.inputs[0]!, y: n.outputs[0]! });
    } else if (n.op === 'Add') {
      if (n.inputs.some((i) => graph.initializers.has(i))) throw unsupported('Add with a constant', n);
      steps.push({ op: 'add', a: n.inputs[0]!, b: n.inputs[1]!, y: n.outputs[0]! });
    } else if (n.op === 'Reshape' || n.op === 'Flatten') {
      if (n.op === 'Reshape') {
        const shape = init(n.inputs[1], n).values;
        if (shape.length !== 2 || !(shape[0] === 1 || shape[0] === -1 || shape[0] === 0)) throw unsupported(`Reshape to [${[...shape].join(', ')}]`, n);
      } else if ((a.axis ?? 1) !== 1) throw unsupported(`Flatten on axis ${String(a.axis)}`, n);
      steps.push({ op: 'flatten', x: n.inputs[0]!, y: n.outputs[0]! });
    } else throw unsupported(`the ${n.op} op`, n);
  }

  const specs: WeightSpec[] = [];
  const parts: Float32Array[] = [];
  for (const [name, w] of weights) {
    specs.push({ name, shape: w.shape, dtype: 'float32' });
    parts.push(w.values);
  }
  const total = parts.reduce((s, p) => s + p.length, 0);
  const all = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const program: OnnxProgram = { format: 'eidkit-onnx-program', version: 1, input: graph.inputs[0]!, output: graph.outputs[0]!, steps };
  return { json: { program, weightsManifest: [{ paths: [binName], weights: specs }] }, bin: new Uint8Array(all.buffer) };
}

/** PRelu slopes [c, 1, 1] (or [c], or one shared) → [c]. */
function preluWeight(t: OnnxTensor, channels: number, add: (n: string, s: number[], v: Float32Array) => string, node: OnnxNode): string {
  const n = t.values.length;
  if (t.dims.filter((d) => d !== 1).length > 1 || (channels > 0 && n !== channels && n !== 1)) throw unsupported(`PRelu slopes of shape [${t.dims.join(', ')}]`, node);
  return add(t.name, [n], Float32Array.from(t.values));
}

/**
 * Before uint8 quantisation: each conv filter divided by its output channels' largest |weight|, and those scales
 * kept as a small float tensor the runner multiplies back in at load time (`filterScale`). A per-tensor uint8 range
 * then spends its 256 steps on every channel alike instead of on the few largest (batch norm folded into a conv
 * leaves channels whose weights differ by 10x or more). Float in, float out: exact up to rounding.
 */
export function normaliseChannels(json: OnnxProgramJson, bin: Uint8Array, minElements: number): { json: OnnxProgramJson; bin: Uint8Array } {
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const all = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  const values = new Map<string, { shape: readonly number[]; v: Float32Array }>();
  let at = 0;
  for (const s of specs) {
    const n = s.shape.reduce((a, d) => a * d, 1);
    values.set(s.name, { shape: s.shape, v: all.slice(at, at + n) });
    at += n;
  }
  const steps = json.program.steps.map((s) => {
    if (s.op !== 'conv') return s;
    const w = values.get(s.filter)!;
    if (w.v.length < minElements) return s;
    const out = w.shape[3]!; // [kh, kw, in, out]; depthwise [kh, kw, c, 1] scales per input channel
    const channels = s.depthwise ? w.shape[2]! : out;
    const stride = s.depthwise ? 1 : out;
    const inner = s.depthwise ? w.shape[3]! : 1;
    const scale = new Float32Array(channels);
    for (let i = 0; i < w.v.length; i++) {
      const c = s.depthwise ? Math.floor(i / inner) % channels : i % stride;
      scale[c] = Math.max(scale[c]!, Math.abs(w.v[i]!));
    }
    for (let c = 0; c < channels; c++) if (!(scale[c]! > 0)) scale[c] = 1;
    for (let i = 0; i < w.v.length; i++) {
      const c = s.depthwise ? Math.floor(i / inner) % channels : i % stride;
      w.v[i] = w.v[i]! / scale[c]!;
    }
    const name = `${s.filter}/channel_scale`;
    values.set(name, { shape: [channels], v: scale });
    return { ...s, filterScale: name };
  });
  const outSpecs: WeightSpec[] = [];
  const parts: Float32Array[] = [];
  for (const [name, w] of values) {
    outSpecs.push({ name, shape: w.shape, dtype: 'float32' });
    parts.push(w.v);
  }
  const flat = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let k = 0;
  for (const p of parts) {
    flat.set(p, k);
    k += p.length;
  }
  const binName = json.weightsManifest[0]!.paths[0]!;
  return { json: { ...json, program: { ...json.program, steps }, weightsManifest: [{ paths: [binName], weights: outSpecs }] }, bin: new Uint8Array(flat.buffer) };
}
