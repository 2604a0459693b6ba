import { describe, expect, test } from 'vitest';
import { sampleFrame } from '../face/sample.ts';
import { borderSides, frameEdgeSides, latticeScore, moirePeak, recaptureFrame } from './recapture.ts';
import { seededRandom } from './random.ts';
import { DEFAULT_POLICY } from './decide.ts';

/**
 * A 320 x 240 frame: smooth random blobs (skin-like texture), optionally a dark frame, a pixel grid, a lighter screen
 * covering all but a `margin`, a low-frequency ripple (a faint grid aliased by the camera) and straight stripes.
 */
function frame(options: { bezel?: boolean; grid?: number; margin?: number; ripple?: number; stripes?: boolean }): { data: Uint8Array; width: number; height: number } {
  const w = 320;
  const h = 240;
  const rnd = seededRandom(11);
  const blobs = Array.from({ length: 60 }, () => ({ x: rnd() * w, y: rnd() * h, r: 4 + rnd() * 10, a: (rnd() - 0.5) * 60 }));
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let v = 150;
      for (const b of blobs) v += b.a * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.r * b.r));
      v += (rnd() - 0.5) * 6;
      if (options.grid) v *= 1 - options.grid + options.grid * Math.cos((x * 2 * Math.PI) / 2.6) * Math.cos((y * 2 * Math.PI) / 2.6);
      const inFrame = x >= 60 && x < 260 && y >= 20 && y < 220;
      const onBezel = inFrame && (x < 70 || x >= 250 || y < 30 || y >= 210);
      if (options.bezel && (onBezel || !inFrame)) v = onBezel ? 20 : 190;
      const m = options.margin;
      if (m !== undefined && x >= m && x < w - m && y >= m && y < h - m) v += 40;
      if (options.ripple) v += options.ripple * Math.cos((2 * Math.PI * (x + 0.3 * y)) / 11) * Math.cos((2 * Math.PI * (y - 0.2 * x)) / 13);
      // Straight vertical stripes every 40 px (door frames, shelves): edges, not a lattice.
      if (options.stripes && x % 40 < 3) v -= 60;
      const o = (y * w + x) * 4;
      data[o] = data[o + 1] = data[o + 2] = Math.max(0, Math.min(255, v));
      data[o + 3] = 255;
    }
  }
  return { data, width: w, height: h };
}

const box = { x: 120, y: 70, width: 80, height: 90 };

describe('recapture cues', () => {
  test('a straight dark edge on every side of the face counts four sides; a textured scene none', () => {
    expect(borderSides(sampleFrame(frame({ bezel: true }), 1, box), box)).toBe(4);
    expect(borderSides(sampleFrame(frame({}), 1, box), box)).toBe(0);
  });

  test('a pixel grid puts a sharp peak in the face crop spectrum; smooth texture does not', () => {
    const plain = recaptureFrame(sampleFrame(frame({}), 1, box), box)!;
    const grid = recaptureFrame(sampleFrame(frame({ grid: 0.15 }), 1, box), box)!;
    expect(grid.moire).toBeGreaterThan(10 * plain.moire);
    const flat = new Float32Array(64 * 64).fill(100);
    expect(moirePeak(flat, 64, 64)).toBe(0);
  });
});

describe('frame-edge and lattice cues', () => {
  const face = { x: 130, y: 80, width: 60, height: 70 };

  test('a screen ending 10 px inside the frame has an edge along all four sides; a scene without one has none', () => {
    expect(frameEdgeSides(sampleFrame(frame({ margin: 10 }), 1, face))).toBe(4);
    expect(frameEdgeSides(sampleFrame(frame({}), 1, face))).toBe(0);
    // Beyond the searched band (20 % of the frame in from each side) it is the border cue's business, not this one's.
    expect(frameEdgeSides(sampleFrame(frame({ margin: 70 }), 1, face))).toBe(0);
  });

  test('a ripple over the view is a lattice; straight edges and plain texture are not', () => {
    const plain = latticeScore(sampleFrame(frame({}), 1, face), face)!;
    const stripes = latticeScore(sampleFrame(frame({ stripes: true }), 1, face), face)!;
    const ripple = latticeScore(sampleFrame(frame({ ripple: 6 }), 1, face), face)!;
    expect(plain).toBeLessThan(DEFAULT_POLICY.recaptureMaxLattice);
    expect(stripes).toBeLessThan(DEFAULT_POLICY.recaptureMaxLattice);
    expect(ripple).toBeGreaterThan(2 * DEFAULT_POLICY.recaptureMaxLattice);
    // No window outside the face: no score.
    expect(latticeScore(sampleFrame(frame({}), 1, { x: 0, y: 0, width: 320, height: 240 }), { x: 0, y: 0, width: 320, height: 240 })).toBeUndefined();
  });
});
