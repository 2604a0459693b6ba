import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { FaceEngine } from '../index.ts';
import { createLivenessSession, runLivenessCapture } from './index.ts';
import { workerFaceEngine } from '../../test-fixtures/browser-engine.ts';
import { fixtureBitmap } from '../../test-fixtures/browser-images.ts';

/**
 * The capture loop's no-face probe, in Chromium with the worker-hosted engine the site uses: a canvas stream stands
 * in for the camera, empty first, then showing a portrait. While nobody is there the loop runs only the short-range
 * detector; once the face appears every frame gets the full analysis again.
 */
describe.skipIf(!inject('fixturesPresent'))('runLivenessCapture no-face probe (needs EIDKIT_FIXTURES)', () => {
  let engine: FaceEngine;
  beforeAll(async () => {
    engine = workerFaceEngine();
    await engine.ready();
  });
  afterAll(() => engine?.dispose());

  // No onProgress on purpose: the loop must feed the session without a listener (it once did so only through
  // `onProgress?.(session.push(...))`, which skips the push when there is none).
  test('an empty camera costs only probes; the face, once shown, is analysed on every frame', async () => {
    const portrait = await fixtureBitmap('faces/people/barack_obama/obama.jpg');
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 480;
    const ctx = canvas.getContext('2d')!;
    const shownAt = performance.now() + 1500;
    const draw = (): void => {
      ctx.fillStyle = '#7a7a7a';
      ctx.fillRect(0, 0, 640, 480);
      if (performance.now() >= shownAt) {
        const h = 400;
        const w = (portrait.width / portrait.height) * h;
        ctx.drawImage(portrait, (640 - w) / 2, 40, w, h);
      }
    };
    draw();
    const timer = setInterval(draw, 33);
    const stream = canvas.captureStream(30);
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    document.body.append(video);
    await video.play();

    const calls = { probe: 0, fullDetect: 0, analyse: 0, analysedWithFace: 0 };
    const counted: FaceEngine = {
      ...engine,
      ready: () => engine.ready(),
      detectFaces: (frame, o) => {
        if (o?.detector === 'short-range') calls.probe++;
        else calls.fullDetect++;
        return engine.detectFaces(frame, o);
      },
      analyse: async (frame, o) => {
        calls.analyse++;
        const a = await engine.analyse(frame, o);
        if (a.faces.length > 0) calls.analysedWithFace++;
        return a;
      },
      dispose: async () => undefined,
    };
    const session = createLivenessSession({ challenge: 'passive', passiveTiming: { minMs: 4000 as 2000, maxMs: 4000 as 6000 } });
    try {
      const result = await runLivenessCapture({ stream, video, face: counted, session, maxFps: 15, signal: AbortSignal.timeout(60_000) });
      // Before the portrait: probes only, no analysis of an empty frame (bar, at most, the frame the face appears on).
      expect(calls.probe).toBeGreaterThan(2);
      expect(calls.analyse - calls.analysedWithFace).toBeLessThanOrEqual(1);
      // After it: one probe found it, then every frame went through analyse() without probing.
      expect(calls.analysedWithFace).toBeGreaterThan(2);
      expect(calls.fullDetect).toBe(0);
      expect(result.analysedFrames).toBe(calls.analyse + calls.probe - 1);
      expect(result.signals.frames).toBe(result.analysedFrames);
      expect(result.signals.tracking.framesWithoutFace).toBe(calls.probe - 1 + calls.analyse - calls.analysedWithFace);
    } finally {
      clearInterval(timer);
      video.remove();
      for (const track of stream.getTracks()) track.stop();
    }
  });
});
