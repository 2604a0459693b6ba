import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths, setThreadsCount, getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { EidkitError } from '../errors.ts';

export type BackendName = 'wasm' | 'webgpu';

export interface BackendOptions {
  /** 'auto' (default): WebGPU when an adapter is there, else wasm. Tests force 'wasm'. */
  readonly prefer?: 'auto' | BackendName;
  /**
   * Folder (URL) holding the tfjs-backend-wasm*.wasm files, in browsers. `eidkit models copy` puts them beside the
   * models, so this is usually the models folder. In Node the installed package's own files are used.
   */
  readonly wasmBase?: string;
  /**
   * Wasm threads: a count, or 'auto' (default, one thread). tfjs 4.22 starts its pthreads from
   * `Function.prototype.toString()` of its threaded factory as a blob: script, which an app bundler's rewrite and a
   * `script-src 'self'` CSP both break (the threads die and the backend never started); eidkit's builds (the published
   * workers, the vendored tfjs) load the factory's own file from the models folder instead, so a count of 2+ on a
   * cross-origin isolated page starts the threaded build. It does not yet pay: in Chromium 150 its XNNPACK pool reports
   * one thread and runs slower than the single-threaded build (bench/results/threads.md), so 'auto' stays at one
   * thread, and so does any page that is not cross-origin isolated.
   */
  readonly threads?: number | 'auto';
}

export interface BackendReport {
  readonly backend: BackendName;
  readonly simd: boolean;
  readonly threads: number;
  readonly crossOriginIsolated: boolean;
}

let current: Promise<BackendReport> | undefined;

/** Chooses and initialises the tfjs backend once per realm (a worker, a page or a Node process). */
export function initBackend(options: BackendOptions = {}): Promise<BackendReport> {
  current ??= choose(options).catch((e: unknown) => {
    current = undefined;
    throw e;
  });
  return current;
}

async function choose(options: BackendOptions): Promise<BackendReport> {
  const prefer = options.prefer ?? 'auto';
  const isolated = globalThis.crossOriginIsolated === true;
  if (prefer !== 'wasm' && (await hasWebGpuAdapter())) {
    await import('@tensorflow/tfjs-backend-webgpu');
    if (await tf.setBackend('webgpu')) {
      await tf.ready();
      return { backend: 'webgpu', simd: false, threads: 0, crossOriginIsolated: isolated };
    }
  }
  if (prefer === 'webgpu') throw new EidkitError('runtime/no-webgpu', 'WebGPU was requested but this device has no WebGPU adapter.');
  const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined && typeof window === 'undefined' && typeof self === 'undefined';
  if (!isNode) {
    const base = options.wasmBase ?? '/models/';
    setWasmPaths(base.endsWith('/') ? base : `${base}/`);
  }
  const threads = threadCount(options.threads ?? 'auto', isolated);
  // Must be set before the backend initialises: it decides which wasm build (threaded or not) is loaded.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 1);
  if (threads > 1) setThreadsCount(threads);
  if (!(await tf.setBackend('wasm'))) {
    throw new EidkitError('runtime/no-wasm', 'The WebAssembly backend could not start on this device.');
  }
  await tf.ready();
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const multithread = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
  return { backend: 'wasm', simd, threads: multithread ? getThreadsCount() : 1, crossOriginIsolated: isolated };
}

/**
 * Set (to true) by eidkit's build plugin where it kept the threaded factory's source (scripts/lib/bundle.mjs):
 * the published workers, the vendored tfjs and the site's build.
 */
function threadsSafe(): boolean {
  return (globalThis as { __eidkitWasmThreads?: boolean }).__eidkitWasmThreads === true;
}

/** Whether 'auto' asks for threads: false while tfjs's threaded build is slower than its single-threaded one. */
const AUTO_THREADS_PAY = false;

/** The wasm thread count to ask for; 1 means the single-threaded build. */
export function threadCount(asked: number | 'auto', isolated: boolean, cores = globalThis.navigator?.hardwareConcurrency ?? 1, safe = threadsSafe()): number {
  if (!isolated) return 1;
  // Measured, not assumed: see the threads note above. `cores` and `safe` are kept for when a tfjs release pays.
  if (asked === 'auto') return safe && AUTO_THREADS_PAY ? Math.min(4, Math.max(1, Math.floor(cores / 2))) : 1;
  if (!Number.isInteger(asked) || asked < 1) throw new EidkitError('runtime/bad-option', `backend.threads must be 'auto' or a whole number of threads ≥ 1, got ${String(asked)}.`);
  return asked;
}

async function hasWebGpuAdapter(): Promise<boolean> {
  const gpu = (globalThis.navigator as (Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }) | undefined)?.gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) != null;
  } catch {
    return false;
  }
}
