/**
 * Which tfjs wasm binary this browser runs: the engine uses the single-threaded build (engine/runtime/backend.ts), SIMD
 * where the browser validates SIMD code, the plain one elsewhere. The probe is the one tfjs-backend-wasm itself uses
 * (WASM_HAS_SIMD_SUPPORT, from wasm-feature-detect), so the page's prefetch and the service worker's precache fetch the
 * one binary tfjs will ask for, never both.
 */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11]);

export const WASM_SIMD_FILE = 'tfjs-backend-wasm-simd.wasm';
export const WASM_PLAIN_FILE = 'tfjs-backend-wasm.wasm';

export function wasmRuntimeFile(): string {
  try {
    return WebAssembly.validate(SIMD_PROBE) ? WASM_SIMD_FILE : WASM_PLAIN_FILE;
  } catch {
    return WASM_PLAIN_FILE;
  }
}

/** The wasm runtime files this browser will not load (the threaded build, and the SIMD or plain one it does not pick). */
export function unusedWasmFiles(all: readonly string[]): string[] {
  const used = wasmRuntimeFile();
  return all.filter((name) => name.startsWith('tfjs-backend-wasm') && name.endsWith('.wasm') && name !== used);
}
