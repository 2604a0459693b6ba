import { MESH } from './landmarks.ts';
import type { Mesh } from './facemesh.ts';

/** Head pose in degrees. yaw > 0: face turned towards the image's right; pitch > 0: looking up; roll > 0: head tilted so
 * the eye line falls towards the image's right (clockwise on screen). */
export interface HeadPose {
  readonly yaw: number;
  readonly pitch: number;
  readonly roll: number;
}

type Vec = [number, number, number];

/**
 * Head pose from the 3-D mesh, as human computes it: a face frame from the forehead-chin axis (y) and the
 * cheek-to-cheek axis (x), made orthonormal, then read as yaw/pitch/roll. Pure geometry, no extra model; precise
 * to a few degrees, which is what gating and head-turn challenges need.
 */
export function headPose(mesh: Mesh): HeadPose {
  const p = (i: number): Vec => [mesh[3 * i]!, mesh[3 * i + 1]!, mesh[3 * i + 2]!];
  const y = normalise(sub(p(MESH.chin), p(MESH.foreheadTop)));
  let x = normalise(sub(p(MESH.leftCheek), p(MESH.rightCheek)));
  const z = normalise(cross(x, y));
  x = cross(y, z);
  // Rows of the face-frame matrix; the Euler decomposition follows human (geometrictools YZX order).
  const [r00, , , r10, r11, r12, r20] = [x[0], x[1], x[2], y[0], y[1], y[2], z[0], z[1], z[2]];
  let thetaZ: number;
  let thetaY: number;
  let thetaX: number;
  if (r10 < 1 && r10 > -1) {
    thetaZ = Math.atan2(r10, Math.hypot(r00, r20));
    thetaY = Math.atan2(-r20, r00);
    thetaX = Math.atan2(-r12, r11);
  } else {
    thetaZ = (Math.sign(r10) * Math.PI) / 2;
    thetaY = 0;
    thetaX = 0;
  }
  const deg = 180 / Math.PI;
  // human reports (-thetaX, -thetaY, -thetaZ); signs here are chosen so the documented directions hold (see tests).
  return { yaw: clean(thetaY * deg), pitch: clean(thetaX * deg), roll: clean(-thetaZ * deg) };
}

function clean(v: number): number {
  return Number.isFinite(v) ? v + 0 : 0;
}
function sub(a: Vec, b: Vec): Vec {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}
function cross(a: Vec, b: Vec): Vec {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
function normalise(v: Vec): Vec {
  const n = Math.hypot(v[0], v[1], v[2]) || 1;
  return [v[0] / n, v[1] / n, v[2] / n];
}
