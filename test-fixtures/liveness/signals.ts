import type { LivenessSignals } from '../../engine/liveness/decide.ts';

/**
 * The signals of a session every check agrees is live (a blink and a turn done, 3-D motion, a confident passive
 * score, the same face throughout at the similarity the default embedder shows within one session). Tests patch one
 * signal at a time to see that signal decide on its own.
 */
export const LIVE_SIGNALS: LivenessSignals = {
  mode: 'active',
  frames: 60,
  durationMs: 4000,
  tracking: { framesWithFace: 60, framesWithoutFace: 0, framesWithSeveralFaces: 0, longestGapMs: 0, jumps: 0 },
  challenge: { actions: ['blink', 'turn-left'], passed: true, completed: ['blink', 'turn-left'], unexpected: [] },
  activity: { blinks: 1, mouthRange: 0.05 },
  planar: { frames: 5, residual: 0.05, maxPoseChange: 18 },
  texture: { frames: 20, independence: 1.5, parallax: 0.2, maxMotion: 0.4, facePoints: 60, ringPoints: 40 },
  recapture: { frames: 60, moire: 80, border: 0, frameEdge: 0, lattice: 1.3, glare: 0, chroma: 17, contrast: 150, flicker: 0.004 },
  passive: { frames: 60, antispoof: 0.5, liveness: 0.95 },
  identity: { frames: 4, minSimilarity: 0.96 },
};
