import { expect, test } from 'vitest';
import { createFaceEngine, isEidkitError } from '../index.ts';

const blobWorker = (source: string): Worker => new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })), { type: 'module' });

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

test('a worker that dies while loading makes ready() and every later call reject with runtime/worker-failed', async () => {
  const faces = createFaceEngine({ worker: blobWorker('throw new Error("boom at load");'), models: '/models/' });
  const e = await failure(faces.ready());
  expect(isEidkitError(e, 'runtime/worker-failed')).toBe(true);
  expect((e as Error).message).toContain('boom at load');
  const later = await failure(faces.detectFaces({ data: new Uint8ClampedArray(4), width: 1, height: 1 }));
  expect(isEidkitError(later, 'runtime/worker-failed')).toBe(true);
  await faces.dispose();
});

test('a worker whose module cannot load (a bare import it cannot resolve) rejects instead of hanging', async () => {
  const faces = createFaceEngine({ worker: blobWorker('import "@tensorflow/tfjs-core"; postMessage(1);'), models: '/models/' });
  expect(isEidkitError(await failure(faces.ready()), 'runtime/worker-failed')).toBe(true);
});

test('a worker that never answers times out with runtime/worker-failed', async () => {
  const faces = createFaceEngine({ worker: blobWorker('self.onmessage = () => {};'), models: '/models/', workerTimeoutMs: 400 });
  const started = performance.now();
  const e = await failure(faces.ready());
  expect(isEidkitError(e, 'runtime/worker-failed')).toBe(true);
  expect((e as { details: { reason: string } }).details.reason).toBe('timeout');
  expect(performance.now() - started).toBeGreaterThanOrEqual(390);
});

test('workerTimeoutMs must be positive', () => {
  expect(() => createFaceEngine({ worker: blobWorker(''), models: '/models/', workerTimeoutMs: 0 })).toThrow(/workerTimeoutMs/);
});
