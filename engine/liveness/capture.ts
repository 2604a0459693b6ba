import { EidkitError } from '../errors.ts';
import type { Box, FaceEngine } from '../face/index.ts';
import type { LivenessDecision, LivenessSignals } from './decide.ts';
import { LIVENESS_ANALYSIS, livenessFrame } from './from-face.ts';
import { lightKindFor, startLightCheck, type LightCaptureOptions, type LightRun } from './light-capture.ts';
import type { PassiveScorer } from './passive.ts';
import type { LivenessProgress, LivenessSession } from './session.ts';
import type { PassiveScores } from './types.ts';

/**
 * Opens the front camera for a liveness check. The frames stay on the device: they go from the camera to the face
 * engine (a worker) and nowhere else. Errors are typed so a UI can explain them.
 */
export async function openCamera(constraints: MediaTrackConstraints = {}): Promise<MediaStream> {
  if (!globalThis.navigator?.mediaDevices?.getUserMedia) {
    throw new EidkitError('liveness/no-camera-api', 'This browser cannot open a camera here (it needs a secure https page).');
  }
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 }, ...constraints },
    });
  } catch (cause) {
    const name = (cause as { name?: string }).name;
    if (name === 'NotAllowedError' || name === 'SecurityError') {
      throw new EidkitError('liveness/camera-denied', 'Camera access was refused. Allow the camera for this site to check that you are present.', {}, { cause });
    }
    if (name === 'NotFoundError' || name === 'OverconstrainedError') {
      throw new EidkitError('liveness/no-camera', 'No camera was found on this device.', {}, { cause });
    }
    if (name === 'NotReadableError' || name === 'AbortError') {
      throw new EidkitError('liveness/camera-busy', 'The camera is in use by another app. Close it and try again.', {}, { cause });
    }
    throw new EidkitError('liveness/camera-failed', 'The camera could not be started.', { name }, { cause });
  }
}

export interface LivenessCaptureOptions {
  /** The camera stream (openCamera() or your own getUserMedia). */
  readonly stream: MediaStream;
  /** The face engine; a worker-hosted one keeps the page responsive. */
  readonly face: FaceEngine;
  readonly session: LivenessSession;
  /** Passive models, run in this realm on a second grab of the same frame; omit to skip that signal. */
  readonly passive?: PassiveScorer;
  /** Score the passive models at most this often, ms (they are a median over the session). Default 250. */
  readonly passiveEveryMs?: number;
  /** Upper bound on analysed frames per second; the loop goes slower when the device does. Default 15. */
  readonly maxFps?: number;
  /** A <video> already showing the stream (a preview); else a hidden one is made. */
  readonly video?: HTMLVideoElement;
  /**
   * While no face is being tracked, probe each frame with the cheap short-range detector first and run the full
   * analysis only once it sees a face (default true). An empty camera then costs about a quarter of the compute per
   * frame, and the face is picked up sooner on a slow phone. Once a face is tracked every frame is analysed as
   * before, so the challenge, identity and passive signals see exactly the same frames. The probe misses faces under
   * about a tenth of the frame's longer side (site/docs/face.md); the smallest of those that would still pass the
   * live quality gate (8.5-10 %) are reported as no face until they come closer.
   */
  readonly probeWhenNoFace?: boolean;
  /** Called after every analysed frame, for guidance and a progress ring. */
  readonly onProgress?: (progress: LivenessProgress) => void;
  /** Also return a face template taken from a frame of this session (identity-checked against the session). */
  readonly template?: boolean;
  /** Stop the camera tracks when done (default true). */
  readonly stopCamera?: boolean;
  /**
   * Run the light challenge once a face is seen (light-capture.ts): screen colours for a front camera (give `paint`),
   * the torch for a rear one where the track offers it. The challenge's prompts wait until it is over. Where it
   * cannot run, the decision lists it under `notRun` (never as passed).
   */
  readonly light?: LightCaptureOptions;
  readonly signal?: AbortSignal;
}

