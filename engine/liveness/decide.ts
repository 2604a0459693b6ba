import type { ChallengeStep, ChallengeSwap, StepFailure } from './challenge.ts';
import type { LightSignal } from './light.ts';
import type { PlanarSignal } from './planar.ts';
import type { RecaptureSignal } from './recapture.ts';
import type { TextureSignal } from './texture.ts';
import type { Action } from './types.ts';

/** Everything a session measured; plain data, so it can be logged, sent to a test, or re-decided under another policy. */
export interface LivenessSignals {
  readonly mode: 'active' | 'passive';
  /** Analysed frames and the time they span. */
  readonly frames: number;
  readonly durationMs: number;
  readonly tracking: TrackingSignal;
  /** Active mode only. */
  readonly challenge?: ChallengeSignal;
  readonly activity: ActivitySignal;
  readonly planar: PlanarSignal;
  /** Present when frames carried pixel samples (texture planarity, texture.ts). */
  readonly texture?: TextureSignal;
  /** Present when at least three frames carried a face sample (recapture.ts). */
  readonly recapture?: RecaptureSignal;
  /** Present when passive model scores were given for at least one frame. */
  readonly passive?: PassiveSignal;
  /** Present when embeddings were given for at least two frames. */
  readonly identity?: IdentitySignal;
  /** The light challenge (light.ts), when the capture was asked to run one: `ran: false` says why it could not. */
  readonly light?: LightSignal;
}

export interface TrackingSignal {
  readonly framesWithFace: number;
  readonly framesWithoutFace: number;
  readonly framesWithSeveralFaces: number;
  /** Longest stretch with no face, ms. */
  readonly longestGapMs: number;
  /** Frame-to-frame jumps of the face larger than its own width (a face swapped in, or a cut in a video). */
  readonly jumps: number;
}

export interface ChallengeSignal {
  readonly actions: readonly Action[];
  readonly passed: boolean;
  readonly completed: readonly Action[];
  readonly failedAction?: Action;
  /** How the failed step failed (absent: not completed, e.g. the recording ended). */
  readonly failure?: StepFailure;
  /** Deliberate actions seen while not asked, one per movement (repeats count). */
  readonly unexpected: readonly Action[];
  /** Each step's prompt, onset and completion times. */
  readonly steps?: readonly ChallengeStep[];
  /** Actions replaced because the person said they could not do them. */
  readonly swaps?: readonly ChallengeSwap[];
}

/** Signs of a living face that need no instruction: blinks, mouth movement, 3-D head motion. */
export interface ActivitySignal {
  readonly blinks: number;
  /** Range (max - min) of the mouth opening over the session. */
  readonly mouthRange: number;
}

export interface PassiveSignal {
  readonly frames: number;
  /** Medians over the frames. */
  readonly antispoof: number;
  readonly liveness: number;
}

export interface IdentitySignal {
  readonly frames: number;
  /** Lowest cosine similarity between the first embedded frame and any later one. */
  readonly minSimilarity: number;
}

/**
 * The operating point. Every threshold was chosen on our fixtures (site/docs/liveness.md has the numbers and how);
 * the defaults aim at BPCER 0 on the bona fide videos with margin, then the lowest APCER that allows.
 */
