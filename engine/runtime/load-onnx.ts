import * as tf from '@tensorflow/tfjs-core';
import { EidkitError } from '../errors.ts';
import { concatBytes } from './bytes.ts';
import { readVerifiedFiles, type LoadProgress } from './load-model.ts';
import { manifest as defaultManifest, modelEntry, type Manifest } from './manifest.ts';
import type { ModelSource } from './model-source.ts';
import { readOnnx } from './onnx.ts';
import { onnxToProgram, type OnnxProgramJson } from './onnx-convert.ts';
import { OnnxRunner } from './onnx-run.ts';

/**
 * Loads an ONNX-derived model by manifest id, every byte verified: either the converted program (`onnx-program`,
 * a JSON plus weights, as derive.ts writes it) or an `.onnx` file read and converted in memory (the float reference).
 */
export async function loadOnnxProgram(id: string, source: ModelSource, onProgress?: (p: LoadProgress) => void, from: Manifest = defaultManifest): Promise<OnnxRunner> {
  const entry = modelEntry(id, from);
  const files = await readVerifiedFiles(entry, source, onProgress);
  let json: OnnxProgramJson;
  let bin: Uint8Array;
  if (entry.format === 'onnx') {
    const onnx = entry.files.find((f) => f.name.endsWith('.onnx'));
    if (!onnx) throw new EidkitError('runtime/model-invalid', `Model ${id} lists no .onnx file.`, { id });
    const converted = onnxToProgram(readOnnx(files.get(onnx.name)!), `${id}.bin`);
    json = converted.json;
    bin = converted.bin;
  } else if (entry.format === 'onnx-program') {
    const jsonFile = entry.files.find((f) => f.name.endsWith('.json'));
    if (!jsonFile) throw new EidkitError('runtime/model-invalid', `Model ${id} has no program JSON in the manifest.`, { id });
    try {
      json = JSON.parse(new TextDecoder().decode(files.get(jsonFile.name))) as OnnxProgramJson;
    } catch (cause) {
      throw new EidkitError('runtime/model-invalid', `Model ${id}: ${jsonFile.name} is not valid JSON.`, { id }, { cause });
    }
    bin = concatBytes(
      json.weightsManifest.flatMap((g) =>
        g.paths.map((p) => {
          const b = files.get(p);
          if (!b) throw new EidkitError('runtime/model-invalid', `Model ${id} needs ${p}, which the manifest does not list.`, { id, path: p });
          return b;
        }),
      ),
    );
  } else throw new EidkitError('runtime/model-invalid', `Model ${id} is a ${entry.format} model, not an ONNX one.`, { id });
  const specs = json.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[];
  const weights = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer, specs);
  return new OnnxRunner(json.program, weights);
}
