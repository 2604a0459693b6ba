// The shape of one bench run as stored in bench/results/<date>-<commit>.json. Plain data, so a later run (or a chart
// of the history) can read every earlier file.
import type { LibraryId, PageInfo, StageId } from '../pages/protocol.ts';
import type { Summary } from './stats.ts';

export const RESULT_SCHEMA = 1;

export interface StageResult extends Summary {
  readonly library: LibraryId;
  readonly stage: StageId;
  /** CPU throttling factor (CDP Emulation.setCPUThrottlingRate). */
  readonly throttle: number;
  /** Runs that produced what the stage is for (a face found, the QR decoded, a valid verdict ...). */
  readonly ok: number;
  /** Raw times in ms (0.1 ms), run order. */
  readonly samples: readonly number[];
}

export interface MemoryResult {
  readonly library: LibraryId;
  /** Highest performance.memory.usedJSHeapSize seen during the stage runs. */
  readonly jsHeapPeak: number;
  /** tfjs wasm linear memory after the runs (it only grows: this is its peak). */
  readonly wasmBytes: number;
}

export interface StartupResult {
  /** What was loaded: the site's verify page, or a bench page standing in until the site has one. */
  readonly target: string;
  readonly throttle: number;
  readonly network: 'none' | 'slow-4g';
  readonly visit: 'cold' | 'repeat-offline';
  /** ms from navigation start to each readiness signal; undefined = not reached within the timeout. */
  readonly readyToScanMs?: number;
  readonly faceReadyMs?: number;
  /** Response bytes (headers + body, as transferred) finished before each signal, and in all. */
  readonly bytesBeforeScanReady?: number;
  readonly bytesBeforeFaceReady?: number;
  readonly bytesTotal: number;
  readonly requests: number;
  readonly jsHeapPeak?: number;
  /** Cold visits: every response that crossed the link (bytes as carried), in the order they finished. */
  readonly transfers?: readonly StartupTransfer[];
  readonly note?: string;
}

export interface StartupTransfer {
  readonly path: string;
  readonly bytes: number;
  /** ms from the page's navigation start to the last byte. */
  readonly endMs: number;
  /** The service worker's own fetches (its precache) or the page's (and its dedicated workers'). */
  readonly by: 'page' | 'service-worker';
  readonly encoding?: string;
}

export interface PayloadResult {
  /** Files eidkit needs before a face check (models + wasm), bytes as served and gzip -9 estimates. */
  readonly faceModels: readonly { readonly file: string; readonly bytes: number; readonly gzip: number }[];
  readonly faceModelBytes: number;
  /** Service-worker precache of the built site, when the site has one. */
  readonly precacheBytes?: number;
  readonly precacheFiles?: number;
  readonly note?: string;
}

export type TargetStatus = 'PASS' | 'MISS' | 'PENDING';

export interface TargetResult {
  readonly id: string;
  /** What is measured, in words. */
  readonly label: string;
  /** The goal as written in the issue, e.g. "≤ 600 ms". */
  readonly goal: string;
  /** The measured value, formatted; '—' when pending. */
  readonly value: string;
  readonly status: TargetStatus;
  readonly note?: string;
}

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  readonly node: string;
  readonly chromium: string;
}

export interface BenchResult {
  readonly schema: typeof RESULT_SCHEMA;
  readonly date: string;
  readonly commit: string;
  /** The tree had uncommitted changes (other helpers' work in progress is part of what was measured). */
  readonly dirty: boolean;
  readonly mode: 'quick' | 'partial' | 'full';
  readonly durationSeconds: number;
  readonly machine: MachineInfo;
  readonly throttles: readonly number[];
  readonly libraries: readonly PageInfo[];
  readonly stages: readonly StageResult[];
  readonly memory: readonly MemoryResult[];
  readonly startup: readonly StartupResult[];
  readonly payload: PayloadResult;
  readonly targets: readonly TargetResult[];
  readonly notes: readonly string[];
}

export function findStage(r: Pick<BenchResult, 'stages'>, library: LibraryId, stage: StageId, throttle: number): StageResult | undefined {
  return r.stages.find((s) => s.library === library && s.stage === stage && s.throttle === throttle);
}

/** `<date>-<commit>.json`, date in UTC (YYYY-MM-DD), commit abbreviated to 7; `-dirty` when the tree was not clean. */
export function resultFileName(r: Pick<BenchResult, 'date' | 'commit' | 'dirty'>): string {
  return `${r.date.slice(0, 10)}-${r.commit.slice(0, 7)}${r.dirty ? '-dirty' : ''}.json`;
}
