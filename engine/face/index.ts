import { EidkitError } from '../errors.ts';
import { urlSource } from '../runtime/model-source.ts';
import type { FaceEngine, FaceEngineOptions } from './engine.ts';
import { createWorkerFaceEngine } from './worker-engine.ts';

export type {
  AnalyseFrameOptions,
  DetectFacesOptions,
  EnrolOptions,
  EnrolmentResult,
  FaceEngine,
  FaceEngineInfo,
  FaceEngineOptions,
  FrameAnalysis,
  ModelLocation,
  TemplateResult,
} from './engine.ts';
export type { Box, DetectedFace, FaceKeypoints, Point } from './types.ts';
export { DETECT_DEFAULTS, DETECTORS, type DetectOptions, type DetectorId } from './blazeface.ts';
export type { AnalyseOptions, FaceAnalysis, FrameFaces } from './pipeline.ts';
export { RETRY_PADDING } from './pipeline.ts';
export { FACE_SAMPLE_SCALE, sampleFrame, type FrameSample, type SampleOptions } from './sample.ts';
export type { HeadPose } from './pose.ts';
export { headPose } from './pose.ts';
export { MESH, eyeAspectRatio, mouthOpening, fivePoints, interEyeDistance } from './landmarks.ts';
export type { FaceImageStats } from './image-stats.ts';
export { judgeQuality, LIVE_CAPTURE_POLICY, PORTRAIT_POLICY, type QualityCode, type QualityIssue, type QualityPolicy, type QualityReport } from './quality.ts';
export {
  createTemplate,
  decodeTemplate,
  fuseEmbeddings,
  templateSimilarity,
  DEFAULT_EMBEDDER,
  TEMPLATE_FORMAT,
  TEMPLATE_MAX_BYTES,
  type DecodedTemplate,
  type TemplateHeader,
} from './template.ts';
export { needsReenrolment, RETIRED_TEMPLATE_FORMATS } from './template-format.ts';
export { compareTemplates, thresholdFor, FAR_1E3, FAR_1E4, type Match, type OperatingPoint } from './match.ts';
export type { EmbedderId } from './embedders.ts';
export { imageFromBytes, sniffImage } from './decode.ts';
export { faceTemplateFromImage, type PhotoTemplate } from './photo-template.ts';

/**
 * Creates the face engine. Pass `worker` (a Worker running eidkit's `workers/face.worker.js`) to run it off the main
 * thread; without one it runs in-process (Node, tests, or a page that accepts the cost).
 */
export function createFaceEngine(options: FaceEngineOptions & { readonly worker?: Worker }): FaceEngine {
  if (typeof options !== 'object' || options === null) {
    throw new EidkitError('face/no-models', "createFaceEngine needs options: { models: '/eidkit-models/' } (a base URL or a ModelSource), and `worker` to run off the main thread.");
  }
  const { worker, ...rest } = options;
  if (worker !== undefined && (typeof worker !== 'object' || worker === null || typeof (worker as Worker).postMessage !== 'function')) {
    throw new EidkitError('face/bad-worker', "createFaceEngine's `worker` must be a Worker running eidkit's workers/face.worker.js, e.g. new Worker(new URL('eidkit/workers/face.worker.js', import.meta.url), { type: 'module' }).");
  }
  if (worker) return createWorkerFaceEngine(worker, rest);
  if (!rest.models) throw new EidkitError('face/no-models', 'createFaceEngine needs `models`: a base URL or a ModelSource.');
  // A folder on another origin is refused here, when the engine is created, not at its first use.
  if (typeof rest.models === 'string') urlSource(rest.models);
  return lazyLocalEngine(rest);
}

/**
 * The in-process engine, loaded on first use: a page that hands the work to a worker then never loads tfjs on its main
 * thread (bundlers split the dynamic import into its own chunk).
 */
function lazyLocalEngine(options: FaceEngineOptions): FaceEngine {
  let engine: Promise<FaceEngine> | undefined;
  const get = (): Promise<FaceEngine> => (engine ??= import('./local-engine.ts').then((m) => m.createLocalFaceEngine(options)));
  return {
    ready: () => get().then((e) => e.ready()),
    detectFaces: (frame, o) => get().then((e) => e.detectFaces(frame, o)),
    analyse: (frame, o) => get().then((e) => e.analyse(frame, o)),
    template: (frame, o) => get().then((e) => e.template(frame, o)),
    enrol: (frames, o) => get().then((e) => e.enrol(frames, o)),
    dispose: async () => {
      if (engine) await (await engine).dispose();
    },
  };
}