export interface LivenessPolicy {
  /**
   * Distinct deliberate actions done while another was asked that are tolerated: people confuse left and right, and
   * a head that wanders while waiting turns both ways (the talking-glasses video turns 10-14 degrees right and left
   * while it is asked to blink); a recording cycling through all the actions shows three or four before the asked one
   * in most orders.
   */
  readonly maxUnexpectedActions: number;
  /**
   * Unprompted deliberate movements tolerated in all (repeats count): a replay cycling through the actions shows them
   * again and again during the pauses, while a person waits for the next prompt. 4, not measured on people answering
   * our prompts (shared/ has no such recordings): two fidgets each way.
   */
  readonly maxUnpromptedActions: number;
  /**
   * Light challenge: lowest correlation between the colours shown and the face's colour response (relative to the
   * background), and the smallest response amplitude (light.ts). A light check that did not run never vetoes and
   * never counts as passed.
   */
  readonly lightMinCorrelation: number;
  readonly lightMinAmplitude: number;
  /** The same for the torch (log luminance, face over background). */
  readonly torchMinAmplitude: number;
  /** Planar test: minimum yaw/pitch change for a frame to count, degrees. */
  readonly planarMinDegrees: number;
  /** Planar test: frames needed before it may reject. */
  readonly planarMinFrames: number;
  /** Planar test: median residual (eye distances) below which the face moved like a flat object. */
  readonly planarMaxResidual: number;
  /** Passive mode: the mouth-opening range that counts as spontaneous movement (speech, a smile). */
  readonly activityMouthRange: number;
  /** human `liveness` median score below which the face is taken for a screen or print; 0 disables. */
  readonly passiveLivenessMin: number;
  /** human `antispoof` median score below which the face is rejected; 0 disables (the default, see the docs). */
  readonly passiveAntispoofMin: number;
  /**
   * Identity continuity: lowest allowed cosine similarity between session embeddings (the face module's default
   * embedder, fr-feature with its mirror average, since 2026-12-04). Sampled once a second over the whole fixture
   * videos, the lowest similarity between any two frames of one person was 0.541 (talking, glasses), 0.613 (the webcam
   * man moving towards and away, turning, covering his face) and 0.666 (blinking). Strangers: on lfw-dev 1 % of
   * different-person pairs reach 0.247, 0.1 % reach 0.336 and 0.01 % reach 0.41; in the colour people set (3,512
   * pairs) the median is 0.002, the highest 0.340. 0.40 sits between the two groups, nearer the strangers, so a bona
   * fide session keeps a margin of 0.14 (`scripts/embedder-study.ts --video`, site/docs/liveness.md).
   */
  readonly identityMinSimilarity: number;
  /**
   * Texture planarity (texture.ts): the face's motion that its surroundings' motion cannot explain, over the face's
   * own motion (90th percentile over judged frames). Set on our dev split (site/docs/liveness.md): photos moved in
   * their plane 0.04-0.12, tilted in depth 0.18-0.79 (all but one <= 0.32); bona fide 1.12-4.49. 0.6 sits near the
   * geometric middle of 0.32 and 1.12. 0 disables.
   */
  readonly textureMinIndependence: number;
  /** Judged frames (face moved enough) needed before the texture test may reject. */
  readonly textureMinFrames: number;
  /**
   * Recapture: largest share of frames with a straight edge on three or four sides of the face (a bezel, a paper
   * edge). Dev split: bona fide 0 in every video; screen replays 1.0; photos tilted in depth 0.3-1.0. 0 disables.
   */
  readonly recaptureMaxBorder: number;
  /**
   * Recapture: largest median spectral peak-to-median ratio of the face crop's upper frequency band (moire). Dev
   * split: bona fide 53-144; the replay with a visible pixel grid 1137, other attacks 13-90. 400 is 2.8x the highest
   * bona fide. 0 disables.
   */
  readonly recaptureMaxMoire: number;
  /**
   * Recapture: largest share of frames with a straight edge along three or four sides of the frame (a screen or print
   * filling nearly the whole view ends inside it). Dev split, set on samples of the whole bona fide videos and the
   * replays: bona fide 0 (their third-best side covers at most 0.45 of its length, the per-frame bar is 0.6); screen
   * replays 0.83-1.0, the clean 95 %-of-view screen 0.99. Dev evaluation sessions after: bona fide 0, replays with
   * their edge in view 0.79-1.0. 0 disables.
   */
  readonly recaptureMaxFrameEdge: number;
  /**
   * Recapture: largest median lattice score (isolated spectral peaks over the gray frame around the face: a screen's
   * moire, recapture.ts). Dev split, set on samples of the whole bona fide videos and the replays: bona fide 1.2-1.4
   * (single frames at most 2.7), the hand-held screen with a faint grid 16; 5 is near the geometric middle of 1.4
   * and 16 (4.7), 1.85x the highest bona fide frame. Dev evaluation sessions after: bona fide 1.2-1.6, replays
   * without visible ripples 1.2-3.3, faint grids filling the view 6.8-18.4. 0 disables.
   */
  readonly recaptureMaxLattice: number;
  /** Recapture: largest median share of near-white colourless pixels on the face square (glare). 0 disables (the default: see the docs). */
  readonly recaptureMaxGlare: number;
  /** Recapture: largest temporal beating of the face's brightness against the frame's. 0 disables (the default: see the docs). */
  readonly recaptureMaxFlicker: number;
  /** Recapture: smallest chroma spread of the face square (a print's compressed gamut). 0 disables (the default: see the docs). */
  readonly recaptureMinChroma: number;
  /** Longest the face may vanish, ms. */
  readonly maxFaceGapMs: number;
  /** Frames with more than one face that are tolerated (a passer-by). */
  readonly maxSeveralFacesFrames: number;
  /** Face jumps tolerated. */
  readonly maxJumps: number;
}

