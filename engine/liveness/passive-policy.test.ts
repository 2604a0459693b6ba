// Which passive models a policy needs, and what happens when a score was not computed (the site skips the antispoof
// model under the default policy): never a silent pass.
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_POLICY, decideLiveness, passiveModelsFor, type LivenessSignals } from './decide.ts';
import { createPassiveScorer } from './passive.ts';
import { packageSource } from '../runtime/node-source.ts';
import { LIVE_SIGNALS } from '../../test-fixtures/liveness/signals.ts';

// The site skips the antispoof model under the default policy, so its score is absent here.
const base: LivenessSignals = { ...LIVE_SIGNALS, passive: { ...LIVE_SIGNALS.passive!, antispoof: Number.NaN } };

describe('passiveModelsFor', () => {
  test('the default policy scores liveness only; each threshold brings its model', () => {
    expect(passiveModelsFor()).toEqual(['liveness']);
    expect(passiveModelsFor(DEFAULT_POLICY)).toEqual(['liveness']);
    expect(passiveModelsFor({ passiveLivenessMin: 0.6, passiveAntispoofMin: 0.4 })).toEqual(['antispoof', 'liveness']);
    expect(passiveModelsFor({ passiveLivenessMin: 0, passiveAntispoofMin: 0 })).toEqual([]);
  });
});

describe('a passive score that was not computed (NaN)', () => {
  test('changes nothing under a policy that does not use it', () => {
    const d = decideLiveness(base);
    expect(d.live).toBe(true);
    expect(Object.values(d.scores).every(Number.isFinite)).toBe(true);
  });

  test('fails closed under a policy that asks for it', () => {
    const d = decideLiveness(base, { ...DEFAULT_POLICY, passiveAntispoofMin: 0.4 });
    expect(d.live).toBe(false);
    expect(d.reasons.map((r) => r.code)).toEqual(['passive-spoof']);
    const noLiveness = decideLiveness({ ...base, passive: { frames: 60, antispoof: 0.9, liveness: Number.NaN } });
    expect(noLiveness.live).toBe(false);
    expect(noLiveness.reasons.map((r) => r.code)).toEqual(['passive-spoof']);
  });
});

describe('createPassiveScorer({ antispoof: false })', () => {
  test('loads and runs the liveness model only: antispoof is NaN, liveness the same as with both loaded', async () => {
    const loaded: string[] = [];
    const only = await createPassiveScorer({ models: packageSource(), antispoof: false, onProgress: (p) => loaded.push(p.id) });
    const both = await createPassiveScorer({ models: packageSource() });
    // A synthetic 96x96 frame (a bright disc on grey) with the face box in the middle: any input will do here.
    const rgb = tf.tidy(() => {
      const [y, x] = [tf.reshape(tf.range(0, 96), [96, 1]), tf.reshape(tf.range(0, 96), [1, 96])];
      const disc = tf.less(tf.add(tf.square(tf.sub(y, 48)), tf.square(tf.sub(x, 48))), 30 * 30);
      const v = tf.where(disc, tf.fill([96, 96], 220), tf.fill([96, 96], 90));
      return tf.stack([v, v, v], 2) as tf.Tensor3D;
    });
    const box = { x: 24, y: 24, width: 48, height: 48 };
    try {
      const a = await only.score(rgb, box);
      const b = await both.score(rgb, box);
      expect(new Set(loaded)).toEqual(new Set(['liveness']));
      expect(a.antispoof).toBeNaN();
      expect(Number.isFinite(b.antispoof)).toBe(true);
      expect(a.liveness).toBeCloseTo(b.liveness, 6);
    } finally {
      rgb.dispose();
      only.dispose();
      both.dispose();
    }
  });
});
