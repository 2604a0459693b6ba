import { ACTION_THRESHOLDS, createActionDetector, pruneRecent, type ActionDetector, type ActionThresholds, type Neutral } from './actions.ts';
import { CHALLENGE_TIMING, ChallengeRunner, guidance, planChallenge, type ChallengePlanOptions, type ChallengeState, type ChallengeTiming, type Guidance, type GuidanceCode } from './challenge.ts';
import { DEFAULT_POLICY, decideLiveness, type LivenessDecision, type LivenessPolicy, type LivenessSignals } from './decide.ts';
import { measureFace, median, type FaceMeasures } from './measures.ts';
import { PlanarTracker } from './planar.ts';
import { secureSeed } from './random.ts';
import { RecaptureTracker, recaptureFrame } from './recapture.ts';
import { TextureTracker } from './texture.ts';
import type { Action, LivenessFace, LivenessFrame } from './types.ts';

/** Signals measured outside the frame stream (at the capture's edge) and handed to the session. */
export type ExtraSignals = Pick<LivenessSignals, 'light'>;

/** Passive mode watches the face for spontaneous signs of life (blinks, speech, head motion) for this long. */
export const PASSIVE_TIMING = {
  /** Never decide on less than this, so the passive models see enough frames. */
  minMs: 2000,
  /** Give up looking for activity after this. */
  maxMs: 6000,
} as const;

export interface LivenessSessionOptions {
  /**
   * The actions to ask, in this order; or options for a random plan (the default: 2 random actions with a CSPRNG
   * seed); or 'passive' to ask nothing and judge by passive cues alone.
   */
  readonly challenge?: readonly Action[] | ChallengePlanOptions | 'passive';
  readonly policy?: Partial<LivenessPolicy>;
  readonly thresholds?: Partial<ActionThresholds>;
  readonly timing?: Partial<ChallengeTiming>;
  readonly passiveTiming?: Partial<typeof PASSIVE_TIMING>;
  /**
   * Seed of the pauses between prompts and of replacement actions; default a CSPRNG seed (a plan's own `seed`, when
   * given, seeds these too, so an evaluation replays a session exactly).
   */
  readonly seed?: number;
  /** How often wantsEmbedding() asks for an embedding, ms. Default 1000. */
  readonly embeddingIntervalMs?: number;
}

export interface LivenessProgress {
  readonly done: boolean;
  readonly guidance: Guidance;
  readonly elapsedMs: number;
  /** Active mode: the challenge's state (current action, its progress and time left). */
  readonly challenge?: ChallengeState;
}

export interface LivenessSession {
  readonly mode: 'active' | 'passive';
  /** The actions this session asks (empty in passive mode). */
  readonly actions: readonly Action[];
  /** Feeds one analysed frame (in time order); returns what to tell the user now. */
  push(frame: LivenessFrame): LivenessProgress;
  /**
   * The person cannot do the action asked now: ask another, drawn at random (ChallengeRunner.swap), at `t` (default:
   * the last frame's time). Returns false when none is left or the session is passive or done.
   */
  swapAction(t?: number): boolean;
  /**
   * Asks no action before `t` (the frames' clock); `code` is the guidance meanwhile. The light check holds this way.
   * The first prompt after it comes a random time (0-1.1 s, ChallengeRunner.hold) after `t`, not on it.
   */
  holdPrompts(t: number, code?: GuidanceCode): void;
  /** Records an extra signal measured at the edge (the light check); it joins signals() and the decision. */
  addSignal<K extends keyof ExtraSignals>(name: K, value: ExtraSignals[K]): void;
  readonly done: boolean;
  /** True when the next frame should be analysed with an embedding (identity continuity samples about once a second). */
  wantsEmbedding(t: number): boolean;
  signals(): LivenessSignals;
  /** decideLiveness(signals(), policy). */
  decide(): LivenessDecision;
}

/**
 * One liveness check over a stream of analysed frames. Pure and synchronous: the capture loop (capture.ts) or the
 * evaluation harness feeds it frames measured by the face engine, and it keeps every signal decideLiveness needs.
 */
