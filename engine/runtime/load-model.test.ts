import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { mkdtemp, writeFile, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyModels } from './copy-models.ts';
import { readVerifiedFiles, loadGraphModel } from './load-model.ts';
import { manifest, modelEntry, type Manifest } from './manifest.ts';
import { dirSource, packageSource } from './node-source.ts';
import { initBackend } from './backend.ts';
import { isEidkitError } from '../errors.ts';
import { runCli } from '../cli/run.ts';

describe('model manifest', () => {
  test('pins every file with a SHA-256 and a size, and says where each model comes from and under what terms', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    for (const e of [...manifest.runtime, ...manifest.models]) {
      // Every model comes from a pinned npm package the repository installs; the published package carries the
      // default (non-optional) files in dist/models, copied and hash-checked at build time, so integrators install
      // no model package (scripts/pack.test.ts checks what ships).
      expect(e.package in pkg.devDependencies || e.package in pkg.dependencies, e.id).toBe(true);
      expect(e.licence.length).toBeGreaterThan(3);
      for (const f of e.files) {
        expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(f.bytes).toBeGreaterThan(0);
      }
    }
    for (const m of manifest.models) expect(m.provenance.length).toBeGreaterThan(20);
    const names = [...manifest.runtime, ...manifest.models].flatMap((e) => e.files.map((f) => f.name));
    expect(new Set(names).size).toBe(names.length); // one flat folder holds them all
  });
});

describe('verified loading', () => {
  test('loads BlazeFace from the installed package with every byte checked, reporting progress', async () => {
    await initBackend({ prefer: 'wasm' });
    const seen: number[] = [];
    const model = await loadGraphModel('blazeface', packageSource(), (p) => seen.push(p.loaded));
    expect(model.inputs[0]?.shape).toEqual([1, 256, 256, 3]);
    expect(seen.at(-1)).toBe(modelEntry('blazeface').files.reduce((n, f) => n + f.bytes, 0));
    model.dispose();
  });

  test('a derived model: copied as its pinned uint8 files (not its float source), loaded from the copy, weights stored as uint8', async () => {
    await initBackend({ prefer: 'wasm' });
    const dir = await mkdtemp(join(tmpdir(), 'eidkit-models-'));
    try {
      const report = await copyModels(dir);
      const names = report.files.map((f) => f.name);
      expect(names).toEqual(expect.arrayContaining(['liveness-uint8.json', 'liveness-uint8.bin']));
      expect(names).not.toContain('liveness.bin');
      const files = await readVerifiedFiles(modelEntry('liveness'), dirSource(dir));
      const json = JSON.parse(new TextDecoder().decode(files.get('liveness-uint8.json'))) as { weightsManifest: { paths: string[]; weights: { quantization?: { dtype: string } }[] }[] };
      expect(json.weightsManifest.map((g) => g.paths)).toEqual([['liveness-uint8.bin']]);
      expect(json.weightsManifest[0]!.weights.filter((w) => w.quantization?.dtype === 'uint8').length).toBeGreaterThan(0);
      const model = await loadGraphModel('liveness', dirSource(dir));
      expect(model.inputs[0]?.shape).toEqual([-1, 32, 32, 3]);
      model.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a file whose bytes differ from the pin is refused, naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eidkit-models-'));
    try {
      await copyModels(dir);
      const bin = join(dir, 'blazeface-f16.bin');
      const bytes = await readFile(bin);
      bytes[1000] = bytes[1000]! ^ 0xff; // one flipped byte, same size
      await writeFile(bin, bytes);
      const err = await readVerifiedFiles(modelEntry('blazeface'), dirSource(dir)).catch((e: unknown) => e);
      expect(isEidkitError(err, 'runtime/model-hash')).toBe(true);
      expect((err as Error).message).toContain('blazeface-f16.bin');
      // copy repairs it: the damaged file no longer matches, so it is copied again from the package
      const report = await copyModels(dir);
      expect(report.files.filter((f) => f.copied).map((f) => f.name)).toEqual(['blazeface-f16.bin']);
      await expect(readVerifiedFiles(modelEntry('blazeface'), dirSource(dir))).resolves.toBeInstanceOf(Map);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test.each([
    ['the package file itself', 'antispoof', 'antispoof.bin'],
    ['a derived uint8 file', 'liveness', 'liveness-uint8.bin'],
    ["a derived file's source (not copied itself, but read to derive)", 'liveness-float', 'liveness.bin'],
  ])('copy is a hard error when %s does not match the pin', async (_, id, file) => {
    const dir = await mkdtemp(join(tmpdir(), 'eidkit-models-'));
    try {
      const json = JSON.parse(JSON.stringify(manifest)) as { models: { id: string; files: { name: string; sha256: string }[] }[] };
      json.models.find((m) => m.id === id)!.files.find((f) => f.name === file)!.sha256 = '0'.repeat(64);
      const wrong = json as unknown as Manifest;
      const err = await copyModels(dir, wrong).catch((e: unknown) => e);
      expect(isEidkitError(err, 'runtime/model-hash')).toBe(true);
      expect((err as Error).message).toContain(file);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a missing folder or model id are typed errors', async () => {
    await expect(readVerifiedFiles(modelEntry('blazeface'), dirSource('/nonexistent/eidkit'))).rejects.toSatisfy((e) => isEidkitError(e, 'runtime/model-missing'));
    expect(() => modelEntry('no-such-model')).toThrow(expect.objectContaining({ code: 'runtime/unknown-model' }));
  });
});

describe('eidkit models (CLI)', () => {
  test('copy writes the pinned files and reports them as JSON; bad usage exits non-zero', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eidkit-cli-'));
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: () => {}, cwd: dir };
    try {
      expect(await runCli(['models', 'copy', 'm', '--json'], io)).toBe(0);
      const report = JSON.parse(out.at(-1)!);
      expect(report.ok).toBe(true);
      expect(report.files.map((f: { name: string }) => f.name)).toContain('tfjs-backend-wasm-simd.wasm');
      expect((await readFile(join(dir, 'm', 'blazeface-f16.json'))).length).toBe(modelEntry('blazeface').files[0]!.bytes);
      expect(await runCli(['models', 'paste'], io)).toBe(1);
      expect(await runCli(['no-such-command'], io)).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
