// Would uint8 weights (engine/runtime/quantise.ts, the study's setting: tensors of ≥ 4096 weights) change what the site
// decides? Float and uint8 copies of the detector, the landmark model and the passive liveness model run side by side
// on the shared fixtures through the engine's own code: detections on the group photos (count, boxes), FaceMesh
// landmarks on the people photos (pixel error in the model's 192 px input), the liveness decision (and score) on the
// spoof fixtures' genuine and attack photos. The embedding model is not studied here: its accuracy is the face
// harness's call (npm run eval:faces). The thresholds below are what "equivalent" means; a model that fails them is
// not a candidate for uint8 weights.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { readdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { initBackend } from '../engine/runtime/backend.ts';
import { modelEntry } from '../engine/runtime/manifest.ts';
import { packageSource } from '../engine/runtime/node-source.ts';
import { loadGraphModel, readVerifiedFiles } from '../engine/runtime/load-model.ts';
import { BlazeFaceDetector } from '../engine/face/blazeface.ts';
import { PassiveScorer } from '../engine/liveness/passive.ts';
import { DEFAULT_POLICY } from '../engine/liveness/decide.ts';
import type { DetectedFace } from '../engine/face/types.ts';
import { decodeImage, fixture } from '../test-fixtures/node-images.ts';
import { quantiseUint8, type ModelJson } from '../engine/runtime/quantise.ts';
import { concatBytes } from '../engine/runtime/bytes.ts';
import { memoryModel, MIN_QUANTISED_ELEMENTS } from '../bench/lib/quantise-study.ts';

interface Pair {
  readonly float: GraphModel;
  readonly uint8: GraphModel;
  readonly bytes: { readonly float: number; readonly uint8: number };
  /** The uint8 weights file. */
  readonly uint8Bin: Uint8Array;
}

/** The pinned model (hash-checked) and its uint8 copy. */
async function pair(id: string): Promise<Pair> {
  const entry = modelEntry(id);
  const files = await readVerifiedFiles(entry, packageSource());
  const jsonName = entry.files.find((f) => f.name.endsWith('.json'))!.name;
  const json = JSON.parse(new TextDecoder().decode(files.get(jsonName)!)) as ModelJson;
  const shards = new Map(json.weightsManifest.flatMap((g) => g.paths).map((p) => [p, files.get(p)!] as const));
  const floatBin = concatBytes(json.weightsManifest.flatMap((g) => g.paths).map((p) => shards.get(p)!));
  const q = quantiseUint8(json, shards, `${id}.bin`, { minElements: MIN_QUANTISED_ELEMENTS });
  return { float: await memoryModel(json, floatBin), uint8: await memoryModel(q.json, q.bin), bytes: { float: floatBin.length, uint8: q.bin.length }, uint8Bin: q.bin };
}

const iou = (a: DetectedFace['box'], b: DetectedFace['box']): number => {
  const x = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const y = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  return (x * y) / (a.width * a.height + b.width * b.height - x * y);
};

/** Results the study reports (vitest prints them; the docs quote them). */
const findings: string[] = [];

