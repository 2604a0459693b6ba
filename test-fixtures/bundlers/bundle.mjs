// Builds test-fixtures/bundlers' page (the integrator's worker snippet) from an app folder that installed the packed
// eidkit, with esbuild, Rollup or webpack, each as an integrator would configure it for a browser page:
//   esbuild, Rollup: bundle the page, copy the package's self-contained worker file beside it;
//   webpack: new Worker(new URL('eidkit/workers/face.worker.js', import.meta.url)) — webpack emits the worker itself.
// Tools come from the project's dev dependencies (`tools`: the project's node_modules); the app has only eidkit.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const PAGE = readFileSync(new URL('./page.js', import.meta.url), 'utf8');
const HTML = (script) => `<!doctype html><html><body><video muted playsinline></video><script type="module" src="./${script}"></script></body></html>\n`;

/**
 * Writes dist-<variant>/ in `app`; returns its folder. `esbuild-lean` is esbuild with the page importing
 * `eidkit/face-engine` (createFaceEngine alone) instead of `eidkit`.
 */
export async function bundlePage(variant, app, tools) {
  const bundler = variant.replace(/-lean$/, '');
  const out = join(app, `dist-${variant}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const require = createRequire(join(tools, 'package.json'));
  const load = async (name) => import(pathToFileURL(require.resolve(name)).href);
  const copiedWorker = "new Worker(new URL('./face.worker.js', import.meta.url), { type: 'module' })";
  const entry = join(app, `page-${variant}.js`);
  const worker = bundler === 'webpack' ? "new Worker(new URL('eidkit/workers/face.worker.js', import.meta.url), { type: 'module' })" : copiedWorker;
  const page = PAGE.replace('worker: __WORKER__,', `worker: ${worker},`);
  writeFileSync(entry, variant.endsWith('-lean') ? page.replace("from 'eidkit';", "from 'eidkit/face-engine';") : page);
  if (bundler !== 'webpack') copyFileSync(join(app, 'node_modules/eidkit/dist/workers/face.worker.js'), join(out, 'face.worker.js'));
  if (bundler === 'esbuild') {
    const esbuild = await load('esbuild');
    await esbuild.build({ entryPoints: [entry], bundle: true, format: 'esm', splitting: true, outdir: out, entryNames: 'page', platform: 'browser', target: 'es2022', logLevel: 'error', absWorkingDir: app });
  } else if (bundler === 'rollup') {
    const { rollup } = await load('rollup');
    const { default: resolve } = await load('@rollup/plugin-node-resolve');
    const { default: commonjs } = await load('@rollup/plugin-commonjs');
    const { default: json } = await load('@rollup/plugin-json');
    const bundle = await rollup({ input: entry, plugins: [resolve({ browser: true, rootDir: app }), commonjs(), json()], onwarn: () => undefined });
    await bundle.write({ dir: out, format: 'es', entryFileNames: 'page.js' });
    await bundle.close();
  } else if (bundler === 'webpack') {
    const { default: webpack } = await load('webpack');
    await new Promise((done, fail) =>
      webpack({ mode: 'production', context: app, entry, target: 'web', output: { path: out, filename: 'page.js', publicPath: 'auto' }, performance: { hints: false },
        // Production mode without minifying: terser on the 1 MB worker takes minutes on a loaded CI machine.
        optimization: { minimize: false }, resolve: { modules: [join(app, 'node_modules')] } }, (err, stats) => {
        if (err) return fail(err);
        if (stats.hasErrors()) return fail(new Error(stats.toString({ all: false, errors: true })));
        done();
      }),
    );
  } else throw new Error(`unknown bundler ${bundler}`);
  writeFileSync(join(out, 'index.html'), HTML('page.js'));
  return out;
}
