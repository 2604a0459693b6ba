import { median, type FaceMeasures } from './measures.ts';
import type { Action } from './types.ts';

/**
 * Thresholds of the action detectors, chosen on ../shared/fixtures videos and our attack fixtures
 * (test-fixtures/liveness/attacks.json; numbers in site/docs/liveness.md):
 * - turns: the webcam-man video's deliberate turns reach 12-17 degrees of yaw from his neutral pose (12 when he sits
 *   far from the camera), while printed photos turned 35 degrees in depth move FaceMesh's yaw by at most 5 and tilted
 *   ones its pitch by at most 7 (the mesh sees a flat face, not a turned one). 10 sits between; a photo that did reach
 *   it would still have to pass the planar-motion test (planar.ts);
 * - look up: he looks up by 16-18 degrees; photos tilted 40 degrees move the mesh's pitch by at most 7;
 * - blink: the corrected eye opening (measures.ts) falls to 45-55 % of its open value in the blink video's blinks and to
 *   ~68 % in the talking-glasses video's shallow ones, and by no more than 16 % (to 84 %) when a photo is tilted back;
 * - mouth: inner-lip opening over mouth width reaches 0.45 when he opens his mouth; a closed mouth is below 0.05.
 */
export const ACTION_THRESHOLDS = {
  turnDegrees: 10,
  lookUpDegrees: 12,
  /** Eye opening must fall below this fraction of the open-eye baseline ... */
  blinkClosedRatio: 0.7,
  /** ... and come back above this fraction of it (how long they stay shut does not matter: a photo cannot do either). */
  blinkOpenRatio: 0.85,
  /**
   * Window of recent open-eye frames whose median is the baseline a blink is measured against (at least the last
   * BASELINE_MIN_FRAMES frames whatever their age, so a slow phone analysing 2 frames a second still has one).
   */
  blinkBaselineMs: 600,
  mouthOpen: 0.3,
  /** Mouth opening must also exceed the neutral opening by this much (people who rest with lips apart). */
  mouthOpenGain: 0.2,
  /** A pose or mouth action must be seen on this many consecutive analysed frames (one frame may be a glitch). */
  holdFrames: 2,
} as const;

export type ActionThresholds = { readonly [K in keyof typeof ACTION_THRESHOLDS]: number };

/** The user's resting pose, measured before the first action is asked. */
export interface Neutral {
  readonly yaw: number;
  readonly pitch: number;
  readonly mouth: number;
  readonly eyeOpen: number;
}

export interface ActionDetector {
  readonly action: Action;
  /** Feeds one analysed frame; returns true from the frame the action is complete. */
  push(m: FaceMeasures): boolean;
  /** 0..1, how far towards the action the user is (for a progress ring); 1 once complete. */
  readonly progress: number;
  readonly done: boolean;
}

/**
 * A detector for one action, relative to `neutral`. `recent` are the frames just before (the blink baseline needs
 * the open eyes of the last moment, not of the session start).
 */
export function createActionDetector(
  action: Action,
  neutral: Neutral,
  thresholds: ActionThresholds = ACTION_THRESHOLDS,
  recent: readonly FaceMeasures[] = [],
): ActionDetector {
  if (action === 'blink') return blinkDetector(neutral, thresholds, recent);
  const amount = (m: FaceMeasures): number => {
    switch (action) {
      // turn-left: the user's left, so the nose moves towards the image's right: yaw grows (see types.ts).
      case 'turn-left':
        return (m.yaw - neutral.yaw) / thresholds.turnDegrees;
      case 'turn-right':
        return (neutral.yaw - m.yaw) / thresholds.turnDegrees;
      case 'look-up':
        return (m.pitch - neutral.pitch) / thresholds.lookUpDegrees;
      case 'open-mouth':
        return Math.min(m.mouth / thresholds.mouthOpen, (m.mouth - neutral.mouth) / thresholds.mouthOpenGain);
    }
  };
  let run = 0;
  let progress = 0;
  let done = false;
  return {
    action,
    push(m) {
      if (done) return true;
      const a = amount(m);
      progress = Math.max(0, Math.min(1, a));
      run = a >= 1 ? run + 1 : 0;
      if (run >= thresholds.holdFrames) done = true;
      return done;
    },
    get progress() {
      return done ? 1 : progress;
    },
    get done() {
      return done;
    },
  };
}

function blinkDetector(neutral: Neutral, th: ActionThresholds, recent: readonly FaceMeasures[]): ActionDetector {
  // The open-eye baseline is the median of the last few frames, not a session-long value, because the corrected eye
  // opening still drifts a little with head pose; but never below 90 % of the neutral opening, or eyes that close
  // slowly (or a device that sees only a frame or two of a blink) would drag the baseline down with them.
  const window: { t: number; v: number }[] = recent.map((m) => ({ t: m.t, v: m.eyeOpen }));
  const floor = NEUTRAL_FLOOR * neutral.eyeOpen;
  let closedBaseline: number | undefined;
  let progress = 0;
  let done = false;
  const baseline = (now: number): number => {
    pruneRecent(window, now, th.blinkBaselineMs);
    return Math.max(window.length >= 2 ? median(window.map((w) => w.v)) : 0, floor);
  };
  return {
    action: 'blink',
    push(m) {
      if (done) return true;
      if (closedBaseline === undefined) {
        const b = baseline(m.t);
        progress = b > 0 ? Math.max(0, Math.min(0.5, (1 - m.eyeOpen / b) / (1 - th.blinkClosedRatio) / 2)) : 0;
        if (b > 0 && m.eyeOpen < th.blinkClosedRatio * b) {
          closedBaseline = b;
          progress = 0.5;
        } else {
          window.push({ t: m.t, v: m.eyeOpen });
        }
        return false;
      }
      if (m.eyeOpen > th.blinkOpenRatio * closedBaseline) {
        done = true;
        progress = 1;
      }
      return done;
    },
    get progress() {
      return progress;
    },
    get done() {
      return done;
    },
  };
}

/** The blink baseline never falls below this fraction of the neutral eye opening. */
const NEUTRAL_FLOOR = 0.9;

/** Frames a baseline window always keeps, however old (slow devices analyse few frames a second). */
export const BASELINE_MIN_FRAMES = 3;

/** Drops frames older than `ms` from the front of a time-ordered window, keeping at least BASELINE_MIN_FRAMES. */
export function pruneRecent(window: { t: number }[], now: number, ms: number): void {
  while (window.length > BASELINE_MIN_FRAMES && window[0]!.t < now - ms) window.shift();
}
