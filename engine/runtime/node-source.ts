import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EidkitError } from '../errors.ts';
import type { ModelSource } from './model-source.ts';
import { manifest, type Manifest } from './manifest.ts';
import { readVerifiedFiles } from './load-model.ts';
import { deriveFiles } from './derive.ts';

/** Node: a folder filled by `eidkit models copy <dir>` (flat: every file name is unique). */
export function dirSource(dir: string): ModelSource {
  const root = resolve(dir);
  return {
    describe: root,
    async read(_entry, file, onBytes) {
      const bytes = await readOrExplain(join(root, file.name), file.name);
      onBytes?.(bytes.length);
      return bytes;
    },
  };
}

/**
 * Node: straight from the installed npm packages the manifest names (no copy needed), derived entries computed from
 * their source's files (derive.ts). Hashes are still checked by the loader, so a package that was swapped or patched
 * on disk, or a derivation that changed, is refused. `from` is the manifest derived entries find their source in.
 */
export function packageSource(from: Manifest = manifest): ModelSource {
  const require = createRequire(import.meta.url);
  const installed = (pkg: string): string | undefined => {
    try {
      return dirname(require.resolve(`${pkg}/package.json`));
    } catch {
      return undefined;
    }
  };
  // Derived entries are computed once per source from their source entry's verified files.
  const derived = new Map<string, Promise<Map<string, Uint8Array>>>();
  const source: ModelSource = {
    describe: 'installed npm packages',
    async read(entry, file, onBytes) {
      // The published package carries the default models (and the derived ones, already derived) in dist/models, so an
      // install needs no model package (and none of its tooling). A model package that is installed wins.
      if (!installed(entry.package)) {
        const shipped = join(PACKAGED_MODELS, file.name);
        if (existsSync(shipped)) {
          const bytes = await readOrExplain(shipped, file.name);
          onBytes?.(bytes.length);
          return bytes;
        }
      }
      if (entry.derivedFrom) {
        let files = derived.get(entry.id);
        if (!files) {
          const origin = [...from.runtime, ...from.models].find((e) => e.id === entry.derivedFrom!.id);
          if (!origin) throw new EidkitError('runtime/unknown-model', `Model ${entry.id} is derived from '${entry.derivedFrom.id}', which the manifest does not list.`, { id: entry.id });
          // The whole entry, even when only some of its files are asked for (copyModels repairing one file).
          const whole = [...from.runtime, ...from.models].find((e) => e.id === entry.id) ?? entry;
          files = readVerifiedFiles(origin, source).then((f) => deriveFiles(whole, origin, f));
          files.catch(() => derived.delete(entry.id));
          derived.set(entry.id, files);
        }
        const bytes = (await files).get(file.name);
        if (!bytes) throw new EidkitError('runtime/model-missing', `Derived model ${entry.id} has no file ${file.name}.`, { id: entry.id });
        onBytes?.(bytes.length);
        return bytes;
      }
      const root = installed(entry.package);
      if (!root) {
        const hint = entry.optional ? ` ${entry.id} is optional and not shipped with eidkit: npm install ${entry.package}.` : ' Run npm install.';
        throw new EidkitError('runtime/model-package-missing', `The npm package ${entry.package} is not installed and eidkit's own copy of ${file.name} is missing.${hint}`, { package: entry.package });
      }
      const bytes = await readOrExplain(join(root, entry.dir, file.name), file.name);
      onBytes?.(bytes.length);
      return bytes;
    },
  };
  return source;
}

/** dist/models of the installed package (this file is dist/engine/runtime/node-source.js there). */
const PACKAGED_MODELS = fileURLToPath(new URL('../../models/', import.meta.url));

async function readOrExplain(path: string, name: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (cause) {
    throw new EidkitError('runtime/model-missing', `Model file ${name} was not found at ${path}.`, { path }, { cause });
  }
}
