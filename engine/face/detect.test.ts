import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { readdirSync } from 'node:fs';
import { createFaceEngine, type FaceEngine } from '../index.ts';
import { packageSource } from '../runtime/node-source.ts';
import { decodeImage, fixture } from '../../test-fixtures/node-images.ts';
import { GROUP_FACE_COUNTS } from '../../test-fixtures/group-face-counts.ts';
import { isEidkitError } from '../errors.ts';

describe.skipIf(!inject('fixturesPresent'))('detectFaces in Node (needs EIDKIT_FIXTURES)', () => {
  let engine: FaceEngine;
  beforeAll(async () => {
    engine = createFaceEngine({ models: packageSource(), backend: { prefer: 'wasm' } });
    const info = await engine.ready();
    expect(info).toMatchObject({ backend: 'wasm', host: 'in-process' });
  });
  afterAll(() => engine.dispose());

  test('every group photo is listed in the true counts', () => {
    expect(readdirSync(fixture('faces/groups')).sort()).toEqual(Object.keys(GROUP_FACE_COUNTS).sort());
  });

  test.each(Object.entries(GROUP_FACE_COUNTS))('%s: face count within 1 of %i', async (file, truth) => {
    const image = decodeImage(fixture('faces/groups', file));
    const faces = await engine.detectFaces(image);
    expect(Math.abs(faces.length - truth)).toBeLessThanOrEqual(1);
    for (const f of faces) {
      expect(f.score).toBeGreaterThanOrEqual(0.5);
      // Keypoints sit inside (or at the edge of) their box, in source pixel space.
      expect(f.keypoints.noseTip[0]).toBeGreaterThan(f.box.x);
      expect(f.keypoints.noseTip[0]).toBeLessThan(f.box.x + f.box.width);
      expect(f.box.x + f.box.width).toBeLessThanOrEqual(image.width * 1.05);
    }
  });

  test('a blank image has no face', async () => {
    expect(await engine.detectFaces(decodeImage(fixture('faces/edge/blank-white.png')))).toEqual([]);
  });

  test('a single portrait gives one face whose eyes are level and in order', async () => {
    const [face, ...others] = await engine.detectFaces(decodeImage(fixture('faces/edge/low-res-240p.jpg')));
    expect(others).toHaveLength(0);
    const { rightEye, leftEye, mouth } = face!.keypoints;
    expect(rightEye[0]).toBeLessThan(leftEye[0]); // the subject's right eye is on the image's left
    expect(mouth[1]).toBeGreaterThan(rightEye[1]);
  });

  test('bad pixels are typed errors, not crashes', async () => {
    await expect(engine.detectFaces({ data: new Uint8Array(0), width: 0, height: 0 })).rejects.toSatisfy((e) => isEidkitError(e, 'face/empty-image'));
    await expect(engine.detectFaces({ data: new Uint8Array(12), width: 10, height: 10 })).rejects.toSatisfy((e) => isEidkitError(e, 'face/bad-pixels'));
    await expect(engine.detectFaces({ data: new Uint8Array(4), width: 100_000, height: 100_000 })).rejects.toSatisfy((e) => isEidkitError(e, 'face/image-too-large'));
  });
});
