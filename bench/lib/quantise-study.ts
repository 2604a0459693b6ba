// The uint8-weights study: quantise the face-check models (engine/runtime/quantise.ts), measure the bytes saved, and how far the
// quantised nets drift from the float ones on real faces, in Node on tfjs's wasm backend. The accuracy verdict
// (TAR@1e-3 within 0.5 point) belongs to `npm run eval:faces`; this file reports it pending until that harness can
// load a re-quantised model (the engine refuses weights whose hash differs from the pin, as it should).
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import jpeg from 'jpeg-js';
import { initBackend, manifest, type Manifest } from '../../engine/index.ts';
import { QUANTISE_STUDY_MODELS, FACE_CHECK_WASM } from './payload.ts';
import { OUT, fixturesDir } from './prepare.ts';
import { quantiseUint8, type ModelJson } from '../../engine/runtime/quantise.ts';
import { concatBytes } from '../../engine/runtime/bytes.ts';
import type { PayloadResult } from './results.ts';

const gzipBytes = (b: Uint8Array): number => gzipSync(b, { level: 9 }).length;

interface Pair {
  readonly a: string;
  readonly b: string;
  readonly same: boolean;
}

/** The first `n` genuine and `n` impostor pairs of lfw-dev fold 1 (tuning data, never the held-out folds). */
function lfwPairs(n: number): { dir: string; pairs: Pair[] } | undefined {
  const root = join(fixturesDir(), 'faces/lfw-dev');
  if (!existsSync(join(root, 'pairs.txt'))) return undefined;
  const lines = readFileSync(join(root, 'pairs.txt'), 'utf8').trim().split('\n').slice(1);
  const file = (name: string, i: string) => join(root, 'images', name, `${name}_${i.padStart(4, '0')}.jpg`);
  const genuine = lines.slice(0, 300).slice(0, n).map((l) => l.split('\t')).map(([name, i, j]) => ({ a: file(name!, i!), b: file(name!, j!), same: true }));
  const impostor = lines.slice(300, 600).slice(0, n).map((l) => l.split('\t')).map(([n1, i, n2, j]) => ({ a: file(n1!, i!), b: file(n2!, j!), same: false }));
  return { dir: root, pairs: [...genuine, ...impostor] };
}

/** LFW funneled images are roughly aligned: the central 150 px hold the face as the embedder's crop does. */
function faceCrop(path: string, size: number, scale: (v: number) => number): tf.Tensor4D {
  const img = jpeg.decode(readFileSync(path), { useTArray: true, formatAsRGBA: true });
  return tf.tidy(() => {
    const rgba = tf.tensor3d(img.data, [img.height, img.width, 4], 'int32');
    const rgb = tf.slice(rgba, [50, 50, 0], [150, 150, 3]);
    const resized = tf.image.resizeBilinear(tf.cast(rgb, 'float32') as tf.Tensor3D, [size, size], true);
    return tf.expandDims(tf.add(tf.mul(resized, scale(1)), scale(0)), 0) as tf.Tensor4D;
  });
}

async function outputs(model: GraphModel, input: tf.Tensor4D): Promise<Float32Array[]> {
  const out = model.execute(input);
  const list = Array.isArray(out) ? out : [out];
  const data = await Promise.all(list.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(list);
  return data;
}

const cosine = (a: Float32Array, b: Float32Array): number => {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return d / Math.sqrt(na * nb);
};

/** A graph model built from its JSON and weights in memory (no file or URL), float or re-quantised alike. */
export function memoryModel(json: ModelJson, bin: Uint8Array): Promise<GraphModel> {
  return loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology as object,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
      weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer,
      ...(json.signature ? { signature: json.signature as object } : {}),
      ...(json.userDefinedMetadata ? { userDefinedMetadata: json.userDefinedMetadata as Record<string, object> } : {}),
    }),
  );
}

/**
 * Study setting: only tensors of at least this many weights go to uint8 (see QuantiseOptions). Measured on 20
 * lfw-dev pairs (faceres embedding cosine float↔uint8, mean): every tensor 0.76; ≥ 4096 0.974; ≥ 16384 0.978;
 * ≥ 65536 0.981, for 5.06 / 5.24 / 5.58 / 5.85 MB. 4096 keeps most of the saving and loses the collapse.
 */
export const MIN_QUANTISED_ELEMENTS = Number(process.env.EIDKIT_BENCH_QMIN ?? 4096);

