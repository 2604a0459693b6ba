import { EidkitError } from '../errors.ts';
import { ACTION_THRESHOLDS, createActionDetector, pruneRecent, type ActionDetector, type ActionThresholds, type Neutral } from './actions.ts';
import { median, type FaceMeasures } from './measures.ts';
import { seededRandom, secureSeed, type Random } from './random.ts';
import { ACTIONS, type Action } from './types.ts';

/** Guidance a UI shows (or speaks); `code` is stable for translations, `text` is the English default. */
export interface Guidance {
  readonly code: GuidanceCode;
  readonly text: string;
}

export type GuidanceCode = `do-${Action}` | 'look-at-camera' | 'wait' | 'hold-still-light' | 'no-face' | 'one-face-only' | 'done' | 'failed';

export const GUIDANCE: { readonly [C in GuidanceCode]: string } = {
  'do-blink': 'Blink slowly',
  'do-turn-left': 'Turn your head to your left',
  'do-turn-right': 'Turn your head to your right',
  'do-look-up': 'Tilt your head up',
  'do-open-mouth': 'Open your mouth',
  'look-at-camera': 'Look straight at the camera',
  wait: 'Good. Look at the camera and wait for the next instruction',
  'hold-still-light': 'Hold still and look at the screen while it changes colour',
  'no-face': 'We cannot see your face: move into the frame',
  'one-face-only': 'Only one face in view, please',
  done: 'Done',
  failed: 'That did not work. Let us try again',
};

export function guidance(code: GuidanceCode): Guidance {
  return { code, text: GUIDANCE[code] };
}

export interface ChallengePlanOptions {
  /** Number of actions; at least 2 (a single action is too easy to have on a prepared video). Default 2. */
  readonly length?: number;
  /** Actions to draw from; default all five. */
  readonly pool?: readonly Action[];
  /** Seed for tests and evaluations; default a CSPRNG seed, so the order cannot be predicted. */
  readonly seed?: number;
}

/** A random sequence of distinct actions. */
export function planChallenge(options: ChallengePlanOptions = {}): Action[] {
  const pool = [...new Set(options.pool ?? ACTIONS)];
  const length = options.length ?? 2;
  if (!(length >= 2 && length <= pool.length)) {
    throw new EidkitError('liveness/bad-challenge', `A challenge needs between 2 and ${pool.length} distinct actions (asked for ${length}).`);
  }
  const random = seededRandom(options.seed ?? secureSeed());
  // Fisher-Yates over the pool, then take the first `length`.
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, length);
}

/**
 * When things happen in a challenge. Each action is asked after a random pause (so a recording cannot be timed to the
 * prompts), must begin inside a reaction window and be complete before the step's timeout; a pose action already
 * done when it is asked (or complete sooner than a person can react) fails the step. Chosen as follows (there are no
 * recordings of people answering our prompts in shared/ to measure them on; see site/docs/liveness.md, "Challenges"):
 * - pauses: a random part, uniform over pauseMaxMs - pauseMinMs = 1100 ms, varies the prompt time by more than an
 *   action lasts (0.3-1 s); after an action it follows a settling part of pauseMinMs = 300 ms, in which the face
 *   turns back and the person sees the step accepted before the next prompt replaces it (a visual reaction is
 *   200-250 ms; 300 is also minReactionMs). After the neutral pose, a swap or a hold (the light check) the face is
 *   already at rest and waiting, so only the random part is waited: the neutral pose (300 ms) is not followed by a
 *   fixed wait, and the first prompt after a hold still comes at a random time after the hold ends (before, it came
 *   on the hold's end, which a person or a replay sees coming). Was 400-1500 ms after every event: measured in the
 *   evaluation's spliced bona fide draws (site/docs/liveness.md, "Results"), the pauses were a third of the
 *   time to a decision;
 * - minReactionMs 300: a simple visual reaction takes about 200-250 ms before any movement starts, and a turn or a
 *   tilt takes more to reach its threshold; a blink is not failed but ignored when it closes sooner (a spontaneous
 *   blink under way at the prompt);
 * - reactionWindowMs 3000: reading a four-word instruction and choosing the movement (about 1 s), plus two frame
 *   intervals of a slow phone analysing 2 frames a second, plus margin;
 * - stepTimeoutMs 8000: the whole action, as before.
 */
export const CHALLENGE_TIMING = {
  /** Face frames needed before the first action is asked, to learn the neutral pose. */
  neutralFrames: 3,
  neutralMs: 300,
  /**
   * Pause before each prompt (ms): after an action, uniform between these; after the neutral pose, a swap or a hold,
   * uniform between 0 and pauseMaxMs - pauseMinMs (the random part only).
   */
  pauseMinMs: 300,
  pauseMaxMs: 1400,
  /** The asked action must begin (reach half of its threshold) within this after its prompt, ms. */
  reactionWindowMs: 3000,
  /** A pose or mouth action complete sooner than this after its prompt was begun before it: the step fails, ms. */
  minReactionMs: 300,
  /** Time allowed for each action to complete (from when it is asked). */
  stepTimeoutMs: 8000,
  /** How many times per session a person may say they cannot do the asked action and get another one. */
  maxSwaps: 2,
} as const;

