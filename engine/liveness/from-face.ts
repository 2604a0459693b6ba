import { mouthOpening, type FrameFaces } from '../face/index.ts';
import type { LivenessFrame, PassiveScores } from './types.ts';

/**
 * Turns the face engine's analysis of one frame (FaceEngine.analyse) into a liveness frame at time `t` (ms), taking
 * its largest face. Liveness reads landmarks, pose and embeddings only through this.
 */
export function livenessFrame(t: number, analysis: FrameFaces, passive?: PassiveScores): LivenessFrame {
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
    },
  };
}
