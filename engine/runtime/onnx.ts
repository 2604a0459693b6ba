// A reader for the part of the ONNX format an inference graph needs: the nodes (op, inputs, outputs, attributes), the
// initialisers (weights) and the graph's inputs and outputs. Own code (~150 lines) rather than protobufjs and onnx's
// generated schema: the engine only ever reads a handful of fields, and does it in Node at install time
// (derive.ts) and in tests.
//
// Protobuf wire format: each field is a varint key (field number << 3 | wire type) followed by a varint (type 0),
// 8 bytes (1), a length-delimited payload (2) or 4 bytes (5). Field numbers are onnx.proto's (onnx/onnx.proto3).

import { EidkitError } from '../errors.ts';

export type OnnxAttribute = number | string | readonly number[] | OnnxTensor;

export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  /** ONNX TensorProto.DataType: 1 float, 6 int32, 7 int64. */
  readonly dataType: number;
  /** Values as float64 numbers whatever the stored type (int64 read exactly up to 2^53). */
  readonly values: Float64Array;
}

export interface OnnxNode {
  readonly op: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, OnnxAttribute>>;
}

export interface OnnxGraph {
  readonly nodes: readonly OnnxNode[];
  readonly initializers: ReadonlyMap<string, OnnxTensor>;
  /** Graph inputs that are not initialisers, with their shapes (symbolic dimensions as -1). */
  readonly inputs: readonly { readonly name: string; readonly shape: readonly number[] }[];
  readonly outputs: readonly string[];
}

class Reader {
  at = 0;
  constructor(readonly b: Uint8Array, readonly end = b.length) {}
  get done(): boolean {
    return this.at >= this.end;
  }
  varint(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (this.at >= this.end) throw bad('truncated varint');
      const byte = this.b[this.at++]!;
      v += (byte & 0x7f) * mul;
      if (byte < 0x80) return v;
      mul *= 128;
      if (mul > 2 ** 63) throw bad('varint too long');
    }
  }
  /** A varint read as a signed 64-bit integer (two's complement), exact up to 2^53. */
  int64(): number {
    const v = this.varint();
    return v >= 2 ** 63 ? v - 2 ** 64 : v;
  }
  bytes(): Uint8Array {
    const n = this.varint();
    if (this.at + n > this.end) throw bad('truncated field');
    const out = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  sub(): Reader {
    const body = this.bytes();
    return new Reader(body);
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.at += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.at += 4;
    else throw bad(`wire type ${wire}`);
  }
  /** Calls `f(field, wire)` for each field; `f` returns false to have the field skipped. */
  fields(f: (field: number, wire: number) => boolean): void {
    while (!this.done) {
      const key = this.varint();
      const field = Math.floor(key / 8);
      const wire = key & 7;
      if (!f(field, wire)) this.skip(wire);
    }
    if (this.at !== this.end) throw bad('field overruns its message');
  }
}

function bad(why: string): EidkitError {
  return new EidkitError('runtime/model-invalid', `Not a readable ONNX model (${why}).`, { why });
}

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Repeated scalars come packed (wire 2) or one by one. */
function repeated(r: Reader, wire: number, out: number[], one: (r: Reader) => number): void {
  if (wire !== 2) {
    out.push(one(r));
    return;
  }
  const p = r.sub();
  while (!p.done) out.push(one(p));
}

const f32 = (r: Reader): number => {
  const v = new DataView(r.b.buffer, r.b.byteOffset + r.at, 4).getFloat32(0, true);
  r.at += 4;
  return v;
};

function readTensor(r: Reader): OnnxTensor {
  let name = '';
  const dims: number[] = [];
  let dataType = 0;
  const floats: number[] = [];
  const ints: number[] = [];
  let raw: Uint8Array | undefined;
  r.fields((field, wire) => {
    if (field === 1) repeated(r, wire, dims, (x) => x.int64());
    else if (field === 2) dataType = r.varint();
    else if (field === 4) repeated(r, wire, floats, f32);
    else if (field === 5 || field === 7) repeated(r, wire, ints, (x) => x.int64());
    else if (field === 8) name = text(r.bytes());
    else if (field === 9) raw = r.bytes();
    else return false;
    return true;
  });
  const n = dims.reduce((a, d) => a * d, 1);
  let values: Float64Array;
  if (raw) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    values = new Float64Array(n);
    const width = dataType === 7 ? 8 : 4;
    if (raw.length !== n * width) throw bad(`tensor ${name}: ${raw.length} raw bytes for ${n} values`);
    for (let i = 0; i < n; i++) {
      if (dataType === 1) values[i] = view.getFloat32(i * 4, true);
      else if (dataType === 6) values[i] = view.getInt32(i * 4, true);
      else if (dataType === 7) values[i] = Number(view.getBigInt64(i * 8, true));
      else throw bad(`tensor ${name}: data type ${dataType}`);
    }
  } else values = Float64Array.from(dataType === 1 ? floats : ints);
  if (values.length !== n) throw bad(`tensor ${name}: ${values.length} values for shape [${dims.join(', ')}]`);
  return { name, dims, dataType, values };
}

