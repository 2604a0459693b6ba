import { describe, expect, test } from 'vitest';
import { accuracyAt, auc, eer, foldAccuracy, seededRandom, tarAtFar } from './metrics.ts';
import { parsePairs, peoplePairs } from './datasets.ts';

describe('verification metrics', () => {
  test('perfectly separated scores: AUC 1, EER 0, TAR 1 at any FAR', () => {
    const gen = [0.9, 0.8, 0.85];
    const imp = [0.1, 0.2, 0.3, 0.4];
    expect(auc(gen, imp)).toBe(1);
    expect(eer(gen, imp)).toBe(0);
    expect(tarAtFar(gen, imp, 1e-3).tar).toBe(1);
  });

  test('AUC counts ties as half and -Infinity (a failure) as the lowest score', () => {
    expect(auc([0.5], [0.5])).toBe(0.5);
    expect(auc([-Infinity, 0.9], [0.3])).toBe(0.5);
  });

  test('TAR at FAR: the threshold admits at most far x impostors', () => {
    const imp = Array.from({ length: 1000 }, (_, i) => i / 1000); // 0 .. 0.999
    const gen = [0.9985, 0.9995, 0.5];
    const r = tarAtFar(gen, imp, 1e-3); // one impostor may pass: threshold just above 0.998
    expect(r.far).toBeLessThanOrEqual(1e-3);
    expect(r.tar).toBeCloseTo(2 / 3);
    expect(tarAtFar(gen, imp, 1e-2).threshold).toBeGreaterThan(0.989);
  });

  test('fold accuracy picks the threshold on the other folds', () => {
    const pairs = [0, 1].flatMap((fold) => [
      { score: 0.9, same: true, fold },
      { score: 0.2, same: false, fold },
    ]);
    expect(foldAccuracy(pairs)).toMatchObject({ mean: 1, std: 0 });
    expect(accuracyAt(pairs, 0.95)).toBe(0.5);
  });

  test('seeded sampling is reproducible', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});

describe('pair lists', () => {
  test('LFW View-2 pairs parse into folds of genuine then impostor pairs', () => {
    const p = parsePairs('2\t1\nA\t1\t2\nB\t1\tC\t3\nD\t1\t4\nE\t2\tF\t1\n');
    expect(p).toHaveLength(4);
    expect(p[0]).toEqual({ a: 'A/A_0001.jpg', b: 'A/A_0002.jpg', same: true, fold: 0 });
    expect(p[3]).toEqual({ a: 'E/E_0002.jpg', b: 'F/F_0001.jpg', same: false, fold: 1 });
    expect(() => parsePairs('1\t1\nA\t1\n')).toThrow();
  });

  test('people pairs: every genuine pair and a fixed-seed impostor sample', () => {
    const imgs = ['a/1.jpg', 'a/2.jpg', 'b/1.jpg', 'c/1.jpg', 'c/2.jpg'];
    const p = peoplePairs(imgs, 3, 9);
    expect(p.filter((x) => x.same)).toHaveLength(2);
    expect(p.filter((x) => !x.same)).toHaveLength(3);
    expect(peoplePairs(imgs, 3, 9)).toEqual(p);
  });
});
