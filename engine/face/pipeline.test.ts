import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { createFaceEngine, imageFromBytes, compareTemplates, decodeTemplate, PORTRAIT_POLICY, LIVE_CAPTURE_POLICY, type FaceEngine, type FrameAnalysis } from './index.ts';
import { packageSource } from '../runtime/node-source.ts';
import { isEidkitError } from '../errors.ts';
import { decodeImage, fixture } from '../../test-fixtures/node-images.ts';
import { blur, cover, expose, mirror, mjpegFrames, placeOnCanvas, rotate } from '../../test-fixtures/image-ops.ts';
import type { RgbaImage } from '../runtime/frame.ts';

const lfw = (name: string, i: number) => decodeImage(fixture('faces/lfw-dev/images', name, `${name}_${String(i).padStart(4, '0')}.jpg`));

describe.skipIf(!inject('fixturesPresent'))('face pipeline in Node (needs EIDKIT_FIXTURES)', () => {
  let engine: FaceEngine;
  beforeAll(async () => {
    engine = createFaceEngine({ models: packageSource(), backend: { prefer: 'wasm' } });
    await engine.ready();
  });
  afterAll(() => engine.dispose());

  const main = async (img: RgbaImage, policy = PORTRAIT_POLICY): Promise<FrameAnalysis> => engine.analyse(img, { policy });

  test('a grayscale LFW portrait: one face, 468 landmarks on the face, frontal pose, passes the portrait gates', async () => {
    const img = lfw('Abel_Pacheco', 1);
    const a = await main(img);
    expect(a.detected).toBe(1);
    const f = a.faces[0]!;
    expect(f.mesh).toHaveLength(468 * 3);
    const { box } = f.detection;
    let inside = 0;
    for (let i = 0; i < 468; i++) {
      const x = f.mesh[3 * i]!;
      const y = f.mesh[3 * i + 1]!;
      if (x > box.x - 0.2 * box.width && x < box.x + 1.2 * box.width && y > box.y - 0.3 * box.height && y < box.y + 1.3 * box.height) inside++;
    }
    expect(inside).toBe(468);
    expect(f.meshScore).toBeGreaterThan(0.9);
    expect(Math.abs(f.pose.yaw)).toBeLessThan(20);
    expect(Math.abs(f.pose.roll)).toBeLessThan(10);
    expect(f.eyes.left).toBeGreaterThan(0.15);
    expect(a.quality).toMatchObject({ ok: true, issues: [] });
  });

  test('head pose follows the image: rotating by 25 degrees clockwise adds about 25 degrees of roll; mirroring flips yaw and roll', async () => {
    const img = lfw('Abel_Pacheco', 1);
    const base = (await main(img)).faces[0]!.pose;
    const turned = (await main(rotate(img, 25))).faces[0]!.pose;
    expect(turned.roll - base.roll).toBeGreaterThan(20);
    expect(turned.roll - base.roll).toBeLessThan(30);
    const mirrored = (await main(mirror(img))).faces[0]!.pose;
    // the mirrored face gets its own mesh, so angles agree to within the mesh's few degrees of noise
    expect(Math.sign(mirrored.yaw)).toBe(-Math.sign(base.yaw));
    expect(Math.abs(mirrored.yaw + base.yaw)).toBeLessThan(5);
    expect(Math.abs(mirrored.roll + base.roll)).toBeLessThan(5);
    expect(Math.abs(mirrored.pitch - base.pitch)).toBeLessThan(5);
  });

  test("refineMesh 'auto' keeps one landmark pass when the recentred crop agrees, and takes the second when it does not", async () => {
    const passes = async (img: RgbaImage) => {
      const [auto, never, always] = await Promise.all(
        (['auto', 'never', 'always'] as const).map(async (refineMesh) => (await engine.analyse(img, { policy: PORTRAIT_POLICY, refineMesh })).faces[0]!.mesh),
      );
      return { auto: auto!, never: never!, always: always! };
    };
    // A frontal portrait: the predicted crop is where the mesh says it should be, so one pass is kept.
    const frontal = await passes(lfw('Abel_Pacheco', 1));
    expect(frontal.auto).toEqual(frontal.never);
    expect(frontal.auto).not.toEqual(frontal.always);
    // BlazeFace's eye keypoints put this head's roll 10 degrees off the mesh's: the recentred second pass is taken.
    const turned = await passes(decodeImage(fixture('faces/people/tv_howard/howard1.png')));
    expect(turned.auto).toEqual(turned.always);
    expect(turned.auto).not.toEqual(turned.never);
  });

  test('templates: a rotated copy matches, another person does not, the same person scores above a stranger', async () => {
    const t = async (img: RgbaImage) => {
      const r = await engine.template(img, { policy: PORTRAIT_POLICY });
      expect(r.template).toBeInstanceOf(Uint8Array);
      return r.template!;
    };
    const a1 = await t(lfw('Abel_Pacheco', 1));
    const a4 = await t(lfw('Abel_Pacheco', 4));
    const a1turned = await t(rotate(lfw('Abel_Pacheco', 1), 25));
    const other = await t(lfw('Akhmed_Zakayev', 1));
    expect(a1.length).toBeLessThanOrEqual(256);
    // (a4 vs a1 need not pass FAR=1e-3: TAR there is 69 % on lfw-dev, see site/docs/face.md)
    expect(compareTemplates(a1, a1turned).match).toBe(true);
    expect(compareTemplates(a1, a1turned).similarity).toBeGreaterThan(0.8);
    expect(compareTemplates(a1, other).match).toBe(false);
    expect(compareTemplates(a1, a4).similarity).toBeGreaterThan(compareTemplates(a1, other).similarity);
  });

  test('the default embeds the aligned crop alone; mirror: true averages it with its mirror image: a different vector, the same face', async () => {
    expect(() => createFaceEngine({ models: packageSource(), mirror: 'no' as unknown as boolean })).toThrow(/`mirror` must be true or false/);
    const twoViews = createFaceEngine({ models: packageSource(), backend: { prefer: 'wasm' }, mirror: true });
    const single = engine;
    try {
      const img = lfw('Abel_Pacheco', 1);
      const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);
      const both = (await twoViews.analyse(img, { embed: true, policy: PORTRAIT_POLICY })).faces[0]!;
      const one = (await single.analyse(img, { embed: true, policy: PORTRAIT_POLICY })).faces[0]!;
      expect(one.alignment).toEqual(both.alignment);
      // The crop and its mirror image are different inputs: averaging them moves the vector, but not far.
      expect(cos(one.embedding!, both.embedding!)).toBeLessThan(0.999);
      expect(cos(one.embedding!, both.embedding!)).toBeGreaterThan(0.9);
      // The mirror view of the photo is (up to its own landmarks) the photo's mirror image embedded alone.
      const flipped = (await single.analyse(mirror(img), { embed: true, policy: PORTRAIT_POLICY })).faces[0]!;
      const sum = one.embedding!.map((v, i) => v + flipped.embedding![i]!);
      const n = Math.hypot(...sum);
      expect(cos(sum.map((v) => v / n), both.embedding!)).toBeGreaterThan(0.99);
      const a = (await single.template(img, { policy: PORTRAIT_POLICY })).template!;
      const b = (await twoViews.template(lfw('Abel_Pacheco', 1), { policy: PORTRAIT_POLICY })).template!;
      expect(compareTemplates(a, b).match).toBe(true); // templates made either way compare
    } finally {
      await twoViews.dispose();
    }
  });

  test('enrolment fuses the best frames into one template that matches a new photo', async () => {
    const frames = [1, 2, 3].map((i) => decodeImage(fixture('faces/people/barack_obama', i === 1 ? 'obama.jpg' : `obama${i}.jpg`)));
    const r = await engine.enrol(frames, { policy: PORTRAIT_POLICY, best: 2 });
    expect(r.used).toHaveLength(2);
    expect(r.qualities).toHaveLength(3);
    expect(decodeTemplate(r.template!).frames).toBe(2);
    const probe = await engine.template(decodeImage(fixture('faces/people/barack_obama', 'obama4.jpg')), { policy: PORTRAIT_POLICY });
    const biden = await engine.template(decodeImage(fixture('faces/people/joe_biden', 'biden.jpg')), { policy: PORTRAIT_POLICY });
    expect(compareTemplates(r.template!, probe.template!).match).toBe(true);
    expect(compareTemplates(r.template!, biden.template!).match).toBe(false);
  });

  describe('quality gates on real captures', () => {
    test('blank image: no face; group photo: several faces, counted', async () => {
      expect((await engine.analyse(decodeImage(fixture('faces/edge/blank-white.png')))).quality.issues).toEqual([{ code: 'no-face' }]);
      const group = await engine.analyse(decodeImage(fixture('faces/groups/bbt1.jpg')));
      expect(group.quality.issues[0]).toEqual({ code: 'multiple-faces', count: group.detected });
      expect(group.detected).toBeGreaterThanOrEqual(3);
    });

    test('darkened, burnt-out and blurred copies of a good portrait fail their own gate', async () => {
      const img = lfw('Abel_Pacheco', 1);
      const codes = async (x: RgbaImage) => (await main(x)).quality.issues.map((i: { code: string }) => i.code);
      expect(await codes(expose(img, 0.2))).toContain('too-dark');
      expect(await codes(expose(img, 1.8))).toContain('over-exposed');
      expect(await codes(blur(img, 3))).toContain('blurred');
    });

    test('a small face far from the centre of a live frame is too small and off-centre', async () => {
      const small = placeOnCanvas(lfw('Abel_Pacheco', 1), 4, 0.02, 0.02);
      const codes = (await engine.analyse(small, { policy: LIVE_CAPTURE_POLICY })).quality.issues.map((i: { code: string }) => i.code);
      expect(codes).toContain('off-centre');
      const tiny = (await engine.analyse(decodeImage(fixture('faces/edge/low-res-240p.jpg')), { policy: LIVE_CAPTURE_POLICY })).faces[0]!;
      expect(tiny.eyeDistance).toBeLessThan(30);
    });

    test('a hand over half the face lowers the landmark confidence below the gate', async () => {
      const img = lfw('Abel_Pacheco', 1);
      const covered = await main(cover(img, 0.3, 0.45, 0.75, 0.85));
      expect(covered.quality.issues.map((i: { code: string }) => i.code)).toContain('occluded');
    });

    test('closed eyes in the blink video are caught, open eyes pass', async () => {
      const frames = mjpegFrames(new Uint8Array(readFileSync(fixture('video/blink-woman-480x512.mjpeg'))));
      const ears: number[] = [];
      for (let i = 0; i < Math.min(frames.length, 150); i += 3) {
        const a = await engine.analyse(await imageFromBytes(frames[i]!), { policy: LIVE_CAPTURE_POLICY });
        if (a.faces[0]) ears.push(Math.max(a.faces[0].eyes.left, a.faces[0].eyes.right));
      }
      expect(Math.max(...ears)).toBeGreaterThan(LIVE_CAPTURE_POLICY.minEyeOpen);
      expect(Math.min(...ears)).toBeLessThan(LIVE_CAPTURE_POLICY.minEyeOpen);
    });
  });

  describe('bad input', () => {
    test('zero-size and oversized frames are typed errors', async () => {
      await expect(engine.analyse({ data: new Uint8Array(0), width: 0, height: 0 })).rejects.toSatisfy((e) => isEidkitError(e, 'face/empty-image'));
      await expect(engine.template({ data: new Uint8Array(4), width: 100_000, height: 100_000 })).rejects.toSatisfy((e) => isEidkitError(e, 'face/image-too-large'));
    });

    test('file bytes: empty, not an image, truncated JPEG are typed errors; a grayscale JPEG decodes', async () => {
      await expect(imageFromBytes(new Uint8Array(0))).rejects.toSatisfy((e) => isEidkitError(e, 'face/empty-image'));
      await expect(imageFromBytes(new TextEncoder().encode('%PDF-1.7 not a photo'))).rejects.toSatisfy((e) => isEidkitError(e, 'face/not-an-image'));
      const jpeg = new Uint8Array(readFileSync(fixture('faces/lfw-dev/images/Abel_Pacheco/Abel_Pacheco_0001.jpg')));
      await expect(imageFromBytes(jpeg.subarray(0, 300))).rejects.toSatisfy((e) => isEidkitError(e, 'face/corrupt-image'));
      const gray = (await imageFromBytes(jpeg)) as RgbaImage;
      expect([gray.width, gray.height]).toEqual([250, 250]);
      expect((await engine.analyse(gray)).faces).toHaveLength(1);
    });

    test('a huge frame is downscaled before the pipeline, and its face is still found', async () => {
      const big = placeOnCanvas(decodeImage(fixture('faces/people/barack_obama', 'obama.jpg')), 3);
      const a = await engine.analyse(big, { policy: PORTRAIT_POLICY });
      expect(a.detected).toBe(1);
      expect(a.width).toBe(big.width); // coordinates are reported in the caller's pixels
    });
  });
});
