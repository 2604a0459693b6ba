import { expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// The published package is the engine, the workers, their types and the model manifest: never the site, tests,
// fixtures or model binaries (those come from their own npm packages at install time).
test('npm pack contains the built engine, workers, types and models manifest, and nothing else', () => {
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
    'dist/models/manifest.json',
  ]));
  const unexpected = files.filter(
    (f) => !['package.json', 'README.md', 'LICENSE', 'dist/models/manifest.json'].includes(f) && !/^dist\/(engine|workers)\/.+\.(js|d\.ts)$/.test(f),
  );
  expect(unexpected).toEqual([]);
  expect(files.filter((f) => /\.test\.|\.bin$|\.wasm$|^site\/|^dist\/site\/|fixtures/.test(f))).toEqual([]);
});