describe.skipIf(!inject('fixturesPresent'))('uint8 weights against float, on the shared fixtures (needs EIDKIT_FIXTURES)', () => {
  let blazeface: Pair;
  let facemesh: Pair;
  let liveness: Pair;
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
    [blazeface, facemesh, liveness] = await Promise.all([pair('blazeface'), pair('facemesh'), pair('liveness-float')]);
  });
  afterAll(() => {
    for (const p of [blazeface, facemesh, liveness]) {
      p?.float.dispose();
      p?.uint8.dispose();
    }
    console.log(`uint8 equivalence study:\n  ${findings.join('\n  ')}`);
  });

  // Measured 2026-11-30: identical counts (19 faces), but boxes move up to 9.3 % of the face size (mean 3.2 %): the
  // detector's box regression is where its small tensors matter. Not equivalent, so BlazeFace keeps float weights;
  // this test fails (and asks for a look) if a better quantisation makes it equivalent.
  test('BlazeFace: the same face counts on every group photo, but boxes move more than 2 % of the face size: stays float', async () => {
    const float = new BlazeFaceDetector(blazeface.float);
    const uint8 = new BlazeFaceDetector(blazeface.uint8);
    let worst = 0;
    let sum = 0;
    let faces = 0;
    for (const file of readdirSync(fixture('faces/groups')).sort()) {
      const image = decodeImage(fixture('faces/groups', file));
      const [a, b] = [await float.detect(image), await uint8.detect(image)];
      expect(b.length, file).toBe(a.length);
      for (const f of a) {
        const match = b.reduce((best, g) => (iou(f.box, g.box) > iou(f.box, best.box) ? g : best), b[0]!);
        const size = Math.max(f.box.width, f.box.height);
        const edge = Math.max(Math.abs(f.box.x - match.box.x), Math.abs(f.box.y - match.box.y), Math.abs(f.box.width - match.box.width), Math.abs(f.box.height - match.box.height));
        worst = Math.max(worst, edge / size);
        sum += edge / size;
        faces++;
      }
    }
    findings.push(`blazeface ${blazeface.bytes.float} → ${blazeface.bytes.uint8} bytes: ${faces} faces on the group photos, identical counts, box edge shift mean ${((sum / faces) * 100).toFixed(2)} %, worst ${(worst * 100).toFixed(2)} % of the face size: not equivalent`);
    expect(faces).toBeGreaterThan(0);
    expect(worst).toBeGreaterThan(0.02);
  });

  test('FaceMesh: landmarks within 1.5 px (mean within 0.5 px) of the float model in its 192 px input, on every people photo', async () => {
    const detector = new BlazeFaceDetector(blazeface.float);
    let worst = 0;
    let sum = 0;
    let n = 0;
    for (const person of readdirSync(fixture('faces/people')).sort()) {
      for (const file of readdirSync(fixture('faces/people', person)).sort().slice(0, 2)) {
        const image = decodeImage(fixture('faces/people', person, file));
        const [face] = await detector.detect(image);
        if (!face) continue;
        // The face box enlarged 1.4x (FaceMesh's crop), resized to 192x192, 0..1: the model's own input framing.
        const side = Math.max(face.box.width, face.box.height) * 1.4;
        const cx = face.box.x + face.box.width / 2;
        const cy = face.box.y + face.box.height / 2;
        const input = tf.tidy(() => {
          const rgba = tf.tensor3d(new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength), [image.height, image.width, 4], 'int32');
          const rgb = tf.div(tf.cast(tf.slice(rgba, [0, 0, 0], [image.height, image.width, 3]), 'float32'), 255);
          const box = [(cy - side / 2) / image.height, (cx - side / 2) / image.width, (cy + side / 2) / image.height, (cx + side / 2) / image.width];
          return tf.image.cropAndResize(tf.expandDims(rgb, 0) as tf.Tensor4D, [box], [0], [192, 192]);
        });
        const mesh = async (m: GraphModel): Promise<Float32Array> => {
          const out = m.execute(input) as tf.Tensor | tf.Tensor[];
          const list = Array.isArray(out) ? out : [out];
          const points = list.find((t) => t.size === 1404)!;
          const data = (await points.data()) as Float32Array;
          tf.dispose(list);
          return data;
        };
        const [a, b] = [await mesh(facemesh.float), await mesh(facemesh.uint8)];
        input.dispose();
        for (let i = 0; i < a.length; i += 3) {
          const d = Math.hypot(a[i]! - b[i]!, a[i + 1]! - b[i + 1]!);
          worst = Math.max(worst, d);
          sum += d;
          n++;
        }
      }
    }
    findings.push(`facemesh ${facemesh.bytes.float} → ${facemesh.bytes.uint8} bytes: ${n / 468} faces, landmark error mean ${(sum / n).toFixed(3)} px, worst ${worst.toFixed(2)} px (192 px input)`);
    expect(n).toBeGreaterThan(0);
    expect(sum / n).toBeLessThan(0.5);
    expect(worst).toBeLessThan(1.5);
  });

  test('passive liveness (shipped in uint8): the same decision at the default threshold on every spoof fixture, scores within 0.05', async () => {
    // The shipped 'liveness' entry is derived at install time (engine/runtime/derive.ts); it must be this study's copy.
    const shipped = await readVerifiedFiles(modelEntry('liveness'), packageSource());
    expect(Buffer.from(shipped.get('liveness-uint8.bin')!).equals(Buffer.from(liveness.uint8Bin))).toBe(true);
    const detector = new BlazeFaceDetector(blazeface.float);
    const float = new PassiveScorer(undefined, liveness.float);
    const uint8 = new PassiveScorer(undefined, await loadGraphModel('liveness', packageSource()));
    let worst = 0;
    let images = 0;
    for (const kind of ['genuine', 'attack']) {
      for (const file of readdirSync(fixture('spoof', kind)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort()) {
        const image = decodeImage(fixture('spoof', kind, file));
        const [face] = await detector.detect(image);
        if (!face) continue;
        const [a, b] = [await float.scoreFrame(image, face.box), await uint8.scoreFrame(image, face.box)];
        expect(b.liveness >= DEFAULT_POLICY.passiveLivenessMin, `${kind}/${file}`).toBe(a.liveness >= DEFAULT_POLICY.passiveLivenessMin);
        worst = Math.max(worst, Math.abs(a.liveness - b.liveness));
        images++;
      }
    }
    findings.push(`liveness ${liveness.bytes.float} → ${liveness.bytes.uint8} bytes: ${images} spoof fixtures, same decision at ${DEFAULT_POLICY.passiveLivenessMin}, worst score change ${worst.toFixed(4)}`);
    expect(images).toBeGreaterThan(0);
    expect(worst).toBeLessThan(0.05);
  });
});
