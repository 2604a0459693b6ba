import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { initBackend } from '../runtime/backend.ts';
import { loadGraphModel, readVerifiedFiles, type LoadGraphOptions } from '../runtime/load-model.ts';
import { modelEntry } from '../runtime/manifest.ts';
import { urlSource, type ModelSource } from '../runtime/model-source.ts';
import { framePixels, frameSize, frameToTensor, tensorPixels, type FrameInput, type RgbaImage } from '../runtime/frame.ts';
import { FrameRaster } from './crop.ts';
import { concatBytes } from '../runtime/bytes.ts';
import { EidkitError } from '../errors.ts';
import { BlazeFaceDetector, DETECTORS, anySizeInput, type DetectorId } from './blazeface.ts';
import { FaceMeshModel } from './facemesh.ts';
import { EMBEDDERS, dlibEmbedder, faceResEmbedder, isOnnxEmbedder, onnxEmbedder, type Embedder, type EmbedderId } from './embedders.ts';
import { loadOnnxProgram } from '../runtime/load-onnx.ts';
import { analyseFrame, scaleDetection, scaleFrameFaces } from './pipeline.ts';
import { registerProjection } from './projection.ts';
import { sampleFrame } from './sample.ts';
import { judgeQuality, LIVE_CAPTURE_POLICY } from './quality.ts';
import { DEFAULT_EMBEDDER, createTemplate, fuseEmbeddings } from './template.ts';
import type { AnalyseFrameOptions, DetectFacesOptions, EnrolmentResult, FaceEngine, FaceEngineInfo, FaceEngineOptions, FrameAnalysis } from './engine.ts';
import type { DetectedFace } from './types.ts';

