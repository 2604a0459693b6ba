import { expect, test } from 'vitest';
import { isEidkitError, type FaceEngine } from '../index.ts';
import { createLivenessSession, runLivenessCapture } from './index.ts';

/** The loop must start (or fail with a code) whatever state the caller's <video> is in: it once waited forever. */
const noFace: FaceEngine = {
  ready: () => Promise.reject(new Error('unused')),
  detectFaces: async () => [],
  analyse: () => Promise.reject(new Error('unused')),
  template: () => Promise.reject(new Error('unused')),
  enrol: () => Promise.reject(new Error('unused')),
  dispose: async () => undefined,
};

function canvasStream(): { stream: MediaStream; stop(): void } {
  const canvas = document.createElement('canvas');
  canvas.width = 160;
  canvas.height = 120;
  const ctx = canvas.getContext('2d')!;
  let n = 0;
  const timer = setInterval(() => {
    ctx.fillStyle = n++ % 2 ? '#777' : '#888';
    ctx.fillRect(0, 0, 160, 120);
  }, 33);
  return { stream: canvas.captureStream(30), stop: () => clearInterval(timer) };
}

test('a video element with no source and not playing is given the stream and played', async () => {
  const { stream, stop } = canvasStream();
  const video = document.createElement('video');
  const controller = new AbortController();
  let frames = 0;
  const run = runLivenessCapture({
    stream, face: noFace, video, session: createLivenessSession(), signal: controller.signal,
    onProgress: () => {
      if (++frames === 3) controller.abort();
    },
  });
  const e = await run.catch((x: unknown) => x);
  expect(isEidkitError(e, 'liveness/aborted')).toBe(true);
  expect(frames).toBeGreaterThanOrEqual(3);
  expect(video.srcObject).toBe(stream);
  stop();
});

test('a video element showing another stream is refused with liveness/video-not-stream', async () => {
  const a = canvasStream();
  const b = canvasStream();
  const video = document.createElement('video');
  video.srcObject = b.stream;
  const e = await runLivenessCapture({ stream: a.stream, face: noFace, video, session: createLivenessSession() }).catch((x: unknown) => x);
  expect(isEidkitError(e, 'liveness/video-not-stream')).toBe(true);
  a.stop();
  b.stop();
});

test('a stream that never delivers a frame fails with liveness/video-not-playing instead of hanging', async () => {
  const video = document.createElement('video');
  const e = await runLivenessCapture({ stream: new MediaStream(), face: noFace, video, session: createLivenessSession() }).catch((x: unknown) => x);
  expect(isEidkitError(e, 'liveness/video-not-playing')).toBe(true);
}, 30_000);
