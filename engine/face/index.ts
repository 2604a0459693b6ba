// createFaceEngine lives on its own (create.ts) so that `eidkit/face-engine` can export it with nothing else.
export { createFaceEngine } from './create.ts';

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
