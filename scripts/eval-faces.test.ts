import { describe, expect, inject, test } from 'vitest';
import { join } from 'node:path';
import { main } from './eval-faces.ts';

describe.skipIf(!inject('fixturesPresent'))('accuracy harness on a 20-pair subset of lfw-dev (needs EIDKIT_FIXTURES)', () => {
  test('prints the issue\'s JSON shape and ranks genuine pairs above impostors', async () => {
    const dir = join(inject('fixtures'), 'faces/lfw-dev');
    const r = (await main(['--pairs', join(dir, 'pairs.txt'), '--images', join(dir, 'images'), '--max-pairs-per-fold', '4'])) as Record<string, unknown>;
    expect(Object.keys(r)).toEqual(['pairs', 'genuine', 'impostor', 'failures', 'auc', 'eer', 'tarAtFar', 'accuracy', 'threshold', 'msPerImage', 'allPairs', 'config']);
    expect(r).toMatchObject({ pairs: 20, genuine: 10, impostor: 10, failures: { count: 0, images: [] } });
    expect(r.auc).toBeGreaterThan(0.9);
    expect((r.accuracy as { mean: number }).mean).toBeGreaterThan(0.8);
    expect((r.allPairs as { impostor: number }).impostor).toBeGreaterThan(500);
    expect(r.msPerImage).toBeGreaterThan(0);
  }, 600_000); // ~38 images through the full pipeline: 15 s on an idle 2-core box, minutes when the box is shared

  test('refuses a call without a data set', async () => {
    await expect(main([])).rejects.toThrow(/--pairs/);
  });
});
