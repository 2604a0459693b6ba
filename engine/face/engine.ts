import type { BackendOptions, BackendReport } from '../runtime/backend.ts';
import type { LoadProgress } from '../runtime/load-model.ts';
import type { ModelSource } from '../runtime/model-source.ts';
import type { FrameInput } from '../runtime/frame.ts';
import type { DetectOptions } from './blazeface.ts';
import type { DetectedFace } from './types.ts';

/**
 * Where the engine finds its model and wasm files: a same-origin base URL (browsers; `eidkit models copy` fills that
 * folder) or a ModelSource (Node: `packageSource()` or `dirSource(dir)` from 'eidkit/node'). A worker-hosted engine
 * takes the URL form, since functions cannot cross into a worker.
 */
export type ModelLocation = string | ModelSource;

export interface FaceEngineOptions {
  readonly models: ModelLocation;
  readonly backend?: BackendOptions;
  /** Bytes loaded per model while downloading, for a progress bar. */
  readonly onProgress?: (progress: LoadProgress) => void;
}

export interface FaceEngineInfo extends BackendReport {
  /** Where the engine runs: 'worker' in browsers given a Worker, else 'in-process'. */
  readonly host: 'worker' | 'in-process';
  /** Model ids loaded so far. */
  readonly models: readonly string[];
}

/** The face engine as integrators see it; the same interface whether it runs in a Web Worker or in-process. */
export interface FaceEngine {
  /** Starts the backend and loads the detector; resolves with what was chosen (backend, threads, SIMD). */
  ready(): Promise<FaceEngineInfo>;
  /**
   * Finds faces in a frame. In a worker-hosted engine the frame is transferred, not copied: the caller's
   * ImageBitmap / VideoFrame / pixel buffer is unusable afterwards.
   */
  detectFaces(frame: FrameInput, options?: DetectOptions): Promise<DetectedFace[]>;
  /** Frees models and, for a worker-hosted engine, ends the worker. */
  dispose(): Promise<void>;
}
