import { describe, expect, test } from 'vitest';
import { padMetrics, type EvaluatedEntry } from './evaluation.ts';
import { parseEvalManifest } from './manifest.ts';
import type { LivenessDecision } from './decide.ts';
import { isEidkitError } from '../errors.ts';

const decision = (live: boolean): LivenessDecision => ({ live, confidence: 1, scores: {}, reasons: [] });

describe('APCER / BPCER', () => {
  test('APCER per attack type is the share of attacks accepted; BPCER the share of bona fide rejected', () => {
    const r: EvaluatedEntry[] = [
      { entry: { file: 'a', label: 'attack', attack: 'still' }, decision: decision(false) },
      { entry: { file: 'b', label: 'attack', attack: 'still' }, decision: decision(true) },
      { entry: { file: 'c', label: 'attack', attack: 'still' }, decision: decision(false) },
      { entry: { file: 'd', label: 'attack', attack: 'screen' }, decision: decision(false) },
      { entry: { file: 'e', label: 'bona-fide' }, decision: decision(true) },
      { entry: { file: 'f', label: 'bona-fide' }, decision: decision(false) },
      { entry: { file: 'g', label: 'bona-fide' }, decision: decision(true) },
      { entry: { file: 'h', label: 'bona-fide' }, decision: decision(true) },
    ];
    const m = padMetrics(r);
    expect(m.apcer).toEqual({ screen: { n: 1, errors: 0, rate: 0 }, still: { n: 3, errors: 1, rate: 1 / 3 } });
    expect(m.apcerMax).toBeCloseTo(1 / 3);
    expect(m.bpcer).toEqual({ n: 4, errors: 1, rate: 0.25 });
    expect(m.acer).toBeCloseTo((1 / 3 + 0.25) / 2);
  });

  test('empty sets give null rates, not zero', () => {
    expect(padMetrics([])).toEqual({ apcer: {}, apcerMax: null, bpcer: { n: 0, errors: 0, rate: null }, acer: null });
  });
});

describe('evaluation manifest', () => {
  test('accepts the documented form, including our optional segment', () => {
    expect(
      parseEvalManifest([
        { file: 'x.mjpeg', label: 'attack', attack: 'moved-photo', challenge: ['blink', 'turn-left'] },
        { file: 'y.mjpeg', label: 'bona-fide', from: 2, to: 9.5 },
      ]),
    ).toEqual([
      { file: 'x.mjpeg', label: 'attack', attack: 'moved-photo', challenge: ['blink', 'turn-left'] },
      { file: 'y.mjpeg', label: 'bona-fide', from: 2, to: 9.5 },
    ]);
  });

  test.each([
    [{}, 'not a JSON array'],
    [[{ label: 'attack' }], 'no "file"'],
    [[{ file: 'a', label: 'live' }], '"label"'],
    [[{ file: 'a', label: 'attack' }], 'needs "attack"'],
    [[{ file: 'a', label: 'attack', attack: 'mask' }], 'needs "attack"'],
    [[{ file: 'a', label: 'bona-fide', challenge: ['wink'] }], '"challenge"'],
    [[{ file: 'a', label: 'bona-fide', challenge: [] }], '"challenge"'],
    [[{ file: 'a', label: 'bona-fide', from: -1 }], '"from"'],
  ])('rejects %j (%s) with liveness/bad-manifest', (json, fragment) => {
    try {
      parseEvalManifest(json);
      expect.unreachable();
    } catch (e) {
      expect(isEidkitError(e, 'liveness/bad-manifest')).toBe(true);
      expect((e as Error).message).toContain(fragment === 'not a JSON array' ? 'JSON array' : fragment);
    }
  });
});
