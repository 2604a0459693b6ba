import { distance, midpoint } from './geometry.ts';
import { point, type Mesh } from './facemesh.ts';
import type { Point } from './types.ts';

/**
 * Named FaceMesh indices (MediaPipe's canonical 468-point topology), from the subject's point of view: their right
 * eye is on the image's left. Liveness (blink, mouth, head turns) reads the same points through these helpers.
 */
export const MESH = {
  rightEyeOuter: 33,
  rightEyeInner: 133,
  rightEyeUpper: [160, 158] as const,
  rightEyeLower: [144, 153] as const,
  leftEyeOuter: 263,
  leftEyeInner: 362,
  leftEyeUpper: [387, 385] as const,
  leftEyeLower: [373, 380] as const,
  noseTip: 1,
  mouthRight: 61,
  mouthLeft: 291,
  upperLipInner: 13,
  lowerLipInner: 14,
  foreheadTop: 10,
  chin: 152,
  rightCheek: 234,
  leftCheek: 454,
} as const;

export interface EyeMouthPoints {
  readonly rightEye: Point;
  readonly leftEye: Point;
  readonly noseTip: Point;
  readonly mouthRight: Point;
  readonly mouthLeft: Point;
}

/** The five points alignment uses: eye centres (mean of the corners), nose tip and mouth corners. */
export function fivePoints(mesh: Mesh): EyeMouthPoints {
  return {
    rightEye: midpoint(point(mesh, MESH.rightEyeOuter), point(mesh, MESH.rightEyeInner)),
    leftEye: midpoint(point(mesh, MESH.leftEyeOuter), point(mesh, MESH.leftEyeInner)),
    noseTip: point(mesh, MESH.noseTip),
    mouthRight: point(mesh, MESH.mouthRight),
    mouthLeft: point(mesh, MESH.mouthLeft),
  };
}

/**
 * Eye aspect ratio (Soukupova and Cech 2016): eyelid opening over eye width, about 0.25-0.35 for an open eye and
 * below 0.15 for a closed one; independent of face size and of in-plane rotation.
 */
export function eyeAspectRatio(mesh: Mesh, eye: 'right' | 'left'): number {
  const [outer, inner, upper, lower] =
    eye === 'right'
      ? [MESH.rightEyeOuter, MESH.rightEyeInner, MESH.rightEyeUpper, MESH.rightEyeLower]
      : [MESH.leftEyeOuter, MESH.leftEyeInner, MESH.leftEyeUpper, MESH.leftEyeLower];
  const width = distance(point(mesh, outer), point(mesh, inner));
  if (!(width > 0)) return 0;
  const open = distance(point(mesh, upper[0]), point(mesh, lower[0])) + distance(point(mesh, upper[1]), point(mesh, lower[1]));
  return open / (2 * width);
}

/** Inner-lip opening over mouth width: near 0 closed, above ~0.3 clearly open. */
export function mouthOpening(mesh: Mesh): number {
  const width = distance(point(mesh, MESH.mouthRight), point(mesh, MESH.mouthLeft));
  return width > 0 ? distance(point(mesh, MESH.upperLipInner), point(mesh, MESH.lowerLipInner)) / width : 0;
}

/** Distance between the eye centres in image pixels: the face-size measure the quality gates use. */
export function interEyeDistance(mesh: Mesh): number {
  const p = fivePoints(mesh);
  return distance(p.rightEye, p.leftEye);
}
