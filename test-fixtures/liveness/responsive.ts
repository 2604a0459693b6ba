// Test helpers for timed challenges. A recorded clip cannot answer prompts: tests that check the action detectors on
// a fixed script judge it with SCRIPTED_TIMING (no pauses, no reaction window, as a harness replaying a recording
// segment against its own known actions). `respondingPerson` is a synthetic person who reads each prompt and answers
// it after a reaction time, as a cooperative user does.
import type { ChallengeState, ChallengeTiming } from '../../engine/liveness/challenge.ts';
import type { Action, LivenessFrame } from '../../engine/liveness/types.ts';
import { bump, syntheticFace, type SyntheticPose } from './synthetic-face.ts';

/** Timing that judges a fixed script: prompts with no pause and no reaction window, only the step timeout. */
export const SCRIPTED_TIMING: Partial<ChallengeTiming> = { pauseMinMs: 0, pauseMaxMs: 0, reactionWindowMs: Infinity, minReactionMs: 0 };

export interface ResponderOptions {
  readonly fps?: number;
  readonly seconds?: number;
  /** From seeing a prompt to beginning the movement, ms (default 600). */
  readonly reactionMs?: number;
  /** How long a movement takes, ms (default 800). */
  readonly moveMs?: number;
  /** What the person does when asked `a` (default: a itself); undefined does nothing. */
  readonly does?: (asked: Action, step: number) => Action | undefined;
  /** Extra pose on top, by time (s): yaw and pitch add to the answered movements, the rest replaces. */
  readonly extra?: (t: number) => SyntheticPose;
  /** Called before each frame: lets a test act on the session (swap an action, hold prompts). */
  readonly before?: (t: number) => void;
}

/**
 * Drives `step` (a runner's update or a session's push) frame by frame with a person who answers each prompt as it
 * appears. Returns the frames fed and the last state. Stops when `step` reports the challenge passed or failed.
 */
export function respondingPerson(step: (frame: LivenessFrame) => ChallengeState | undefined, options: ResponderOptions = {}): { frames: LivenessFrame[]; state: ChallengeState | undefined } {
  const fps = options.fps ?? 15;
  const reaction = (options.reactionMs ?? 600) / 1000;
  const move = (options.moveMs ?? 800) / 1000;
  const moves: { action: Action; start: number }[] = [];
  const frames: LivenessFrame[] = [];
  let seenAsk = -1;
  let state: ChallengeState | undefined;
  for (let i = 0; i < Math.round((options.seconds ?? 20) * fps); i++) {
    const t = i / fps;
    options.before?.(t * 1000);
    const p = { yaw: 0, pitch: 0, eyeOpen: 0.3, mouthOpen: 0.02 };
    for (const m of moves) {
      const b = bump(t, m.start, move);
      if (m.action === 'turn-left') p.yaw += 20 * b;
      if (m.action === 'turn-right') p.yaw -= 20 * b;
      if (m.action === 'look-up') p.pitch += 18 * b;
      if (m.action === 'open-mouth') p.mouthOpen += 0.45 * b;
      if (m.action === 'blink') p.eyeOpen -= 0.25 * bump(t, m.start, 0.3);
    }
    const extra = options.extra?.(t) ?? {};
    const pose = { ...p, ...extra, yaw: p.yaw + (extra.yaw ?? 0), pitch: p.pitch + (extra.pitch ?? 0) };
    const frame: LivenessFrame = { t: t * 1000, faceCount: 1, face: syntheticFace({ seed: i + 1, jitter: 0.3, ...pose }) };
    frames.push(frame);
    state = step(frame);
    if (!state || state.status === 'passed' || state.status === 'failed') break;
    const asked = state.phase === 'prompt' ? state.steps[state.step] : undefined;
    if (asked && asked.askedAt !== seenAsk) {
      seenAsk = asked.askedAt;
      const action = options.does ? options.does(asked.action, state.step) : asked.action;
      if (action) moves.push({ action, start: asked.askedAt / 1000 + reaction });
    }
  }
  return { frames, state };
}
