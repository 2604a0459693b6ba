import { describe, expect, test } from 'vitest';
import { readOnnx } from './onnx.ts';
import { onnxToProgram } from './onnx-convert.ts';
import { EidkitError } from '../errors.ts';

// A hand-built ONNX ModelProto (protobuf wire format), so the reader and converter are checked on bytes we know.
const varint = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
};
const str = (s: string): number[] => [...new TextEncoder().encode(s)];
const field = (num: number, payload: number[]): number[] => [...varint(num * 8 + 2), ...varint(payload.length), ...payload];
const int = (num: number, v: number): number[] => [...varint(num * 8), ...varint(v)];
const floats = (v: number[]): number[] => [...new Uint8Array(new Float32Array(v).buffer)];

function tensor(name: string, dims: number[], values: number[]): number[] {
  return [...dims.flatMap((d) => int(1, d)), ...int(2, 1), ...field(8, str(name)), ...field(9, floats(values))];
}
const attrInts = (name: string, v: number[]): number[] => field(5, [...field(1, str(name)), ...field(8, v.flatMap(varint)), ...int(20, 7)]);
const attrInt = (name: string, v: number): number[] => field(5, [...field(1, str(name)), ...int(3, v), ...int(20, 2)]);
const node = (op: string, inputs: string[], outputs: string[], attrs: number[] = []): number[] => [
  ...inputs.flatMap((i) => field(1, str(i))),
  ...outputs.flatMap((o) => field(2, str(o))),
  ...field(4, str(op)),
  ...attrs,
];
const valueInfo = (name: string, dims: number[]): number[] =>
  field(1, str(name)).concat(field(2, field(1, [...int(1, 1), ...field(2, dims.flatMap((d) => field(1, int(1, d))))])));

function model(nodes: number[][], inits: number[][]): Uint8Array {
  const graph = [...nodes.flatMap((n) => field(1, n)), ...inits.flatMap((t) => field(5, t)), ...field(11, valueInfo('x', [1, 2, 3, 3])), ...field(12, valueInfo('y', [1, 2]))];
  return new Uint8Array([...int(1, 8), ...field(7, graph)]);
}

describe('ONNX reader', () => {
  const bytes = model(
    [
      node('Conv', ['x', 'w', 'b'], ['c'], [...attrInts('pads', [1, 1, 1, 1]), ...attrInts('strides', [2, 2]), ...attrInt('group', 1), ...attrInts('kernel_shape', [1, 1])]),
      node('PRelu', ['c', 'a'], ['p']),
      node('Reshape', ['p', 's'], ['y']),
    ],
    [tensor('w', [2, 2, 1, 1], [1, 2, 3, 4]), tensor('b', [2], [0.5, -0.5]), tensor('a', [2, 1, 1], [0.25, 0.1])],
  );

  test('reads nodes, attributes, initialisers, inputs and outputs', () => {
    const g = readOnnx(bytes);
    expect(g.nodes.map((n) => n.op)).toEqual(['Conv', 'PRelu', 'Reshape']);
    expect(g.nodes[0]!.attributes).toMatchObject({ pads: [1, 1, 1, 1], strides: [2, 2], group: 1 });
    expect([...g.initializers.get('w')!.values]).toEqual([1, 2, 3, 4]);
    expect(g.inputs).toEqual([{ name: 'x', shape: [1, 2, 3, 3] }]);
    expect(g.outputs).toEqual(['y']);
  });

  test('converts to tfjs layouts and fuses the PReLU into its conv', () => {
    // Reshape's shape constant is missing from this graph: the converter must say so, not guess.
    expect(() => onnxToProgram(readOnnx(bytes), 'm.bin')).toThrow(EidkitError);
    const withShape = model(
      [node('Conv', ['x', 'w', 'b'], ['c'], [...attrInts('pads', [0, 0, 0, 0])]), node('PRelu', ['c', 'a'], ['p']), node('Reshape', ['p', 's'], ['y'])],
      [tensor('w', [2, 2, 1, 1], [1, 2, 3, 4]), tensor('b', [2], [0.5, -0.5]), tensor('a', [2, 1, 1], [0.25, 0.1]), [...int(1, 2), ...int(2, 7), ...field(8, str('s')), ...field(9, [...new Uint8Array(new BigInt64Array([1n, -1n]).buffer)])]],
    );
    const { json, bin } = onnxToProgram(readOnnx(withShape), 'm.bin');
    expect(json.program.steps.map((s) => s.op)).toEqual(['conv', 'flatten']);
    expect(json.program.steps[0]).toMatchObject({ activation: 'prelu', alpha: 'a', pads: [0, 0, 0, 0], depthwise: false });
    const w = json.weightsManifest[0]!.weights.find((s) => s.name === 'w')!;
    expect(w.shape).toEqual([1, 1, 2, 2]);
    // ONNX [out, in] = [[1, 2], [3, 4]] → tfjs [in, out] = [[1, 3], [2, 4]]
    const specs = json.weightsManifest[0]!.weights;
    const at = specs.slice(0, specs.indexOf(w)).reduce((n, s) => n + s.shape.reduce((a, d) => a * d, 1), 0);
    expect([...new Float32Array(bin.buffer, bin.byteOffset + at * 4, 4)]).toEqual([1, 3, 2, 4]);
  });

  test('refuses ops outside its subset, and garbage', () => {
    expect(() => onnxToProgram(readOnnx(model([node('Softmax', ['x'], ['y'])], [])), 'm.bin')).toThrow(/Softmax/);
    expect(() => readOnnx(new Uint8Array([0x3a, 0xff, 0xff, 0xff, 0x0f]))).toThrow(/ONNX/);
  });
});