export interface LivenessCaptureResult {
  readonly decision: LivenessDecision;
  readonly signals: LivenessSignals;
  /** Template of a frame from this very session (when asked and the frame passed face quality gates). */
  readonly template?: Uint8Array;
  /** Frames the session judged, including those the no-face probe settled without a full analysis. */
  readonly analysedFrames: number;
  /** Judged frames per second the device sustained. */
  readonly fps: number;
}

/**
 * The capture loop: grab the newest camera frame, analyse it, feed the session, repeat until the session is done.
 * One frame is in flight at a time and each grab takes the newest frame, so a slow device analyses fewer frames
 * rather than falling behind a queue. The camera is stopped when the loop ends, whatever the outcome.
 */
export async function runLivenessCapture(options: LivenessCaptureOptions): Promise<LivenessCaptureResult> {
  const { stream, face, session, passive } = options;
  const minInterval = 1000 / (options.maxFps ?? 15);
  const passiveEvery = options.passiveEveryMs ?? 250;
  const video = options.video ?? hiddenVideo(stream);
  const ownVideo = video !== options.video;
  let analysed = 0;
  let tracking = false;
  let template: Uint8Array | undefined;
  const started = performance.now();
  let lastBox: Box | undefined;
  let light: LightRun | undefined;
  const lightKind = options.light ? lightKindFor(stream, options.light) : undefined;
  if (lightKind && typeof lightKind !== 'string') session.addSignal('light', { ran: false, ...(lightKind.kind ? { kind: lightKind.kind } : {}), why: lightKind.notRun });
  try {
    if (!ownVideo) await ensurePlaying(video, stream, options.signal);
    else if (video.readyState < 2) await playing(video, options.signal);
    let lastGrab = -Infinity;
    let lastPassive = -Infinity;
    while (!session.done) {
      abortIfAsked(options.signal);
      const wait = lastGrab + minInterval - performance.now();
      if (wait > 0) await sleep(wait, options.signal);
      await nextVideoFrame(video);
      lastGrab = performance.now();
      const t = lastGrab - started;
      if (!tracking && (options.probeWhenNoFace ?? true)) {
        // A worker-hosted engine takes the bitmap it is given, so the probe gets its own grab of the same frame.
        const probe = await createImageBitmap(video);
        const seen = await face.detectFaces(probe, { detector: 'short-range', maxFaces: 1 }).finally(() => probe.close());
        if (seen.length === 0) {
          const progress = session.push({ t, faceCount: 0 });
          options.onProgress?.(progress);
          analysed++;
          continue;
        }
      }
      // While the light check changes the face's light, the cues that assume steady light (the passive models, the
      // texture tracking and recapture cues on the pixel sample) skip the frame; landmarks and identity do not.
      const lit = light !== undefined && t < light.until;
      const frame = await createImageBitmap(video);
      const forPassive = passive && !lit && t - lastPassive >= passiveEvery ? await createImageBitmap(video) : undefined;
      let scores: PassiveScores | undefined;
      try {
        const analysis = await face.analyse(frame, { ...LIVENESS_ANALYSIS, sample: !lit, embed: session.wantsEmbedding(t), maxAnalysed: 1 });
        const box = analysis.faces[0]?.detection.box;
        tracking = box !== undefined;
        if (box) lastBox = box;
        if (box && !light && typeof lightKind === 'string') {
          light = startLightCheck({ kind: lightKind, stream, video, options: options.light!, clock: () => performance.now() - started, box: () => lastBox });
          session.holdPrompts(light.until, 'hold-still-light');
        }
        if (forPassive && box) {
          scores = await passive!.scoreFrame(forPassive, box);
          lastPassive = t;
        }
        // Pushed outside the optional call: `onProgress?.(session.push(...))` skips the push without a listener.
        const progress = session.push(livenessFrame(t, analysis, scores));
        options.onProgress?.(progress);
        analysed++;
      } finally {
        // A worker-hosted engine took `frame` (closing a transferred bitmap is a no-op); an in-process one did not.
        frame.close();
        forPassive?.close();
      }
    }
    if (light) session.addSignal('light', await light.result);
    else if (typeof lightKind === 'string') session.addSignal('light', { ran: false, kind: lightKind, why: 'no-face' });
    if (options.template && session.decide().live) {
      await nextVideoFrame(video);
      const t = performance.now() - started;
      const bitmap = await createImageBitmap(video);
      const result = await face.template(bitmap).finally(() => bitmap.close());
      // The template frame joins the session's identity check, so it cannot come from someone else.
      session.push(livenessFrame(t, result.analysis));
      if (result.template) template = result.template;
    }
  } finally {
    light?.stop();
    if (options.stopCamera ?? true) for (const track of stream.getTracks()) track.stop();
    if (ownVideo) video.srcObject = null;
  }
  const seconds = (performance.now() - started) / 1000;
  const decision = session.decide();
  return { decision, signals: session.signals(), ...(template && decision.live ? { template } : {}), analysedFrames: analysed, fps: analysed / Math.max(1e-3, seconds) };
}

