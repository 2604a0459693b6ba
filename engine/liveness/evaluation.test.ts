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

  test('accepts random draws of the production challenge, and action marks for splicing', () => {
    const actions = [{ action: 'turn-right', t: 19.7 }, { action: 'open-mouth', t: 13.6 }];
    expect(
      parseEvalManifest([
        { file: 'r.mjpeg', label: 'attack', attack: 'waved-photo', challenge: 'random', draws: 20, seed: 100 },
        { file: 'b.mjpeg', label: 'bona-fide', challenge: 'random', draws: 5, actions, rest: 1 },
        { file: 't.mjpeg', label: 'attack', attack: 'targeted-replay', challenge: 'random', actions },
      ]),
    ).toEqual([
      { file: 'r.mjpeg', label: 'attack', attack: 'waved-photo', challenge: 'random', draws: 20, seed: 100 },
      { file: 'b.mjpeg', label: 'bona-fide', challenge: 'random', draws: 5, actions, rest: 1 },
      { file: 't.mjpeg', label: 'attack', attack: 'targeted-replay', challenge: 'random', actions },
    ]);
  });

  test.each([
    [{}, 'not a JSON array'],
    [[{ file: 'a', label: 'bona-fide', challenge: 'random', draws: 0 }], '"draws"'],
    [[{ file: 'a', label: 'bona-fide', draws: 3 }], 'needs "challenge": "random"'],
    [[{ file: 'a', label: 'bona-fide', challenge: ['blink'], actions: [{ action: 'blink', t: 1 }] }], 'needs "challenge": "random"'],
    [[{ file: 'a', label: 'bona-fide', challenge: 'random', actions: [{ action: 'wink', t: 1 }] }], '"actions"'],
    [[{ file: 'a', label: 'bona-fide', challenge: 'random', seed: 1.5 }], '"seed"'],
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
