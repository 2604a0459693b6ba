import manifestJson from '../../models/manifest.json' with { type: 'json' };
import { EidkitError } from '../errors.ts';

export interface ManifestFile {
  readonly name: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** A set of files that come from one npm package: a model, or the wasm runtime. */
export interface ManifestEntry {
  readonly id: string;
  readonly version: string;
  readonly package: string;
  /** Folder inside the package that holds `files`. */
  readonly dir: string;
  readonly files: readonly ManifestFile[];
  readonly licence: string;
  /**
   * Evaluated or used by dev tools only (e.g. a candidate embedding, a peer's weights from a dev dependency): not
   * loaded by default, so `models copy` leaves it out unless asked for `--all`.
   */
  readonly optional?: boolean;
  /**
   * Files not shipped by any package but computed from another entry's pinned files (derive.ts): an ONNX graph read
   * into the op program tfjs runs (`convert`), and/or weights re-quantised to uint8. `package` and `dir` are the
   * source's. The result is pinned like any file, so a derivation that changed its output would be refused.
   */
  readonly derivedFrom?: {
    readonly id: string;
    readonly convert?: 'onnx-program';
    readonly quantise?: { readonly dtype: 'uint8' | 'float16'; readonly minElements: number; readonly perChannel?: boolean };
  };
}

export interface ModelEntry extends ManifestEntry {
  readonly task: string;
  readonly format: 'tfjs-graph' | 'tfjs-layers' | 'tfjs-weights' | 'onnx' | 'onnx-program';
  readonly input: { readonly shape: readonly number[]; readonly range: readonly [number, number]; readonly layout: string };
  readonly output: string;
  readonly provenance: string;
}

export interface Manifest {
  readonly schema: 1;
  readonly runtime: readonly ManifestEntry[];
  readonly models: readonly ModelEntry[];
}

export const manifest = manifestJson as unknown as Manifest;

export function modelEntry(id: string, from: Manifest = manifest): ModelEntry {
  const entry = from.models.find((m) => m.id === id);
  if (!entry) throw new EidkitError('runtime/unknown-model', `No model '${id}' in the models manifest.`, { id });
  return entry;
}

/** Every file the engine may load, models and wasm runtime alike; names are unique, so one flat folder holds them. */
export function allEntries(from: Manifest = manifest): readonly ManifestEntry[] {
  return [...from.runtime, ...from.models];
}
