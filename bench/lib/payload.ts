// Payload: the bytes a face check needs (eidkit's pinned models + the wasm runtime a cross-origin isolated page
// loads), their gzip size, and the site's service-worker precache. The models are quantised at install, each pinned
// (models/manifest.json `derived`, judged by scripts/quantise-equivalence.test.ts), so what is listed here is what ships.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DEFAULT_EMBEDDER, manifest, modelEntry } from '../../engine/index.ts';
import { EMBEDDERS } from '../../engine/face/embedders.ts';
import { OUT, SITE_OUT } from './prepare.ts';
import type { PayloadResult } from './results.ts';

/**
 * What the engine loads before a face match: detector, landmarks, the default embedder, and the wasm runtime it picks
 * (single-threaded SIMD: runtime/backend.ts turns threads off unless asked). The passive liveness models are listed
 * apart (PASSIVE_MODELS), since a face match alone does not need them.
 */
export const FACE_CHECK_MODELS: readonly string[] = ['blazeface', 'facemesh', EMBEDDERS[DEFAULT_EMBEDDER].modelId];

export const FACE_CHECK_WASM = 'tfjs-backend-wasm-simd.wasm';

const gzipBytes = (b: Uint8Array): number => gzipSync(b, { level: 9 }).length;

export function faceCheckFiles(): { file: string; path: string }[] {
  const dir = join(OUT, 'models');
  const files = FACE_CHECK_MODELS.flatMap((id) => modelEntry(id).files.map((f) => f.name));
  const wasm = manifest.runtime.flatMap((r) => r.files.map((f) => f.name)).filter((n) => n === FACE_CHECK_WASM);
  return [...files, ...wasm].map((file) => ({ file, path: join(dir, file) }));
}

/** Files the site's Workbox service worker precaches, read from the injected manifest in dist/site/sw.js. */
export function precache(siteDir = SITE_OUT): { bytes: number; files: number } | undefined {
  const sw = join(siteDir, 'sw.js');
  if (!existsSync(sw)) return undefined;
  const text = readFileSync(sw, 'utf8');
  // Workbox's injected manifest: [{"revision":...,"url":"..."}, ...] (quoted keys or not, depending on the minifier).
  const urls = [...new Set([...text.matchAll(/"?url"?\s*:\s*"([^"]+)"/g)].map((m) => m[1]!))];
  if (urls.length === 0) return undefined;
  let bytes = 0;
  for (const u of urls) {
    const p = join(siteDir, u.replace(/^\//, ''));
    if (existsSync(p)) bytes += readFileSync(p).length;
  }
  return { bytes, files: urls.length };
}

export function measurePayload(): PayloadResult {
  const files = faceCheckFiles().filter((f) => existsSync(f.path));
  const faceModels = files.map((f) => {
    const b = readFileSync(f.path);
    return { file: f.file, bytes: b.length, gzip: gzipBytes(b) };
  });
  const pc = precache();
  return {
    faceModels,
    faceModelBytes: faceModels.reduce((n, f) => n + f.bytes, 0),
    ...(pc ? { precacheBytes: pc.bytes, precacheFiles: pc.files } : {}),
    ...(pc ? {} : { note: 'The site has no service-worker precache manifest yet (dist/site/sw.js), so its precache size is not reported.' }),
  };
}
