import jpeg from 'jpeg-js';
import type { FaceEngine } from '../face/index.ts';
import type { RgbaImage } from '../runtime/frame.ts';
import { LIVENESS_ANALYSIS, livenessFrame } from './from-face.ts';
import { MJPEG_FPS, splitMjpeg } from './mjpeg.ts';
import type { PassiveScorer } from './passive.ts';
import type { LivenessFrame } from './types.ts';

export interface VideoAnalysisOptions {
  readonly face: FaceEngine;
  readonly passive?: PassiveScorer;
  /** Segment, seconds. */
  readonly from?: number;
  readonly to?: number;
  /** Frames analysed per second (every n-th frame of the 30 fps file). Default 15. */
  readonly fps?: number;
}

/**
 * Analyses a Motion-JPEG recording frame by frame, lazily, for offline checks (the evaluation harness, tests, a CLI):
 * the same face engine and passive models as a live camera, with time taken from the frame index. An embedding is
 * computed on the first analysed frame of every second, the cadence a live session asks for.
 */
export async function* analyseMjpeg(bytes: Uint8Array, options: VideoAnalysisOptions): AsyncGenerator<LivenessFrame> {
  const frames = splitMjpeg(bytes);
  const step = Math.max(1, Math.round(MJPEG_FPS / (options.fps ?? 15)));
  const first = Math.round((options.from ?? 0) * MJPEG_FPS);
  const last = Math.min(frames.length, options.to !== undefined ? Math.round(options.to * MJPEG_FPS) : frames.length);
  const stepMs = (step * 1000) / MJPEG_FPS;
  for (let i = first; i < last; i += step) {
    const t = ((i - first) * 1000) / MJPEG_FPS;
    const decoded = jpeg.decode(frames[i]!, { useTArray: true, formatAsRGBA: true });
    const image: RgbaImage = { data: decoded.data, width: decoded.width, height: decoded.height };
    const embed = i === first || Math.floor(t / 1000) !== Math.floor((t - stepMs) / 1000);
    const analysis = await options.face.analyse(image, { ...LIVENESS_ANALYSIS, embed, maxAnalysed: 1 });
    const box = analysis.faces[0]?.detection.box;
    yield livenessFrame(t, analysis, box && options.passive ? await options.passive.scoreFrame(image, box) : undefined);
  }
}