/** The face engine in the current realm: a worker (see workers/face.worker.ts), a page, or Node. */
export function createLocalFaceEngine(options: FaceEngineOptions, host: FaceEngineInfo['host'] = 'in-process'): FaceEngine {
  const source: ModelSource = typeof options.models === 'string' ? urlSource(options.models) : options.models;
  const embedderId: EmbedderId = options.embedder ?? DEFAULT_EMBEDDER;
  if (!(embedderId in EMBEDDERS)) throw new EidkitError('face/unknown-embedder', `Unknown embedding model '${String(embedderId)}'.`);
  const loaded = new Map<string, Promise<unknown>>();
  // Each model is loaded once per engine and kept: no per-frame reloads.
  const once = <T>(id: string, load: () => Promise<T>): Promise<T> => {
    let m = loaded.get(id) as Promise<T> | undefined;
    if (!m) {
      m = load();
      m.catch(() => loaded.delete(id));
      loaded.set(id, m);
    }
    return m;
  };
  const graph = (id: string, edit?: LoadGraphOptions['edit']): Promise<GraphModel> =>
    once(id, () => loadGraphModel(id, source, options.onProgress, undefined, edit ? { edit } : {}));
  const detector = (id: DetectorId = 'full-range'): Promise<BlazeFaceDetector> => {
    const spec = DETECTORS[id];
    if (!spec) return Promise.reject(new EidkitError('face/unknown-detector', `Unknown face detector '${String(id)}'.`, { detector: String(id) }));
    return once(`detector:${id}`, async () => new BlazeFaceDetector(await graph(spec.modelId, spec.anySize ? anySizeInput : undefined), spec.inputSize));
  };
  const mesh = (): Promise<FaceMeshModel> => once('mesh', async () => new FaceMeshModel(await graph('facemesh')));
  const embedder = (): Promise<Embedder> =>
    once('embedder', async () => {
      const spec = options.mirror === undefined ? EMBEDDERS[embedderId] : { ...EMBEDDERS[embedderId], mirror: options.mirror };
      if (spec.id === 'dlib') return dlibEmbedder(spec, await loadWeights(spec.modelId, source, options.onProgress));
      if (isOnnxEmbedder(spec)) return onnxEmbedder(spec, await loadOnnxProgram(spec.modelId, source, options.onProgress));
      // A candidate: its template projection is not in the default bundle (projection.ts).
      const [{ PROJECTION_FACERES }, model] = await Promise.all([import('./projection-faceres.ts'), graph(spec.modelId)]);
      registerProjection(PROJECTION_FACERES);
      return faceResEmbedder(spec, model);
    });
  const wasmBase = typeof options.models === 'string' ? options.models : undefined;
  const backend = () => initBackend({ ...(wasmBase ? { wasmBase } : {}), ...options.backend });

  /** Runs on the frame's pixels; `scale` maps them back to the caller's (huge frames are shrunk first). */
  const withPixels = async <T>(frame: FrameInput, run: (px: RgbaImage, scale: number, size: { width: number; height: number }) => Promise<T>): Promise<T> => {
    await backend();
    const size = frameSize(frame);
    const px = framePixels(frame) ?? (await tensorPixels(await frameToTensor(frame)));
    return run(px, size.width / px.width, size);
  };

  const analyse = async (frame: FrameInput, o: AnalyseFrameOptions = {}): Promise<FrameAnalysis> => {
    await backend(); // models are created on the backend, so it must be up before the first load
    const models = { detector: await detector(), mesh: await mesh(), embedder };
    const [faces, sample] = await withPixels(frame, async (px, scale, size) => {
      const found = await analyseFrame(new FrameRaster(px), models, o);
      const s = o.sample ? sampleFrame(px, scale, found.faces[0]?.detection.box, o.sample === true ? {} : o.sample) : undefined;
      return [scaleFrameFaces(found, scale, size.width, size.height), s] as const;
    });
    return { ...faces, quality: judgeQuality(faces, o.policy ?? LIVE_CAPTURE_POLICY), ...(sample ? { sample } : {}) };
  };

  return {
    async ready() {
      const report = await backend();
      await Promise.all([detector(), mesh()]);
      return { ...report, host, models: [...loaded.keys()].filter((k) => !k.startsWith('detector:') && !['mesh', 'embedder'].includes(k)) };
    },
    async detectFaces(frame: FrameInput, detectOptions: DetectFacesOptions = {}): Promise<DetectedFace[]> {
      await backend();
      const d = await detector(detectOptions.detector);
      return withPixels(frame, async (px, scale) => (await d.detect(px, detectOptions)).map((f) => (scale === 1 ? f : scaleDetection(f, scale))));
    },
    analyse,
    async template(frame, o = {}) {
      const analysis = await analyse(frame, { ...o, embed: true, maxAnalysed: o.maxAnalysed ?? 1 });
      const embedding = analysis.faces[0]?.embedding;
      const template = analysis.quality.ok && embedding ? createTemplate(embedding, embedderId) : undefined;
      return { ...(template ? { template } : {}), quality: analysis.quality, analysis };
    },
    async enrol(frames, o = {}): Promise<EnrolmentResult> {
      const results: { index: number; score: number; embedding?: Float32Array; ok: boolean }[] = [];
      const qualities = [];
      for (const [index, frame] of frames.entries()) {
        const a = await analyse(frame, { embed: true, maxAnalysed: 1, ...(o.policy ? { policy: o.policy } : {}) });
        qualities.push(a.quality);
        const embedding = a.faces[0]?.embedding;
        results.push({ index, score: a.quality.score, ok: a.quality.ok, ...(embedding ? { embedding } : {}) });
      }
      const passing = results.filter((r) => r.ok && r.embedding).sort((a, b) => b.score - a.score);
      const chosen = passing.slice(0, o.best ?? 5);
      if (chosen.length === 0 || chosen.length < (o.minFrames ?? 1)) return { used: [], qualities };
      const fused = fuseEmbeddings(chosen.map((c) => c.embedding!));
      return { template: createTemplate(fused, embedderId, chosen.length), used: chosen.map((c) => c.index), qualities };
    },
    async dispose() {
      for (const m of loaded.values()) {
        const v = (await m.catch(() => undefined)) as { dispose?: () => void } | undefined;
        v?.dispose?.();
      }
      loaded.clear();
      tf.disposeVariables();
    },
  };
}

/** Weights-only models (face-api's format): a weights manifest JSON plus shards, decoded into named tensors. */
async function loadWeights(id: string, source: ModelSource, onProgress?: FaceEngineOptions['onProgress']): Promise<tf.NamedTensorMap> {
  const entry = modelEntry(id);
  const files = await readVerifiedFiles(entry, source, onProgress);
  const jsonName = entry.files.find((f) => f.name.endsWith('.json'))?.name;
  const json = jsonName ? files.get(jsonName) : undefined;
  if (!json) throw new EidkitError('runtime/model-invalid', `Model ${id} has no weights manifest.`, { id });
  const groups = JSON.parse(new TextDecoder().decode(json)) as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  const out: tf.NamedTensorMap = {};
  for (const g of groups) {
    const parts = g.paths.map((p) => {
      const b = files.get(p);
      if (!b) throw new EidkitError('runtime/model-invalid', `Model ${id} needs ${p}, which the manifest does not list.`, { id, path: p });
      return b;
    });
    Object.assign(out, tf.io.decodeWeights(concatBytes(parts).buffer as ArrayBuffer, g.weights));
  }
  return out;
}
