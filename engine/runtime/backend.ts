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
   * Wasm threads. Default 1: tfjs 4.22 builds its pthread worker from `Function.prototype.toString()` of its threaded
   * factory, which breaks once an app bundler has rewritten that code (the workers die with an importScripts error
   * and the backend never starts). Ask for 2+ only in an unbundled setup, on a cross-origin isolated page. On a
   * 2-core phone tfjs would pick one thread anyway (half the cores).
   */
  readonly threads?: number;
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
  const wantThreads = (options.threads ?? 1) > 1 && isolated;
  // Must be set before the backend initialises: it decides which wasm build (threaded or not) is loaded.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', wantThreads);
  if (wantThreads) setThreadsCount(options.threads!);
  if (!(await tf.setBackend('wasm'))) {
    throw new EidkitError('runtime/no-wasm', 'The WebAssembly backend could not start on this device.');
  }
  await tf.ready();
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const multithread = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
  return { backend: 'wasm', simd, threads: multithread ? getThreadsCount() : 1, crossOriginIsolated: isolated };
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