export function createLivenessSession(options: LivenessSessionOptions = {}): LivenessSession {
  const policy: LivenessPolicy = { ...DEFAULT_POLICY, ...options.policy };
  const thresholds: ActionThresholds = { ...ACTION_THRESHOLDS, ...options.thresholds };
  const timing: ChallengeTiming = { ...CHALLENGE_TIMING, ...options.timing };
  const passiveTiming = { ...PASSIVE_TIMING, ...options.passiveTiming };
  const embeddingInterval = options.embeddingIntervalMs ?? 1000;
  const spec = options.challenge ?? {};
  const mode = spec === 'passive' ? 'passive' : 'active';
  const actions: readonly Action[] = spec === 'passive' ? [] : Array.isArray(spec) ? [...(spec as readonly Action[])] : planChallenge(spec as ChallengePlanOptions);
  const planSeed = spec !== 'passive' && !Array.isArray(spec) ? (spec as ChallengePlanOptions).seed : undefined;
  const seed = options.seed ?? (planSeed !== undefined ? (planSeed ^ 0x9e3779b9) >>> 0 : secureSeed());
  const pool = spec !== 'passive' && !Array.isArray(spec) ? (spec as ChallengePlanOptions).pool : undefined;
  const runner = mode === 'active' ? new ChallengeRunner(actions, thresholds, timing, { seed, ...(pool ? { pool } : {}) }) : undefined;
  const extra: { -readonly [K in keyof ExtraSignals]?: ExtraSignals[K] } = {};
  const planar = new PlanarTracker(policy.planarMinDegrees);
  const texture = new TextureTracker();
  const recapture = new RecaptureTracker();

  let start: number | undefined;
  let last = 0;
  let frames = 0;
  let withFace = 0;
  let withoutFace = 0;
  let several = 0;
  let gapStart: number | undefined;
  let longestGap = 0;
  let jumps = 0;
  let previous: { t: number; face: LivenessFace } | undefined;
  const neutralFaces: { face: LivenessFace; m: FaceMeasures }[] = [];
  let neutral: Neutral | undefined;
  const recent: FaceMeasures[] = [];
  let blinkWatch: ActionDetector | undefined;
  let blinks = 0;
  let mouthMin = Infinity;
  let mouthMax = -Infinity;
  const antispoof: number[] = [];
  const liveness: number[] = [];
  let firstEmbedding: Float32Array | undefined;
  let embeddings = 0;
  let lastEmbeddingAt = -Infinity;
  let minSimilarity = 1;
  let sampled = false;
  let done = false;
  let progress: LivenessProgress | undefined;

  const learnNeutral = (face: LivenessFace, m: FaceMeasures): void => {
    neutralFaces.push({ face, m });
    const first = neutralFaces[0]!;
    if (neutralFaces.length < timing.neutralFrames || m.t - first.m.t < timing.neutralMs) return;
    neutral = {
      yaw: median(neutralFaces.map((f) => f.m.yaw)),
      pitch: median(neutralFaces.map((f) => f.m.pitch)),
      mouth: median(neutralFaces.map((f) => f.m.mouth)),
      eyeOpen: median(neutralFaces.map((f) => f.m.eyeOpen)),
    };
    // The planar reference is the neutral-phase frame closest to the neutral pose.
    const n = neutral;
    const ref = neutralFaces.reduce((best, f) =>
      Math.hypot(f.m.yaw - n.yaw, f.m.pitch - n.pitch) < Math.hypot(best.m.yaw - n.yaw, best.m.pitch - n.pitch) ? f : best,
    );
    planar.setReference(ref.face, ref.m.eyeDistance);
  };

  const observe = (t: number, face: LivenessFace): FaceMeasures => {
    const m = measureFace(t, face);
    if (!neutral) learnNeutral(face, m);
    else {
      planar.push(face);
      blinkWatch ??= createActionDetector('blink', neutral, thresholds, recent);
      if (blinkWatch.push(m)) {
        blinks++;
        blinkWatch = undefined;
      }
    }
    if (face.sample) {
      sampled = true;
      texture.push(t, face.sample, face.box, m.eyeDistance);
      recapture.push(recaptureFrame(face.sample, face.box));
    }
    recent.push(m);
    pruneRecent(recent, t, thresholds.blinkBaselineMs);
    mouthMin = Math.min(mouthMin, m.mouth);
    mouthMax = Math.max(mouthMax, m.mouth);
    if (face.passive) {
      antispoof.push(face.passive.antispoof);
      liveness.push(face.passive.liveness);
    }
    if (face.embedding) {
      lastEmbeddingAt = t;
      embeddings++;
      if (!firstEmbedding) firstEmbedding = face.embedding;
      else minSimilarity = Math.min(minSimilarity, cosine(firstEmbedding, face.embedding));
    }
    if (previous && t - previous.t <= 500) {
      const p = previous.face.box;
      const b = face.box;
      const moved = Math.hypot(b.x + b.width / 2 - (p.x + p.width / 2), b.y + b.height / 2 - (p.y + p.height / 2));
      if (moved > Math.max(p.width, b.width)) jumps++;
    }
    previous = { t, face };
    return m;
  };

  const session: LivenessSession = {
    mode,
    get actions() {
      return runner ? runner.actions : actions;
    },
    swapAction(t) {
      return !done && runner ? runner.swap(t ?? last) : false;
    },
    holdPrompts(t, code) {
      runner?.hold(t, code);
    },
    addSignal(name, value) {
      extra[name] = value;
    },
    push(frame) {
      if (done && progress) {
        // After the decision only identity samples are taken (a template frame must be the same face).
        if (frame.face?.embedding && firstEmbedding) {
          embeddings++;
          minSimilarity = Math.min(minSimilarity, cosine(firstEmbedding, frame.face.embedding));
        }
        return progress;
      }
      const t = frame.t;
      start ??= t;
      last = t;
      frames++;
      let state: ChallengeState | undefined;
      if (frame.face && frame.faceCount > 0) {
        withFace++;
        if (gapStart !== undefined) longestGap = Math.max(longestGap, t - gapStart);
        gapStart = undefined;
        if (frame.faceCount > 1) several++;
        const m = observe(t, frame.face);
        state = runner?.update(frame.faceCount > 1 ? { t, hint: 'one-face-only' } : m);
      } else {
        withoutFace++;
        gapStart ??= previous?.t ?? start;
        longestGap = Math.max(longestGap, t - gapStart);
        state = runner?.update({ t, hint: 'no-face' });
      }
      const elapsed = t - start;
      if (runner) {
        done = state!.status === 'passed' || state!.status === 'failed';
      } else {
        const active = blinks > 0 || mouthMax - mouthMin >= policy.activityMouthRange;
        done = elapsed >= passiveTiming.maxMs || (elapsed >= passiveTiming.minMs && active);
      }
      const g = state?.guidance ?? guidance(done ? 'done' : frame.faceCount === 0 ? 'no-face' : frame.faceCount > 1 ? 'one-face-only' : 'look-at-camera');
      progress = { done, guidance: g, elapsedMs: elapsed, ...(state ? { challenge: state } : {}) };
      return progress;
    },
    get done() {
      return done;
    },
    wantsEmbedding(t) {
      return t - lastEmbeddingAt >= embeddingInterval;
    },
    signals(): LivenessSignals {
      const c = runner?.state();
      const recap = recapture.signal();
      const face0 = sampled;
      return {
        mode,
        frames,
        durationMs: start === undefined ? 0 : last - start,
        tracking: {
          framesWithFace: withFace,
          framesWithoutFace: withoutFace,
          framesWithSeveralFaces: several,
          longestGapMs: longestGap,
          jumps,
        },
        ...(c
          ? {
              challenge: {
                actions: c.actions,
                passed: c.status === 'passed',
                completed: c.steps.filter((s) => s.doneAt !== undefined).map((s) => s.action),
                ...(c.status === 'passed' ? {} : { failedAction: c.failedAction ?? c.actions[c.step] ?? c.actions[0]!, ...(c.failure ? { failure: c.failure } : {}) }),
                unexpected: c.unexpected,
                steps: c.steps,
                swaps: c.swaps,
              },
            }
          : {}),
        activity: { blinks, mouthRange: Number.isFinite(mouthMax - mouthMin) ? mouthMax - mouthMin : 0 },
        planar: planar.signal(),
        ...(texture.signal().frames > 0 || face0 ? { texture: texture.signal() } : {}),
        ...(recap ? { recapture: recap } : {}),
        ...(antispoof.length > 0 ? { passive: { frames: antispoof.length, antispoof: median(antispoof), liveness: median(liveness) } } : {}),
        ...(embeddings >= 2 ? { identity: { frames: embeddings, minSimilarity } } : {}),
        ...extra,
      };
    },
    decide() {
      return decideLiveness(session.signals(), policy);
    },
  };
  return session;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}
