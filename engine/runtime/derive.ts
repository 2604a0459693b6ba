import { EidkitError } from '../errors.ts';
import { quantiseUint8, type ModelJson } from './quantise.ts';
import type { ManifestEntry } from './manifest.ts';

/**
 * The files of a derived manifest entry (ManifestEntry.derivedFrom) from its source entry's files, already verified:
 * the source's tfjs graph model with its weights re-quantised to uint8 (quantise.ts), written as the entry's one JSON
 * and one weights file. Deterministic: the same source bytes give the same output bytes, which the entry pins.
 */
export function deriveFiles(entry: ManifestEntry, source: ManifestEntry, sourceFiles: ReadonlyMap<string, Uint8Array>): Map<string, Uint8Array> {
  const how = entry.derivedFrom;
  if (!how || how.id !== source.id) throw new EidkitError('runtime/model-invalid', `Model ${entry.id} is not derived from ${source.id}.`, { id: entry.id });
  const jsonName = entry.files.find((f) => f.name.endsWith('.json'))?.name;
  const binName = entry.files.find((f) => f.name.endsWith('.bin'))?.name;
  const sourceJson = source.files.find((f) => f.name.endsWith('.json'))?.name;
  if (!jsonName || !binName || !sourceJson || entry.files.length !== 2) {
    throw new EidkitError('runtime/model-invalid', `Derived model ${entry.id} needs one .json and one .bin file, from a source with a .json.`, { id: entry.id });
  }
  const json = JSON.parse(new TextDecoder().decode(sourceFiles.get(sourceJson))) as ModelJson;
  const q = quantiseUint8(json, sourceFiles, binName, { minElements: how.quantise.minElements });
  return new Map([
    [jsonName, new TextEncoder().encode(JSON.stringify(q.json))],
    [binName, q.bin],
  ]);
}