function readAttribute(r: Reader): [string, OnnxAttribute] {
  let name = '';
  let value: OnnxAttribute = 0;
  const floats: number[] = [];
  const ints: number[] = [];
  let type = 0;
  r.fields((field, wire) => {
    if (field === 1) name = text(r.bytes());
    else if (field === 2) value = f32(r);
    else if (field === 3) value = r.int64();
    else if (field === 4) value = text(r.bytes());
    else if (field === 5) value = readTensor(r.sub());
    else if (field === 7) repeated(r, wire, floats, f32);
    else if (field === 8) repeated(r, wire, ints, (x) => x.int64());
    else if (field === 20) type = r.varint();
    else return false;
    return true;
  });
  if (type === 6) value = floats;
  else if (type === 7) value = ints;
  return [name, value];
}

function readNode(r: Reader): OnnxNode {
  const inputs: string[] = [];
  const outputs: string[] = [];
  let name = '';
  let op = '';
  const attributes: Record<string, OnnxAttribute> = {};
  r.fields((field) => {
    if (field === 1) inputs.push(text(r.bytes()));
    else if (field === 2) outputs.push(text(r.bytes()));
    else if (field === 3) name = text(r.bytes());
    else if (field === 4) op = text(r.bytes());
    else if (field === 5) {
      const [k, v] = readAttribute(r.sub());
      attributes[k] = v;
    } else return false;
    return true;
  });
  return { op, name, inputs, outputs, attributes };
}

/** ValueInfoProto → name and shape (TypeProto.tensor_type.shape.dim[].dim_value; a dim_param reads as -1). */
function readValueInfo(r: Reader): { name: string; shape: number[] } {
  let name = '';
  const shape: number[] = [];
  r.fields((field) => {
    if (field === 1) name = text(r.bytes());
    else if (field === 2) {
      const type = r.sub();
      type.fields((f) => {
        if (f !== 1) return false; // tensor_type
        const tensor = type.sub();
        tensor.fields((g) => {
          if (g !== 2) return false; // shape
          const s = tensor.sub();
          s.fields((h) => {
            if (h !== 1) return false; // dim
            const dim = s.sub();
            let value = -1;
            dim.fields((k) => {
              if (k !== 1) return false; // dim_value (dim_param, 2, stays -1)
              value = dim.int64();
              return true;
            });
            shape.push(value);
            return true;
          });
          return true;
        });
        return true;
      });
    } else return false;
    return true;
  });
  return { name, shape };
}

function readGraph(r: Reader): OnnxGraph {
  const nodes: OnnxNode[] = [];
  const initializers = new Map<string, OnnxTensor>();
  const inputs: { name: string; shape: number[] }[] = [];
  const outputs: string[] = [];
  r.fields((field) => {
    if (field === 1) nodes.push(readNode(r.sub()));
    else if (field === 5) {
      const t = readTensor(r.sub());
      initializers.set(t.name, t);
    } else if (field === 11) inputs.push(readValueInfo(r.sub()));
    else if (field === 12) outputs.push(readValueInfo(r.sub()).name);
    else return false;
    return true;
  });
  return { nodes, initializers, inputs: inputs.filter((i) => !initializers.has(i.name)), outputs };
}

/** Parses an ONNX ModelProto. Throws `runtime/model-invalid` on anything it cannot read. */
export function readOnnx(bytes: Uint8Array): OnnxGraph {
  let graph: OnnxGraph | undefined;
  const r = new Reader(bytes);
  try {
    r.fields((field) => {
      if (field !== 7) return false;
      graph = readGraph(r.sub());
      return true;
    });
  } catch (e) {
    if (e instanceof EidkitError) throw e;
    throw bad(e instanceof Error ? e.message : String(e));
  }
  if (!graph) throw bad('no graph');
  return graph;
}
