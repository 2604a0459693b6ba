import { EidkitError } from '../errors.ts';
import type { ManifestEntry, ManifestFile } from './manifest.ts';

/** Where model and runtime files are read from. Browsers read a same-origin folder; Node reads the disk. */
export interface ModelSource {
  /** Human-readable origin for error messages, e.g. the base URL or folder. */
  readonly describe: string;
  /** Reads one file; `onBytes` receives the running count of bytes read, for progress bars. */
  read(entry: ManifestEntry, file: ManifestFile, onBytes?: (loaded: number) => void): Promise<Uint8Array>;
}

/**
 * Files served from one folder (`eidkit models copy <dir>` fills it). The base URL should be same-origin: the
 * engine never loads a model from another origin (see site/docs/privacy.md), so a cross-origin base is refused.
 */
export function urlSource(baseUrl: string | URL, fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis)): ModelSource {
  const base = new URL(String(baseUrl).endsWith('/') ? String(baseUrl) : `${String(baseUrl)}/`, globalThis.location?.href);
  if (globalThis.location && base.origin !== globalThis.location.origin) {
    throw new EidkitError('runtime/cross-origin-models', `Models must be served from this site's own origin, not ${base.origin}.`, {
      base: base.href,
    });
  }
  return {
    describe: base.href,
    async read(_entry, file, onBytes) {
      const url = new URL(file.name, base);
      let response: Response;
      try {
        response = await fetchImpl(url);
      } catch (cause) {
        throw new EidkitError('runtime/model-fetch', `Could not download ${file.name}: the network request failed.`, { url: url.href }, { cause });
      }
      if (!response.ok) {
        throw new EidkitError('runtime/model-fetch', `Could not download ${file.name}: HTTP ${response.status}.`, {
          url: url.href,
          status: response.status,
        });
      }
      return readBody(response, file.bytes, onBytes);
    },
  };
}

async function readBody(response: Response, expected: number, onBytes?: (loaded: number) => void): Promise<Uint8Array> {
  if (!response.body || !onBytes) return new Uint8Array(await response.arrayBuffer());
  // Stream into one preallocated buffer so progress can be reported without keeping chunk copies around.
  const out = new Uint8Array(expected);
  let loaded = 0;
  const chunks: Uint8Array[] = [];
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.length <= out.length) out.set(value, loaded);
    else chunks.push(value); // larger than the manifest says: the hash check will refuse it, keep the bytes for that
    loaded += value.length;
    onBytes(loaded);
  }
  if (loaded === expected && chunks.length === 0) return out;
  const all = new Uint8Array(loaded);
  all.set(out.subarray(0, Math.min(loaded, out.length)));
  let at = Math.min(loaded, out.length);
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}
