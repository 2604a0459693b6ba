import { describe, expect, test } from 'vitest';
import { judgeQuality, LIVE_CAPTURE_POLICY, PORTRAIT_POLICY, type QualityCode } from './quality.ts';
import type { FaceAnalysis, FrameFaces } from './pipeline.ts';

/** A frontal, sharp, well-lit face in the middle of a 640x480 frame: passes every live-capture gate. */
function face(overrides: Partial<FaceAnalysis> = {}): FaceAnalysis {
  return {
    detection: { box: { x: 270, y: 170, width: 100, height: 100 }, score: 0.9, keypoints: { rightEye: [300, 210], leftEye: [340, 210], noseTip: [320, 230], mouth: [320, 250], rightEar: [280, 215], leftEar: [360, 215] } },
    mesh: new Float32Array(468 * 3),
    meshScore: 0.999,
    pose: { yaw: 2, pitch: -3, roll: 1 },
    eyes: { right: 0.3, left: 0.31 },
    eyeDistance: 60,
    centre: [320, 235],
    image: { brightness: 120, overExposed: 0, underExposed: 0, contrast: 40, sharpness: 0.3 },
    alignment: [1, 0, 0, 0, 1, 0],
    ...overrides,
  };
}

const frame = (faces: FaceAnalysis[], detected = faces.length): FrameFaces => ({ width: 640, height: 480, detected, faces });
const codes = (f: FrameFaces, policy = LIVE_CAPTURE_POLICY): QualityCode[] => judgeQuality(f, policy).issues.map((i) => i.code);

describe('quality gates', () => {
  test('a good capture passes with a high score', () => {
    const r = judgeQuality(frame([face()]));
    expect(r).toMatchObject({ ok: true, issues: [] });
    expect(r.score).toBeGreaterThan(0.8);
  });

  test('no face and several faces are reported with the count', () => {
    expect(judgeQuality(frame([]))).toEqual({ ok: false, issues: [{ code: 'no-face' }], score: 0 });
    expect(judgeQuality(frame([face(), face()], 3)).issues).toContainEqual({ code: 'multiple-faces', count: 3 });
    expect(codes(frame([face(), face()], 2), PORTRAIT_POLICY as typeof LIVE_CAPTURE_POLICY)).toEqual([]);
  });

  test.each<[string, Partial<FaceAnalysis>, QualityCode]>([
    ['too small', { eyeDistance: 12 }, 'too-small'],
    ['off-centre', { centre: [40, 40] }, 'off-centre'],
    ['turned away', { pose: { yaw: 40, pitch: 0, roll: 0 } }, 'pose'],
    ['looking down', { pose: { yaw: 0, pitch: -35, roll: 0 } }, 'pose'],
    ['tilted', { pose: { yaw: 0, pitch: 0, roll: 30 } }, 'pose'],
    ['blurred', { image: { brightness: 120, overExposed: 0, underExposed: 0, contrast: 40, sharpness: 0.01 } }, 'blurred'],
    ['dark', { image: { brightness: 20, overExposed: 0, underExposed: 0.5, contrast: 5, sharpness: 0.3 } }, 'too-dark'],
    ['over-exposed', { image: { brightness: 230, overExposed: 0.6, underExposed: 0, contrast: 10, sharpness: 0.3 } }, 'over-exposed'],
    ['eyes closed', { eyes: { right: 0.05, left: 0.07 } }, 'eyes-closed'],
    ['covered', { meshScore: 0.4 }, 'occluded'],
  ])('%s fails with its own typed issue', (_name, o, code) => {
    const r = judgeQuality(frame([face(o)]));
    expect(r.ok).toBe(false);
    expect(r.issues.map((i) => i.code)).toEqual([code]);
    expect(r.score).toBeLessThan(0.2);
  });

  test('a pose issue names the axis and the measured angle', () => {
    expect(judgeQuality(frame([face({ pose: { yaw: -41, pitch: 0, roll: 0 } })])).issues[0]).toEqual({ code: 'pose', axis: 'yaw', degrees: -41, max: LIVE_CAPTURE_POLICY.maxYaw });
  });

  test('one closed eye (a wink) is not "eyes closed"', () => {
    expect(codes(frame([face({ eyes: { right: 0.05, left: 0.3 } })]))).toEqual([]);
  });

  test('an empty policy waives every gate but "no face"', () => {
    expect(codes(frame([face({ eyeDistance: 5, meshScore: 0.1 })], 4), {} as typeof LIVE_CAPTURE_POLICY)).toEqual([]);
  });
});
