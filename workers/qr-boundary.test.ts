/**
 * No page assembles, inflates or verifies scanned QR data on its main thread (issue 14): whatever a hostile code
 * carries, its cost lands on the QR worker (workers/qr.worker.ts). This reads the site's modules and fails when one
 * imports the engine's assembly, inflate or verification entry points itself.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
/** Engine exports that take scanned bytes through inflate or verification. */
const WORKER_ONLY = ['QrAssembler', 'fromQrText', 'decompress', 'inflateCapped', 'inflateCappedAsync', 'verifyPresentation'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'e2e' || name === 'docs' ? [] : sources(path);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The names a module imports (named imports of any module, and namespace imports of the engine's). */
function importedNames(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"][^'"]+['"]/g)) {
    for (const part of m[1]!.split(',')) {
      const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]!.trim();
      if (name) names.push(name);
    }
  }
  for (const m of text.matchAll(/import\s+\*\s+as\s+(\w+)\s+from\s*['"][^'"]*engine[^'"]*['"]/g)) {
    for (const n of WORKER_ONLY) if (text.includes(`${m[1]}.${n}`)) names.push(n);
  }
  return names;
}

it('no site module imports QR assembly, inflate or verification (they run in the QR worker)', () => {
  const offenders = sources(join(ROOT, 'site')).flatMap((path) =>
    importedNames(readFileSync(path, 'utf8'))
      .filter((n) => WORKER_ONLY.includes(n))
      .map((n) => `${relative(ROOT, path)}: ${n}`),
  );
  expect(offenders).toEqual([]);
});

it('the check sees an import (its own control)', () => {
  expect(importedNames("import { QrAssembler, type X } from '../../engine/credential/index.ts';")).toContain('QrAssembler');
  expect(importedNames("import * as E from '../engine/index.ts'; new E.QrAssembler();")).toContain('QrAssembler');
});
