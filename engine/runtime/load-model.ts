import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel as tfLoadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { EidkitError } from '../errors.ts';
import { modelEntry, type ManifestEntry, type Manifest, manifest as defaultManifest } from './manifest.ts';
import type { ModelSource } from './model-source.ts';
import { sha256Hex } from './sha256.ts';
import { concatBytes } from './bytes.ts';
import { expandChannels, type WeightSpec } from './quantise.ts';

export interface LoadProgress {
  readonly id: string;
  readonly loaded: number;
  readonly total: number;
}

/**
 * Reads every file of a manifest entry and checks its size and SHA-256 before anything uses it.
 * A mismatch is a hard error naming the file: a model that is not the pinned one is never run.
 */
export async function readVerifiedFiles(
  entry: ManifestEntry,
  source: ModelSource,
  onProgress?: (p: LoadProgress) => void,
): Promise<Map<string, Uint8Array>> {
  const total = entry.files.reduce((n, f) => n + f.bytes, 0);
  const loadedPerFile = new Map<string, number>();
  const report = (): void => {
    let loaded = 0;
    for (const v of loadedPerFile.values()) loaded += v;
    onProgress?.({ id: entry.id, loaded: Math.min(loaded, total), total });
  };
  const files = await Promise.all(
    entry.files.map(async (file) => {
      const bytes = await source.read(entry, file, (n) => {
        loadedPerFile.set(file.name, n);
        report();
      });
      const actual = await sha256Hex(bytes);
      if (bytes.length !== file.bytes || actual !== file.sha256) {
        throw new EidkitError(
          'runtime/model-hash',
          `Model file ${file.name} (${entry.id}) from ${source.describe} does not match the pinned SHA-256; refusing to use it.`,
          { file: file.name, model: entry.id, expected: file.sha256, actual, bytes: bytes.length, expectedBytes: file.bytes },
        );
      }
      return [file.name, bytes] as const;
    }),
  );
  loadedPerFile.clear();
  onProgress?.({ id: entry.id, loaded: total, total });
  return new Map(files);
}

interface ModelJson {
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: unknown;
  userDefinedMetadata?: Record<string, unknown>;
  modelInitializer?: unknown;
}

/** The nodes of a tfjs graph model's topology, as its model.json holds them (the fields an edit may need). */
export interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
}

export interface LoadGraphOptions {
  /**
   * Edits the graph's topology after the bytes are verified and before tfjs builds the model (the weights are left
   * as they are): a reader's change of what it asks of the graph, such as blazeface.ts's any-size input.
   */
  readonly edit?: (nodes: GraphNode[]) => void;
}

/** Loads a tfjs graph model by manifest id, every byte verified, without the network-facing tfjs loaders. */
export async function loadGraphModel(
  id: string,
  source: ModelSource,
  onProgress?: (p: LoadProgress) => void,
  from: Manifest = defaultManifest,
  options: LoadGraphOptions = {},
): Promise<GraphModel> {
  const entry = modelEntry(id, from);
  const files = await readVerifiedFiles(entry, source, onProgress);
  const jsonFile = entry.files.find((f) => f.name.endsWith('.json'));
  const json = jsonFile && files.get(jsonFile.name);
  if (!json) throw new EidkitError('runtime/model-invalid', `Model ${id} has no model.json in the manifest.`, { id });
  let model: ModelJson;
  try {
    model = JSON.parse(new TextDecoder().decode(json)) as ModelJson;
  } catch (cause) {
    throw new EidkitError('runtime/model-invalid', `Model ${id}: ${jsonFile.name} is not valid JSON.`, { id }, { cause });
  }
  if (options.edit) {
    const nodes = (model.modelTopology as { node?: GraphNode[] } | undefined)?.node;
    if (!Array.isArray(nodes)) throw new EidkitError('runtime/model-invalid', `Model ${id} has no graph nodes to edit.`, { id });
    options.edit(nodes);
  }
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const shards: Uint8Array[] = [];
  for (const group of model.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const path of group.paths) {
      const shard = files.get(path);
      if (!shard) throw new EidkitError('runtime/model-invalid', `Model ${id} needs ${path}, which the manifest does not list.`, { id, path });
      shards.push(shard);
    }
  }
  // Per-channel uint8 weights (quantise.ts) become float32 here: tfjs decodes only per-tensor ranges.
  const weights = expandChannels(weightSpecs as WeightSpec[], concatBytes(shards));
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: model.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: weights.specs as tf.io.WeightsManifestEntry[],
    weightData: weights.data.buffer.slice(weights.data.byteOffset, weights.data.byteOffset + weights.data.byteLength) as ArrayBuffer,
    format: model.format,
    generatedBy: model.generatedBy,
    convertedBy: model.convertedBy,
    signature: model.signature as tf.io.ModelArtifacts['signature'],
    userDefinedMetadata: model.userDefinedMetadata as tf.io.ModelArtifacts['userDefinedMetadata'],
    modelInitializer: model.modelInitializer as tf.io.ModelArtifacts['modelInitializer'],
  };
  return tfLoadGraphModel(tf.io.fromMemory(artifacts));
}

