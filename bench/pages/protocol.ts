/**
 * What a bench page exposes on `window.__bench`, and what the Node driver reads back. Each library gets its own page
 * (its own tfjs copy: face-api and Human bundle tfjs, and two tfjs copies in one realm share a global engine).
 */

/** Stages are cumulative pipelines where a library cannot run a step alone (landmarks need a detection first). */
export const STAGES = [
  'calibration',
  'qr-decode',
  'credential-verify',
  'detect',
  'detect-full-range',
  'detect+landmarks',
  'detect+landmarks+embed',
  'liveness-frame',
  'liveness-signals',
  'full-verify',
  'status-list-1e8',
  'trust-list-1000',
  'vical-1000',
  'qr-bomb-single',
  'qr-bomb-sequence',
  'qr-bomb-blocks',
  'qr-bomb-desk',
] as const;
export type StageId = (typeof STAGES)[number];

export const STAGE_LABELS: Readonly<Record<StageId, string>> = {
  calibration: 'CPU calibration (fixed JS loop)',
  'qr-decode': 'QR decode (640x480)',
  'credential-verify': 'credential verification',
  detect: 'face detection, live preview',
  'detect-full-range': 'face detection, full range (analysis)',
  'detect+landmarks': 'detection + landmarks',
  'detect+landmarks+embed': 'detection + landmarks + embedding',
  'liveness-frame': 'liveness, per frame',
  'liveness-signals': 'liveness texture + recapture cues, per frame',
  'full-verify': 'full verify (QR frame → verdict + face decision)',
  'status-list-1e8': 'status list of 10^8 credentials, 1 % revoked: open + 1,000 lookups',
  'trust-list-1000': 'trust list of 1,000 authorities: open + verify one presentation',
  'vical-1000': 'VICAL of 1,000 authorities: open + verify one presentation',
  'qr-bomb-single': 'deflate bomb, one full QR code → too-large',
  'qr-bomb-sequence': 'deflate bomb, QR frames up to the verifier budget (256 KiB): last frame → too-large',
  'qr-bomb-blocks': 'tiny deflate blocks up to the verifier budget: last frame → refused',
  'qr-bomb-desk': 'deflate bomb, QR frames to the desk / wallet assembler (4 MiB): last frame → too-large',
};

/**
 * FacePlugin's SDK compiles code at run time (ndarray-ops through cwise's `new Function`), which the site's policy
 * forbids: its bench page alone is served with 'unsafe-eval' added (bench/run.ts).
 */
export const FACEPLUGIN_CSP = "default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; worker-src 'self' blob:; connect-src 'self'; img-src 'self' data: blob:; style-src 'self'; object-src 'none'; base-uri 'none'";

export type LibraryId = 'eidkit' | 'face-api-ssd' | 'face-api-tiny' | 'human' | 'faceplugin';

export interface PageInfo {
  readonly library: LibraryId;
  readonly label: string;
  readonly version: string;
  /** Exactly how the library was configured, in words (goes into latest.md). */
  readonly config: readonly string[];
  readonly backend: string;
  readonly threads: number;
  readonly simd: boolean;
  readonly crossOriginIsolated: boolean;
  readonly stages: readonly StageId[];
  /** Stages this page cannot run yet, with the reason (e.g. an engine API that has not landed). */
  readonly pending: Readonly<Partial<Record<StageId, string>>>;
  readonly frames: number;
  /** Setup facts worth keeping (QR version, template bytes ...). */
  readonly facts: Readonly<Record<string, string | number | boolean>>;
}

export interface Batch {
  /** Milliseconds per run, in run order. */
  readonly ms: number[];
  /** Runs whose result was what the stage is for (a face found, a QR decoded, a valid verdict ...). */
  readonly ok: number;
  readonly jsHeapPeak: number;
  readonly wasmBytes: number;
}

export interface BenchPage {
  setup(): Promise<PageInfo>;
  /**
   * Runs `stage` `runs` times (after `warmup` untimed runs), cycling through the frames; stops early once `budgetMs`
   * of timed work is spent and at least 3 runs are in, so one slow peer at 6x cannot stall the whole run.
   */
  run(stage: StageId, runs: number, warmup: number, budgetMs: number): Promise<Batch>;
}

declare global {
  interface Window {
    __bench?: BenchPage;
    __benchError?: string;
  }
}