export async function quantiseStudy(log: (s: string) => void, pairsPerKind = 25): Promise<NonNullable<PayloadResult['quantised']>> {
  const src = join(OUT, 'models');
  const dst = join(OUT, 'quantised');
  mkdirSync(dst, { recursive: true });
  const files: { file: string; bytes: number; gzip: number; maxAbsError: number }[] = [];
  const models = new Map<string, { float: [ModelJson, Uint8Array]; q: [ModelJson, Uint8Array] }>();
  for (const id of QUANTISE_STUDY_MODELS) {
    const json = JSON.parse(readFileSync(join(src, `${id}.json`), 'utf8')) as ModelJson;
    const shards = new Map(json.weightsManifest.flatMap((g) => g.paths).map((p) => [p, new Uint8Array(readFileSync(join(src, p)))] as const));
    const q = quantiseUint8(json, shards, `${id}.bin`, { minElements: MIN_QUANTISED_ELEMENTS });
    const qJson = JSON.stringify(q.json);
    writeFileSync(join(dst, `${id}.json`), qJson);
    writeFileSync(join(dst, `${id}.bin`), q.bin);
    files.push({ file: `${id}.json`, bytes: Buffer.byteLength(qJson), gzip: gzipBytes(Buffer.from(qJson)), maxAbsError: 0 });
    files.push({ file: `${id}.bin`, bytes: q.bin.length, gzip: gzipBytes(q.bin), maxAbsError: q.maxAbsError });
    models.set(id, { float: [json, shards.get(`${id}.bin`) ?? concatShards(json, shards)], q: [q.json, q.bin] });
  }
  writeFileSync(join(dst, 'manifest.json'), JSON.stringify(quantisedManifest(dst), null, 2) + '\n');
  // Files the study leaves as they are (the wasm runtime) count at their own size.
  for (const f of readdirSync(src).filter((n) => n === FACE_CHECK_WASM)) {
    const b = readFileSync(join(src, f));
    files.push({ file: f, bytes: b.length, gzip: gzipBytes(b), maxAbsError: 0 });
  }
  const bytes = files.reduce((n, f) => n + f.bytes, 0);
  log(`  uint8 weights: ${(bytes / 1e6).toFixed(2)} MB for the face check (written to dist/bench/quantised)`);

  const drift: Record<string, number> = {};
  const lfw = lfwPairs(pairsPerKind);
  if (lfw) {
    await initBackend({ prefer: 'wasm' });
    const load = async (id: string) => {
      const m = models.get(id)!;
      return { float: await memoryModel(...m.float), q: await memoryModel(...m.q) };
    };
    const faceres = await load('faceres');
    const mesh = await load('facemesh');
    const images = [...new Set(lfw.pairs.flatMap((p) => [p.a, p.b]))];
    const embF = new Map<string, Float32Array>();
    const embQ = new Map<string, Float32Array>();
    const cos: number[] = [];
    const meshErr: number[] = [];
    for (const path of images) {
      const crop = faceCrop(path, 224, (k) => (k === 1 ? 1 : 0));
      const pick = (o: Float32Array[]) => o.find((x) => x.length === 1024)!;
      const f = pick(await outputs(faceres.float, crop));
      const q = pick(await outputs(faceres.q, crop));
      crop.dispose();
      embF.set(path, f);
      embQ.set(path, q);
      cos.push(cosine(f, q));
      const m = faceCrop(path, 192, (k) => (k === 1 ? 1 / 255 : 0));
      const mf = (await outputs(mesh.float, m)).find((x) => x.length === 1404)!;
      const mq = (await outputs(mesh.q, m)).find((x) => x.length === 1404)!;
      m.dispose();
      let e = 0;
      for (let i = 0; i < 468; i++) e += Math.hypot(mf[i * 3]! - mq[i * 3]!, mf[i * 3 + 1]! - mq[i * 3 + 1]!);
      meshErr.push(e / 468);
    }
    const delta = lfw.pairs.map((p) => Math.abs(cosine(embF.get(p.a)!, embF.get(p.b)!) - cosine(embQ.get(p.a)!, embQ.get(p.b)!)));
    drift['faceres embedding cosine float↔uint8, mean'] = cos.reduce((s, x) => s + x, 0) / cos.length;
    drift['faceres embedding cosine, worst'] = Math.min(...cos);
    drift[`pair similarity |Δ| mean (${lfw.pairs.length} lfw-dev fold-1 pairs)`] = delta.reduce((s, x) => s + x, 0) / delta.length;
    drift['pair similarity |Δ| max'] = Math.max(...delta);
    drift['FaceMesh landmark shift, px of 192, mean'] = meshErr.reduce((s, x) => s + x, 0) / meshErr.length;
    for (const m of [faceres, mesh]) {
      m.float.dispose();
      m.q.dispose();
    }
    log(`  uint8 drift: ${Object.entries(drift).map(([k, v]) => `${k} ${v.toFixed(4)}`).join('; ')}`);
  }
  return {
    files,
    bytes,
    drift,
    accuracy:
      'pending — `npm run eval:faces` cannot load re-quantised weights yet (the loader accepts only the pinned hashes); ' +
      'the weights are in dist/bench/quantised/ for that run. Not adopted until it shows ≤ 0.5 point TAR@1e-3 lost',
  };
}

/**
 * The pinned manifest with the face-check models' entries re-pinned to the uint8 files, so a loader that takes a
 * manifest (loadGraphModel's `from`) can verify and load them: what `eval:faces` needs for the accuracy check.
 */
function quantisedManifest(dir: string): Manifest & { about: string } {
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  return {
    ...manifest,
    about: `A copy of models/manifest.json in which ${QUANTISE_STUDY_MODELS.join(', ')} are re-quantised to uint8 by engine/runtime/quantise.ts (tensors of ≥ ${MIN_QUANTISED_ELEMENTS} weights), for accuracy evaluation only.`,
    models: manifest.models.map((m) =>
      (QUANTISE_STUDY_MODELS as readonly string[]).includes(m.id)
        ? {
            ...m,
            version: `${m.version}+uint8`,
            files: m.files.map((f) => {
              const b = readFileSync(join(dir, f.name));
              return { ...f, sha256: sha(b), bytes: b.length };
            }),
          }
        : m,
    ),
  };
}

function concatShards(json: ModelJson, shards: ReadonlyMap<string, Uint8Array>): Uint8Array {
  return concatBytes(json.weightsManifest.flatMap((g) => g.paths).map((p) => shards.get(p)!));
}
