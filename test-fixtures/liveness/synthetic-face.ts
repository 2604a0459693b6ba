// Test helper: a synthetic 468-point FaceMesh-like face in 3-D, posed and projected through a pinhole camera, so the
// liveness logic can be tested on exact landmark sequences (blinks, turns, a flat photo tilted in depth) without
// running any model. Only the indices liveness reads are placed anatomically; the rest lie on a face-like ellipsoid.
import type { LivenessFace, LivenessFrame } from '../../engine/liveness/types.ts';

type V3 = [number, number, number];

/** Face-frame coordinates in millimetres: x towards the image's right, y down, z away from the camera. */
function basePoints(eyeOpen: number, mouthOpen: number): V3[] {
  const pts: V3[] = [];
  for (let i = 0; i < 468; i++) {
    // Deterministic spread over the front of an ellipsoid, +-60 degrees both ways.
    const a = (((i * 7919) % 468) / 468 - 0.5) * (2 * Math.PI) / 3;
    const b = (((i * 104729) % 467) / 467 - 0.5) * (2 * Math.PI) / 3;
    pts.push([70 * Math.sin(a) * Math.cos(b), 20 + 90 * Math.sin(b), 40 - 40 * Math.cos(a) * Math.cos(b)]);
  }
  const h = eyeOpen * 15; // EAR = 4h / (2 * 30)
  const set = (i: number, p: V3): void => {
    pts[i] = p;
  };
  set(33, [-45, 0, 10]);
  set(133, [-15, 0, 8]);
  set(362, [15, 0, 8]);
  set(263, [45, 0, 10]);
  set(160, [-38, -h, 6]);
  set(158, [-22, -h, 6]);
  set(144, [-38, h, 6]);
  set(153, [-22, h, 6]);
  set(387, [38, -h, 6]);
  set(385, [22, -h, 6]);
  set(373, [38, h, 6]);
  set(380, [22, h, 6]);
  set(168, [0, 0, 4]);
  set(1, [0, 45, -25]);
  set(4, [0, 40, -22]);
  set(5, [0, 32, -18]);
  set(61, [-25, 75, 0]);
  set(291, [25, 75, 0]);
  set(13, [0, 75 - mouthOpen * 25, -3]);
  set(14, [0, 75 + mouthOpen * 25, -3]);
  set(10, [0, -70, 5]);
  set(152, [0, 120, 5]);
  set(234, [-75, 30, 40]);
  set(454, [75, 30, 40]);
  return pts;
}

export interface SyntheticPose {
  /** Degrees; yaw > 0 turns the nose to the image's right, pitch > 0 tilts it up, roll > 0 clockwise on screen. */
  readonly yaw?: number;
  readonly pitch?: number;
  readonly roll?: number;
  /** Eye aspect ratio (open 0.3, closed ~0.05). */
  readonly eyeOpen?: number;
  /** Mouth opening (inner lips over width). */
  readonly mouthOpen?: number;
  /** A printed photo of the face: every point at one depth, then the card is turned by yaw/pitch/roll. */
  readonly flat?: boolean;
  /** What the face engine would report as the pose; default the true pose (for a flat photo, the worst case). */
  readonly reportedPose?: { yaw: number; pitch: number; roll: number };
  /** Image position of the head centre and camera focal length, px. */
  readonly cx?: number;
  readonly cy?: number;
  readonly focal?: number;
  /** Pixel noise added to every landmark (uniform +-), from `seed`. */
  readonly jitter?: number;
  readonly seed?: number;
  readonly embedding?: Float32Array;
}

