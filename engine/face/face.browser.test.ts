import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import {
  compareTemplates,
  decodeTemplate,
  imageFromBytes,
  isEidkitError,
  LIVE_CAPTURE_POLICY,
  PORTRAIT_POLICY,
  type FaceEngine,
} from '../index.ts';
import { workerFaceEngine } from '../../test-fixtures/browser-engine.ts';
import { fixtureBitmap, fixtureUrl } from '../../test-fixtures/browser-images.ts';

const lfw = (name: string, i: number) => fixtureBitmap(`faces/lfw-dev/images/${name}/${name}_${String(i).padStart(4, '0')}.jpg`);

describe.skipIf(!inject('fixturesPresent'))('face pipeline in a Web Worker, Chromium (needs EIDKIT_FIXTURES)', () => {
  let engine: FaceEngine;
  beforeAll(async () => {
    engine = workerFaceEngine();
    await engine.ready();
  });
  afterAll(() => engine?.dispose());

  test('analyse: landmarks, pose and a passing quality verdict come back across the worker boundary', async () => {
    const bitmap = await lfw('Abel_Pacheco', 1);
    const a = await engine.analyse(bitmap, { policy: PORTRAIT_POLICY });
    expect(bitmap.width).toBe(0); // transferred, not copied
    expect(a.faces).toHaveLength(1);
    expect(a.faces[0]!.mesh).toBeInstanceOf(Float32Array);
    expect(a.faces[0]!.mesh).toHaveLength(468 * 3);
    expect(Math.abs(a.faces[0]!.pose.yaw)).toBeLessThan(20);
    expect(a.quality.ok).toBe(true);
  });

  test('mirror: true reaches the worker: the two-view average differs from the embedding of the crop alone (the default)', async () => {
    const twoViews = workerFaceEngine({ mirror: true });
    try {
      const one = (await engine.analyse(await lfw('Abel_Pacheco', 1), { embed: true, policy: PORTRAIT_POLICY })).faces[0]!.embedding!;
      const both = (await twoViews.analyse(await lfw('Abel_Pacheco', 1), { embed: true, policy: PORTRAIT_POLICY })).faces[0]!.embedding!;
      const cos = one.reduce((s, v, i) => s + v * both[i]!, 0);
      expect(cos).toBeLessThan(0.999);
      expect(cos).toBeGreaterThan(0.9);
    } finally {
      await twoViews.dispose();
    }
  });

  test('templates made in the worker: a second capture of the same photo matches, another person does not, all fit in 256 bytes', async () => {
    const t = async (b: ImageBitmap) => (await engine.template(b, { policy: PORTRAIT_POLICY })).template!;
    const a1 = await t(await lfw('Abel_Pacheco', 1));
    const a1again = await t(await lfw('Abel_Pacheco', 1));
    const a4 = await t(await lfw('Abel_Pacheco', 4));
    const other = await t(await lfw('Akhmed_Zakayev', 1));
    expect(a1.length).toBeLessThanOrEqual(256);
    expect(decodeTemplate(a1)).toMatchObject({ format: 2, model: 'fr-feature', dims: 160, frames: 1 });
    expect(compareTemplates(a1, a1again).match).toBe(true);
    expect(compareTemplates(a1, other).match).toBe(false);
    expect(compareTemplates(a1, a4).similarity).toBeGreaterThan(compareTemplates(a1, other).similarity);
  });

  test('quality gates: blank frame has no face, a group photo has several, a live capture of a portrait crop is judged', async () => {
    expect((await engine.analyse(await fixtureBitmap('faces/edge/blank-white.png'))).quality.issues).toEqual([{ code: 'no-face' }]);
    const group = await engine.analyse(await fixtureBitmap('faces/groups/bbt4.jpg'), { policy: LIVE_CAPTURE_POLICY });
    expect(group.quality.issues[0]).toMatchObject({ code: 'multiple-faces' });
    const gated = await engine.template(await fixtureBitmap('faces/groups/bbt4.jpg'), { policy: LIVE_CAPTURE_POLICY });
    expect(gated.template).toBeUndefined(); // no template from a frame that failed its gates
  });

  test('enrolment fuses frames sent as transferables', async () => {
    const frames = await Promise.all(['obama.jpg', 'obama2.jpg', 'obama3.jpg'].map((f) => fixtureBitmap(`faces/people/barack_obama/${f}`)));
    const r = await engine.enrol(frames, { policy: PORTRAIT_POLICY });
    expect(r.used.length).toBeGreaterThanOrEqual(2);
    expect(decodeTemplate(r.template!).frames).toBe(r.used.length);
  });

  test('bad input: zero-size pixels, a corrupt JPEG, a non-image', async () => {
    await expect(engine.analyse({ data: new Uint8Array(0), width: 0, height: 0 })).rejects.toSatisfy((e) => isEidkitError(e, 'face/empty-image'));
    const bytes = new Uint8Array(await (await fetch(fixtureUrl('faces/lfw-dev/images/Abel_Pacheco/Abel_Pacheco_0001.jpg'))).arrayBuffer());
    await expect(imageFromBytes(bytes.subarray(0, 200))).rejects.toSatisfy((e) => isEidkitError(e, 'face/corrupt-image'));
    await expect(imageFromBytes(new TextEncoder().encode('hello'))).rejects.toSatisfy((e) => isEidkitError(e, 'face/not-an-image'));
    const gray = await imageFromBytes(bytes); // a grayscale JPEG decodes to a normal bitmap
    expect((await engine.analyse(gray, { policy: PORTRAIT_POLICY })).faces).toHaveLength(1);
  });
});
