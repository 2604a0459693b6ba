import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { createFaceEngine, type DetectedFace, type FaceEngine } from '../index.ts';
import { packageSource } from '../runtime/node-source.ts';
import { splitMjpeg } from '../liveness/mjpeg.ts';
import { iou } from './blazeface-decode.ts';
import type { RgbaImage } from '../runtime/frame.ts';
import { decodeImage, fixture } from '../../test-fixtures/node-images.ts';

/**
 * The short-range (selfie) BlazeFace is the live preview's detector: wherever the full-range one finds a face at
 * preview distance, it must find the same face. "The same" = IoU ≥ 0.3 with the full-range box: the two models frame a
 * face slightly differently (median IoU 0.89 on these fixtures, close-ups down to 0.3) but a neighbour's face never
 * overlaps that much. Its known blind spot, faces under about a tenth of the frame, is pinned too.
 */
describe.skipIf(!inject('fixturesPresent'))('short-range detector (needs EIDKIT_FIXTURES)', () => {
  let engine: FaceEngine;
  let readyModels: readonly string[] = [];
  beforeAll(async () => {
    engine = createFaceEngine({ models: packageSource(), backend: { prefer: 'wasm' } });
    readyModels = (await engine.ready()).models;
  });
  afterAll(() => engine.dispose());

  const copy = (img: RgbaImage): RgbaImage => ({ ...img, data: img.data.slice() });
  const both = async (img: RgbaImage): Promise<{ full: DetectedFace[]; short: DetectedFace[] }> => ({
    full: await engine.detectFaces(copy(img)),
    short: await engine.detectFaces(copy(img), { detector: 'short-range' }),
  });
  const found = (face: DetectedFace, among: readonly DetectedFace[]): boolean => among.some((s) => iou(s.box, face.box) >= 0.3);
  /** Face width as a fraction of the image's longer side. */
  const relWidth = (face: DetectedFace, img: RgbaImage): number => face.box.width / Math.max(img.width, img.height);
  const largest = (faces: readonly DetectedFace[]): DetectedFace => [...faces].sort((a, b) => b.box.width - a.box.width)[0]!;

  test('every portrait in faces/people: the main face the full-range detector finds, the short-range one finds', async () => {
    const files = readdirSync(fixture('faces/people')).flatMap((person) => readdirSync(fixture('faces/people', person)).map((f) => join(person, f)));
    expect(files.length).toBeGreaterThan(50);
    const missed: string[] = [];
    for (const file of files) {
      const img = decodeImage(fixture('faces/people', file));
      const { full, short } = await both(img);
      if (full.length === 0) continue;
      if (!found(largest(full), short)) missed.push(file);
      for (const s of short) expect(s.score).toBeGreaterThanOrEqual(0.5);
    }
    expect(missed).toEqual([]);
  });

  test.each(readdirSync(join(inject('fixtures'), 'video')).filter((f) => f.endsWith('.mjpeg')))(
    'camera video %s: every 10th frame, the face is found by both, in the same place',
    async (file) => {
      const frames = splitMjpeg(readFileSync(fixture('video', file)));
      let checked = 0;
      for (let k = 0; k < frames.length; k += 10) {
        const j = jpeg.decode(frames[k]!, { useTArray: true, formatAsRGBA: true });
        const img: RgbaImage = { data: j.data, width: j.width, height: j.height };
        const { full, short } = await both(img);
        expect(full.length, `frame ${k}`).toBeGreaterThan(0);
        expect(found(largest(full), short), `frame ${k}`).toBe(true);
        // Both boxes agree on where the face is to within a tenth of its width: good enough to guide the user.
        const s = short.find((f) => iou(f.box, largest(full).box) >= 0.3)!;
        const f = largest(full);
        expect(Math.abs(s.box.x + s.box.width / 2 - (f.box.x + f.box.width / 2))).toBeLessThan(f.box.width * 0.1);
        checked++;
      }
      expect(checked).toBeGreaterThan(5);
    },
  );

  test('group photos: every face wider than 12 % of the frame is found; smaller ones (under ~10 %) are its blind spot', async () => {
    let small = 0;
    let smallFound = 0;
    for (const file of readdirSync(fixture('faces/groups'))) {
      const img = decodeImage(fixture('faces/groups', file));
      const { full, short } = await both(img);
      for (const face of full) {
        if (relWidth(face, img) >= 0.12) expect(found(face, short), `${file}: face at x=${Math.round(face.box.x)}`).toBe(true);
        else if (relWidth(face, img) < 0.1) {
          small++;
          if (found(face, short)) smallFound++;
        }
      }
    }
    // Measured 2026-11-30: 8 faces between 6 % and 9.2 % of the frame, none found at 128 px. If a model upgrade finds
    // some, this fails on purpose: update site/docs/face.md and the preview's guidance.
    expect(small).toBeGreaterThanOrEqual(6);
    expect(smallFound).toBe(0);
  });

  test('a blank image has no face; an unknown detector is a typed error', async () => {
    const blank = decodeImage(fixture('faces/edge/blank-white.png'));
    expect(await engine.detectFaces(blank, { detector: 'short-range' })).toEqual([]);
    await expect(engine.detectFaces(copy(blank), { detector: 'tiny' as never })).rejects.toMatchObject({ code: 'face/unknown-detector' });
  });

  test('ready() loaded only the full-range detector; the short-range model loaded on first use', async () => {
    expect(readyModels).not.toContain('blazeface-front');
    expect((await engine.ready()).models).toContain('blazeface-front');
  });
});
