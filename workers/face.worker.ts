/// <reference lib="webworker" />
// Hosts the face engine off the main thread; all logic lives in engine/face, this file only wires comlink.
import * as Comlink from 'comlink';
import { createLocalFaceEngine } from '../engine/face/local-engine.ts';
import type { FaceEngine } from '../engine/face/engine.ts';
import type { FaceWorkerApi } from '../engine/face/worker-protocol.ts';
import { EidkitError } from '../engine/errors.ts';
import type { FrameInput } from '../engine/runtime/frame.ts';
import { installErrorTransfer } from '../engine/runtime/comlink-errors.ts';

installErrorTransfer();

let engine: FaceEngine | undefined;

function current(): FaceEngine {
  if (!engine) throw new EidkitError('face/not-initialised', 'The face worker was used before init().');
  return engine;
}

const api: FaceWorkerApi = {
  async init(options, onProgress) {
    engine = createLocalFaceEngine({ ...options, ...(onProgress ? { onProgress } : {}) }, 'worker');
  },
  ready: () => current().ready(),
  async detectFaces(frame, options) {
    try {
      return await current().detectFaces(frame, options);
    } finally {
      closeTransferred(frame);
    }
  },
  async analyse(frame, options) {
    try {
      return await current().analyse(frame, options);
    } finally {
      closeTransferred(frame);
    }
  },
  async template(frame, options) {
    try {
      return await current().template(frame, options);
    } finally {
      closeTransferred(frame);
    }
  },
  async enrol(frames, options) {
    try {
      return await current().enrol(frames, options);
    } finally {
      frames.forEach(closeTransferred);
    }
  },
  async dispose() {
    await engine?.dispose();
    engine = undefined;
  },
};

/** The frame was transferred to this worker, so it is ours to release. */
function closeTransferred(frame: FrameInput): void {
  if ('close' in frame && typeof frame.close === 'function') frame.close();
}

Comlink.expose(api);
