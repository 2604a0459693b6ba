// The frame-edge and lattice recapture cues on real frames: the face engine's pixel samples of a bona fide webcam
// video and of dev-split screen replays rendered by scripts/make-attack-videos.ts (needs EIDKIT_FIXTURES).
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFaceEngine, type FaceEngine } from '../face/index.ts';
import { packageSource } from '../runtime/node-source.ts';
import { makeAttackVideos } from '../../scripts/make-attack-videos.ts';
import { DEFAULT_POLICY } from './decide.ts';
import { RecaptureTracker, recaptureFrame, type RecaptureSignal } from './recapture.ts';
import { analyseMjpeg } from './video.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe.skipIf(!inject('fixturesPresent'))('frame-edge and lattice cues on recorded video (needs EIDKIT_FIXTURES)', () => {
  let face: FaceEngine;
  let attacks: string;
  beforeAll(async () => {
    face = createFaceEngine({ models: packageSource(), backend: { prefer: 'wasm' } });
    await face.ready();
    attacks = join(ROOT, '.cache/liveness/test');
    await makeAttackVideos({ fixtures: inject('fixtures'), out: attacks, only: ['replay-webcam-hand', 'replay-webcam-close'] });
  });
  afterAll(async () => {
    await face?.dispose();
  });

  async function cues(file: string, segment: { from?: number; to?: number }): Promise<RecaptureSignal> {
    const tracker = new RecaptureTracker();
    for await (const frame of analyseMjpeg(new Uint8Array(readFileSync(file)), { face, fps: 3, ...segment })) {
      if (frame.face?.sample) tracker.push(recaptureFrame(frame.face.sample, frame.face.box));
    }
    return tracker.signal()!;
  }

  test('a live face at a webcam shows neither a frame edge nor a screen ripple', async () => {
    const s = await cues(join(inject('fixtures'), 'video/webcam-man-400x300.mjpeg'), { from: 12, to: 22 });
    expect(s.frames).toBeGreaterThanOrEqual(20);
    expect(s.frameEdge).toBe(0);
    expect(s.lattice!).toBeLessThan(DEFAULT_POLICY.recaptureMaxLattice / 2);
  });

  test('a hand-held screen filling 90 % of the view, no bezel, faint pixel grid: its edge runs along the frame and its ripple covers it', async () => {
    const s = await cues(join(attacks, 'replay-webcam-hand.mjpeg'), {});
    expect(s.frameEdge!).toBeGreaterThan(DEFAULT_POLICY.recaptureMaxFrameEdge);
    expect(s.lattice!).toBeGreaterThan(DEFAULT_POLICY.recaptureMaxLattice);
    // The border cue, which looks for a bezel close around the face, does not see it.
    expect(s.border).toBeLessThanOrEqual(DEFAULT_POLICY.recaptureMaxBorder);
  });

  test('a screen held so close that its edge leaves the view is still found by its ripple', async () => {
    const s = await cues(join(attacks, 'replay-webcam-close.mjpeg'), {});
    expect(s.frameEdge!).toBeLessThanOrEqual(DEFAULT_POLICY.recaptureMaxFrameEdge);
    expect(s.lattice!).toBeGreaterThan(DEFAULT_POLICY.recaptureMaxLattice);
  });
});