function hiddenVideo(stream: MediaStream): HTMLVideoElement {
  if (typeof document === 'undefined') {
    throw new EidkitError('liveness/no-document', 'The capture loop needs a page (document) to play the camera; pass `video` or run it on the main thread.');
  }
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  void video.play().catch(() => undefined);
  return video;
}

/** Longest wait for the camera's first frame before the capture gives up with `liveness/video-not-playing`. */
export const VIDEO_START_MS = 10_000;

/**
 * The caller's `video` must show `stream`: one with no source is given the stream, a paused one is played (muted, as
 * autoplay rules allow), and one showing something else is refused, so the loop never waits on frames that cannot come.
 */
async function ensurePlaying(video: HTMLVideoElement, stream: MediaStream, signal?: AbortSignal): Promise<void> {
  if (video.srcObject == null) video.srcObject = stream;
  else if (video.srcObject !== stream) {
    throw new EidkitError('liveness/video-not-stream', 'The `video` given to runLivenessCapture shows another source than `stream`; give it the same MediaStream (video.srcObject = stream) or omit `video`.');
  }
  if (video.paused) {
    video.muted = true;
    void video.play().catch(() => undefined);
  }
  if (video.readyState < 2) await playing(video, signal);
}

function playing(video: HTMLVideoElement, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      video.removeEventListener('loadeddata', done);
    };
    const done = (): void => {
      cleanup();
      resolve();
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new EidkitError('liveness/video-not-playing', `The camera video showed no frame within ${VIDEO_START_MS / 1000} s: check that the stream is live and the video element can play (autoplay, muted).`));
    }, VIDEO_START_MS);
    video.addEventListener('loadeddata', done);
    signal?.addEventListener(
      'abort',
      () => {
        cleanup();
        reject(aborted());
      },
      { once: true },
    );
    if (video.readyState >= 2) done();
  });
}

/**
 * Resolves on the next new video frame (requestVideoFrameCallback where there is one), so no frame is analysed twice;
 * after FRAME_WAIT_MS at most, because a preview that is not being painted (a hidden tab, some headless setups)
 * never calls back, and the loop must then still run on.
 */
function nextVideoFrame(video: HTMLVideoElement): Promise<void> {
  const v = video as HTMLVideoElement & { requestVideoFrameCallback?: (cb: () => void) => number; cancelVideoFrameCallback?: (id: number) => void };
  if (typeof v.requestVideoFrameCallback !== 'function') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      v.cancelVideoFrameCallback?.(id);
      resolve();
    }, FRAME_WAIT_MS);
    const id = v.requestVideoFrameCallback!(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Longest wait for a new camera frame before analysing the current one anyway. */
const FRAME_WAIT_MS = 250;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const id = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(id);
        reject(aborted());
      },
      { once: true },
    );
  });
}

function abortIfAsked(signal?: AbortSignal): void {
  if (signal?.aborted) throw aborted();
}

function aborted(): EidkitError {
  return new EidkitError('liveness/aborted', 'The liveness check was cancelled.');
}
