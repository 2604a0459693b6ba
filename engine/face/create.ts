/**
 * createFaceEngine on its own: the module behind both `eidkit` and `eidkit/face-engine`. A page that only starts the
 * face worker can import `eidkit/face-engine`, whose static imports are the worker client and nothing of the pipeline
 * or tfjs; every bundler then keeps them out of the page (esbuild's code splitting otherwise puts modules the page
 * shares with the lazily loaded in-process engine into chunks together with that engine's code).
 * @module eidkit/face-engine
 */
import { EidkitError } from '../errors.ts';
import { urlSource } from '../runtime/model-source.ts';
import type { FaceEngine, FaceEngineOptions } from './engine.ts';
import { createWorkerFaceEngine } from './worker-engine.ts';

export type { FaceEngine, FaceEngineInfo, FaceEngineOptions } from './engine.ts';

/**
 * Creates the face engine. Pass `worker` (a Worker running eidkit's `workers/face.worker.js`) to run it off the main
 * thread; without one it runs in-process (Node, tests, or a page that accepts the cost).
 */
export function createFaceEngine(options: FaceEngineOptions & { readonly worker?: Worker }): FaceEngine {
  if (typeof options !== 'object' || options === null) {
    throw new EidkitError('face/no-models', "createFaceEngine needs options: { models: '/eidkit-models/' } (a base URL or a ModelSource), and `worker` to run off the main thread.");
  }
  const { worker, ...rest } = options;
  if (rest.mirror !== undefined && typeof rest.mirror !== 'boolean') throw new EidkitError('face/bad-option', `createFaceEngine's \`mirror\` must be true or false, got ${String(rest.mirror)}.`);
  if (worker !== undefined && (typeof worker !== 'object' || worker === null || typeof (worker as Worker).postMessage !== 'function')) {
    throw new EidkitError('face/bad-worker', "createFaceEngine's `worker` must be a Worker running eidkit's workers/face.worker.js, e.g. new Worker(new URL('eidkit/workers/face.worker.js', import.meta.url), { type: 'module' }).");
  }
  if (worker) return createWorkerFaceEngine(worker, rest);
  if (!rest.models) throw new EidkitError('face/no-models', 'createFaceEngine needs `models`: a base URL or a ModelSource.');
  // A folder on another origin is refused here, when the engine is created, not at its first use.
  if (typeof rest.models === 'string') urlSource(rest.models);
  return lazyLocalEngine(rest);
}

/**
 * The in-process engine, loaded on first use: a page that hands the work to a worker then never loads tfjs on its main
 * thread (bundlers split the dynamic import into its own chunk).
 */
function lazyLocalEngine(options: FaceEngineOptions): FaceEngine {
  let engine: Promise<FaceEngine> | undefined;
  const get = (): Promise<FaceEngine> => (engine ??= import('./local-engine.ts').then((m) => m.createLocalFaceEngine(options)));
  return {
    ready: () => get().then((e) => e.ready()),
    detectFaces: (frame, o) => get().then((e) => e.detectFaces(frame, o)),
    analyse: (frame, o) => get().then((e) => e.analyse(frame, o)),
    template: (frame, o) => get().then((e) => e.template(frame, o)),
    enrol: (frames, o) => get().then((e) => e.enrol(frames, o)),
    dispose: async () => {
      if (engine) await (await engine).dispose();
    },
  };
}