export function syntheticMesh(p: SyntheticPose = {}): Float32Array {
  const r = Math.PI / 180;
  const [yaw, pitch, roll] = [(p.yaw ?? 0) * r, (p.pitch ?? 0) * r, (p.roll ?? 0) * r];
  const focal = p.focal ?? 600;
  const distance = 500;
  const cx = p.cx ?? 320;
  const cy = p.cy ?? 240;
  const centre: V3 = [0, 20, 40];
  let s = (p.seed ?? 1) >>> 0;
  const noise = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return ((s / 4294967296) * 2 - 1) * (p.jitter ?? 0);
  };
  const mesh = new Float32Array(468 * 3);
  basePoints(p.eyeOpen ?? 0.3, p.mouthOpen ?? 0.02).forEach(([x0, y0, z0], i) => {
    let x = x0 - centre[0];
    let y = y0 - centre[1];
    let z = p.flat ? 0 : z0 - centre[2];
    // pitch about x (nose up for pitch > 0), then yaw about y (nose to the image's right for yaw > 0), then roll.
    [y, z] = [y * Math.cos(pitch) + z * Math.sin(pitch), -y * Math.sin(pitch) + z * Math.cos(pitch)];
    [x, z] = [x * Math.cos(yaw) - z * Math.sin(yaw), x * Math.sin(yaw) + z * Math.cos(yaw)];
    [x, y] = [x * Math.cos(roll) - y * Math.sin(roll), x * Math.sin(roll) + y * Math.cos(roll)];
    const depth = distance + z;
    mesh[3 * i] = cx + (focal * x) / depth + noise();
    mesh[3 * i + 1] = cy + (focal * y) / depth + noise();
    mesh[3 * i + 2] = (focal * z) / distance;
  });
  return mesh;
}

export function syntheticFace(p: SyntheticPose = {}): LivenessFace {
  const mesh = syntheticMesh(p);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < 468; i++) {
    minX = Math.min(minX, mesh[3 * i]!);
    maxX = Math.max(maxX, mesh[3 * i]!);
    minY = Math.min(minY, mesh[3 * i + 1]!);
    maxY = Math.max(maxY, mesh[3 * i + 1]!);
  }
  const eye = (a: number, b: number): number => Math.hypot(mesh[3 * a]! - mesh[3 * b]!, mesh[3 * a + 1]! - mesh[3 * b + 1]!);
  const ear = (eye(160, 144) + eye(158, 153)) / (2 * eye(33, 133));
  const earL = (eye(387, 373) + eye(385, 380)) / (2 * eye(263, 362));
  return {
    box: { x: minX, y: minY, width: maxX - minX, height: maxY - minY },
    mesh,
    pose: p.reportedPose ?? { yaw: p.yaw ?? 0, pitch: p.pitch ?? 0, roll: p.roll ?? 0 },
    eyeOpening: (ear + earL) / 2,
    mouthOpening: eye(13, 14) / eye(61, 291),
    ...(p.embedding ? { embedding: p.embedding } : {}),
  };
}

/** A frame sequence at `fps` from a function of time (seconds) to pose; `null` = no face in that frame. */
export function sequence(seconds: number, fps: number, at: (t: number, i: number) => SyntheticPose | null): LivenessFrame[] {
  const frames: LivenessFrame[] = [];
  for (let i = 0; i < Math.round(seconds * fps); i++) {
    const t = i / fps;
    const pose = at(t, i);
    frames.push(pose ? { t: t * 1000, faceCount: 1, face: syntheticFace({ seed: i + 1, jitter: 0.3, ...pose }) } : { t: t * 1000, faceCount: 0 });
  }
  return frames;
}

/** A smooth bump from 0 to 1 and back over [start, start + length] seconds. */
export function bump(t: number, start: number, length: number): number {
  if (t < start || t > start + length) return 0;
  return Math.sin((Math.PI * (t - start)) / length);
}

/** A unit vector embedding for identity tests: `person` picks the direction, `noise` perturbs it. */
export function embeddingOf(person: number, noise = 0, seed = 1): Float32Array {
  const v = new Float32Array(64);
  let s = (person * 9973 + 17) >>> 0;
  let n = seed >>> 0;
  for (let i = 0; i < v.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    n = (Math.imul(n, 22695477) + 1) >>> 0;
    v[i] = s / 4294967296 - 0.5 + noise * (n / 4294967296 - 0.5);
  }
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}
