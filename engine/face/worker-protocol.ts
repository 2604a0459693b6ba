import type { BackendOptions } from '../runtime/backend.ts';
import type { LoadProgress } from '../runtime/load-model.ts';
import type { FrameInput } from '../runtime/frame.ts';
import type { AnalyseFrameOptions, DetectFacesOptions, EnrolOptions, EnrolmentResult, FaceEngineInfo, FrameAnalysis, TemplateResult } from './engine.ts';
import type { EmbedderId } from './embedders.ts';
import type { DetectedFace } from './types.ts';

/** What workers/face.worker.ts exposes over comlink. Only structured-cloneable values (and comlink proxies) cross. */
export interface FaceWorkerApi {
  init(options: { models: string; backend?: BackendOptions; embedder?: EmbedderId; mirror?: boolean }, onProgress?: (p: LoadProgress) => void): Promise<void>;
  ready(): Promise<FaceEngineInfo>;
  detectFaces(frame: FrameInput, options?: DetectFacesOptions): Promise<DetectedFace[]>;
  analyse(frame: FrameInput, options?: AnalyseFrameOptions): Promise<FrameAnalysis>;
  template(frame: FrameInput, options?: AnalyseFrameOptions): Promise<TemplateResult>;
  enrol(frames: FrameInput[], options?: EnrolOptions): Promise<EnrolmentResult>;
  dispose(): Promise<void>;
}
