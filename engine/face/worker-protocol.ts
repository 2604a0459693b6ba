import type { BackendOptions } from '../runtime/backend.ts';
import type { LoadProgress } from '../runtime/load-model.ts';
import type { FrameInput } from '../runtime/frame.ts';
import type { DetectOptions } from './blazeface.ts';
import type { FaceEngineInfo } from './engine.ts';
import type { DetectedFace } from './types.ts';

/** What workers/face.worker.ts exposes over comlink. Only structured-cloneable values (and comlink proxies) cross. */
export interface FaceWorkerApi {
  init(options: { models: string; backend?: BackendOptions }, onProgress?: (p: LoadProgress) => void): Promise<void>;
  ready(): Promise<FaceEngineInfo>;
  detectFaces(frame: FrameInput, options?: DetectOptions): Promise<DetectedFace[]>;
  dispose(): Promise<void>;
}
