import type { Random } from './random.ts';
import type { Action } from './types.ts';

/** A moment of a recording where its person performs `action` (the action's peak, seconds). */
export interface ActionMark {
  readonly action: Action;
  readonly t: number;
}

export interface SpliceOptions {
  readonly actions: readonly ActionMark[];
  /** Start of a calm second of the recording, played (back and forth) between actions. Default 0. */
  readonly rest?: number;
  /** Length of the recording, seconds. */
  readonly duration: number;
  readonly random: Random;
  /** Delay between a prompt and the start of the answering segment, seconds: drawn uniformly. Default 0.4-1.0. */
  readonly reaction?: readonly [number, number];
  /** The answering segment runs from `t - lead` to `t + tail`. Defaults 0.5 and 0.8 s. */
  readonly lead?: number;
  readonly tail?: number;
  /**
   * Seconds after a prompt for an action the recording lacks before the person asks for another ("I can't do this
   * one", LivenessSession.swapAction), or undefined: never ask (the step times out). Default 1.
   */
  readonly swapAfter?: number;
}

/**
 * Plays a recording so that it answers a challenge: between prompts it shows a calm second (forwards, then backwards),
 * and after each new prompt, once a reaction delay has passed, the segment of the recording where that action was
 * done. The evaluation harness uses it twice: for bona fide BPCER under the production policy (a real person's own
 * actions, answering each prompt within a human reaction time), and for targeted replays (an attacker holding a
 * recording of the holder doing each action picks the segment that answers). An action the recording does not
 * contain is not answered: the person rests and, after `swapAfter`, asks for another action (wantsSwap), as the
 * site's "I can't do this one" lets anyone do, attacker or not; without swaps left the step times out. Pure: time
 * comes from the caller.
 */
export class Splicer {
  private readonly rest: number;
  private readonly restLength = 1;
  private lastPrompt = '';
  private promptAt = 0;
  private missing = false;
  private answerAt = Number.POSITIVE_INFINITY;
  private segment: { from: number; to: number } | undefined;
  private playhead = 0;
  private playing = false;
  private restClock = 0;
  private readonly reaction: readonly [number, number];
  private readonly lead: number;
  private readonly tail: number;
  private readonly swapAfter: number | undefined;

  constructor(private readonly options: SpliceOptions) {
    this.rest = Math.max(0, Math.min(options.rest ?? 0, options.duration - this.restLength));
    this.reaction = options.reaction ?? [0.4, 1.0];
    this.lead = options.lead ?? 0.5;
    this.tail = options.tail ?? 0.8;
    this.swapAfter = 'swapAfter' in options ? options.swapAfter : 1;
  }

  /**
   * The recording's time (seconds) to show at session time `now` (seconds), given the step the session is on and the
   * action it asks (undefined while it learns the neutral pose or once it is done).
   */
  /**
   * True once per prompt, `swapAfter` seconds after a prompt for an action the recording does not contain: the caller
   * then asks the session for another action, as a person who cannot do this one would.
   */
  wantsSwap(now: number): boolean {
    if (!this.missing || this.swapAfter === undefined || now - this.promptAt < this.swapAfter) return false;
    this.missing = false;
    return true;
  }

  next(now: number, step: number, asked: Action | undefined, dt: number): number {
    // A new prompt: a new step, or the same step asking another action after a swap.
    if (asked !== undefined && `${step}|${asked}` !== this.lastPrompt) {
      this.lastPrompt = `${step}|${asked}`;
      this.promptAt = now;
      this.playing = false;
      const [lo, hi] = this.reaction;
      this.answerAt = now + lo + (hi - lo) * this.options.random();
      const marks = this.options.actions.filter((m) => m.action === asked);
      const mark = marks.length > 0 ? marks[Math.floor(this.options.random() * marks.length)]! : undefined;
      this.segment = mark ? { from: Math.max(0, mark.t - this.lead), to: Math.min(this.options.duration, mark.t + this.tail) } : undefined;
      this.missing = !mark;
    }
    if (this.segment && now >= this.answerAt) {
      if (!this.playing) {
        this.playing = true;
        this.playhead = this.segment.from;
      }
      const at = this.playhead;
      this.playhead += dt;
      if (at <= this.segment.to) return at;
      this.segment = undefined;
      this.playing = false;
      this.restClock = 0;
    }
    // Rest: forwards then backwards over the calm second, so there is no cut.
    const phase = this.restClock % (2 * this.restLength);
    this.restClock += dt;
    return this.rest + (phase <= this.restLength ? phase : 2 * this.restLength - phase);
  }
}
