import { EidkitError } from '../errors.ts';
import { ACTION_THRESHOLDS, createActionDetector, pruneRecent, type ActionDetector, type ActionThresholds, type Neutral } from './actions.ts';
import { median, type FaceMeasures } from './measures.ts';
import { seededRandom, secureSeed } from './random.ts';
import { ACTIONS, type Action } from './types.ts';

/** Guidance a UI shows (or speaks); `code` is stable for translations, `text` is the English default. */
export interface Guidance {
  readonly code: GuidanceCode;
  readonly text: string;
}

export type GuidanceCode = `do-${Action}` | 'look-at-camera' | 'no-face' | 'one-face-only' | 'done' | 'failed';

export const GUIDANCE: { readonly [C in GuidanceCode]: string } = {
  'do-blink': 'Blink slowly',
  'do-turn-left': 'Turn your head to your left',
  'do-turn-right': 'Turn your head to your right',
  'do-look-up': 'Tilt your head up',
  'do-open-mouth': 'Open your mouth',
  'look-at-camera': 'Look straight at the camera',
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

export const CHALLENGE_TIMING = {
  /** Face frames needed before the first action is asked, to learn the neutral pose. */
  neutralFrames: 3,
  neutralMs: 300,
  /** Time allowed for each action (from when it is asked). */
  stepTimeoutMs: 8000,
} as const;

export type ChallengeTiming = { readonly [K in keyof typeof CHALLENGE_TIMING]: number };

export type ChallengeStatus = 'neutral' | 'active' | 'passed' | 'failed';

export interface ChallengeStep {
  readonly action: Action;
  readonly askedAt: number;
  readonly doneAt?: number;
}

export interface ChallengeState {
  readonly status: ChallengeStatus;
  readonly actions: readonly Action[];
  /** Index of the action being asked (actions.length once passed). */
  readonly step: number;
  readonly action?: Action;
  readonly guidance: Guidance;
  /** 0..1 progress of the current action. */
  readonly progress: number;
  /** Milliseconds left for the current action. */
  readonly remainingMs: number;
  readonly steps: readonly ChallengeStep[];
  /** Pose or mouth actions the user did while another was asked (a replayed video tends to do these). */
  readonly unexpected: readonly Action[];
  /** The action that timed out, when failed. */
  readonly failedAction?: Action;
  readonly neutral?: Neutral;
}

/**
 * The challenge as a state machine over analysed frames: learn the neutral pose, then ask each action in turn, each
 * with its own timeout. Pure: time comes from the frames, so tests and evaluations replay it exactly.
 */
export class ChallengeRunner {
  private status: ChallengeStatus = 'neutral';
  private readonly neutralFrames: FaceMeasures[] = [];
  private readonly recent: FaceMeasures[] = [];
  private neutral: Neutral | undefined;
  private step = 0;
  private detector: ActionDetector | undefined;
  private sideDetectors: ActionDetector[] = [];
  private readonly steps: ChallengeStep[] = [];
  private readonly unexpected: Action[] = [];
  private askedAt = 0;
  private startedAt: number | undefined;
  private failedAction: Action | undefined;
  private lastT = 0;
  private hint: GuidanceCode | undefined;

  constructor(
    readonly actions: readonly Action[],
    private readonly thresholds: ActionThresholds = ACTION_THRESHOLDS,
    private readonly timing: ChallengeTiming = CHALLENGE_TIMING,
  ) {
    if (actions.length === 0) throw new EidkitError('liveness/bad-challenge', 'A challenge needs at least one action.');
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
        this.ask(t);
      } else if (t - this.startedAt > this.timing.stepTimeoutMs) {
        this.fail(this.actions[0]!);
      }
      this.keepRecent(m);
      return this.state();
    }
    if (m) {
      if (this.detector!.push(m)) {
        this.steps[this.step] = { ...this.steps[this.step]!, doneAt: t };
        this.step++;
        if (this.step >= this.actions.length) this.status = 'passed';
        else this.ask(t);
      } else {
        for (const d of this.sideDetectors) {
          if (!d.done && d.push(m)) this.unexpected.push(d.action);
        }
      }
    }
    if (this.status === 'active' && t - this.askedAt > this.timing.stepTimeoutMs) this.fail(this.actions[this.step]!);
    this.keepRecent(m);
    return this.state();
  }

  private ask(t: number): void {
    const action = this.actions[this.step]!;
    this.askedAt = t;
    this.steps.push({ action, askedAt: t });
    this.detector = createActionDetector(action, this.neutral!, this.thresholds, this.recent);
    // Watch for the other deliberate actions too; blinks are spontaneous and actions already done may linger.
    const done = new Set(this.actions.slice(0, this.step));
    this.sideDetectors = ACTIONS.filter((a) => a !== action && a !== 'blink' && !done.has(a)).map((a) =>
      createActionDetector(a, this.neutral!, this.thresholds),
    );
  }

  private fail(action: Action): void {
    this.status = 'failed';
    this.failedAction = action;
  }

  private keepRecent(m: FaceMeasures | undefined): void {
    if (!m) return;
    this.recent.push(m);
    pruneRecent(this.recent, m.t, this.thresholds.blinkBaselineMs);
  }

  state(): ChallengeState {
    const action = this.status === 'active' ? this.actions[this.step] : undefined;
    const code: GuidanceCode =
      this.status === 'passed' ? 'done'
      : this.status === 'failed' ? 'failed'
      : this.hint ? this.hint
      : this.status === 'neutral' ? 'look-at-camera'
      : `do-${action!}`;
    return {
      status: this.status,
      actions: this.actions,
      step: this.step,
      ...(action ? { action } : {}),
      guidance: guidance(code),
      progress: this.status === 'passed' ? 1 : (this.detector?.progress ?? 0),
      remainingMs: this.status === 'active' ? Math.max(0, this.timing.stepTimeoutMs - (this.lastT - this.askedAt)) : 0,
      steps: [...this.steps],
      unexpected: [...this.unexpected],
      ...(this.failedAction ? { failedAction: this.failedAction } : {}),
      ...(this.neutral ? { neutral: this.neutral } : {}),
    };
  }
}
