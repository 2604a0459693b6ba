import { EidkitError } from '../errors.ts';
import { quantiseFloat16, quantiseUint8, type ModelJson } from './quantise.ts';
import { readOnnx } from './onnx.ts';
import { normaliseChannels, onnxToProgram } from './onnx-convert.ts';
import type { ManifestEntry } from './manifest.ts';

/**
 * The files of a derived manifest entry (ManifestEntry.derivedFrom) from its source entry's files, already verified,
 * written as the entry's one JSON and one weights file:
 * - a tfjs graph model source: its weights re-quantised to uint8 (quantise.ts);
 * - an ONNX source (`convert: 'onnx-program'`): the graph read (onnx.ts) and turned into the op program tfjs runs
 *   (onnx-convert.ts, onnx-run.ts), its weights then quantised to uint8 when `quantise` is given;
 * - `quantise.dtype: 'float16'`: a tfjs graph model's float32 weights stored as float16.
 * Deterministic: the same source bytes give the same output bytes, which the entry pins.
 */
export function deriveFiles(entry: ManifestEntry, source: ManifestEntry, sourceFiles: ReadonlyMap<string, Uint8Array>): Map<string, Uint8Array> {
  const how = entry.derivedFrom;
  if (!how || how.id !== source.id) throw new EidkitError('runtime/model-invalid', `Model ${entry.id} is not derived from ${source.id}.`, { id: entry.id });
  const jsonName = entry.files.find((f) => f.name.endsWith('.json'))?.name;
  const binName = entry.files.find((f) => f.name.endsWith('.bin'))?.name;
  const sourceName = source.files.find((f) => f.name.endsWith(how.convert === 'onnx-program' ? '.onnx' : '.json'))?.name;
  if (!jsonName || !binName || !sourceName || entry.files.length !== 2) {
    throw new EidkitError('runtime/model-invalid', `Derived model ${entry.id} needs one .json and one .bin file, from a source with a ${how.convert === 'onnx-program' ? '.onnx' : '.json'}.`, { id: entry.id });
  }
  let json: ModelJson;
  let shards: ReadonlyMap<string, Uint8Array> = sourceFiles;
  if (how.convert === 'onnx-program') {
    const converted = onnxToProgram(readOnnx(sourceFiles.get(sourceName)!), binName);
    if (!how.quantise) return new Map([[jsonName, new TextEncoder().encode(JSON.stringify(converted.json))], [binName, converted.bin]]);
    const normalised = normaliseChannels(converted.json, converted.bin, how.quantise.minElements);
    json = normalised.json;
    shards = new Map([[binName, normalised.bin]]);
  } else json = JSON.parse(new TextDecoder().decode(sourceFiles.get(sourceName))) as ModelJson;
  if (!how.quantise) throw new EidkitError('runtime/model-invalid', `Derived model ${entry.id} says neither how to convert nor how to quantise.`, { id: entry.id });
  const q =
    how.quantise.dtype === 'float16'
      ? quantiseFloat16(json, shards, binName)
      : quantiseUint8(json, shards, binName, { minElements: how.quantise.minElements, ...(how.quantise.perChannel ? { perChannel: true } : {}) });
  return new Map([
    [jsonName, new TextEncoder().encode(JSON.stringify(q.json))],
    [binName, q.bin],
  ]);
}
