import { seededRandom, secureSeed } from './random.ts';

/**
 * The light challenge. The device lights the face with a random sequence it chose (screen colours in front of the
 * user, the torch on and off behind a rear camera) and checks that the face's colour follows the sequence, relative
 * to the background, with a plausible delay. A live face a few tens of centimetres from the screen reflects its
 * light; a replay on another screen shows its own light (ours only glints off its glass, on face and background
 * alike), and a print that fills the view reflects ours on face and background alike too. Pure: planning is a
 * function of a seed, scoring of the samples and the times the colours were shown. The effects (painting the
 * colour, switching the torch, reading pixels) are in capture.ts.
 */

/** Linear 0..1 red, green, blue. */
export type Rgb = readonly [number, number, number];

export type LightKind = 'screen' | 'torch';

export interface LightStep {
  readonly colour: Rgb;
  /** How long it is shown, ms. */
  readonly ms: number;
}

export interface LightPlan {
  readonly kind: LightKind;
  readonly steps: readonly LightStep[];
}

/** When a colour was first on screen (or the torch state took effect), on the capture's clock. */
export interface LightShown {
  readonly t: number;
  readonly colour: Rgb;
}

/** Mean pixel colours of one camera frame: inside the face and around it (0..255). */
export interface LightSample {
  readonly t: number;
  readonly face: Rgb;
  readonly background: Rgb;
}

export type LightSignal =
  | {
      readonly ran: true;
      readonly kind: LightKind;
      /** Correlation between the colours shown and the face's relative colour, at the best delay. */
      readonly correlation: number;
      /**
       * The part of the response the sequence explains (RMS; for the screen, of the face-minus-background colour over
       * the background's brightness, the sum of its channels; for the torch, of the log luminance ratio).
       */
      readonly amplitude: number;
      readonly lagMs: number;
      readonly samples: number;
      /** Mean cost of taking one colour sample on this device (draw, read, average), ms: set by the capture. */
      readonly sampleMs?: number;
    }
  | {
      readonly ran: false;
      readonly kind?: LightKind;
      /** Stable code of why it could not run (LightNotRun). */
      readonly why: LightNotRun;
    };

/**
 * no-torch: a rear camera without one; no-screen: nothing to paint the colours with; no-face: no face was seen;
 * too-few-frames: too few camera frames to score; declined: the person skipped the flashes; disabled: the app turned
 * it off (the site's testing setting, where a recorded video stands in for the camera and cannot reflect anything).
 */
export type LightNotRun = 'no-torch' | 'no-screen' | 'no-face' | 'too-few-frames' | 'declined' | 'disabled';

export const LIGHT_TIMING = {
  /**
   * Screen colours per check; each differs from the one before. 8 rather than 6: on simulated replays whose own light
   * changes at random (light.test.ts), 6 steps let 2 of 300 reach the correlation threshold by chance, 8 none.
   */
  screenSteps: 8,
  /**
   * Each colour stays 350-450 ms: under three changes a second (WCAG 2.3.1's general flash limit) and long enough for
   * a camera at 15 frames a second to see each colour on several frames.
   */
  stepMinMs: 350,
  stepMaxMs: 450,
  torchSteps: 5,
  torchMinMs: 400,
  torchMaxMs: 800,
  /**
   * Delays searched between showing a colour (on screen, after two animation frames) and seeing it on the face: the
   * camera's capture-to-frame latency, 50-250 ms on phones, plus a frame or two. A wider search lets chance
   * correlations of a replay's own light win more often (at 600 ms, 1 of 300 simulated replays with 8 steps).
   */
  maxLagMs: 450,
  lagStepMs: 20,
  /** Samples needed to score at all. */
  minSamples: 10,
} as const;

/**
 * Screen colours: the primaries and their mixes, dimmed a little (a full-white flash is the most tiring). They move
 * the face's chromaticity in different directions, which a replay cannot follow without knowing the sequence.
 */