export type ChallengeTiming = { readonly [K in keyof typeof CHALLENGE_TIMING]: number };

/** Progress at which an action counts as begun (half of its threshold; a blink when the eyes are seen closed). */
export const ACTION_ONSET = 0.5;

export type ChallengeStatus = 'neutral' | 'active' | 'passed' | 'failed';

/** Why a step failed: not begun inside the reaction window, done before it was asked, or not complete in time. */
export type StepFailure = 'late' | 'early' | 'timeout';

export interface ChallengeStep {
  readonly action: Action;
  readonly askedAt: number;
  /** When the action was seen beginning (progress >= ACTION_ONSET). */
  readonly onsetAt?: number;
  readonly doneAt?: number;
}

/** A deliberate action seen while it was not asked (during a pause or while another was asked). */
export interface UnpromptedAction {
  readonly action: Action;
  readonly t: number;
}

export interface ChallengeSwap {
  readonly from: Action;
  readonly to: Action;
  readonly t: number;
}

/** What a progress ring shows: the time left to begin the action, then to complete it. */
export interface ChallengeWindow {
  readonly kind: 'begin' | 'finish';
  readonly totalMs: number;
  readonly remainingMs: number;
}

export interface ChallengeState {
  readonly status: ChallengeStatus;
  readonly actions: readonly Action[];
  /** Index of the action being asked or about to be (actions.length once passed). */
  readonly step: number;
  /** The action being asked (absent during pauses). */
  readonly action?: Action;
  /** Active only: a random pause before the next prompt, or a prompt. */
  readonly phase?: 'pause' | 'prompt';
  readonly guidance: Guidance;
  /** 0..1 progress of the current action. */
  readonly progress: number;
  /** Milliseconds left for the current action to complete. */
  readonly remainingMs: number;
  /** During a prompt: the window the ring shows. */
  readonly window?: ChallengeWindow;
  readonly steps: readonly ChallengeStep[];
  /**
   * Deliberate (pose or mouth) actions done while they were not asked, one entry per movement (a repeated one counts
   * again once the face is back near its resting pose). Blinks are spontaneous and never counted here.
   */
  readonly unexpected: readonly Action[];
  readonly unprompted: readonly UnpromptedAction[];
  /** Actions replaced at the person's request ("I cannot do this"). */
  readonly swaps: readonly ChallengeSwap[];
  /** True while the person may ask for another action instead of the current one. */
  readonly canSwap: boolean;
  /** The action that failed, when failed. */
  readonly failedAction?: Action;
  readonly failure?: StepFailure;
  readonly neutral?: Neutral;
}

export interface ChallengeRunnerOptions {
  /** Seed of the pauses and of replacement actions; default a CSPRNG seed. */
  readonly seed?: number;
  /** Actions a replacement may be drawn from; default all five. */
  readonly pool?: readonly Action[];
}

interface Watch {
  readonly action: Action;
  detector: ActionDetector | undefined;
}

/**
 * The challenge as a state machine over analysed frames: learn the neutral pose, then for each action a random
 * pause and a prompt, with a reaction window and a timeout. Pure: time comes from the frames and randomness from the
 * seed, so tests and evaluations replay it exactly.
 */
export class ChallengeRunner {
  private status: ChallengeStatus = 'neutral';
  private readonly plan: Action[];
  private readonly pool: readonly Action[];
  private readonly random: Random;
  private readonly neutralFrames: FaceMeasures[] = [];
  private readonly recent: FaceMeasures[] = [];
  private neutral: Neutral | undefined;
  private step = 0;
  private phase: 'pause' | 'prompt' = 'pause';
  private pauseEnd = 0;
  private promptNotBefore = -Infinity;
  /** The hold's end plus a random part: the first prompt after a hold is not on its (visible) end. */
  private heldPauseEnd = -Infinity;
  private holdCode: GuidanceCode | undefined;
  private detector: ActionDetector | undefined;
  private watches: Watch[] = [];
  private readonly steps: ChallengeStep[] = [];
  private readonly unprompted: UnpromptedAction[] = [];
  private readonly swaps: ChallengeSwap[] = [];
  private askedAt = 0;
  private onsetAt: number | undefined;
  private startedAt: number | undefined;
  private failedAction: Action | undefined;
  private failure: StepFailure | undefined;
  private lastT = 0;
  private hint: GuidanceCode | undefined;