/**
 * Model ids (models/manifest.json) of the two passive classifiers. Here, in the pure policy module, so a page can ask
 * which of them a policy needs without loading tfjs.
 */
export const PASSIVE_MODELS = ['antispoof', 'liveness'] as const;

/**
 * The passive models a policy needs scored: `liveness` when passiveLivenessMin is set, `antispoof` when
 * passiveAntispoofMin is. An app can download and run only these (createPassiveScorer's `antispoof` option); a
 * score that was not computed is NaN, and a policy asking for it then fails closed.
 */
export function passiveModelsFor(policy: Pick<LivenessPolicy, 'passiveLivenessMin' | 'passiveAntispoofMin'> = DEFAULT_POLICY): (typeof PASSIVE_MODELS)[number][] {
  return [...(policy.passiveAntispoofMin > 0 ? (['antispoof'] as const) : []), ...(policy.passiveLivenessMin > 0 ? (['liveness'] as const) : [])];
}

export const DEFAULT_POLICY: LivenessPolicy = {
  maxUnexpectedActions: 2,
  maxUnpromptedActions: 4,
  lightMinCorrelation: 0.6,
  lightMinAmplitude: 0.004,
  torchMinAmplitude: 0.03,
  planarMinDegrees: 10,
  planarMinFrames: 2,
  planarMaxResidual: 0.025,
  activityMouthRange: 0.12,
  passiveLivenessMin: 0.6,
  passiveAntispoofMin: 0,
  identityMinSimilarity: 0.4,
  textureMinIndependence: 0.6,
  textureMinFrames: 3,
  recaptureMaxBorder: 0.5,
  recaptureMaxMoire: 400,
  recaptureMaxFrameEdge: 0.5,
  recaptureMaxLattice: 5,
  recaptureMaxGlare: 0,
  recaptureMaxFlicker: 0,
  recaptureMinChroma: 0,
  maxFaceGapMs: 1000,
  maxSeveralFacesFrames: 2,
  maxJumps: 0,
};

export type LivenessReasonCode =
  | 'no-face'
  | 'face-lost'
  | 'several-faces'
  | 'face-jump'
  | 'challenge-failed'
  | 'unexpected-actions'
  | 'planar-motion'
  | 'no-activity'
  | 'passive-spoof'
  | 'identity-changed'
  | 'light-mismatch'
  | 'planar-texture'
  | 'recapture-border'
  | 'recapture-moire'
  | 'recapture-frame-edge'
  | 'recapture-lattice'
  | 'recapture-glare'
  | 'recapture-flicker'
  | 'recapture-gamut';

export interface LivenessReason {
  readonly code: LivenessReasonCode;
  /** A sentence a UI can show as is. */
  readonly message: string;
  /** For challenge-failed: the action that was not seen. */
  readonly action?: Action;
  /** For challenge-failed: begun too early, too late, or not complete in time. */
  readonly failure?: StepFailure;
}

export interface LivenessDecision {
  readonly live: boolean;
  /**
   * 0..1: how clearly the weakest evaluated signal sits on the side of the decision (0.5 = at its threshold). A
   * ranking aid, not a calibrated probability.
   */
  readonly confidence: number;
  /** Each evaluated signal as a 0..1 score (0.5 at its threshold, higher = more live). */
  readonly scores: Readonly<Record<string, number>>;
  /** Why not live (empty when live). */
  readonly reasons: readonly LivenessReason[];
  /** Checks that were asked for but could not run on this device (e.g. the light check without a torch): never passed. */
  readonly notRun?: readonly { readonly check: 'light'; readonly why: string }[];
}

const ACTION_WORDS: Record<Action, string> = {
  blink: 'blink',
  'turn-left': 'turn your head to the left',
  'turn-right': 'turn your head to the right',
  'look-up': 'tilt your head up',
  'open-mouth': 'open your mouth',
};

/**
 * The fusion rule. A session is live only if every evaluated signal agrees: a veto rule, because each signal stops a
 * different attack (the challenge stops photos and unprepared replays, the planar test photos and screens moved to
 * fake a turn, identity continuity a face swapped in after the challenge, the passive models some screens), and
 * averaging would let a strong signal hide the one attack another exists to catch. Pure.
 */
