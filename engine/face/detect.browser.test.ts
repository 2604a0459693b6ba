import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { createFaceEngine, isEidkitError, type FaceEngine, type FaceEngineInfo, type LoadProgress } from '../index.ts';
import { workerFaceEngine } from '../../test-fixtures/browser-engine.ts';
import { fixtureBitmap } from '../../test-fixtures/browser-images.ts';
import { GROUP_FACE_COUNTS } from '../../test-fixtures/group-face-counts.ts';
import { modelEntry } from '../runtime/manifest.ts';

// The test runner prepares dist/models (hash-checked copies) before the browser tests start.
describe.skipIf(!inject('fixturesPresent'))('detectFaces in a Web Worker, Chromium (needs EIDKIT_FIXTURES)', () => {
  let engine: FaceEngine;
  let info: FaceEngineInfo;
  const progress: LoadProgress[] = [];
  beforeAll(async () => {
    engine = workerFaceEngine({ onProgress: (p) => progress.push(p) });
    info = await engine.ready();
  });
  afterAll(() => engine?.dispose());

  test('runs in the worker on the wasm backend with SIMD, reporting threads and load progress', () => {
    expect(info).toMatchObject({ host: 'worker', backend: 'wasm', simd: true, crossOriginIsolated: true });
    expect(info.threads).toBeGreaterThanOrEqual(1);
    const last = progress.filter((p) => p.id === 'blazeface').at(-1);
    // The whole pinned entry (its JSON and weights), every byte reported.
    expect(last?.total).toBe(modelEntry('blazeface').files.reduce((n, f) => n + f.bytes, 0));
    expect(last?.loaded).toBe(last?.total);
  });

  test.each(Object.entries(GROUP_FACE_COUNTS))('%s: face count within 1 of %i', async (file, truth) => {
    const bitmap = await fixtureBitmap(`faces/groups/${file}`);
    const { width } = bitmap;
    const faces = await engine.detectFaces(bitmap);
    expect(bitmap.width).toBe(0); // transferred to the worker, not copied
    expect(Math.abs(faces.length - truth)).toBeLessThanOrEqual(1);
    for (const f of faces) expect(f.box.x + f.box.width).toBeLessThanOrEqual(width * 1.05);
  });

  test('a blank image has no face', async () => {
    expect(await engine.detectFaces(await fixtureBitmap('faces/edge/blank-white.png'))).toEqual([]);
  });

  test('ImageData frames work too, and errors keep their code across the worker boundary', async () => {
    const canvas = new OffscreenCanvas(64, 48);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, 64, 48);
    expect(await engine.detectFaces(ctx.getImageData(0, 0, 64, 48))).toEqual([]);
    await expect(engine.detectFaces({ data: new Uint8Array(8), width: 10, height: 10 })).rejects.toSatisfy((e) => isEidkitError(e, 'face/bad-pixels'));
  });
});

test('a cross-origin model folder is refused when the engine is created, before any request', () => {
  expect(() => createFaceEngine({ models: 'https://models.example.com/m/' })).toThrow(
    expect.objectContaining({ code: 'runtime/cross-origin-models' }),
  );
});
