// Docs that are tested: every code block in README.md, site/docs/*.md and site/docs/zh-CN/*.md says whether it runs (scripts/lib/doc-snippets.ts
// has the grammar). Node blocks run against the built package as an integrator imports it ('eidkit', 'eidkit/node'),
// shell blocks run the installed CLI, and browser blocks are type-checked against the public types under strict.
import { describe, expect, inject, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectedOutput, extractSnippets, hoistImports, programs } from './lib/doc-snippets.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const mdIn = (dir: string): string[] => (existsSync(join(ROOT, dir)) ? readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.md')).sort().map((f) => `${dir}/${f}`) : []);
// The translations (site/docs/zh-CN) carry the same blocks and are held to the same rule.
const DOCS = ['README.md', ...mdIn('site/docs'), ...mdIn('site/docs/zh-CN')];
const snippets = DOCS.flatMap((d) => extractSnippets(d, readFileSync(join(ROOT, d), 'utf8')));
// Inside the repository, so 'eidkit' resolves to the built package through node_modules/eidkit (the "file:" dev dependency).
const WORK = join(ROOT, '.cache/doc-snippets');
const fixtures = inject('fixtures');
const portrait = join(fixtures, 'faces/people/angelina_jolie/img1.jpg');
const havePortrait = inject('fixturesPresent') && existsSync(portrait);
const slug = (doc: string, name: string): string => `${doc.replace(/^site\/docs\//, '').replace(/\.md$/, '')}-${name}`.replace(/[^\w-]/g, '_');

test('every ts/js block says whether it runs (run), needs a browser (browser) or is a sketch', () => {
  const untagged = snippets.filter((s) => ['ts', 'js', 'tsx', 'typescript', 'javascript'].includes(s.lang) && !s.kind).map((s) => `${s.doc}:${s.line}`);
  expect(untagged).toEqual([]);
  expect(snippets.filter((s) => s.kind === 'run').length).toBeGreaterThan(5);
});

/** A scratch folder for one program, with a portrait photo in it (`portrait.jpg`) when the fixtures are there. */
function scratch(name: string): string {
  const dir = join(WORK, 'run', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (havePortrait) copyFileSync(portrait, join(dir, 'portrait.jpg'));
  return dir;
}

const nodeRuns = programs(snippets, 'run', ['ts', 'js']);
const shellBlocks = snippets.filter((s) => s.kind === 'run' && (s.lang === 'sh' || s.lang === 'bash'));
const groups = [...new Set([...nodeRuns, ...shellBlocks].map((p) => `${p.doc}#${p.name}`))];

describe('runnable doc blocks run', () => {
  test.each(groups)('%s', (key) => {
    const [doc, name] = key.split('#') as [string, string];
    const ts = nodeRuns.find((p) => p.doc === doc && p.name === name);
    const sh = shellBlocks.filter((p) => p.doc === doc && p.name === name);
    if (/portrait\.jpg/.test([ts?.code ?? '', ...sh.map((b) => b.code)].join('\n')) && !havePortrait) return; // needs the shared face fixtures
    if (!existsSync(join(ROOT, 'dist/engine/index.js'))) throw new Error('dist/ is not built: run npm test (it builds first).');
    const dir = scratch(slug(doc, name));
    // `eidkit` on PATH is the built CLI, as `npx eidkit` runs it in an app.
    const bin = join(WORK, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'eidkit'), `#!/bin/sh\nexec node ${JSON.stringify(join(ROOT, 'dist/engine/cli/main.js'))} "$@"\n`, { mode: 0o755 });
    const env = { ...process.env, PATH: `${bin}:${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}` };
    // In the order the reader meets them: each shell block where it stands, the group's code (one program) where its
    // first block stands. They share one folder, so a later step reads what an earlier one wrote.
    const steps = [...sh.map((b) => ({ line: b.line, run: () => shell(b.code, b.line) })), ...(ts ? [{ line: ts.line, run: () => node(ts.code, ts.line) }] : [])];
    for (const step of steps.sort((a, b) => a.line - b.line)) step.run();

    function shell(code: string, line: number): void {
      const r = spawnSync('bash', ['-euo', 'pipefail', '-c', code], { cwd: dir, env, encoding: 'utf8', timeout: 240_000 });
      expect(r.status, `${doc}:${line} (sh) failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
    }
    function node(code: string, line: number): void {
      const file = join(WORK, `${slug(doc, name)}.ts`);
      writeFileSync(file, `${hoistImports(code)}\nexport {};\n`);
      const r = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [file], { cwd: dir, env, encoding: 'utf8', timeout: 240_000 });
      expect(r.status, `${doc}:${line} failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
      let at = 0;
      for (const want of expectedOutput(code)) {
        const found = r.stdout.indexOf(want, at);
        expect(found, `${doc}:${line} should print "${want}" (after what came before); it printed:\n${r.stdout}`).toBeGreaterThanOrEqual(0);
        at = found + want.length;
      }
    }
  });
});

test('browser doc blocks type-check against the public types (strict, no skipLibCheck)', () => {
  const browser = programs(snippets, 'browser', ['ts']);
  expect(browser.length).toBeGreaterThan(3);
  const dir = join(WORK, 'browser');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // What a Vite app's `vite/client` types give an integrator for `?worker` imports.
  writeFileSync(join(dir, 'vite-worker.d.ts'), "declare module '*?worker' {\n  const FaceWorker: { new (): Worker };\n  export default FaceWorker;\n}\n");
  const files = browser.map((p) => {
    const f = `${slug(p.doc, p.name)}.ts`;
    writeFileSync(join(dir, f), `// ${p.doc}:${p.line}\n${p.declare}\n${hoistImports(p.code)}\nexport {};\n`);
    return f;
  });
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, skipLibCheck: false, noEmit: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', lib: ['ES2023', 'DOM', 'DOM.Iterable'], types: [] },
      files: ['vite-worker.d.ts', ...files],
    }),
  );
  const r = spawnSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8' });
  expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
});
