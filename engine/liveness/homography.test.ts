import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { fitHomography, invert, multiply, project, rmsResidual, squareToQuad, type Homography } from './homography.ts';

const grid = (): number[] => {
  const p: number[] = [];
  for (let y = 0; y < 5; y++) for (let x = 0; x < 6; x++) p.push(100 + x * 37, 80 + y * 41);
  return p;
};
const mapAll = (h: Homography, pts: number[]): number[] => {
  const out: number[] = [];
  for (let i = 0; i < pts.length; i += 2) out.push(...project(h, pts[i]!, pts[i + 1]!));
  return out;
};

describe('homography', () => {
  test('recovers a perspective map exactly from points it generated', () => {
    const h: Homography = [1.1, 0.2, 30, -0.1, 0.9, 12, 0.0004, -0.0002, 1];
    const from = grid();
    const to = mapAll(h, from);
    const fit = fitHomography(from, to)!;
    expect(rmsResidual(fit, from, to)).toBeLessThan(1e-6);
    fit.forEach((v, i) => expect(v).toBeCloseTo(h[i]!, 6));
  });

  test('property: any well-conditioned perspective map is recovered (residual < 1e-6 px)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -0.3, max: 0.3, noNaN: true }),
        fc.double({ min: 0.7, max: 1.4, noNaN: true }),
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.double({ min: -0.0008, max: 0.0008, noNaN: true }),
        fc.double({ min: -0.0008, max: 0.0008, noNaN: true }),
        (rot, scale, shift, g, k) => {
          const h: Homography = [scale * Math.cos(rot), -Math.sin(rot), shift, Math.sin(rot), scale * Math.cos(rot), -shift / 2, g, k, 1];
          const from = grid();
          const to = mapAll(h, from);
          const fit = fitHomography(from, to);
          return fit !== undefined && rmsResidual(fit, from, to) < 1e-6;
        },
      ),
      { numRuns: 200 },
    );
  });

  test('leaves a residual when the points are not related by any homography', () => {
    const from = grid();
    // Push the middle points out of the plane's image: a bump no projective map can produce.
    const to = from.map((v, i) => (i % 2 === 0 ? v : v + 20 * Math.exp(-(((from[i - 1]! - 190) / 40) ** 2))));
    const fit = fitHomography(from, to)!;
    expect(rmsResidual(fit, from, to)).toBeGreaterThan(2);
  });

  test('refuses degenerate input: fewer than four points, collinear points, NaN', () => {
    expect(fitHomography([0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 2, 2])).toBeUndefined();
    const line = [0, 0, 1, 1, 2, 2, 3, 3, 4, 4];
    expect(fitHomography(line, line)).toBeUndefined();
    expect(fitHomography([0, 0, 1, 0, 1, 1, Number.NaN, 1], [0, 0, 1, 0, 1, 1, 0, 1])).toBeUndefined();
  });

  test('squareToQuad maps the unit square corners onto the quad, and invert undoes it', () => {
    const quad: [number, number][] = [[10, 20], [200, 35], [180, 160], [25, 140]];
    const h = squareToQuad(quad)!;
    [[0, 0], [1, 0], [1, 1], [0, 1]].forEach(([u, v], i) => {
      const [x, y] = project(h, u!, v!);
      expect(x).toBeCloseTo(quad[i]![0], 6);
      expect(y).toBeCloseTo(quad[i]![1], 6);
    });
    const back = multiply(invert(h)!, h);
    const n = back[8];
    [1, 0, 0, 0, 1, 0, 0, 0, 1].forEach((v, i) => expect(back[i]! / n).toBeCloseTo(v, 9));
    expect(invert([1, 2, 3, 2, 4, 6, 0, 0, 0])).toBeUndefined();
  });
});
