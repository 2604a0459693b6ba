import { beforeAll, describe, expect, inject, test } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { initBackend } from '../runtime/backend.ts';
import { loadGraphModel } from '../runtime/load-model.ts';
import { packageSource } from '../runtime/node-source.ts';
import { splitMjpeg } from '../liveness/mjpeg.ts';
import { BlazeFaceDetector, DETECT_DEFAULTS, DETECTORS, anySizeInput } from './blazeface.ts';
import { RETRY_PADDING } from './pipeline.ts';
import { iou } from './blazeface-decode.ts';
import type { DetectedFace } from './types.ts';
import type { RgbaImage } from '../runtime/frame.ts';
import { decodeImage, fixture } from '../../test-fixtures/node-images.ts';

/** Every fixture photo and every 10th frame of the camera videos. */
function images(): { name: string; image: RgbaImage }[] {
  const out: { name: string; image: RgbaImage }[] = [];
  for (const dir of ['groups', 'edge']) for (const f of readdirSync(fixture('faces', dir))) out.push({ name: `${dir}/${f}`, image: decodeImage(fixture('faces', dir, f)) });
  for (const p of readdirSync(fixture('faces/people'))) for (const f of readdirSync(fixture('faces/people', p))) out.push({ name: `people/${p}/${f}`, image: decodeImage(fixture('faces/people', p, f)) });
  for (const v of readdirSync(fixture('video')).filter((f) => f.endsWith('.mjpeg'))) {
    const frames = splitMjpeg(readFileSync(fixture('video', v)));
    for (let k = 0; k < frames.length; k += 10) {
      const j = jpeg.decode(frames[k]!, { useTArray: true, formatAsRGBA: true });
      out.push({ name: `${v}#${k}`, image: { data: j.data, width: j.width, height: j.height } });
    }
  }
  return out;
}

/**
 * The full-range detector reads a non-square frame through an input of its own shape (letterbox: 256x224 for 4:3)
 * instead of the model's square, at the same scale: the same faces must come out, in the same places, with the same
 * confidence. Measured 2026-12-06 on 373 images (every fixture photo, every 10th camera frame) at both borders the
 * pipeline uses: 773 faces, none gained or lost, worst box edge or keypoint move 0.050 face widths, worst score
 * change 0.032.
 */
describe.skipIf(!inject('fixturesPresent'))("BlazeFace full-range on an input of the frame's shape (needs EIDKIT_FIXTURES)", () => {
  let all: { name: string; image: RgbaImage }[] = [];
  const spec = DETECTORS['full-range'];
  let square: BlazeFaceDetector;
  let any: BlazeFaceDetector;
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
    all = images();
    square = new BlazeFaceDetector(await loadGraphModel(spec.modelId, packageSource()), spec.inputSize);
    any = new BlazeFaceDetector(await loadGraphModel(spec.modelId, packageSource(), undefined, undefined, { edit: anySizeInput }), spec.inputSize);
  });

  test('the same faces as through the square input, within 0.1 face widths and 0.05 of score', async () => {
    expect(spec.anySize).toBe(true);
    expect(any['model'].inputs[0]!.shape).toEqual([1, -1, -1, 3]);
    let faces = 0;
    let worstShift = 0;
    let worstScore = 0;
    const differ: string[] = [];
    for (const { name, image } of all) {
      for (const padding of [DETECT_DEFAULTS.padding, RETRY_PADDING]) {
        const a = await square.detect(image, { padding });
        const b = await any.detect(image, { padding });
        const pairs = a.map((f) => [f, b.find((g) => iou(f.box, g.box) > 0.5)] as const);
        if (a.length !== b.length || pairs.some(([, g]) => !g)) differ.push(`${name} (border ${padding}): ${a.length} vs ${b.length}`);
        for (const [f, g] of pairs) {
          if (!g) continue;
          faces++;
          worstShift = Math.max(worstShift, shift(f, g));
          worstScore = Math.max(worstScore, Math.abs(f.score - g.score));
        }
      }
    }
    expect(all.length).toBeGreaterThan(300);
    expect(faces).toBeGreaterThan(700);
    expect(differ).toEqual([]);
    expect(worstShift).toBeLessThan(0.1);
    expect(worstScore).toBeLessThan(0.05);
  }, 600_000);

  test('extreme shapes: a face in a 6:1 panorama and a 1:6 strip is found where the square input finds it; tiny frames run', async () => {
    const face = decodeImage(fixture('faces/lfw-dev/images/Abel_Pacheco/Abel_Pacheco_0001.jpg'));
    const cases = [wideCanvas(face, 6, 1, 0.1), wideCanvas(face, 6, 1, 0.9), wideCanvas(face, 1, 6, 0.5)];
    for (const img of cases) {
      const a = await square.detect(img);
      const b = await any.detect(img);
      expect(a.length).toBeGreaterThan(0);
      expect(b.map((f) => iou(f.box, a[0]!.box)).some((v) => v > 0.8)).toBe(true);
    }
    for (const [width, height] of [[33, 20], [7, 300], [1, 1]] as const) {
      await expect(any.detect({ data: new Uint8Array(width * height * 4).fill(90), width, height })).resolves.toEqual([]);
    }
  });
});

/** A canvas `kx` x `ky` times the image's size, grey, the image at `f` of the free space along the long side. */
function wideCanvas(img: RgbaImage, kx: number, ky: number, f: number): RgbaImage {
  const w = img.width * kx;
  const h = img.height * ky;
  const out = new Uint8Array(w * h * 4).fill(128);
  const ox = Math.round((w - img.width) * (kx > 1 ? f : 0.5));
  const oy = Math.round((h - img.height) * (ky > 1 ? f : 0.5));
  for (let y = 0; y < img.height; y++) out.set(img.data.subarray(y * img.width * 4, (y + 1) * img.width * 4), ((y + oy) * w + ox) * 4);
  return { data: out, width: w, height: h };
}

/** Largest move of a box edge or keypoint, as a fraction of the face width. */
function shift(a: DetectedFace, b: DetectedFace): number {
  const ea = [a.box.x, a.box.y, a.box.x + a.box.width, a.box.y + a.box.height];
  const eb = [b.box.x, b.box.y, b.box.x + b.box.width, b.box.y + b.box.height];
  let worst = Math.max(...ea.map((v, i) => Math.abs(v - eb[i]!)));
  for (const k of Object.keys(a.keypoints) as (keyof DetectedFace['keypoints'])[]) {
    worst = Math.max(worst, Math.hypot(a.keypoints[k][0] - b.keypoints[k][0], a.keypoints[k][1] - b.keypoints[k][1]));
  }
  return worst / a.box.width;
}