  constructor(
    actions: readonly Action[],
    private readonly thresholds: ActionThresholds = ACTION_THRESHOLDS,
    private readonly timing: ChallengeTiming = CHALLENGE_TIMING,
    options: ChallengeRunnerOptions = {},
  ) {
    if (actions.length === 0) throw new EidkitError('liveness/bad-challenge', 'A challenge needs at least one action.');
    this.plan = [...actions];
    this.pool = [...new Set(options.pool ?? ACTIONS)];
    this.random = seededRandom(options.seed ?? secureSeed());
  }

  get actions(): readonly Action[] {
    return this.plan;
  }

  /**
   * No prompt before `t` (ms, the frames' clock); `code` is the guidance meanwhile (the light check uses this). The
   * prompt after it comes a random part of a pause after `t` (a hold ending later than the last frame seen).
   */
  hold(t: number, code?: GuidanceCode): void {
    this.promptNotBefore = t;
    this.holdCode = code;
    this.heldPauseEnd = t > this.lastT ? t + this.randomPause() : t;
  }

  /**
   * The person cannot do the asked (or next) action: replace it by another drawn at random from the pool, not one
   * the plan already has, and start its step again after a new pause. The plan keeps its number of distinct actions.
   * Returns false when no swap is left or nothing is left to draw.
   */
  swap(t: number): boolean {
    if (this.status !== 'active' && this.status !== 'neutral') return false;
    const candidates = this.candidates();
    if (candidates.length === 0 || this.swaps.length >= this.timing.maxSwaps) return false;
    const to = candidates[Math.floor(this.random() * candidates.length)]!;
    this.swaps.push({ from: this.plan[this.step]!, to, t });
    this.plan[this.step] = to;
    this.steps.length = this.step;
    if (this.status === 'active') this.startPause(t, false);
    return true;
  }

  /**
   * Feeds one analysed frame: the face's measures, or `undefined` with the frame time when no usable face was seen
   * (`hint` says why, for the guidance). Returns the state after this frame.
   */
  update(frame: FaceMeasures | { t: number; hint: 'no-face' | 'one-face-only' }): ChallengeState {
    const t = frame.t;
    this.lastT = t;
    this.startedAt ??= t;
    if (this.status === 'passed' || this.status === 'failed') return this.state();
    const m = 'hint' in frame ? undefined : frame;
    this.hint = m ? undefined : (frame as { hint: GuidanceCode }).hint;
    if (this.status === 'neutral') {
      if (m) this.neutralFrames.push(m);
      const first = this.neutralFrames[0];
      if (first && this.neutralFrames.length >= this.timing.neutralFrames && t - first.t >= this.timing.neutralMs) {
        this.neutral = {
          yaw: median(this.neutralFrames.map((f) => f.yaw)),
          pitch: median(this.neutralFrames.map((f) => f.pitch)),
          mouth: median(this.neutralFrames.map((f) => f.mouth)),
          eyeOpen: median(this.neutralFrames.map((f) => f.eyeOpen)),
        };
        this.status = 'active';
        this.watches = ACTIONS.filter((a) => a !== 'blink').map((action) => ({ action, detector: undefined }));
        this.startPause(t, false);
      } else if (t - this.startedAt > this.timing.stepTimeoutMs) {
        this.fail(this.plan[0]!, 'timeout');
      }
      this.keepRecent(m);
      return this.state();
    }
    if (m) this.watchUnprompted(m);
    if (this.phase === 'pause') {
      if (t >= this.pauseEnd && t >= this.promptNotBefore && t >= this.heldPauseEnd) this.ask(t, m);
    } else if (m) {
      this.promptFrame(m);
    }
    if (this.status === 'active' && this.phase === 'prompt') {
      const elapsed = t - this.askedAt;
      if (this.onsetAt === undefined && elapsed > this.timing.reactionWindowMs) this.fail(this.plan[this.step]!, 'late');
      else if (elapsed > this.timing.stepTimeoutMs) this.fail(this.plan[this.step]!, 'timeout');
    }
    this.keepRecent(m);
    return this.state();
  }

  private promptFrame(m: FaceMeasures): void {
    const action = this.plan[this.step]!;
    const done = this.detector!.push(m);
    if (this.onsetAt === undefined && this.detector!.progress >= ACTION_ONSET) this.onsetAt = m.t;
    if (!done) return;
    if (action === 'blink' && this.onsetAt! < this.askedAt + this.timing.minReactionMs) {
      // A spontaneous blink already closing at the prompt: not an answer, and not a failure either.
      this.detector = createActionDetector('blink', this.neutral!, this.thresholds, this.recent);
      this.onsetAt = undefined;
      return;
    }
    // A pose or mouth action complete sooner than a person can react was under way before the prompt. (One that was
    // only partly there at the prompt, a fidget, and is completed later counts.)
    if (action !== 'blink' && m.t < this.askedAt + this.timing.minReactionMs) {
      this.fail(action, 'early');
      return;
    }
    this.steps[this.step] = { ...this.steps[this.step]!, onsetAt: this.onsetAt!, doneAt: m.t };
    this.step++;
    if (this.step >= this.plan.length) this.status = 'passed';
    else this.startPause(m.t, true);
  }

