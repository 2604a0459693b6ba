import { fitHomography, rmsResidual } from './homography.ts';
import { median } from './measures.ts';
import type { LivenessFace } from './types.ts';

/**
 * FaceMesh points on the rigid part of the face (MediaPipe canonical indices): forehead and nose midline, nose tip
 * and wings, eye corners, brows, cheekbones, temples. Eyelids, lips and jaw are left out because they move on their
 * own; the silhouette points (234, 454 ...) because FaceMesh places them by guesswork on turned heads.
 * They lie at very different depths on a real head (the nose tip ~3 cm in front of the eye corners), so turning it
 * moves them in a way no single homography explains; printed or on a screen, they are coplanar.
 */
export const RIGID_POINTS: readonly number[] = [
  10, 151, 9, 8, 168, 6, 197, 195, 5, 4, 1, 2, // midline, forehead to nose tip
  33, 133, 263, 362, // eye corners
  70, 63, 105, 66, 107, 336, 296, 334, 293, 300, // brows
  50, 280, 101, 330, 205, 425, 117, 346, 123, 352, // cheeks
  54, 284, 21, 251, // temples
  129, 358, 98, 327, // nose wings
];

/**
 * Residual of the best homography between the rigid points of two faces, in units of the reference face's eye
 * distance. About 0.002-0.018 for a flat photo however it is moved or tilted (landmark jitter), 0.03-0.08 for a real
 * head turned or nodded by 10-18 degrees (measured on the fixtures, see site/docs/liveness.md).
 */
export function planarResidual(reference: Float32Array, current: Float32Array, eyeDistance: number): number {
  const a = new Float64Array(RIGID_POINTS.length * 2);
  const b = new Float64Array(RIGID_POINTS.length * 2);
  RIGID_POINTS.forEach((i, k) => {
    a[2 * k] = reference[3 * i]!;
    a[2 * k + 1] = reference[3 * i + 1]!;
    b[2 * k] = current[3 * i]!;
    b[2 * k + 1] = current[3 * i + 1]!;
  });
  const h = fitHomography(a, b);
  if (!h || !(eyeDistance > 0)) return Number.NaN;
  return rmsResidual(h, a, b) / eyeDistance;
}

export interface PlanarSignal {
  /** Frames whose pose differed enough from the reference for the test to mean something. */
  readonly frames: number;
  /** Median residual over those frames (eye distances); undefined when `frames` is 0. */
  readonly residual?: number;
  /** Largest yaw or pitch change from the reference seen in the session, degrees. */
  readonly maxPoseChange: number;
}

/**
 * Tracks the planar-motion residual over a session: the reference is the first face given (the neutral pose), and
 * every later face whose yaw or pitch differs from it by at least `minDegrees` contributes one residual. With less
 * pose change than that, a real head is nearly planar too, so such frames say nothing.
 */
export class PlanarTracker {
  private reference: { mesh: Float32Array; yaw: number; pitch: number; eyeDistance: number } | undefined;
  private readonly residuals: number[] = [];
  private maxPoseChange = 0;

  constructor(private readonly minDegrees: number) {}

  setReference(face: LivenessFace, eyeDistance: number): void {
    this.reference = { mesh: face.mesh, yaw: face.pose.yaw, pitch: face.pose.pitch, eyeDistance };
  }

  get hasReference(): boolean {
    return this.reference !== undefined;
  }

  push(face: LivenessFace): void {
    const ref = this.reference;
    if (!ref) return;
    const change = Math.max(Math.abs(face.pose.yaw - ref.yaw), Math.abs(face.pose.pitch - ref.pitch));
    this.maxPoseChange = Math.max(this.maxPoseChange, change);
    if (change < this.minDegrees) return;
    const r = planarResidual(ref.mesh, face.mesh, ref.eyeDistance);
    if (Number.isFinite(r)) this.residuals.push(r);
  }

  signal(): PlanarSignal {
    return {
      frames: this.residuals.length,
      ...(this.residuals.length > 0 ? { residual: median(this.residuals) } : {}),
      maxPoseChange: this.maxPoseChange,
    };
  }
}
