import * as Comlink from 'comlink';
import { EidkitError } from '../errors.ts';
import type { FrameInput } from '../runtime/frame.ts';
import type { FaceEngine, FaceEngineOptions } from './engine.ts';
import type { FaceWorkerApi } from './worker-protocol.ts';
import { installErrorTransfer } from '../runtime/comlink-errors.ts';
import { assertFrameInput } from '../runtime/frame-check.ts';

/** Default for `workerTimeoutMs`: a call with no answer and no loading progress for this long has failed. */
export const WORKER_TIMEOUT_MS = 60_000;

/**
 * A FaceEngine whose work runs in a Web Worker hosting workers/face.worker.js, so the main thread stays free for the
 * camera preview. Frames are transferred, never copied.
 *
 * A worker that dies (its script fails to load, throws at top level, or an error escapes it) or stays silent for
 * `workerTimeoutMs` (no answer and no download progress) makes that call, every pending one and every later one
 * reject with `runtime/worker-failed`, the cause attached; the worker is then terminated. Nothing hangs.
 */
export function createWorkerFaceEngine(worker: Worker, options: FaceEngineOptions): FaceEngine {
  if (typeof options.models !== 'string') {
    throw new EidkitError('face/worker-models-url', 'A worker-hosted face engine needs the models as a base URL string.');
  }
  const timeoutMs = options.workerTimeoutMs ?? WORKER_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new EidkitError('face/bad-option', `workerTimeoutMs must be a positive number of milliseconds, got ${String(options.workerTimeoutMs)}.`);
  installErrorTransfer();

  let failure: EidkitError | undefined;
  const pending = new Set<Pending>();
  const fail = (error: EidkitError): void => {
    if (failure) return;
    failure = error;
    worker.terminate();
    for (const p of pending) p.reject(error);
    pending.clear();
  };
  const onError = (event: Event): void => {
    const e = event as ErrorEvent;
    const where = e.filename ? ` (${e.filename}${e.lineno ? `:${e.lineno}` : ''})` : '';
    fail(
      new EidkitError(
        'runtime/worker-failed',
        `The face worker stopped: ${e.message || 'its script failed to load or threw before answering'}${where}. Check that the worker file and the models are served.`,
        { reason: 'error', ...(e.filename ? { filename: e.filename } : {}) },
        { cause: e.error ?? e.message },
      ),
    );
  };
  worker.addEventListener('error', onError);
  worker.addEventListener('messageerror', onError);

  /** Any sign of life from the worker (download progress) restarts every pending call's silence timer. */
  const alive = (): void => {
    for (const p of pending) p.restart();
  };

  function guard<T>(what: string, call: () => Promise<T>): Promise<T> {
    if (failure) return Promise.reject(failure);
    return new Promise<T>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const entry: Pending = {
        reject,
        restart() {
          clearTimeout(timer);
          timer = setTimeout(() => {
            fail(
              new EidkitError(
                'runtime/worker-failed',
                `The face worker did not answer ${what} within ${Math.round(timeoutMs / 1000)} s (no answer, no loading progress).`,
                { reason: 'timeout', call: what, timeoutMs },
              ),
            );
          }, timeoutMs);
        },
      };
      pending.add(entry);
      entry.restart();
      call().then(
        (value) => {
          clearTimeout(timer);
          pending.delete(entry);
          if (failure) reject(failure);
          else resolve(value);
        },
        (e: unknown) => {
          clearTimeout(timer);
          pending.delete(entry);
          reject(failure ?? e);
        },
      );
    });
  }

  const remote = Comlink.wrap<FaceWorkerApi>(worker);
  const userProgress = options.onProgress;
  const onProgress = Comlink.proxy((p: Parameters<NonNullable<FaceEngineOptions['onProgress']>>[0]) => {
    alive();
    userProgress?.(p);
  });
  const started = guard('init()', () =>
    remote.init(
      { models: options.models as string, ...(options.backend ? { backend: options.backend } : {}), ...(options.embedder ? { embedder: options.embedder } : {}), ...(options.mirror !== undefined ? { mirror: options.mirror } : {}) },
      onProgress,
    ),
  );
  started.catch(() => undefined); // surfaced by the first call that awaits it
  const call = <T>(what: string, run: () => Promise<T>): Promise<T> => started.then(() => guard(what, run));
  /** Frames are checked here, on the page, before anything is transferred: a wrong argument is the caller's error. */
  const withFrames = <T>(what: string, frames: readonly FrameInput[], run: () => Promise<T>): Promise<T> => {
    try {
      if (!Array.isArray(frames)) throw new EidkitError('face/bad-frame', `${what} needs an array of frames.`);
      for (const f of frames) assertFrameInput(f, what);
    } catch (e) {
      return Promise.reject(e);
    }
    return call(what, run);
  };

  return {
    ready: () => call('ready()', () => remote.ready()),
    detectFaces: (frame, detectOptions) => withFrames('detectFaces()', [frame], () => remote.detectFaces(Comlink.transfer(frame, transferables(frame)), detectOptions)),
    analyse: (frame, analyseOptions) => withFrames('analyse()', [frame], () => remote.analyse(Comlink.transfer(frame, transferables(frame)), analyseOptions)),
    template: (frame, analyseOptions) => withFrames('template()', [frame], () => remote.template(Comlink.transfer(frame, transferables(frame)), analyseOptions)),
    enrol: (frames, enrolOptions) => withFrames('enrol()', frames, () => remote.enrol(Comlink.transfer([...frames], frames.flatMap(transferables)), enrolOptions)),
    async dispose() {
      try {
        if (!failure) await guard('dispose()', () => remote.dispose());
      } finally {
        worker.removeEventListener('error', onError);
        worker.removeEventListener('messageerror', onError);
        remote[Comlink.releaseProxy]();
        worker.terminate();
      }
    },
  };
}

interface Pending {
  reject(error: unknown): void;
  restart(): void;
}

function transferables(frame: FrameInput): Transferable[] {
  if ('data' in frame) return frame.data.byteOffset === 0 && frame.data.byteLength === frame.data.buffer.byteLength ? [frame.data.buffer as ArrayBuffer] : [];
  return [frame as Transferable];
}
