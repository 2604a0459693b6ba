import type { Box, FrameSample, HeadPose } from '../face/index.ts';

/**
 * Challenge actions. Directions are the user's own: "turn-left" is turning the head to one's left, which in an
 * unmirrored camera frame moves the nose towards the image's right (yaw > 0 in face's head pose).
 */
export type Action = 'blink' | 'turn-left' | 'turn-right' | 'look-up' | 'open-mouth';
export const ACTIONS: readonly Action[] = ['blink', 'turn-left', 'turn-right', 'look-up', 'open-mouth'];

/**
 * Presentation-attack types as ISO/IEC 30107-3 groups them for APCER, plus our fixture motions: a photo held still,
 * moved in its plane, waved (hand-held, moving and tilting at once) or tilted in depth; a video replayed on a screen;
 * and a targeted replay (a recording of the holder doing each action, spliced to answer the prompts).
 */
export type AttackType = 'print' | 'screen' | 'still' | 'moved-photo' | 'waved-photo' | 'tilted-photo' | 'video-replay' | 'targeted-replay';
export const ATTACK_TYPES: readonly AttackType[] = ['print', 'screen', 'still', 'moved-photo', 'waved-photo', 'tilted-photo', 'video-replay', 'targeted-replay'];

export type { HeadPose };

/**
 * What liveness needs from one camera frame, measured by the face engine. `mesh` is FaceMesh's 468 (x, y, z) points
 * in frame pixels; everything else is derived from it or from the passive models.
 */
export interface LivenessFrame {
  /** Milliseconds, monotonic (performance.now() or frame index / fps). */
  readonly t: number;
  /** Faces the detector found in the frame (0 = lost, > 1 = someone else in view). */
  readonly faceCount: number;
  /** The analysed (largest) face; absent when faceCount is 0. */
  readonly face?: LivenessFace;
}

export interface LivenessFace {
  readonly box: Box;
  readonly mesh: Float32Array;
  readonly pose: HeadPose;
  /** Mean eye aspect ratio of both eyes (open ~0.3, closed < 0.15). */
  readonly eyeOpening: number;
  /** Inner-lip opening over mouth width (closed ~0, wide open > 0.3). */
  readonly mouthOpening: number;
  /** L2-normalised embedding of this frame's face, when the caller computed one (for identity continuity). */
  readonly embedding?: Float32Array;
  /** Passive model scores for this frame, 0..1, higher = more likely a real face. */
  readonly passive?: PassiveScores;
  /** The face engine's pixel sample of this frame (texture planarity and recapture cues need it). */
  readonly sample?: FrameSample;
}

export interface PassiveScores {
  /** human's `antispoof` model (128x128): its "real face" score. */
  readonly antispoof: number;
  /** human's `liveness` model (32x32): its "live" probability. */
  readonly liveness: number;
}
