import { describe, expect, test } from 'vitest';
import { buildPyramid, goodFeatures, trackPoints } from './flow.ts';
import { seededRandom } from './random.ts';

/** A smooth random texture (sum of blobs), sampled at an offset: exact sub-pixel ground truth for the tracker. */
function texture(w: number, h: number, dx: number, dy: number): { data: Uint8Array; width: number; height: number } {
  const rnd = seededRandom(7);
  const blobs = Array.from({ length: 120 }, () => ({ x: rnd() * w, y: rnd() * h, r: 2 + rnd() * 6, a: (rnd() - 0.5) * 160 }));
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let v = 128;
      for (const b of blobs) v += b.a * Math.exp(-((x - dx - b.x) ** 2 + (y - dy - b.y) ** 2) / (2 * b.r * b.r));
      data[y * w + x] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return { data, width: w, height: h };
}

describe('pyramidal Lucas-Kanade', () => {
  test('recovers a sub-pixel shift, including one larger than the window, and keeps most corners', () => {
    const a = buildPyramid(texture(160, 120, 0, 0));
    for (const [dx, dy] of [[0.4, -0.3], [6.5, 3.2]] as const) {
      const b = buildPyramid(texture(160, 120, dx, dy));
      const pts = goodFeatures(a, { x0: 20, y0: 20, x1: 140, y1: 100 }, 8, 4);
      expect(pts.length / 2).toBeGreaterThan(40);
      const r = trackPoints(a, b, pts);
      const errors: number[] = [];
      for (let k = 0; k < r.ok.length; k++) if (r.ok[k]) errors.push(Math.hypot(r.points[2 * k]! - pts[2 * k]! - dx, r.points[2 * k + 1]! - pts[2 * k + 1]! - dy));
      expect(errors.length).toBeGreaterThan(0.8 * r.ok.length);
      errors.sort((p, q) => p - q);
      expect(errors[Math.floor(errors.length / 2)]!).toBeLessThan(0.1);
    }
  });

  test('a flat image has no corners to track', () => {
    const flat = buildPyramid({ data: new Uint8Array(100 * 80).fill(90), width: 100, height: 80 });
    expect(goodFeatures(flat, { x0: 0, y0: 0, x1: 100, y1: 80 }, 6, 4)).toEqual([]);
  });
});
