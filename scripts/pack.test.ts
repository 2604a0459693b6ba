import { expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Entry {
  readonly optional?: boolean;
  readonly files: readonly { name: string }[];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// The published package is the engine, the workers, their types, vendored tfjs and the default models (copied,
// hash-checked, from their npm packages at build time): never the site, tests, fixtures, or optional models.
test('npm pack contains the built engine, workers, types, vendored tfjs and default models, and nothing else', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const [pkg] = JSON.parse(out) as [{ files: { path: string }[] }];
  const files = pkg.files.map((f) => f.path);
  expect(files).toEqual(expect.arrayContaining([
    'package.json',
    'README.md',
    'LICENSE',
    'dist/engine/index.js',
    'dist/engine/index.d.ts',
    'dist/engine/node.js',
    'dist/engine/cli/main.js',
    'dist/engine/face/index.d.ts',
    'dist/workers/face.worker.js',
    'dist/vendor/browser/tfjs-core.js',
    'dist/vendor/node/tfjs-core.js',
    'dist/vendor/tfjs.d.ts',
    'dist/models/manifest.json',
  ]));
  const manifest = JSON.parse(readFileSync(join(ROOT, 'models/manifest.json'), 'utf8')) as { runtime: Entry[]; models: Entry[] };
  const entries = [...manifest.runtime, ...manifest.models];
  const shipped = new Set(entries.filter((e) => !e.optional).flatMap((e) => e.files.map((f) => `dist/models/${f.name}`)));
  const optional = entries.filter((e) => e.optional).flatMap((e) => e.files.map((f) => `dist/models/${f.name}`)).filter((f) => !shipped.has(f));
  expect(files).toEqual(expect.arrayContaining([...shipped]));
  expect(files.filter((f) => optional.includes(f))).toEqual([]);
  const unexpected = files.filter(
    (f) =>
      !['package.json', 'README.md', 'LICENSE', 'dist/models/manifest.json'].includes(f) &&
      !shipped.has(f) &&
      !/^dist\/(engine|workers|vendor)\/.+\.(js|d\.ts)$/.test(f) &&
      !/^dist\/vendor\/node\/[\w-]+\.wasm$/.test(f),
  );
  expect(unexpected).toEqual([]);
  expect(files.filter((f) => /\.test\.|^site\/|^dist\/site\/|fixtures/.test(f))).toEqual([]);
  const meta = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string>; dependencies: Record<string, string> };
  expect(meta.scripts.prepare, 'no install-time script: the package ships no scripts/').toBeUndefined();
  expect(Object.keys(meta.dependencies).filter((d) => /^@tensorflow\/|^@vladmandic\//.test(d)), 'tfjs and models are vendored, not dependencies').toEqual([]);
});
