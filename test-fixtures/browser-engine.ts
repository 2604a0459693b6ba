// Test helper (Chromium): the face engine as the site hosts it, in its Web Worker, on the models the test run copies
// into dist/models, with the wasm backend the tests force.
import { createFaceEngine, type FaceEngine, type FaceEngineOptions } from '../engine/face/index.ts';

export const TEST_MODELS = '/dist/models/';

export function workerFaceEngine(options: Partial<Pick<FaceEngineOptions, 'onProgress' | 'mirror'>> = {}): FaceEngine {
  return createFaceEngine({
    worker: new Worker(new URL('../workers/face.worker.ts', import.meta.url), { type: 'module' }),
    models: TEST_MODELS,
    backend: { prefer: 'wasm' },
    ...options,
  });
}
