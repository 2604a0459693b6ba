// eidkit liveness: an active challenge plus passive cues, decided on the device. See site/docs/liveness.md.
export { ACTIONS, type Action, type AttackType, type LivenessFace, type LivenessFrame, type PassiveScores } from './types.ts';
export { ACTION_THRESHOLDS, createActionDetector, type ActionDetector, type ActionThresholds, type Neutral } from './actions.ts';
export {
  ACTION_ONSET,
  CHALLENGE_TIMING,
  ChallengeRunner,
  GUIDANCE,
  guidance,
  planChallenge,
  type ChallengePlanOptions,
  type ChallengeState,
  type ChallengeStatus,
  type ChallengeRunnerOptions,
  type ChallengeStep,
  type ChallengeSwap,
  type ChallengeTiming,
  type ChallengeWindow,
  type StepFailure,
  type UnpromptedAction,
  type Guidance,
  type GuidanceCode,
} from './challenge.ts';
export {
  DEFAULT_POLICY,
  decideLiveness,
  passiveModelsFor,
  type ActivitySignal,
  type ChallengeSignal,
  type IdentitySignal,
  type LivenessDecision,
  type LivenessPolicy,
  type LivenessReason,
  type LivenessReasonCode,
  type LivenessSignals,
  type PassiveSignal,
  type TrackingSignal,
} from './decide.ts';
export { PASSIVE_TIMING, createLivenessSession, type ExtraSignals, type LivenessProgress, type LivenessSession, type LivenessSessionOptions } from './session.ts';
export {
  LIGHT_TIMING,
  SCREEN_COLOURS,
  measureLightSample,
  planDurationMs,
  planLight,
  scoreLight,
  type LightKind,
  type LightNotRun,
  type LightPlan,
  type LightSample,
  type LightShown,
  type LightSignal,
  type LightStep,
  type Rgb,
} from './light.ts';
export { PlanarTracker, RIGID_POINTS, planarResidual, type PlanarSignal } from './planar.ts';
export { fitHomography, project, rmsResidual, type Homography } from './homography.ts';
export { measureFace, type FaceMeasures } from './measures.ts';
export { LIVENESS_ANALYSIS, livenessFrame } from './from-face.ts';
export { PASSIVE_CROP_SCALE, PASSIVE_MODELS, PassiveScorer, createPassiveScorer, type PassiveScorerOptions } from './passive.ts';
export { MJPEG_FPS, joinMjpeg, splitMjpeg } from './mjpeg.ts';
export { parseEvalManifest, type EvalManifestEntry } from './manifest.ts';
export { padMetrics, type ErrorRate, type EvaluatedEntry, type PadMetrics } from './evaluation.ts';
export { seededRandom, secureSeed, type Random } from './random.ts';
export { lightKindFor, startLightCheck, type LightCaptureOptions, type LightRun } from './light-capture.ts';
export { openCamera, runLivenessCapture, type LivenessCaptureOptions, type LivenessCaptureResult } from './capture.ts';
