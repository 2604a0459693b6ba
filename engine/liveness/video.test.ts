// The liveness check on real recordings, through the real face engine and passive models (Node, wasm):
// bona fide videos pass the actions they perform; photos moved about do not.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFaceEngine, type FaceEngine } from '../face/index.ts';
import { packageSource } from '../runtime/node-source.ts';
import { createPassiveScorer, type PassiveScorer } from './passive.ts';
import { createLivenessSession, type LivenessSessionOptions } from './session.ts';
import { SCRIPTED_TIMING } from '../../test-fixtures/liveness/responsive.ts';
import { analyseMjpeg } from './video.ts';
import { DEFAULT_POLICY } from './decide.ts';
import { makeAttackVideos } from '../../scripts/make-attack-videos.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe.skipIf(!inject('fixturesPresent'))('liveness on recorded video (needs EIDKIT_FIXTURES)', () => {
  let face: FaceEngine;
  let passive: PassiveScorer;
  let attacks: string;
  beforeAll(async () => {
    face = createFaceEngine({ models: packageSource(), backend: { prefer: 'wasm' } });
    await face.ready();
    passive = await createPassiveScorer({ models: packageSource() });
    attacks = join(ROOT, '.cache/liveness/test');
    await makeAttackVideos({ fixtures: inject('fixtures'), out: attacks, only: ['yaw-obama', 'wave-obama'] });
  });
  afterAll(async () => {
    passive?.dispose();
    await face?.dispose();
  });

  // A recording cannot answer prompts: these check the detectors on known segments, judged with no pauses and no
  // reaction window (SCRIPTED_TIMING), as a harness replaying a segment against the actions it is known to perform.
  async function check(file: string, segment: { from?: number; to?: number; fps?: number }, options: LivenessSessionOptions) {
    const session = createLivenessSession({ ...options, timing: { ...SCRIPTED_TIMING, ...options.timing } });
    for await (const frame of analyseMjpeg(new Uint8Array(readFileSync(file)), { face, passive, ...segment })) {
      session.push(frame);
      if (session.done) break;
    }
    return { decision: session.decide(), signals: session.signals() };
  }

  test('the blink video passes a two-blink challenge in its first 2.5 s, with identity and passive scores', async () => {
    const { decision, signals } = await check(join(inject('fixtures'), 'video/blink-woman-480x512.mjpeg'), { to: 2.5 }, { challenge: ['blink', 'blink'] });
    expect(decision.reasons).toEqual([]);
    expect(decision.live).toBe(true);
    expect(signals.challenge?.completed).toEqual(['blink', 'blink']);
    expect(signals.passive!.frames).toBeGreaterThan(10);
    expect(signals.identity!.minSimilarity).toBeGreaterThan(DEFAULT_POLICY.identityMinSimilarity);
  });

  test('a real head turning right then left passes, and its landmark motion is far from planar', async () => {
    const { decision, signals } = await check(join(inject('fixtures'), 'video/webcam-man-400x300.mjpeg'), { from: 19, to: 22 }, { challenge: ['turn-right', 'turn-left'] });
    expect(decision.reasons).toEqual([]);
    expect(signals.challenge?.completed).toEqual(['turn-right', 'turn-left']);
    expect(signals.planar.frames).toBeGreaterThanOrEqual(2);
    expect(signals.planar.residual).toBeGreaterThan(0.03);
    // Its texture moves against the background: far from a picture moving with its paper.
    expect(signals.texture!.independence).toBeGreaterThan(2 * DEFAULT_POLICY.textureMinIndependence);
  });

  test('a photo turned 35 degrees each way in depth does not register as a head turn', async () => {
    const file = join(attacks, 'yaw-obama.mjpeg');
    const { decision, signals } = await check(file, { fps: 10 }, { challenge: ['turn-right', 'turn-left'] });
    expect(decision.live).toBe(false);
    expect(decision.reasons[0]).toMatchObject({ code: 'challenge-failed', action: 'turn-right' });
    expect(signals.planar.maxPoseChange).toBeLessThan(10);
    const passiveOnly = await check(file, { fps: 10 }, { challenge: 'passive' });
    // Judged passively it shows no activity, it moves with its paper, and the paper's edge shows on every side.
    expect(passiveOnly.decision.reasons.map((r) => r.code)).toEqual(['no-activity', 'planar-texture', 'recapture-border']);
    expect(passiveOnly.signals.texture!.independence).toBeLessThan(DEFAULT_POLICY.textureMinIndependence);
  });

  test('a photo waved about by hand moves with its paper: the texture test rejects it whatever the challenge', async () => {
    const file = join(attacks, 'wave-obama.mjpeg');
    for (const challenge of ['passive', ['look-up', 'turn-right']] as const) {
      const { decision, signals } = await check(file, { fps: 10 }, { challenge: challenge === 'passive' ? 'passive' : [...challenge] });
      expect(decision.live).toBe(false);
      expect(decision.reasons.map((r) => r.code)).toContain('planar-texture');
      expect(signals.texture!.frames).toBeGreaterThanOrEqual(DEFAULT_POLICY.textureMinFrames);
    }
  });
});