export const SCREEN_COLOURS: readonly Rgb[] = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
  [1, 1, 0],
  [0, 1, 1],
  [1, 0, 1],
];

export function planLight(kind: LightKind, seed: number = secureSeed(), timing: typeof LIGHT_TIMING = LIGHT_TIMING): LightPlan {
  const random = seededRandom(seed);
  const between = (lo: number, hi: number): number => Math.round(lo + random() * (hi - lo));
  const steps: LightStep[] = [];
  if (kind === 'torch') {
    // On and off in turn from a random state, at random moments.
    let on = random() < 0.5;
    for (let i = 0; i < timing.torchSteps; i++, on = !on) steps.push({ colour: on ? [1, 1, 1] : [0, 0, 0], ms: between(timing.torchMinMs, timing.torchMaxMs) });
    return { kind, steps };
  }
  let previous = -1;
  for (let i = 0; i < timing.screenSteps; i++) {
    let k: number;
    do k = Math.floor(random() * SCREEN_COLOURS.length);
    while (k === previous);
    previous = k;
    steps.push({ colour: SCREEN_COLOURS[k]!, ms: between(timing.stepMinMs, timing.stepMaxMs) });
  }
  return { kind, steps };
}

export function planDurationMs(plan: LightPlan): number {
  return plan.steps.reduce((s, x) => s + x.ms, 0);
}

/**
 * Mean colours of the face's inner region (forehead, cheeks, nose: the middle of the detection box) and of the
 * frame outside the box grown by a quarter on each side, from RGBA pixels. `box` is in the pixels' coordinates.
 * Undefined when either region is empty.
 */
export function measureLightSample(
  t: number,
  pixels: Uint8ClampedArray,
  width: number,
  height: number,
  box: { x: number; y: number; width: number; height: number },
): LightSample | undefined {
  const inner = { x0: box.x + 0.25 * box.width, x1: box.x + 0.75 * box.width, y0: box.y + 0.2 * box.height, y1: box.y + 0.75 * box.height };
  const outer = { x0: box.x - 0.25 * box.width, x1: box.x + 1.25 * box.width, y0: box.y - 0.25 * box.height, y1: box.y + 1.25 * box.height };
  const f = [0, 0, 0];
  const b = [0, 0, 0];
  let nf = 0;
  let nb = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const cx = x + 0.5;
      const cy = y + 0.5;
      const i = 4 * (y * width + x);
      if (cx >= inner.x0 && cx < inner.x1 && cy >= inner.y0 && cy < inner.y1) {
        f[0]! += pixels[i]!;
        f[1]! += pixels[i + 1]!;
        f[2]! += pixels[i + 2]!;
        nf++;
      } else if (cx < outer.x0 || cx >= outer.x1 || cy < outer.y0 || cy >= outer.y1) {
        b[0]! += pixels[i]!;
        b[1]! += pixels[i + 1]!;
        b[2]! += pixels[i + 2]!;
        nb++;
      }
    }
  }
  // The background must be a real part of the frame, not a sliver at the edge.
  if (nf === 0 || nb < 0.05 * width * height) return undefined;
  return { t, face: [f[0]! / nf, f[1]! / nf, f[2]! / nf], background: [b[0]! / nb, b[1]! / nb, b[2]! / nb] };
}

/**
 * Scores a light check: for each delay in 0..maxLagMs, the correlation between the stimulus (the colour shown at
 * t - delay) and the response (the face's colour relative to the background), pooled over the channels; the best
 * delay wins. Screen: the response is the face's colour minus the background's, per channel, over the background's
 * brightness. Light added to face and background alike (our colours glinting off a replay screen's glass) cancels in
 * the difference, and exposure changes of the whole frame cancel in the ratio. (It was the difference of their
 * chromaticities, which cancels exposure too but not the glint: added light shifts the chromaticity of a dark region
 * more than of a bright one, so a dark replayed face under glint followed our colours.) Torch: the log of the face's
 * luminance over the background's.
 */