export function decideLiveness(signals: LivenessSignals, policy: LivenessPolicy = DEFAULT_POLICY): LivenessDecision {
  const reasons: LivenessReason[] = [];
  const scores: Record<string, number> = {};
  const t = signals.tracking;

  if (t.framesWithFace === 0) {
    reasons.push({ code: 'no-face', message: 'We could not see a face.' });
    return { live: false, confidence: 1, scores: { face: 0 }, reasons };
  }
  scores.tracking = t.longestGapMs > policy.maxFaceGapMs || t.framesWithSeveralFaces > policy.maxSeveralFacesFrames || t.jumps > policy.maxJumps ? 0 : 1;
  if (t.longestGapMs > policy.maxFaceGapMs) reasons.push({ code: 'face-lost', message: 'Your face left the frame; keep it in view.' });
  if (t.framesWithSeveralFaces > policy.maxSeveralFacesFrames) reasons.push({ code: 'several-faces', message: 'Another face came into view; only one person at a time, please.' });
  if (t.jumps > policy.maxJumps) reasons.push({ code: 'face-jump', message: 'The face in view changed abruptly.' });

  const independence = textureIndependence(signals.texture, policy);
  const c = signals.challenge;
  if (c) {
    scores.challenge = c.passed ? 1 : 0;
    if (!c.passed) {
      const action = c.failedAction;
      reasons.push({
        code: 'challenge-failed',
        message: !action ? 'The check ended before every instruction was answered.'
          : c.failure === 'early' ? `You began to ${ACTION_WORDS[action]} before we asked; wait for each instruction.`
          : c.failure === 'late' ? `We did not see you begin to ${ACTION_WORDS[action]} in time after we asked.`
          : `We could not see you ${ACTION_WORDS[action]}.`,
        ...(action ? { action } : {}),
        ...(c.failure ? { failure: c.failure } : {}),
      });
    }
    // Distinct actions: a person fidgeting turns the same way twice; a replay cycling through every action does not.
    // In all: a replay keeps performing during the pauses, a person waits.
    const unexpected = new Set(c.unexpected).size;
    const tooMany = unexpected > policy.maxUnexpectedActions || c.unexpected.length > policy.maxUnpromptedActions;
    scores.unexpected = tooMany ? 0 : 1;
    if (tooMany) {
      reasons.push({ code: 'unexpected-actions', message: 'We saw movements nobody asked for; do only what the screen asks, when it asks.' });
    }
  } else {
    const a = signals.activity;
    const mouth = a.mouthRange / (2 * policy.activityMouthRange);
    const parallax = signals.planar.residual !== undefined && signals.planar.frames >= policy.planarMinFrames ? signals.planar.residual / (2 * policy.planarMaxResidual) : 0;
    // A face moving against its surroundings is a sign of life too (a head turning, nodding, talking).
    const moving = independence !== undefined ? independence / (2 * policy.textureMinIndependence) : 0;
    scores.activity = clamp(Math.max(a.blinks > 0 ? 1 : 0, mouth, parallax, moving));
    if (scores.activity < 0.5) reasons.push({ code: 'no-activity', message: 'We did not see you blink or move; this looks like a photo.' });
  }

  const p = signals.planar;
  if (p.residual !== undefined && p.frames >= policy.planarMinFrames) {
    scores.planar = clamp(p.residual / (2 * policy.planarMaxResidual));
    if (p.residual < policy.planarMaxResidual) {
      reasons.push({ code: 'planar-motion', message: 'The face moved like a flat picture; this looks like a photo or a screen.' });
    }
  }

  if (independence !== undefined) {
    scores.texture = thresholdScore(independence, policy.textureMinIndependence, 2 * policy.textureMinIndependence);
    if (!(independence >= policy.textureMinIndependence)) {
      reasons.push({ code: 'planar-texture', message: 'The face moved together with what is around it, like a picture held up to the camera.' });
    }
  }

  const rc = signals.recapture;
  if (rc) {
    const over = (value: number, max: number, key: string, code: LivenessReasonCode, message: string): void => {
      if (!(max > 0)) return;
      scores[key] = clamp(1 - value / (2 * max));
      if (!(value <= max)) reasons.push({ code, message });
    };
    over(rc.border, policy.recaptureMaxBorder, 'recaptureBorder', 'recapture-border', 'We saw the edge of a screen or a sheet of paper around the face.');
    over(rc.moire, policy.recaptureMaxMoire, 'recaptureMoire', 'recapture-moire', 'We saw the pixel pattern of a screen on the face.');
    // Absent in runs saved before these cues existed: not evaluated, so an old run re-decides as it was decided.
    if (rc.frameEdge !== undefined) over(rc.frameEdge, policy.recaptureMaxFrameEdge, 'recaptureFrameEdge', 'recapture-frame-edge', 'We saw the edge of a screen or a sheet of paper along the edges of the picture.');
    if (rc.lattice !== undefined) over(rc.lattice, policy.recaptureMaxLattice, 'recaptureLattice', 'recapture-lattice', 'We saw the ripple pattern a screen makes on camera.');
    over(rc.glare, policy.recaptureMaxGlare, 'recaptureGlare', 'recapture-glare', 'We saw a reflection on the face like that of a screen or glossy paper.');
    over(rc.flicker, policy.recaptureMaxFlicker, 'recaptureFlicker', 'recapture-flicker', 'The face flickered like a screen.');
    if (policy.recaptureMinChroma > 0) {
      scores.recaptureGamut = thresholdScore(rc.chroma, policy.recaptureMinChroma);
      if (!(rc.chroma >= policy.recaptureMinChroma)) reasons.push({ code: 'recapture-gamut', message: 'The colours of the face look printed or shown on a screen.' });
    }
  }

  const s = signals.passive;
  if (s) {
    if (policy.passiveLivenessMin > 0) {
      scores.passiveLiveness = thresholdScore(s.liveness, policy.passiveLivenessMin);
      // `!(x >= min)`: a score that was not computed (NaN) fails closed.
      if (!(s.liveness >= policy.passiveLivenessMin)) reasons.push({ code: 'passive-spoof', message: 'This looks like a screen or a print.' });
    }
    if (policy.passiveAntispoofMin > 0) {
      scores.passiveAntispoof = thresholdScore(s.antispoof, policy.passiveAntispoofMin);
      if (!(s.antispoof >= policy.passiveAntispoofMin) && !reasons.some((r) => r.code === 'passive-spoof')) {
        reasons.push({ code: 'passive-spoof', message: 'This looks like a screen or a print.' });
      }
    }
  }

  const id = signals.identity;
  if (id) {
    scores.identity = thresholdScore(id.minSimilarity, policy.identityMinSimilarity);
    if (id.minSimilarity < policy.identityMinSimilarity) {
      reasons.push({ code: 'identity-changed', message: 'The face changed during the check; the same person must stay in view.' });
    }
  }

  const notRun: { check: 'light'; why: string }[] = [];
  const light = signals.light;
  if (light && !light.ran) notRun.push({ check: 'light', why: light.why });
  if (light?.ran) {
    const minAmplitude = light.kind === 'torch' ? policy.torchMinAmplitude : policy.lightMinAmplitude;
    scores.light = Math.min(thresholdScore(Math.max(0, light.correlation), policy.lightMinCorrelation), thresholdScore(light.amplitude, minAmplitude));
    if (!(light.correlation >= policy.lightMinCorrelation && light.amplitude >= minAmplitude)) {
      reasons.push({
        code: 'light-mismatch',
        message: 'The light from the screen did not show on the face as it would on a real face. Move out of bright light, closer to the screen, and try again.',
      });
    }
  }

  const live = reasons.length === 0;
  const weakest = Math.min(...Object.values(scores));
  return { live, confidence: live ? weakest : 1 - weakest, scores, reasons, ...(notRun.length ? { notRun } : {}) };
}

/** Maps a score onto 0..1 with `threshold` at 0.5, linear on each side (`top` scores 1). */
function thresholdScore(value: number, threshold: number, top = 1): number {
  if (value >= threshold) return clamp(0.5 + (0.5 * (value - threshold)) / Math.max(1e-9, top - threshold));
  return clamp((0.5 * value) / Math.max(1e-9, threshold));
}

/** The texture test's measure, when it is on and enough frames were judged to use it. */
function textureIndependence(tx: TextureSignal | undefined, policy: LivenessPolicy): number | undefined {
  return tx?.independence !== undefined && tx.frames >= policy.textureMinFrames && policy.textureMinIndependence > 0 ? tx.independence : undefined;
}

function clamp(v: number): number {
  return Math.max(0, Math.min(1, Number.isFinite(v) ? v : 0));
}
