import * as Comlink from 'comlink';
import { EidkitError } from '../errors.ts';
import type { FrameInput } from '../runtime/frame.ts';
import type { FaceEngine, FaceEngineOptions } from './engine.ts';
import type { FaceWorkerApi } from './worker-protocol.ts';
import { installErrorTransfer } from '../runtime/comlink-errors.ts';

/**
 * A FaceEngine whose work runs in a Web Worker hosting workers/face.worker.ts, so the main thread stays free for the
 * camera preview. Frames are transferred, never copied.
 */
export function createWorkerFaceEngine(worker: Worker, options: FaceEngineOptions): FaceEngine {
  if (typeof options.models !== 'string') {
    throw new EidkitError('face/worker-models-url', 'A worker-hosted face engine needs the models as a base URL string.');
  }
  installErrorTransfer();
  const remote = Comlink.wrap<FaceWorkerApi>(worker);
  const onProgress = options.onProgress ? Comlink.proxy(options.onProgress) : undefined;
  const started = remote.init(
    { models: options.models, ...(options.backend ? { backend: options.backend } : {}), ...(options.embedder ? { embedder: options.embedder } : {}) },
    onProgress,
  );
  return {
    async ready() {
      await started;
      return remote.ready();
    },
    async detectFaces(frame, detectOptions) {
      await started;
      return remote.detectFaces(Comlink.transfer(frame, transferables(frame)), detectOptions);
    },
    async analyse(frame, analyseOptions) {
      await started;
      return remote.analyse(Comlink.transfer(frame, transferables(frame)), analyseOptions);
    },
    async template(frame, analyseOptions) {
      await started;
      return remote.template(Comlink.transfer(frame, transferables(frame)), analyseOptions);
    },
    async enrol(frames, enrolOptions) {
      await started;
      return remote.enrol(Comlink.transfer([...frames], frames.flatMap(transferables)), enrolOptions);
    },
    async dispose() {
      try {
        await remote.dispose();
      } finally {
        remote[Comlink.releaseProxy]();
        worker.terminate();
      }
    },
  };
}

function transferables(frame: FrameInput): Transferable[] {
  if ('data' in frame) return frame.data.byteOffset === 0 && frame.data.byteLength === frame.data.buffer.byteLength ? [frame.data.buffer as ArrayBuffer] : [];
  return [frame as Transferable];
}
