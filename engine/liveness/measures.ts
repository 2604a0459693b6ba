import type { LivenessFace } from './types.ts';

/**
 * FaceMesh indices liveness reads besides face's named points (MediaPipe canonical topology): the nose bridge
 * between the eyes (168) and the nose tip (1) give a vertical face scale; the eye corners give the horizontal one.
 */
const NOSE_BRIDGE = 168;
const NOSE_TIP = 1;
const EYE_CORNERS = [33, 133, 263, 362] as const;

/** Per-frame scalars the action detectors and activity cues work on; all are free of face size. */
export interface FaceMeasures {
  readonly t: number;
  readonly yaw: number;
  readonly pitch: number;
  readonly roll: number;
  /** Eye-centre distance in pixels (the unit every geometric residual is expressed in). */
  readonly eyeDistance: number;
  /**
   * Eye opening corrected for foreshortening: the eye aspect ratio divided by the face's own vertical-over-horizontal
   * scale (nose bridge to nose tip over eye distance). A photo tilted back squashes eyelid gap and nose alike, so
   * this stays put; a real blink closes the eyes and leaves the nose where it is. Without the correction, tilting a
   * printed photo by 45 degrees drops the plain eye aspect ratio by 30 % and fakes a blink (measured on
   * the pitch-tilt attack fixtures).
   */
  readonly eyeOpen: number;
  readonly mouth: number;
}

export function measureFace(t: number, face: LivenessFace): FaceMeasures {
  const m = face.mesh;
  const x = (i: number): number => m[3 * i]!;
  const y = (i: number): number => m[3 * i + 1]!;
  const [a, b, c, d] = EYE_CORNERS;
  const rx = (x(a) + x(b)) / 2;
  const ry = (y(a) + y(b)) / 2;
  const lx = (x(c) + x(d)) / 2;
  const ly = (y(c) + y(d)) / 2;
  const eyeDistance = Math.hypot(lx - rx, ly - ry);
  const vertical = eyeDistance > 0 ? Math.hypot(x(NOSE_TIP) - x(NOSE_BRIDGE), y(NOSE_TIP) - y(NOSE_BRIDGE)) / eyeDistance : 0;
  return {
    t,
    yaw: face.pose.yaw,
    pitch: face.pose.pitch,
    roll: face.pose.roll,
    eyeDistance,
    eyeOpen: vertical > 0 ? face.eyeOpening / vertical : 0,
    mouth: face.mouthOpening,
  };
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Linear-interpolated quantile; NaN for an empty list. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((p, r) => p - r);
  const at = (s.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return s[lo]! + (s[hi]! - s[lo]!) * (at - lo);
}
