import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { initBackend } from '../runtime/backend.ts';
import { loadGraphModel } from '../runtime/load-model.ts';
import { urlSource, type ModelSource } from '../runtime/model-source.ts';
import { frameToTensor, type FrameInput } from '../runtime/frame.ts';
import { BlazeFaceDetector, type DetectOptions } from './blazeface.ts';
import type { FaceEngine, FaceEngineInfo, FaceEngineOptions } from './engine.ts';
import type { DetectedFace } from './types.ts';

/** The face engine in the current realm: a worker (see workers/face.worker.ts), a page, or Node. */
export function createLocalFaceEngine(options: FaceEngineOptions, host: FaceEngineInfo['host'] = 'in-process'): FaceEngine {
  const source: ModelSource = typeof options.models === 'string' ? urlSource(options.models) : options.models;
  const loaded = new Map<string, Promise<GraphModel>>();
  const model = (id: string): Promise<GraphModel> => {
    let m = loaded.get(id);
    if (!m) {
      m = loadGraphModel(id, source, options.onProgress);
      m.catch(() => loaded.delete(id));
      loaded.set(id, m);
    }
    return m;
  };
  let detector: Promise<BlazeFaceDetector> | undefined;
  const getDetector = (): Promise<BlazeFaceDetector> => {
    detector ??= model('blazeface').then((m) => new BlazeFaceDetector(m));
    detector.catch(() => {
      detector = undefined;
    });
    return detector;
  };
  const wasmBase = typeof options.models === 'string' ? options.models : undefined;
  const backend = () => initBackend({ ...(wasmBase ? { wasmBase } : {}), ...options.backend });

  return {
    async ready() {
      const report = await backend();
      await getDetector();
      return { ...report, host, models: [...loaded.keys()] };
    },
    async detectFaces(frame: FrameInput, detectOptions?: DetectOptions): Promise<DetectedFace[]> {
      await backend();
      const d = await getDetector();
      const rgb = await frameToTensor(frame);
      try {
        return await d.detect(rgb, detectOptions);
      } finally {
        rgb.dispose();
      }
    },
    async dispose() {
      for (const m of loaded.values()) (await m.catch(() => undefined))?.dispose();
      loaded.clear();
      detector = undefined;
      tf.disposeVariables();
    },
  };
}
