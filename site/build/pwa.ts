/**
 * Build step for the PWA: bundles site/sw.ts into dist/site/sw.js and injects Workbox's precache list into it. The list
 * holds every built asset plus the wasm runtime and the models the site uses. Models are listed from the pinned model
 * manifest (they are copied into dist/site/models after the Vite build), with the manifest's SHA-256 as the revision and
 * as Subresource Integrity, so the browser itself refuses a tampered model file at install time. Also writes 404.html
 * (the app shell) for static hosts that serve it for unknown paths.
 */
import { createHash } from 'node:crypto';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build, type Plugin } from 'vite';
import { injectManifest } from 'workbox-build';
import { siteModels } from '../pwa/models.ts';

/** Largest file precached from the build output; models are listed separately and are far larger than Workbox's 2 MiB. */
const MAX_PRECACHE_BYTES = 32 * 1024 * 1024;

interface ManifestFile {
  readonly name: string;
  readonly sha256: string;
  readonly bytes: number;
}
interface ModelManifest {
  readonly runtime: readonly { readonly id: string; readonly files: readonly ManifestFile[] }[];
  readonly models: readonly { readonly id: string; readonly optional?: boolean; readonly files: readonly ManifestFile[] }[];
}

export async function modelPrecacheEntries(manifestPath: string, only?: readonly string[]) {
  const text = await readFile(manifestPath, 'utf8');
  const manifest = JSON.parse(text) as ModelManifest;
  const models = only ?? siteModels(manifest.models).map((m) => m.id);
  const missing = models.filter((id) => !manifest.models.some((m) => m.id === id));
  if (missing.length) throw new Error(`site/build/pwa.ts: models not in ${manifestPath}: ${missing.join(', ')}`);
  // The engine runs the single-threaded wasm build (SIMD, or plain where SIMD is missing) unless an integrator asks
  // for threads, so the threaded binary is not listed; sw.ts drops the one of the other two this browser will not use.
  const runtime = manifest.runtime.flatMap((r) => r.files).filter((f) => !f.name.includes('threaded'));
  const files = [...runtime, ...manifest.models.filter((m) => models.includes(m.id)).flatMap((m) => m.files)];
  const entry = (f: ManifestFile) => ({
    url: `/models/${f.name}`,
    revision: f.sha256,
    integrity: `sha256-${Buffer.from(f.sha256, 'hex').toString('base64')}`,
  });
  // The copy step rewrites manifest.json from the same data, so hash the source for its revision; no SRI, as its
  // formatting is the copy step's business.
  const manifestRevision = createHash('sha256').update(text).digest('hex');
  return {
    entries: [...files.map(entry), { url: '/models/manifest.json', revision: manifestRevision }],
    bytes: files.reduce((n, f) => n + f.bytes, 0),
  };
}

export function pwaPlugin(options: { swSource: string; modelManifest: string }): Plugin {
  let outDir = '';
  let root = '';
  return {
    name: 'eidkit-pwa',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
      root = config.root;
    },
    async closeBundle() {
      await build({
        configFile: false,
        root,
        logLevel: 'warn',
        publicDir: false,
        define: { 'process.env.NODE_ENV': JSON.stringify('production') },
        build: {
          outDir,
          emptyOutDir: false,
          target: 'es2022',
          minify: true,
          rollupOptions: {
            input: options.swSource,
            output: { format: 'iife', entryFileNames: 'sw.js' },
          },
        },
      });
      const models = await modelPrecacheEntries(options.modelManifest);
      const swPath = join(outDir, 'sw.js');
      const result = await injectManifest({
        swSrc: swPath,
        swDest: swPath,
        globDirectory: outDir,
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest,json,wasm}'],
        // trust/ is the verifier's trust file: network-first at run time (sw.ts), so an update reaches verifiers.
        // rp/ and its entry chunk are the demo relying party (another origin's page): not the wallet's to cache.
        globIgnores: ['sw.js', 'models/**', '404.html', 'trust/**', 'rp/**', 'assets/court-*'],
        // Hashed file names are their own revision.
        dontCacheBustURLsMatching: /^assets\/.+-[A-Za-z0-9_-]{8}\.[a-z]+$/,
        additionalManifestEntries: models.entries,
        maximumFileSizeToCacheInBytes: MAX_PRECACHE_BYTES,
      });
      for (const w of result.warnings) this.warn(w);
      await copyFile(join(outDir, 'index.html'), join(outDir, '404.html'));
      this.info?.(`precache: ${result.count} files from the build (${result.size} bytes) + ${models.entries.length} model files (${models.bytes} bytes)`);
    },
  };
}