export function scoreLight(plan: LightPlan, shown: readonly LightShown[], samples: readonly LightSample[], timing: typeof LIGHT_TIMING = LIGHT_TIMING): LightSignal {
  const kind = plan.kind;
  if (shown.length === 0) return { ran: false, kind, why: 'too-few-frames' };
  const first = shown[0]!.t;
  const end = shown.at(-1)!.t + (plan.steps.at(-1)?.ms ?? 0);
  const inside = samples.filter((s) => s.t >= first && s.t <= end + timing.maxLagMs);
  if (inside.length < timing.minSamples) return { ran: false, kind, why: 'too-few-frames' };
  const response = inside.map((s) => responseOf(kind, s));
  const stimulusAt = (t: number): number[] | undefined => {
    let current: Rgb | undefined;
    for (const e of shown) if (e.t <= t) current = e.colour;
    return current ? stimulusOf(kind, current) : undefined;
  };
  let best = { correlation: -Infinity, amplitude: 0, lagMs: 0 };
  for (let lag = 0; lag <= timing.maxLagMs; lag += timing.lagStepMs) {
    const xs: number[][] = [];
    const ys: number[][] = [];
    inside.forEach((s, i) => {
      const x = stimulusAt(s.t - lag);
      if (x) {
        xs.push(x);
        ys.push(response[i]!);
      }
    });
    if (xs.length < timing.minSamples) continue;
    const r = pooledCorrelation(xs, ys);
    if (r.correlation > best.correlation) best = { ...r, lagMs: lag };
  }
  if (!Number.isFinite(best.correlation)) return { ran: false, kind, why: 'too-few-frames' };
  return { ran: true, kind, correlation: best.correlation, amplitude: best.amplitude, lagMs: best.lagMs, samples: inside.length };
}

function chromaticity(c: Rgb): number[] {
  const s = c[0] + c[1] + c[2];
  return s > 0 ? [c[0] / s, c[1] / s, c[2] / s] : [1 / 3, 1 / 3, 1 / 3];
}

function luminance(c: Rgb): number {
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

/**
 * A background darker than this (the sum of its channels, 0..765) says nothing of the exposure: dividing by it would
 * only amplify noise, so the difference is divided by this floor instead.
 */
const DARK_BACKGROUND = 24;

function responseOf(kind: LightKind, s: LightSample): number[] {
  if (kind === 'torch') return [Math.log((luminance(s.face) + 1) / (luminance(s.background) + 1))];
  const f = s.face;
  const b = s.background;
  const brightness = Math.max(DARK_BACKGROUND, b[0] + b[1] + b[2]);
  return [(f[0] - b[0]) / brightness, (f[1] - b[1]) / brightness, (f[2] - b[2]) / brightness];
}

function stimulusOf(kind: LightKind, c: Rgb): number[] {
  return kind === 'torch' ? [luminance(c)] : chromaticity(c);
}

/**
 * Pearson correlation pooled over channels (each channel centred on its own mean), and the RMS of the response's
 * part that the stimulus explains (correlation times the response's RMS).
 */
function pooledCorrelation(xs: number[][], ys: number[][]): { correlation: number; amplitude: number } {
  const n = xs.length;
  const channels = xs[0]!.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let c = 0; c < channels; c++) {
    let mx = 0;
    let my = 0;
    for (let i = 0; i < n; i++) {
      mx += xs[i]![c]!;
      my += ys[i]![c]!;
    }
    mx /= n;
    my /= n;
    for (let i = 0; i < n; i++) {
      const dx = xs[i]![c]! - mx;
      const dy = ys[i]![c]! - my;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
  }
  const correlation = sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
  return { correlation, amplitude: Math.max(0, correlation) * Math.sqrt(syy / (n * channels)) };
}
