#!/usr/bin/env node
// Maintainer tool: after a deliberate upgrade of a model or runtime package, recompute the SHA-256 and size of every
// file named in models/manifest.json from node_modules and write them back; derived entries (uint8 copies) are
// computed from their freshly pinned source. Review the diff before committing it: the manifest is the pin that
// `eidkit models copy` and the runtime loader enforce. Run with tsx (the derivation is TypeScript):
//   node --import tsx scripts/pin-models.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deriveFiles } from '../engine/runtime/derive.ts';

const require = createRequire(import.meta.url);
const manifestPath = new URL('../models/manifest.json', import.meta.url);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const entries = [...manifest.runtime, ...manifest.models];
const pin = (file, bytes) => {
  file.sha256 = createHash('sha256').update(bytes).digest('hex');
  file.bytes = bytes.length;
};
const read = (entry) => {
  const root = dirname(require.resolve(`${entry.package}/package.json`));
  return new Map(entry.files.map((f) => [f.name, new Uint8Array(readFileSync(join(root, entry.dir, f.name)))]));
};

for (const entry of entries.filter((e) => !e.derivedFrom)) {
  const files = read(entry);
  for (const file of entry.files) pin(file, files.get(file.name));
}
for (const entry of entries.filter((e) => e.derivedFrom)) {
  const source = entries.find((e) => e.id === entry.derivedFrom.id);
  const files = deriveFiles(entry, source, read(source));
  for (const file of entry.files) pin(file, files.get(file.name));
}
writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
console.log('pinned', entries.map((e) => e.id).join(', '));
