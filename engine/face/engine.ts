import type { BackendOptions, BackendReport } from '../runtime/backend.ts';
import type { LoadProgress } from '../runtime/load-model.ts';
import type { ModelSource } from '../runtime/model-source.ts';
import type { FrameInput } from '../runtime/frame.ts';
import type { DetectOptions, DetectorId } from './blazeface.ts';
import type { DetectedFace } from './types.ts';
import type { AnalyseOptions, FrameFaces } from './pipeline.ts';
import type { QualityPolicy, QualityReport } from './quality.ts';
import type { EmbedderId } from './embedders.ts';
import type { FrameSample, SampleOptions } from './sample.ts';

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
  /**
   * Embedding network. Default: the one chosen by measurement (DEFAULT_EMBEDDER). Templates record it, and templates
   * of different networks never compare.
   */
  readonly embedder?: EmbedderId;
  /**
   * Embed the aligned crop's mirror image too and average the two views (one batch of two). Default: the embedder's
   * own setting: off for fr-feature, the default embedder (on lfw-dev the mirror view changed its TAR at FAR 1e-4 by
   * nothing and doubled the embedding's time; site/docs/face.md), on for dlib. Templates made either way carry the same
   * model id and compare with each other.
   */
  readonly mirror?: boolean;
  /**
   * Worker-hosted engines only: a call that gets no answer, and sees no download progress, for this long rejects with
   * `runtime/worker-failed` (so does every call once the worker has died). Default 60 000 ms.
   */
  readonly workerTimeoutMs?: number;
}

export interface DetectFacesOptions extends DetectOptions {
  /**
   * Which BlazeFace: 'full-range' (default; 256 px, finds faces down to about 3 % of the frame width, the detector
   * analyse() and templates use) or 'short-range' (128 px, about 4x cheaper, for a live preview; it needs the face
   * to be a selfie-distance face, see site/docs/face.md). Its model loads on first use.
   */
  readonly detector?: DetectorId;
}

export interface AnalyseFrameOptions extends AnalyseOptions {
  /** Gates to judge the main face against; default LIVE_CAPTURE_POLICY. */
  readonly policy?: QualityPolicy;
  /**
   * Also return a small copy of the frame's pixels (a gray thumbnail and the main face's square at full resolution)
   * for measures across frames; liveness asks for it (see FrameSample).
   */
  readonly sample?: boolean | SampleOptions;
}

/** Faces of one frame with landmarks, pose, photometric stats and a quality verdict on the main (largest) face. */
export interface FrameAnalysis extends FrameFaces {
  readonly quality: QualityReport;
  /** When `sample` was asked. */
  readonly sample?: FrameSample;
}

export interface TemplateResult {
  /** The template of the main face, present only when the quality gates passed (or `policy` waived them). */
  readonly template?: Uint8Array;
  readonly quality: QualityReport;
  readonly analysis: FrameAnalysis;
}

export interface EnrolmentResult {
  /** Fused template of the best frames; absent when fewer than `minFrames` frames passed the gates. */
  readonly template?: Uint8Array;
  /** Indices (into the frames given) of the frames fused, best first. */
  readonly used: readonly number[];
  /** Per-frame quality, in input order. */
  readonly qualities: readonly QualityReport[];
}

export interface EnrolOptions {
  readonly policy?: QualityPolicy;
  /** How many of the best-quality frames to fuse. Default 5. */
  readonly best?: number;
  /** Fewer passing frames than this gives no template. Default 1. */
  readonly minFrames?: number;
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
  detectFaces(frame: FrameInput, options?: DetectFacesOptions): Promise<DetectedFace[]>;
  /**
   * Detection, FaceMesh landmarks, head pose, eye openness, photometric stats and the quality verdict; with
   * `embed: true` also each analysed face's L2-normalised embedding (liveness uses it for identity continuity).
   */
  analyse(frame: FrameInput, options?: AnalyseFrameOptions): Promise<FrameAnalysis>;
  /** The compact template of the frame's main face (see template.ts), gated by quality. */
  template(frame: FrameInput, options?: AnalyseFrameOptions): Promise<TemplateResult>;
  /** Enrolment from several frames: the best-quality passing frames are fused into one template. */
  enrol(frames: readonly FrameInput[], options?: EnrolOptions): Promise<EnrolmentResult>;
  /** Frees models and, for a worker-hosted engine, ends the worker. */
  dispose(): Promise<void>;
}
