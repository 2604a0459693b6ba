import { describe, expect, test } from 'vitest';
import { ROW, decodeCandidates, generateAnchors, iou, letterbox, nonMaxSuppression, toSourceSpace } from './blazeface-decode.ts';

describe('BlazeFace decoding', () => {
  test('anchors: 16x16 grid x 2 then 8x8 grid x 6 = 896 centres inside the input', () => {
    const a = generateAnchors(256);
    expect(a.length / 2).toBe(896);
    expect([a[0], a[1]]).toEqual([8, 8]);
    expect([a[2 * 512], a[2 * 512 + 1]]).toEqual([16, 16]); // first anchor of the coarse grid
    expect(Math.max(...a)).toBeLessThan(256);
  });

  test('anchors follow a non-square input: 256x192 has a 16x12 grid x 2 then 8x6 x 6, row by row', () => {
    const a = generateAnchors(256, 192);
    expect(a.length / 2).toBe(16 * 12 * 2 + 8 * 6 * 6);
    expect([a[2 * 32], a[2 * 32 + 1]]).toEqual([8, 24]); // second row of the fine grid
    expect([a[2 * 384], a[2 * 384 + 1]]).toEqual([16, 16]); // first anchor of the coarse grid
    const last = a.length - 2;
    expect([a[last], a[last + 1]]).toEqual([240, 176]);
    expect(generateAnchors(256, 256)).toEqual(generateAnchors(256));
    expect(generateAnchors(128, 96, 128).length / 2).toBe(16 * 12 * 2 + 8 * 6 * 6); // short-range: strides 8 and 16
  });

  test("letterbox input: the image's own shape at the model's scale, sides multiples of 32, content and borders kept", () => {
    const at = (w: number, h: number, p: number, size?: number) => {
      const lb = letterbox(w, h, p, size);
      return [lb.inputWidth, lb.inputHeight, lb.contentWidth, lb.contentHeight];
    };
    expect(at(640, 480, 0.1)).toEqual([256, 224, 213, 160]); // same scale as the square 256x256 fit
    expect(at(480, 640, 0.1)).toEqual([224, 256, 160, 213]);
    expect(at(250, 250, 0.5)).toEqual([256, 256, 128, 128]);
    expect(at(640, 480, 0.5)).toEqual([256, 224, 128, 96]);
    expect(at(640, 480, 0.1, 128)).toEqual([128, 112, 107, 80]);
    expect(at(400, 300, 0.1, 128)).toEqual([128, 112, 107, 80]); // the short-range model's coarse stride is 16
    expect(at(300, 400, 0.5, 128)).toEqual([112, 128, 48, 64]);
    expect(at(1280, 400, 0)).toEqual([256, 96, 256, 80]);
    expect(at(1000, 10, 0.1)).toEqual([256, 64, 213, 2]);
    for (const [w, h, p] of [[640, 480, 0.1], [97, 61, 0.1], [300, 299, 0], [1920, 1080, 0.02], [333, 1000, 0.5]] as const) {
      const lb = letterbox(w, h, p);
      const border = 2 * p * Math.max(w, h) * lb.scale;
      expect(lb.inputWidth).toBeGreaterThanOrEqual(Math.min(256, lb.contentWidth + border - 1e-6));
      expect(lb.inputHeight).toBeGreaterThanOrEqual(Math.min(256, lb.contentHeight + border - 1e-6));
      expect(lb.inputWidth % 32 + (lb.inputHeight % 32)).toBe(0);
      expect(lb.offsetX).toBeGreaterThanOrEqual(0);
      expect(lb.offsetY).toBeGreaterThanOrEqual(0);
      expect(lb.offsetX + lb.contentWidth).toBeLessThanOrEqual(lb.inputWidth);
      expect(lb.offsetY + lb.contentHeight).toBeLessThanOrEqual(lb.inputHeight);
    }
  });

  test('a strong logit at one anchor decodes to a box centred on it, with keypoints relative to it', () => {
    const anchors = generateAnchors(256);
    const rows = new Float32Array(896 * ROW).fill(0);
    for (let i = 0; i < 896; i++) rows[i * ROW] = -10;
    const i = 600;
    rows[i * ROW] = 4; // sigmoid ~0.982
    rows[i * ROW + 1] = 2;
    rows[i * ROW + 3] = 40;
    rows[i * ROW + 4] = 50;
    rows[i * ROW + 5] = -10; // right-eye x offset
    const [c, ...rest] = decodeCandidates(rows, anchors, { minScore: 0.5, iouThreshold: 0.3, maxFaces: 10 });
    expect(rest).toHaveLength(0);
    expect(c!.score).toBeCloseTo(0.982, 3);
    const ax = anchors[2 * i]!;
    const ay = anchors[2 * i + 1]!;
    expect(c!.box.x + c!.box.width / 2).toBeCloseTo(ax + 2);
    expect(c!.box.y + c!.box.height / 2).toBeCloseTo(ay);
    expect(c!.box.width).toBe(40);
    expect(c!.keypoints[0]).toEqual([ax - 10, ay]);
  });

  test('rejects a matrix of the wrong size', () => {
    expect(() => decodeCandidates(new Float32Array(10), generateAnchors(), { minScore: 0.5, iouThreshold: 0.3, maxFaces: 1 })).toThrow(RangeError);
  });

  test('NMS keeps the strongest of overlapping boxes and separate faces', () => {
    const box = (x: number) => ({ x, y: 0, width: 10, height: 10 });
    const kept = nonMaxSuppression([{ score: 0.7, box: box(1) }, { score: 0.9, box: box(0) }, { score: 0.8, box: box(50) }], 0.3, 10);
    expect(kept.map((k) => k.score)).toEqual([0.9, 0.8]);
    expect(iou(box(0), box(5))).toBeCloseTo(50 / 150);
  });

  test('letterbox maps detector pixels back to source pixels', () => {
    const lb = letterbox(1000, 500, 0.1);
    expect(lb.contentWidth).toBe(Math.round(1000 * (256 / 1200)));
    const face = toSourceSpace(
      { score: 1, box: { x: lb.offsetX + 100 * lb.scale, y: lb.offsetY + 50 * lb.scale, width: 200 * lb.scale, height: 100 * lb.scale }, keypoints: Array(6).fill([lb.offsetX, lb.offsetY]) },
      lb,
    );
    expect(face.box.x).toBeCloseTo(100);
    expect(face.box.y).toBeCloseTo(50);
    expect(face.box.width).toBeCloseTo(200);
    expect(face.keypoints.leftEar[0]).toBeCloseTo(0);
  });
});
