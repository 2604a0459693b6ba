import { describe, expect, test } from 'vitest';
import { cropsAgree, FACEMESH_INPUT, meshCropFor, MESH_CROP_RISE, MESH_CROP_SIDE } from './facemesh.ts';
import { apply, squareWindow } from './geometry.ts';
import type { DetectedFace } from './types.ts';

const window = (x: number, y: number, side: number, deg: number) => squareWindow([x, y], side, (deg * Math.PI) / 180, FACEMESH_INPUT);

describe('landmark crops', () => {
  test('the first crop is the predicted recentred crop: 1.7 box sides, risen by 0.05 sides, turned to the eye line', () => {
    const face: DetectedFace = {
      score: 0.9,
      box: { x: 100, y: 200, width: 80, height: 80 },
      keypoints: { rightEye: [120, 220], leftEye: [160, 220 + 40 * Math.tan(0.1)], noseTip: [140, 240], mouth: [140, 260], rightEar: [100, 225], leftEar: [180, 225] },
    };
    const crop = meshCropFor(face);
    const [cx, cy] = apply(crop, [FACEMESH_INPUT / 2, FACEMESH_INPUT / 2]);
    expect(cx).toBeCloseTo(140, 9);
    expect(cy).toBeCloseTo(240 - MESH_CROP_RISE * 80, 9);
    expect(Math.hypot(crop[0], crop[3]) * FACEMESH_INPUT).toBeCloseTo(MESH_CROP_SIDE * 80, 9);
    expect(Math.atan2(crop[3], crop[0])).toBeCloseTo(0.1, 9);
  });

  test('crops agree within 4 % of the side, 0.85-1.2x the side and 4 degrees, and not beyond', () => {
    const a = window(300, 200, 200, 10);
    expect(cropsAgree(a, a)).toBe(true);
    expect(cropsAgree(a, window(306, 204, 210, 12))).toBe(true);
    expect(cropsAgree(a, window(309, 200, 200, 10))).toBe(false); // centre 9 px = 4.5 % of the side
    expect(cropsAgree(a, window(300, 200, 250, 10))).toBe(false); // 1.25x
    expect(cropsAgree(a, window(300, 200, 160, 10))).toBe(false); // 0.8x
    expect(cropsAgree(a, window(300, 200, 200, 15))).toBe(false); // 5 degrees
    expect(cropsAgree(window(0, 0, 100, 179), window(0, 0, 100, -179))).toBe(true); // 2 degrees across the +-180 seam
  });
});
