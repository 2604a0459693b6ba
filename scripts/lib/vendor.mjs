// tfjs is vendored into the published package instead of being a dependency: an integrator's install then carries
// neither tfjs's 100 MB of builds, source maps and type packages nor the model packages' tooling (eslint, cloud SDKs).
//
//   dist/vendor/browser/*.js  tfjs-core, -converter, -backend-wasm, -backend-webgpu as ES modules, one shared copy of
//                             tfjs-core between them (esbuild code splitting), for bundlers and browsers
//   dist/vendor/node/*.js     the same for Node (Node built-ins kept, the wasm files beside the Emscripten glue)
//   dist/vendor/tfjs.d.ts     opaque stand-ins for the few tfjs types the published declarations name
//
// The built engine (tsc's per-file output in dist/engine) imports them as `#tfjs/<package>`, which the package's
// "imports" field maps per condition (node / default). Its .d.ts files import the stand-ins by relative path, so
// strict type checking of an app needs no tfjs types (and sees no `Long`).
import { readFile, writeFile, readdir, copyFile, mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { wasmThreadsPlugin } from './bundle.mjs';

export const TFJS = ['tfjs-core', 'tfjs-converter', 'tfjs-backend-wasm', 'tfjs-backend-webgpu'];
const SPEC = new RegExp(`(['"])@tensorflow/(${TFJS.join('|')})\\1`, 'g');

export async function vendorTfjs(root) {
  const { build } = await import('esbuild');
  const require = createRequire(join(root, 'package.json'));
  const out = join(root, 'dist/vendor');
  await rm(out, { recursive: true, force: true });
  const entryPoints = Object.fromEntries(TFJS.map((p) => [p, `@tensorflow/${p}`]));
  const common = {
    absWorkingDir: root,
    entryPoints,
    bundle: true,
    splitting: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    legalComments: 'eof',
    chunkNames: 'chunk-[hash]',
    plugins: [wasmThreadsPlugin()],
    logLevel: 'warning',
  };
  await build({
    ...common,
    outdir: join(out, 'browser'),
    platform: 'browser',
    external: ['fs', 'path', 'os', 'crypto', 'worker_threads', 'perf_hooks', 'util', 'node-fetch'],
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  await build({
    ...common,
    outdir: join(out, 'node'),
    platform: 'node',
    // The packages' ES builds (their `main` is a CommonJS bundle, which would give only a default export).
    mainFields: ['module', 'main'],
    // tfjs-core's fallback for a Node without fetch (Node 20 has one); never loaded.
    external: ['node-fetch'],
    banner: {
      js: [
        "import { createRequire as __eidkitRequire } from 'node:module';",
        "import { fileURLToPath as __eidkitPath } from 'node:url';",
        'const require = __eidkitRequire(import.meta.url);',
        'const __filename = __eidkitPath(import.meta.url);',
        "const __dirname = __eidkitPath(new URL('.', import.meta.url));",
      ].join('\n'),
    },
  });
  // Emscripten's Node glue reads its .wasm from beside itself.
  const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  for (const f of await readdir(wasmDir)) if (f.endsWith('.wasm')) await copyFile(join(wasmDir, f), join(out, 'node', f));
}

/** Points the built engine's tfjs imports at the vendored copies; its declarations at the opaque stand-ins. */
export async function relinkEngine(root) {
  const engine = join(root, 'dist/engine');
  const types = new Set();
  for (const file of await walk(engine)) {
    const text = await readFile(file, 'utf8');
    if (!SPEC.test(text)) continue;
    SPEC.lastIndex = 0;
    if (file.endsWith('.d.ts')) {
      const rel = relative(dirname(file), join(root, 'dist/vendor/tfjs.js')).split(sep).join('/');
      for (const m of text.matchAll(/\btf\.([A-Z]\w*)/g)) types.add(m[1]);
      for (const m of text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+['"]@tensorflow\//g)) {
        for (const name of m[1].split(',')) {
          const n = name.replace(/^\s*type\s+/, '').split(/\s+as\s+/)[0].trim();
          if (n) types.add(n);
        }
      }
      await writeFile(file, text.replace(SPEC, (_, q) => `${q}${rel.startsWith('.') ? rel : `./${rel}`}${q}`).replace(/import \* as tf from/g, 'import type * as tf from'));
    } else {
      await writeFile(file, text.replace(SPEC, (_, q, pkg) => `${q}#tfjs/${pkg}${q}`));
    }
  }
  await mkdir(join(root, 'dist/vendor'), { recursive: true });
  const stub = [
    '// Opaque stand-ins for the tfjs types that eidkit\'s declarations name (internal model and tensor handles).',
    '// tfjs itself is vendored (dist/vendor/{browser,node}); its own types are not part of eidkit\'s API.',
    ...[...types].sort().map((t) => `export interface ${t} { readonly __tfjs: '${t}'; }`),
    '',
  ].join('\n');
  await writeFile(join(root, 'dist/vendor/tfjs.d.ts'), stub);
  await writeFile(join(root, 'dist/vendor/tfjs.js'), 'export {};\n');
  return [...types];
}

async function walk(dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (/\.(js|d\.ts)$/.test(e.name)) out.push(p);
  }
  return out;
}