  /** Counts deliberate movements nobody asked for; each watch must see the face near rest before it counts again. */
  private watchUnprompted(m: FaceMeasures): void {
    const asked = this.phase === 'prompt' ? this.plan[this.step] : undefined;
    for (const w of this.watches) {
      if (w.action === asked) {
        w.detector = undefined;
        continue;
      }
      if (!w.detector) {
        const probe = createActionDetector(w.action, this.neutral!, this.thresholds);
        probe.push(m);
        if (probe.progress < ACTION_ONSET) w.detector = probe;
        continue;
      }
      if (w.detector.push(m)) {
        this.unprompted.push({ action: w.action, t: m.t });
        w.detector = undefined;
      }
    }
  }

  /** A pause from `t`: the settling part only after an action (`settle`), then the random part. */
  private startPause(t: number, settle: boolean): void {
    this.phase = 'pause';
    this.detector = undefined;
    this.onsetAt = undefined;
    this.pauseEnd = t + (settle ? this.timing.pauseMinMs : 0) + this.randomPause();
  }

  private randomPause(): number {
    return this.random() * Math.max(0, this.timing.pauseMaxMs - this.timing.pauseMinMs);
  }

  private ask(t: number, m: FaceMeasures | undefined): void {
    const action = this.plan[this.step]!;
    this.phase = 'prompt';
    this.askedAt = t;
    this.onsetAt = undefined;
    this.steps[this.step] = { action, askedAt: t };
    this.detector = createActionDetector(action, this.neutral!, this.thresholds, this.recent);
    // A pose or mouth action already done at the moment it is asked was not an answer to the prompt.
    if (m && action !== 'blink') {
      const probe = createActionDetector(action, this.neutral!, this.thresholds);
      probe.push(m);
      if (probe.progress >= 1) this.fail(action, 'early');
    }
  }

  private candidates(): Action[] {
    const away = new Set(this.swaps.map((s) => s.from));
    return this.pool.filter((a) => !this.plan.includes(a) && !away.has(a));
  }

  private fail(action: Action, failure: StepFailure): void {
    this.status = 'failed';
    this.failedAction = action;
    this.failure = failure;
  }

  private keepRecent(m: FaceMeasures | undefined): void {
    if (!m) return;
    this.recent.push(m);
    pruneRecent(this.recent, m.t, this.thresholds.blinkBaselineMs);
  }

  state(): ChallengeState {
    const active = this.status === 'active';
    const prompting = active && this.phase === 'prompt';
    const action = prompting ? this.plan[this.step] : undefined;
    const held = active && this.phase === 'pause' && this.lastT < this.promptNotBefore && this.holdCode;
    const code: GuidanceCode =
      this.status === 'passed' ? 'done'
      : this.status === 'failed' ? 'failed'
      : this.hint ? this.hint
      : this.status === 'neutral' ? 'look-at-camera'
      : prompting ? `do-${action!}`
      : held ? this.holdCode!
      : this.step > 0 ? 'wait'
      : 'look-at-camera';
    const elapsed = this.lastT - this.askedAt;
    const window: ChallengeWindow | undefined = !prompting
      ? undefined
      : this.onsetAt === undefined
        ? { kind: 'begin', totalMs: this.timing.reactionWindowMs, remainingMs: Math.max(0, this.timing.reactionWindowMs - elapsed) }
        : { kind: 'finish', totalMs: this.timing.stepTimeoutMs, remainingMs: Math.max(0, this.timing.stepTimeoutMs - elapsed) };
    return {
      status: this.status,
      actions: [...this.plan],
      step: this.step,
      ...(action ? { action } : {}),
      ...(active ? { phase: this.phase } : {}),
      guidance: guidance(code),
      progress: this.status === 'passed' ? 1 : prompting ? (this.detector?.progress ?? 0) : 0,
      remainingMs: prompting ? Math.max(0, this.timing.stepTimeoutMs - elapsed) : 0,
      ...(window ? { window } : {}),
      steps: [...this.steps],
      unexpected: this.unprompted.map((u) => u.action),
      unprompted: [...this.unprompted],
      swaps: [...this.swaps],
      canSwap: (active || this.status === 'neutral') && this.swaps.length < this.timing.maxSwaps && this.candidates().length > 0,
      ...(this.failedAction ? { failedAction: this.failedAction, failure: this.failure! } : {}),
      ...(this.neutral ? { neutral: this.neutral } : {}),
    };
  }
}
