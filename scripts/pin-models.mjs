#!/usr/bin/env node
// Maintainer tool: after a deliberate upgrade of a model or runtime package, recompute the SHA-256 and size of every
// file named in models/manifest.json from node_modules and write them back. Review the diff before committing it:
// the manifest is the pin that `eidkit models copy` and the runtime loader enforce.
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const manifestPath = new URL('../models/manifest.json', import.meta.url);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));

for (const entry of [...manifest.runtime, ...manifest.models]) {
  const root = dirname(require.resolve(`${entry.package}/package.json`));
  for (const file of entry.files) {
    const bytes = readFileSync(join(root, entry.dir, file.name));
    file.sha256 = createHash('sha256').update(bytes).digest('hex');
    file.bytes = bytes.length;
  }
}
writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
console.log('pinned', [...manifest.runtime, ...manifest.models].map((e) => e.id).join(', '));
