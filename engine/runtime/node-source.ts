import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { EidkitError } from '../errors.ts';
import type { ModelSource } from './model-source.ts';

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
 * Node: straight from the installed npm packages the manifest names (no copy needed). Hashes are still checked
 * by the loader, so a package that was swapped or patched on disk is refused.
 */
export function packageSource(): ModelSource {
  const require = createRequire(import.meta.url);
  return {
    describe: 'installed npm packages',
    async read(entry, file, onBytes) {
      let root: string;
      try {
        root = dirname(require.resolve(`${entry.package}/package.json`));
      } catch (cause) {
        throw new EidkitError('runtime/model-package-missing', `The npm package ${entry.package} is not installed; run npm install.`, { package: entry.package }, { cause });
      }
      const bytes = await readOrExplain(join(root, entry.dir, file.name), file.name);
      onBytes?.(bytes.length);
      return bytes;
    },
  };
}

async function readOrExplain(path: string, name: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (cause) {
    throw new EidkitError('runtime/model-missing', `Model file ${name} was not found at ${path}.`, { path }, { cause });
  }
}
