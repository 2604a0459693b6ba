import { describe, expect, test } from 'vitest';
import { apply, compose, invert, similarityFit, squareWindow, scaleOf, type Affine } from './geometry.ts';
import type { Point } from './types.ts';

const close = (a: Point, b: Point) => {
  expect(a[0]).toBeCloseTo(b[0], 6);
  expect(a[1]).toBeCloseTo(b[1], 6);
};

describe('affine geometry', () => {
  test('similarityFit recovers a known rotation, scale and shift from noiseless points', () => {
    const angle = 0.4;
    const s = 1.7;
    const truth: Affine = [s * Math.cos(angle), -s * Math.sin(angle), 12, s * Math.sin(angle), s * Math.cos(angle), -5];
    const from: Point[] = [[10, 20], [40, 22], [25, 40], [15, 55], [35, 56]];
    const fit = similarityFit(from, from.map((p) => apply(truth, p)));
    fit.forEach((v, i) => expect(v).toBeCloseTo(truth[i]!, 9));
    expect(scaleOf(fit)).toBeCloseTo(s, 9);
  });

  test('invert and compose are inverse operations', () => {
    const m: Affine = [0.9, -0.3, 5, 0.2, 1.1, -7];
    const id = compose(invert(m), m);
    close(apply(id, [3, 4]), [3, 4]);
    expect(() => invert([1, 2, 0, 2, 4, 0])).toThrow(RangeError);
  });

  test('squareWindow maps the crop corners onto the turned square around the centre', () => {
    const w = squareWindow([100, 50], 40, 0, 192);
    close(apply(w, [0, 0]), [80, 30]);
    close(apply(w, [192, 192]), [120, 70]);
    const turned = squareWindow([100, 50], 40, Math.PI / 2, 192);
    close(apply(turned, [96, 96]), [100, 50]);
    // a quarter turn: the crop's x axis runs down the image
    close(apply(turned, [192, 96]), [100, 70]);
  });

  test('similarityFit refuses degenerate input', () => {
    expect(() => similarityFit([[1, 1]], [[2, 2]])).toThrow(RangeError);
    expect(() => similarityFit([[1, 1], [1, 1]], [[0, 0], [1, 1]])).toThrow(RangeError);
  });
});
