import type { Box } from '../face/index.ts';
import { measureLightSample, planDurationMs, planLight, scoreLight, LIGHT_TIMING, type LightKind, type LightNotRun, type LightSample, type LightShown, type LightSignal, type Rgb } from './light.ts';

/**
 * The light challenge's effects: painting the colours (through the page's `paint`), switching the torch, reading the
 * frame's colours. The plan and the score are pure (light.ts).
 */
export interface LightCaptureOptions {
  /**
   * 'screen': colours painted by `paint` (a front camera facing the user); 'torch': the camera track's torch (a
   * rear camera); 'auto' (default): the torch for a camera facing away from the user, the screen otherwise.
   */
  readonly kind?: LightKind | 'auto';
  /**
   * Paints a colour over the whole screen, or removes it (undefined). The UI's part: the brighter and larger, the
   * stronger the light on the face. Without it the screen check cannot run.
   */
  readonly paint?: (colour: Rgb | undefined) => void;
  /** Seed for tests; default a CSPRNG seed. */
  readonly seed?: number;
}

export interface LightRun {
  /** The prompts are held this long (ms on the capture's clock) while the light check runs. */
  readonly until: number;
  /** Resolves with the signal when the sequence is over and scored. */
  readonly result: Promise<LightSignal>;
  /** Stops early (the capture was cancelled): paints nothing, switches the torch off. */
  stop(): void;
}

type TorchTrack = MediaStreamTrack & { getCapabilities?: () => MediaTrackCapabilities & { torch?: boolean } };

/** Which light the device can use for this stream, or why none. */
export function lightKindFor(stream: MediaStream, options: LightCaptureOptions): LightKind | { notRun: LightNotRun; kind?: LightKind } {
  const track = stream.getVideoTracks()[0] as TorchTrack | undefined;
  const facing = track?.getSettings?.().facingMode;
  const kind: LightKind = options.kind && options.kind !== 'auto' ? options.kind : facing === 'environment' ? 'torch' : 'screen';
  if (kind === 'torch') {
    const torch = (track?.getCapabilities?.() as { torch?: boolean } | undefined)?.torch;
    return torch ? 'torch' : { notRun: 'no-torch', kind };
  }
  return options.paint ? 'screen' : { notRun: 'no-screen', kind };
}

/**
 * Starts the light sequence now (`now` on the capture's clock, `clock()` returning it), sampling the video's colours
 * inside `box()` (the face box of the latest analysed frame, in video pixels) until the sequence and the longest
 * camera delay are over.
 */
export function startLightCheck(args: {
  readonly kind: LightKind;
  readonly stream: MediaStream;
  readonly video: HTMLVideoElement;
  readonly options: LightCaptureOptions;
  readonly clock: () => number;
  readonly box: () => Box | undefined;
}): LightRun {
  const { kind, stream, video, options, clock, box } = args;
  const plan = planLight(kind, options.seed);
  const start = clock();
  const until = start + planDurationMs(plan) + LIGHT_TIMING.maxLagMs;
  const shown: LightShown[] = [];
  const samples: LightSample[] = [];
  let stopped = false;
  const track = stream.getVideoTracks()[0];
  const torch = (on: boolean): Promise<void> =>
    track ? track.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] }).catch(() => undefined) : Promise.resolve();

  const W = 64;
  const H = 48;
  const canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(W, H) : Object.assign(document.createElement('canvas'), { width: W, height: H });
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  let cost = 0;
  let costs = 0;
  const sample = (): void => {
    const b = box();
    if (!ctx || !b || !video.videoWidth) return;
    const t0 = performance.now();
    ctx.drawImage(video, 0, 0, W, H);
    const sx = W / video.videoWidth;
    const sy = H / video.videoHeight;
    const s = measureLightSample(clock(), ctx.getImageData(0, 0, W, H).data, W, H, { x: b.x * sx, y: b.y * sy, width: b.width * sx, height: b.height * sy });
    if (s) samples.push(s);
    cost += performance.now() - t0;
    costs++;
  };
  const sampling = (async () => {
    while (!stopped && clock() < until) {
      await nextFrame(video);
      sample();
    }
  })();

  const sequence = (async () => {
    try {
      for (const step of plan.steps) {
        if (stopped) return;
        if (kind === 'torch') await torch(step.colour[0] > 0);
        else {
          options.paint!(step.colour);
          await painted();
        }
        shown.push({ t: clock(), colour: step.colour });
        await wait(step.ms);
      }
    } finally {
      if (kind === 'torch') await torch(false);
      else options.paint?.(undefined);
    }
  })();

  const result = (async () => {
    await sequence;
    await sampling;
    const signal = scoreLight(plan, shown, samples);
    return signal.ran && costs > 0 ? { ...signal, sampleMs: cost / costs } : signal;
  })();
  return {
    until,
    result,
    stop() {
      stopped = true;
    },
  };
}

/** After the next two animation frames: the colour set before is on screen. */
function painted(): Promise<void> {
  if (typeof requestAnimationFrame !== 'function') return wait(16);
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The next video frame where requestVideoFrameCallback exists, else about one camera frame (33 ms). */
function nextFrame(video: HTMLVideoElement): Promise<void> {
  const v = video as HTMLVideoElement & { requestVideoFrameCallback?: (cb: () => void) => number };
  if (typeof v.requestVideoFrameCallback !== 'function') return wait(33);
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 100);
    v.requestVideoFrameCallback!(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
