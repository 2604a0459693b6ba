import { expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

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
      !['package.json', 'README.md', 'LICENSE', 'dist/models/manifest.json', 'bench/results/latest.md', 'bench/results/latest.svg'].includes(f) &&
      !/^site\/docs\/[\w-]+\.md$/.test(f) &&
      !shipped.has(f) &&
      !/^dist\/(engine|workers|vendor)\/.+\.(js|d\.ts)$/.test(f) &&
      !/^dist\/vendor\/node\/[\w-]+\.wasm$/.test(f),
  );
  expect(unexpected).toEqual([]);
  expect(files.filter((f) => /\.test\.|^site\/(?!docs\/[\w-]+\.md$)|^dist\/site\/|fixtures/.test(f))).toEqual([]);
  const meta = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string>; dependencies: Record<string, string> };
  expect(meta.scripts.prepare, 'no install-time script: the package ships no scripts/').toBeUndefined();
  expect(Object.keys(meta.dependencies).filter((d) => /^@tensorflow\/|^@vladmandic\//.test(d)), 'tfjs and models are vendored, not dependencies').toEqual([]);
});

// The README and docs in the tarball are what an integrator reads first (on the registry's page, in node_modules):
// every relative link in them must name a file the tarball carries, and none may tell a package user to run the
// repository's own scripts.
test('the shipped README and docs link only to shipped files, and give package users no repository commands', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const [pkg] = JSON.parse(out) as [{ files: { path: string }[] }];
  const files = new Set(pkg.files.map((f) => f.path));
  const docs = [...files].filter((f) => f.endsWith('.md'));
  expect(docs).toEqual(expect.arrayContaining(['README.md', 'site/docs/integrators.md', 'site/docs/first-hour.md', 'site/docs/credentials.md']));
  const broken: string[] = [];
  for (const doc of docs) {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!.replace(/#.*$/, '');
      // The API reference is generated into the docs site (/docs/api/), not shipped: the package has the .d.ts files.
      if (!target || /^[a-z]+:/.test(target) || target.startsWith('/docs/api/')) continue;
      const resolved = join(dirname(doc), target).replace(/\\/g, '/').replace(/\/$/, '');
      if (!files.has(resolved) && ![...files].some((f) => f.startsWith(`${resolved}/`))) broken.push(`${doc}: ${m[1]}`);
    }
  }
  expect(broken).toEqual([]);
  // The README's only repository commands are the two set-up commands, under their own heading for a clone.
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const [forPackageUsers, forAClone = ''] = readme.split('## Working on this repository');
  expect(forPackageUsers).not.toMatch(/npm (start|test|run)\b/);
  expect([...forAClone.split(/\n## /)[0]!.matchAll(/^npm [a-z]+/gm)].map((m) => m[0])).toEqual(['npm start', 'npm test']);
  expect(forAClone).not.toMatch(/npm run\b/);
});
