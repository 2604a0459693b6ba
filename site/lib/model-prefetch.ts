/**
 * Fetches the face models in the background once the page is usable, with progress, so "check the face" is ready
 * by the time a verifier needs it. The files land in the service worker's precache / the HTTP cache; the face engine
 * still reads and hash-checks them itself when it loads. Same-origin only, and nothing is sent but the file names.
 */
import { createSignal } from 'solid-js';
import { siteModels } from '../pwa/models.ts';
import { wasmRuntimeFile } from '../pwa/wasm-variant.ts';

export interface ModelProgress {
  readonly loaded: number;
  readonly total: number;
  readonly state: 'idle' | 'loading' | 'done' | 'error';
}

const [progress, setProgress] = createSignal<ModelProgress>({ loaded: 0, total: 0, state: 'idle' });
export { progress as modelProgress };

interface ManifestLike {
  readonly runtime: readonly { readonly files: readonly { readonly name: string; readonly bytes: number }[] }[];
  readonly models: readonly { readonly id: string; readonly optional?: boolean; readonly files: readonly { readonly name: string; readonly bytes: number }[] }[];
}

async function readAll(url: string, onChunk: (n: number) => void): Promise<void> {
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new Error(`${url}: HTTP ${res.status}`);
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    onChunk(value.length);
  }
}

let started: Promise<void> | undefined;
export function prefetchModels(base = '/models/'): Promise<void> {
  started ??= (async () => {
    try {
      const manifest = (await (await fetch(`${base}manifest.json`)).json()) as ManifestLike;
      // The one wasm binary tfjs will load in this browser (single-threaded; SIMD where supported).
      const wasm = wasmRuntimeFile();
      const files = [
        ...manifest.runtime.flatMap((r) => r.files).filter((f) => f.name === wasm),
        ...siteModels(manifest.models).flatMap((m) => m.files),
      ];
      const total = files.reduce((n, f) => n + f.bytes, 0);
      let loaded = 0;
      setProgress({ loaded, total, state: 'loading' });
      // Two at a time: enough to fill a slow link without starving anything else the page asks for.
      const queue = [...files];
      const worker = async () => {
        for (let f = queue.shift(); f; f = queue.shift()) {
          await readAll(`${base}${f.name}`, (n) => {
            loaded += n;
            setProgress({ loaded: Math.min(loaded, total), total, state: 'loading' });
          });
        }
      };
      await Promise.all([worker(), worker()]);
      setProgress({ loaded: total, total, state: 'done' });
    } catch (e) {
      console.warn('model prefetch failed', e);
      setProgress((p) => ({ ...p, state: 'error' }));
    }
  })();
  return started;
}
