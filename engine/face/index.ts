import { EidkitError } from '../errors.ts';
import type { FaceEngine, FaceEngineOptions } from './engine.ts';
import { createLocalFaceEngine } from './local-engine.ts';
import { createWorkerFaceEngine } from './worker-engine.ts';

export type { FaceEngine, FaceEngineInfo, FaceEngineOptions, ModelLocation } from './engine.ts';
export type { Box, DetectedFace, FaceKeypoints, Point } from './types.ts';
export { DETECT_DEFAULTS, type DetectOptions } from './blazeface.ts';

/**
 * Creates the face engine. Pass `worker` (a Worker running eidkit's `workers/face.worker.js`) to run it off the main
 * thread; without one it runs in-process (Node, tests, or a page that accepts the cost).
 */
export function createFaceEngine(options: FaceEngineOptions & { readonly worker?: Worker }): FaceEngine {
  const { worker, ...rest } = options;
  if (worker) return createWorkerFaceEngine(worker, rest);
  if (!rest.models) throw new EidkitError('face/no-models', 'createFaceEngine needs `models`: a base URL or a ModelSource.');
  return createLocalFaceEngine(rest);
}
