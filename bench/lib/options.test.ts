import { describe, expect, test } from 'vitest';
import { parseOptions } from './options.ts';

describe('bench options', () => {
  test('no options is a full run into bench/results, the only kind that rewrites the published results', () => {
    expect(parseOptions([])).toMatchObject({ mode: 'full', outDir: 'bench/results', throttles: [1, 4, 6], runs: 30 });
    expect(parseOptions(['--', '--no-build'])).toMatchObject({ mode: 'full', build: false });
  });

  test('narrowing a run makes it partial, written beside quick runs unless --out says otherwise', () => {
    for (const narrowed of [['--stages', 'detect'], ['--libraries', 'eidkit'], ['--throttles', '4'], ['--runs', '5'], ['--no-startup'], ['--no-payload']]) {
      expect(parseOptions(narrowed)).toMatchObject({ mode: 'partial', outDir: 'bench/results/raw' });
    }
    expect(parseOptions(['--out', '/tmp/x'])).toMatchObject({ mode: 'partial', outDir: '/tmp/x' });
    expect(parseOptions(['--quick'])).toMatchObject({ mode: 'quick', outDir: 'bench/results/raw', throttles: [4] });
  });

  test('unknown options and bad values are refused with the usage', () => {
    expect(() => parseOptions(['--stage', 'detect'])).toThrow(/unknown option --stage/);
    expect(() => parseOptions(['--throttles', '0'])).toThrow(/between 1 and 20/);
    expect(() => parseOptions(['--stages', 'nope'])).toThrow(/unknown stage/);
  });
});
