import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { apply, squareWindow, type Affine } from './geometry.ts';
import { cropPixels, type FrameRaster } from './crop.ts';
import type { DetectedFace, Point } from './types.ts';

export const FACEMESH_INPUT = 192;
export const MESH_POINTS = 468;

/**
 * Side of the recentred crop over a mesh's extent (meshCropFromMesh): human's 1.4x margin, loosened by 1.15 because
 * BlazeFace's box is about 0.95x the mesh extent. It is the framing the lfw-dev accuracy figures were measured with
 * (site/docs/face.md), so it stays unless they are re-run.
 */
export const REFINE_CROP_SCALE = 1.4 * 1.15;

/**
 * Where the recentred crop lands relative to BlazeFace's box, so the first landmark pass can start there: its side is
 * 1.70 box sides and its centre 0.05 box sides above the box's centre (medians over 501 fixture faces: every 9th
 * lfw-dev identity, the people set and every 15th frame of the three camera videos; scripts/mesh-crop-study.ts).
 * One pass on this crop gives landmarks within 0.008 eye distances (median mean displacement) of the former two
 * passes, closer than a third pass moves them (0.011).
 */
export const MESH_CROP_SIDE = 1.7;
export const MESH_CROP_RISE = 0.05;

/**
 * How close the crop recentred on a mesh must be to the crop that mesh came from for a second pass to be skipped:
 * centres within 4 % of the side, sides within 0.85-1.2x, angles within 4 degrees. On the 501 fixture faces, 82 %
 * of first passes (89 % of camera frames) qualify, and their landmarks are then within 0.046 eye distances (mean over
 * the mesh, worst face) of the two-pass result; the faces that fail are mostly BlazeFace eye keypoints that misjudge
 * the roll by 5-10 degrees, which the second pass corrects.
 */
export const CROP_AGREEMENT = { centre: 0.04, minScale: 0.85, maxScale: 1.2, angleDeg: 4 } as const;

/** 468 (x, y, z) points in source-image pixels; z is depth relative to the face centre, in the same pixel scale. */
export type Mesh = Float32Array;

export interface MeshResult {
  readonly mesh: Mesh;
  /** FaceMesh's own face-presence score (sigmoid), 0..1: low when the crop holds no face or a covered one. */
  readonly faceScore: number;
  /** The crop that was fed to the model, as crop -> image map (192 px crop). */
  readonly crop: Affine;
}

/**
 * The landmark crop for a detected face: the predicted recentred crop (MESH_CROP_SIDE, MESH_CROP_RISE), square and
 * turned so the eye line is level (FaceMesh is trained on upright faces, and a tilted head otherwise loses accuracy
 * at the eye and mouth corners that alignment depends on).
 */
export function meshCropFor(face: DetectedFace): Affine {
  const { box, keypoints } = face;
  const side = Math.max(box.width, box.height);
  const centre: Point = [box.x + box.width / 2, box.y + box.height / 2 - MESH_CROP_RISE * side];
  const [rx, ry] = keypoints.rightEye;
  const [lx, ly] = keypoints.leftEye;
  return squareWindow(centre, side * MESH_CROP_SIDE, Math.atan2(ly - ry, lx - rx), FACEMESH_INPUT);
}

/** Whether a second landmark pass on `next` would only re-read what the pass on `crop` saw (CROP_AGREEMENT). */
export function cropsAgree(crop: Affine, next: Affine): boolean {
  const a = windowOf(crop);
  const b = windowOf(next);
  const scale = b.side / a.side;
  let turn = Math.abs(b.angle - a.angle) % (2 * Math.PI);
  turn = Math.min(turn, 2 * Math.PI - turn);
  return (
    Math.hypot(b.centre[0] - a.centre[0], b.centre[1] - a.centre[1]) < CROP_AGREEMENT.centre * b.side &&
    scale > CROP_AGREEMENT.minScale &&
    scale < CROP_AGREEMENT.maxScale &&
    turn < (CROP_AGREEMENT.angleDeg * Math.PI) / 180
  );
}

/** Centre, side and angle of a squareWindow map of a FACEMESH_INPUT crop. */
export function windowOf(crop: Affine): { centre: Point; side: number; angle: number } {
  return { centre: apply(crop, [FACEMESH_INPUT / 2, FACEMESH_INPUT / 2]), side: Math.hypot(crop[0], crop[3]) * FACEMESH_INPUT, angle: Math.atan2(crop[3], crop[0]) };
}

/** The same window recentred on a previous mesh: a second pass on a better crop, or the next video frame. */
export function meshCropFromMesh(mesh: Mesh): Affine {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < MESH_POINTS; i++) {
    const x = mesh[3 * i]!;
    const y = mesh[3 * i + 1]!;
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const r = point(mesh, 33);
  const l = point(mesh, 263);
  const side = Math.max(maxX - minX, maxY - minY) * REFINE_CROP_SCALE;
  return squareWindow([(minX + maxX) / 2, (minY + maxY) / 2], side, Math.atan2(l[1] - r[1], l[0] - r[0]), FACEMESH_INPUT);
}

export function point(mesh: Mesh, i: number): Point {
  return [mesh[3 * i]!, mesh[3 * i + 1]!];
}

export class FaceMeshModel {
  constructor(private readonly model: GraphModel) {}

  async run(frame: FrameRaster, crop: Affine): Promise<MeshResult> {
    const input = tf.tensor4d(cropPixels(frame, crop, FACEMESH_INPUT, { gain: 1 / 255 }), [1, FACEMESH_INPUT, FACEMESH_INPUT, 3]);
    const outputs = this.model.execute(input) as tf.Tensor[];
    input.dispose();
    const meshT = outputs.find((t) => t.shape[t.shape.length - 1] === MESH_POINTS * 3);
    const flagT = outputs.find((t) => t.shape[t.shape.length - 1] === 1);
    if (!meshT || !flagT) {
      tf.dispose(outputs);
      throw new Error('facemesh: unexpected outputs');
    }
    const [raw, flag] = await Promise.all([meshT.data() as Promise<Float32Array>, flagT.data() as Promise<Float32Array>]);
    tf.dispose(outputs);
    return { mesh: meshToImage(raw, crop), faceScore: flag[0]!, crop };
  }
}

/** Maps FaceMesh output (192 px crop coordinates) into image pixels; z is scaled like x and y. */
export function meshToImage(raw: Float32Array, crop: Affine): Mesh {
  const out = new Float32Array(MESH_POINTS * 3);
  const scale = Math.hypot(crop[0], crop[3]);
  for (let i = 0; i < MESH_POINTS; i++) {
    const [x, y] = apply(crop, [raw[3 * i]!, raw[3 * i + 1]!]);
    out[3 * i] = x;
    out[3 * i + 1] = y;
    out[3 * i + 2] = raw[3 * i + 2]! * scale;
  }
  return out;
}
