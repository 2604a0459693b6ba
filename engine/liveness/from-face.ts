import { mouthOpening, type FrameFaces, type FrameSample } from '../face/index.ts';
import type { LivenessFrame, PassiveScores } from './types.ts';

/**
 * How liveness asks the face engine to analyse a frame. Liveness compares landmarks across frames, so every frame gets
 * both FaceMesh passes: with the engine's default ('auto', a second pass only when the first crop was off) some frames
 * get two and others one, and the step between the two estimates added to the frame-to-frame jitter. On a still photo
 * turned 35 degrees each way in depth (yaw-obama), that pushed the mouth range over the activity threshold (0.124
 * against 0.12, a photo passing as live); with both passes on every frame it is 0.096, one pass on every frame 0.086.
 * Two passes keep the landmarks the liveness thresholds were calibrated with. `sample`: the engine also returns a
 * small copy of the frame's pixels (a gray thumbnail, the face square), taken where the pixels already are, for the
 * texture and recapture cues (texture.ts, recapture.ts).
 */
export const LIVENESS_ANALYSIS = { refineMesh: 'always', sample: true } as const;

/**
 * Turns the face engine's analysis of one frame (FaceEngine.analyse) into a liveness frame at time `t` (ms), taking
 * its largest face. Liveness reads landmarks, pose and embeddings only through this.
 */
export function livenessFrame(t: number, analysis: FrameFaces & { readonly sample?: FrameSample }, passive?: PassiveScores): LivenessFrame {
  const f = analysis.faces[0];
  if (!f) return { t, faceCount: analysis.detected };
  return {
    t,
    faceCount: Math.max(1, analysis.detected),
    face: {
      box: f.detection.box,
      mesh: f.mesh,
      pose: f.pose,
      eyeOpening: (f.eyes.right + f.eyes.left) / 2,
      mouthOpening: mouthOpening(f.mesh),
      ...(f.embedding ? { embedding: f.embedding } : {}),
      ...(passive ? { passive } : {}),
      ...('sample' in analysis && analysis.sample ? { sample: analysis.sample as FrameSample } : {}),
    },
  };
}
