import { describe, expect, test } from 'vitest';
import { PlanarTracker, planarResidual } from './planar.ts';
import { measureFace } from './measures.ts';
import { syntheticFace } from '../../test-fixtures/liveness/synthetic-face.ts';

const eyeDistance = (f: ReturnType<typeof syntheticFace>): number => measureFace(0, f).eyeDistance;

describe('planar-motion residual', () => {
  test('a flat photo turned or tilted in depth moves by one homography (residual ~ landmark jitter)', () => {
    const ref = syntheticFace({ flat: true, jitter: 0.3, seed: 1 });
    for (const pose of [{ yaw: 30 }, { yaw: -30 }, { pitch: 35 }, { yaw: 20, pitch: -20, roll: 10 }]) {
      const moved = syntheticFace({ flat: true, jitter: 0.3, seed: 2, cx: 300, cy: 250, ...pose });
      expect(planarResidual(ref.mesh, moved.mesh, eyeDistance(ref))).toBeLessThan(0.01);
    }
  });

  test('a real head turned or nodded by 12-15 degrees leaves a residual well above the flat case', () => {
    const ref = syntheticFace({ jitter: 0.3, seed: 1 });
    for (const pose of [{ yaw: 15 }, { yaw: -15 }, { pitch: 12 }, { pitch: -12 }]) {
      const moved = syntheticFace({ jitter: 0.3, seed: 2, ...pose });
      expect(planarResidual(ref.mesh, moved.mesh, eyeDistance(ref))).toBeGreaterThan(0.03);
    }
  });

  test('a real head moved without turning (translation, roll, distance) is planar too: the test needs rotation', () => {
    const ref = syntheticFace({ seed: 1 });
    const moved = syntheticFace({ seed: 1, cx: 200, cy: 300, roll: 15, focal: 700 });
    expect(planarResidual(ref.mesh, moved.mesh, eyeDistance(ref))).toBeLessThan(0.01);
  });

  test('the tracker only scores frames that turned enough, and reports the largest pose change', () => {
    const t = new PlanarTracker(10);
    const ref = syntheticFace({ seed: 1 });
    t.setReference(ref, eyeDistance(ref));
    for (const yaw of [2, 5, 8]) t.push(syntheticFace({ yaw, seed: 3 }));
    expect(t.signal()).toEqual({ frames: 0, maxPoseChange: 8 });
    for (const yaw of [12, 15, 14]) t.push(syntheticFace({ yaw, seed: 4 }));
    const s = t.signal();
    expect(s.frames).toBe(3);
    expect(s.residual).toBeGreaterThan(0.03);
    expect(s.maxPoseChange).toBe(15);
  });
});
