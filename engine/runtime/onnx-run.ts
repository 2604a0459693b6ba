import * as tf from '@tensorflow/tfjs-core';
import { EidkitError } from '../errors.ts';
import type { OnnxProgram, OnnxStep } from './onnx-convert.ts';

/**
 * Runs an ONNX op program (onnx-convert.ts) with tfjs ops on the engine's backend: NHWC in, each conv one fused
 * conv2d/depthwiseConv2d with its bias and activation. The weights are tensors made once (`tf.io.decodeWeights`);
 * `run` keeps no intermediate past the step that last reads it.
 */
export class OnnxRunner {
  private readonly lastUse = new Map<string, number>();
  private readonly weights: tf.NamedTensorMap;

  constructor(
    readonly program: OnnxProgram,
    weights: tf.NamedTensorMap,
  ) {
    this.weights = weights;
    if (program.format !== 'eidkit-onnx-program' || program.version !== 1) {
      throw new EidkitError('runtime/model-invalid', `Not an ONNX program this engine runs (${String(program.format)} v${String(program.version)}).`);
    }
    const need = (name: string | undefined): void => {
      if (name !== undefined && !weights[name]) throw new EidkitError('runtime/model-invalid', `ONNX program needs weight ${name}, which its weights file lacks.`, { name });
    };
    program.steps.forEach((s, i) => {
      if (s.op === 'conv') [s.filter, s.bias, s.alpha, s.filterScale].forEach(need);
      if (s.op === 'prelu') need(s.alpha);
      for (const v of inputsOf(s)) this.lastUse.set(v, i);
    });
    // Filters stored channel-normalised (uint8 copies) get their scales back once, here.
    for (const s of program.steps) {
      if (s.op !== 'conv' || !s.filterScale) continue;
      const f = weights[s.filter]!;
      const scale = weights[s.filterScale]!;
      weights[s.filter] = tf.tidy(() => (s.depthwise ? tf.mul(f, tf.reshape(scale, [1, 1, -1, 1])) : tf.mul(f, scale)));
      f.dispose();
      scale.dispose();
      delete weights[s.filterScale];
    }
  }

  /** `x` is [n, h, w, c], already normalised as the model wants. Returns the output tensor (the caller disposes). */
  run(x: tf.Tensor4D): tf.Tensor {
    const values = new Map<string, tf.Tensor>([[this.program.input.name, x]]);
    const get = (name: string): tf.Tensor => {
      const v = values.get(name) ?? this.weights[name];
      if (!v) throw new EidkitError('runtime/model-invalid', `ONNX program reads ${name} before it is computed.`, { name });
      return v;
    };
    const steps = this.program.steps;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i]!;
      values.set(s.y, tf.tidy(() => this.step(s, get)));
      for (const v of inputsOf(s)) {
        if (this.lastUse.get(v) === i && v !== this.program.input.name && v !== this.program.output) {
          values.get(v)?.dispose();
          values.delete(v);
        }
      }
    }
    const out = values.get(this.program.output);
    if (!out) throw new EidkitError('runtime/model-invalid', `ONNX program never computes its output ${this.program.output}.`);
    return out;
  }

  private step(s: OnnxStep, get: (name: string) => tf.Tensor): tf.Tensor {
    switch (s.op) {
      case 'conv': {
        let x = get(s.x) as tf.Tensor4D;
        const [t, b, l, r] = s.pads;
        let pad: 'valid' | number | [[number, number], [number, number], [number, number], [number, number]] = 'valid';
        if (t === b && l === r && t === l) pad = t === 0 ? 'valid' : t;
        else pad = [[0, 0], [t, b], [l, r], [0, 0]];
        const common = {
          x,
          strides: [s.strides[0], s.strides[1]] as [number, number],
          dilations: [s.dilations[0], s.dilations[1]] as [number, number],
          ...(s.bias ? { bias: get(s.bias) } : {}),
          ...(s.activation ? { activation: s.activation } : {}),
          ...(s.alpha ? { preluActivationWeights: get(s.alpha) } : {}),
        };
        if (s.depthwise) {
          if (Array.isArray(pad)) {
            x = tf.pad(x, pad) as tf.Tensor4D; // depthwise takes symmetric or 'valid' padding only
            return tf.fused.depthwiseConv2d({ ...common, x, filter: get(s.filter) as tf.Tensor4D, pad: 'valid' });
          }
          return tf.fused.depthwiseConv2d({ ...common, filter: get(s.filter) as tf.Tensor4D, pad });
        }
        return tf.fused.conv2d({ ...common, filter: get(s.filter) as tf.Tensor4D, pad: pad as 'valid' | number });
      }
      case 'prelu':
        return tf.prelu(get(s.x), get(s.alpha));
      case 'relu':
        return tf.relu(get(s.x));
      case 'add':
        return tf.add(get(s.a), get(s.b));
      case 'flatten': {
        const x = get(s.x);
        // NHWC → NCHW order first, so the flat vector is the ONNX graph's (a no-op reorder when h = w = 1).
        const nchw = x.rank === 4 && (x.shape[1] !== 1 || x.shape[2] !== 1) ? tf.transpose(x, [0, 3, 1, 2]) : x;
        const out = tf.reshape(nchw, [x.shape[0]!, -1]);
        if (nchw !== x) nchw.dispose();
        return out;
      }
    }
  }

  dispose(): void {
    tf.dispose(Object.values(this.weights));
  }
}

function inputsOf(s: OnnxStep): string[] {
  switch (s.op) {
    case 'conv':
      return [s.x];
    case 'add':
      return [s.a, s.b];
    default:
      return [s.x];
  }
}
