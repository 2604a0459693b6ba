import { describe, expect, test } from 'vitest';
import { sampleFrame } from '../face/sample.ts';
import { borderSides, moirePeak, recaptureFrame } from './recapture.ts';
import { seededRandom } from './random.ts';

/** A 320 x 240 frame: smooth random blobs (skin-like texture), optionally a dark frame and a pixel grid. */
function frame(options: { bezel?: boolean; grid?: number }): { data: Uint8Array; width: number; height: number } {
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
