// Bundles the published workers: each of dist/workers/{face,qr}.worker.js is one self-contained ES module with every
// dependency (tfjs, comlink, the QR readers) inside it, so an app's bundler has nothing to resolve, pre-bundle or
// rewrite in it: Vite's `?worker` (dev server and build), `new Worker(new URL(…, import.meta.url), { type: 'module' })`
// in webpack/Rollup/esbuild, or a plain `new Worker('/path/face.worker.js', { type: 'module' })` all load the same file.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';

/**
 * tfjs-backend-wasm starts its wasm threads (pthreads) by handing each one a Blob of
 * `'var WasmBackendModuleThreadedSimd = ' + factory.toString()`. Once bundled, `toString()` gives the bundler's rewrite
 * of the function, whose free variables (`_scriptDir`, the bundler's `require` shim) do not exist in the pthread, so
 * every thread dies and the backend never starts. Here the Blob gets the Emscripten glue's own source text instead,
 * which defines that variable itself, whatever the bundler did to the copy the page runs.
 */
export function wasmThreadsPlugin() {
  const require = createRequire(import.meta.url);
  return {
    name: 'eidkit-wasm-threads',
    setup(build) {
      build.onLoad({ filter: /tfjs-backend-wasm[\\/]dist[\\/]backend_wasm\.js$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const glue = await readFile(join(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'), '..', 'wasm-out/tfjs-backend-wasm-threaded-simd.js'), 'utf8');
        const call = /`var WasmBackendModuleThreadedSimd = ` \+\s*wasmFactoryThreadedSimd\.toString\(\)/;
        if (!call.test(source)) throw new Error('tfjs-backend-wasm changed: the threaded factory Blob is no longer built from toString(); revisit scripts/lib/bundle.mjs');
        return { contents: source.replace(call, JSON.stringify(glue)), loader: 'js' };
      });
    },
  };
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
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [wasmThreadsPlugin()],
    metafile: true,
    logLevel: 'warning',
  });
  return Object.fromEntries(Object.entries(result.metafile.outputs).map(([file, o]) => [file, o.bytes]));
}
