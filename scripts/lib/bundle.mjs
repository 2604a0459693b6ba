// Bundles the published workers: each of dist/workers/{face,qr}.worker.js is one self-contained ES module with every
// dependency (tfjs, comlink, the QR readers) inside it, so an app's bundler has nothing to resolve, pre-bundle or
// rewrite in it: Vite's `?worker` (dev server and build), `new Worker(new URL(…, import.meta.url), { type: 'module' })`
// in webpack/Rollup/esbuild, or a plain `new Worker('/path/face.worker.js', { type: 'module' })` all load the same file.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * tfjs-backend-wasm starts its wasm threads (pthreads) by handing each one a Blob of
 * `'var WasmBackendModuleThreadedSimd = ' + factory.toString()` to importScripts. That breaks twice: once bundled,
 * `toString()` gives the bundler's rewrite of the function, whose free variables (`_scriptDir`, a `require` shim) do
 * not exist in the thread; and a page whose CSP allows scripts only from 'self' (ours, and the one we tell integrators
 * to use) refuses to importScripts a blob: URL. Here each thread instead loads the Emscripten glue's own, unmodified
 * file from the folder the wasm files come from (`setWasmPaths`, i.e. the models folder: the manifest pins it as
 * `tfjs-wasm-threads`, and `eidkit models copy` puts it there). The flag set at the end tells runtime/backend.ts that
 * threads are safe in this build, so `threads: 'auto'` may use them.
 */
export function wasmThreadsPlugin() {
  return {
    name: 'eidkit-wasm-threads',
    setup(build) {
      build.onLoad({ filter: /tfjs-backend-wasm[\\/]dist[\\/]backend_wasm\.js$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        return { contents: patchBackendWasm(source), loader: 'js' };
      });
    },
  };
}

export const THREADS_GLUE = 'tfjs-backend-wasm-threaded-simd.js';

/** The source transformation itself, shared by the esbuild plugin and the site's Vite plugin. */
export function patchBackendWasm(source) {
  const blob = /new Blob\(\[`var WasmBackendModuleThreadedSimd = ` \+\s*wasmFactoryThreadedSimd\.toString\(\)\], \{ type: 'text\/javascript' \}\)/;
  if (!blob.test(source) || !/let wasmPathPrefix = null;/.test(source)) {
    throw new Error('tfjs-backend-wasm changed: the threaded factory Blob is no longer built from toString(); revisit scripts/lib/bundle.mjs');
  }
  const url = `new URL((typeof wasmPathPrefix === 'string' ? wasmPathPrefix : '') + ${JSON.stringify(THREADS_GLUE)}, self.location.href).href`;
  return `${source.replace(blob, url)}\nglobalThis.__eidkitWasmThreads = true;\n`;
}

/** Builds dist/workers/*.worker.js from workers/*.worker.ts. Type declarations come from tsc. */
export async function bundleWorkers(root) {
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: root,
    entryPoints: { 'face.worker': 'workers/face.worker.ts', 'qr.worker': 'workers/qr.worker.ts' },
    outdir: join(root, 'dist/workers'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'eof',
    // Node-only branches of the Emscripten glue and tfjs-core; the packages' own `browser` fields map most of them.
    external: ['fs', 'path', 'os', 'crypto', 'worker_threads', 'perf_hooks', 'util', 'node-fetch'],
    // A worker has no __filename. The Emscripten glue reads it when `typeof __filename` says it exists, and webpack
    // (rebundling the worker for an app) answers that typeof for a browser target while leaving the name unbound:
    // "ReferenceError: __filename is not defined". Binding it to undefined here keeps the glue on its browser path.
    define: { 'process.env.NODE_ENV': '"production"', __filename: 'undefined' },
    plugins: [wasmThreadsPlugin()],
    metafile: true,
    logLevel: 'warning',
  });
  return Object.fromEntries(Object.entries(result.metafile.outputs).map(([file, o]) => [file, o.bytes]));
}
