/**
 * Face verification accuracy harness (issue 4). Runs eidkit's full face pipeline on image files (detection
 * included; an image with no face found is a failure, listed, and every pair using it scores as a non-match) and
 * prints one JSON object:
 *
 *   npm run eval:faces -- --pairs <pairs.txt> --images <dir> [--out result.json] [--peer face-api]
 *   npm run eval:faces -- --people <dir> [--out result.json] [--peer face-api]
 *
 * Research options: --model faceres|faceres-deep|dlib (embedding network), --representation template|float
 * (compare the shipped int8 template, or the raw float embedding by cosine), --cache (reuse embeddings under
 * .cache/eval-faces/, keyed by model and file), --max-pairs-per-fold N (a quick subset), --folds 1,2 (only those
 * folds of the pairs file), --refine-mesh auto|always|never (FaceMesh's second pass), --reverse-shard <name> (a second process filling the caches, ours and the peer's, from the end), --dump <file> (per-image
 * measurements, for calibrating the quality gates). Speed is measured in-process in Node here; phone figures live
 * in bench/.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createFaceEngine } from '../engine/face/index.ts';
import type { EmbedderId } from '../engine/face/embedders.ts';
import { registerProjection } from '../engine/face/projection.ts';
import { PROJECTION_FACERES } from '../engine/face/projection-faceres.ts';
import { createTemplate, decodeTemplate, DEFAULT_EMBEDDER } from '../engine/face/template.ts';
import { packageSource } from '../engine/runtime/node-source.ts';
import type { FaceAnalysis } from '../engine/face/pipeline.ts';
import { auc, eer, foldAccuracy, tarAtFar } from './eval/metrics.ts';
import { identityOf, listPeople, peoplePairs, readPairs, type Pair } from './eval/datasets.ts';
import { decodeFile } from './eval/images.ts';
import { floatsFromBase64 } from './eval/cache.ts';
import { faceApiPeer, PEER_NAME, peerScore, type PeerEmbedder } from './eval/face-api-peer.ts';

// faceres, a candidate, brings its own template projection (not in the engine's default bundle).
registerProjection(PROJECTION_FACERES);

export interface Args {
  pairs?: string;
  images?: string;
  people?: string;
  out?: string;
  peer?: string;
  model: EmbedderId;
  representation: 'template' | 'float';
  cache: boolean;
  maxPairsPerFold?: number;
  dump?: string;
  /** Work through the images from the end and write the cache under this suffix (a second process on a shared box). */
  reverseShard?: string;
  /** FaceMesh's second pass (AnalyseOptions.refineMesh); a non-default value gets its own cache. */
  refineMesh?: 'auto' | 'always' | 'never';
  /** Only these folds of the pairs file (1-based, as LFW numbers them). */
  folds?: number[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { model: DEFAULT_EMBEDDER, representation: 'template', cache: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--pairs') args.pairs = value();
    else if (a === '--images') args.images = value();
    else if (a === '--people') args.people = value();
    else if (a === '--out') args.out = value();
    else if (a === '--peer') args.peer = value();
    else if (a === '--model') args.model = value() as EmbedderId;
    else if (a === '--representation') args.representation = value() as Args['representation'];
    else if (a === '--cache') args.cache = true;
    else if (a === '--max-pairs-per-fold') args.maxPairsPerFold = Number(value());
    else if (a === '--dump') args.dump = value();
    else if (a === '--reverse-shard') args.reverseShard = value();
    else if (a === '--refine-mesh') {
      const v = value();
      if (v !== 'auto' && v !== 'always' && v !== 'never') throw new Error('--refine-mesh: auto, always or never');
      args.refineMesh = v;
    }
    else if (a === '--folds') args.folds = value().split(',').map(Number);
    else if (a === '--') continue;
    else throw new Error(`unknown option ${a}`);
  }
  if (!args.people && !(args.pairs && args.images)) throw new Error('give --pairs <pairs.txt> --images <dir>, or --people <dir>');
  if (args.peer && args.peer !== 'face-api') throw new Error(`unknown peer ${args.peer} (only face-api)`);
  return args;
}

/** Per-image result of one system: a score vector or a failure. */
type Vectors = Map<string, Float32Array | undefined>;

interface SystemResult {
  vectors: Vectors;
  msPerImage: number;
  score: (a: Float32Array, b: Float32Array) => number;
}

export interface EvalReport {
  pairs: number;
  genuine: number;
  impostor: number;
  failures: { count: number; images: string[] };
  auc: number;
  eer: number;
  tarAtFar: { '1e-2': number; '1e-3': number };
  accuracy: { mean: number; std: number; folds: number[] };
  threshold: number;
  msPerImage: number;
  allPairs: { genuine: number; impostor: number; tarAtFar: { '1e-3': number; '1e-4': number } };
}

const round = (x: number, d = 4): number => (Number.isFinite(x) ? Number(x.toFixed(d)) : x);

/** Scores every given pair, plus every same/different pair among all images (the open, BLUFR-style protocol). */
export function evaluate(pairs: readonly Pair[], images: readonly string[], system: SystemResult): EvalReport {
  const { vectors, score } = system;
  const s = (a: string, b: string): number => {
    const va = vectors.get(a);
    const vb = vectors.get(b);
    return va && vb ? score(va, vb) : -Infinity;
  };
  const scored = pairs.map((p) => ({ ...p, score: s(p.a, p.b) }));
  const gen = scored.filter((p) => p.same).map((p) => p.score);
  const imp = scored.filter((p) => !p.same).map((p) => p.score);

  // allPairs: a failed image still takes part, scoring -Infinity against everything.
  const ids = images.map(identityOf);
  const vecs = images.map((i) => vectors.get(i));
  let genAll: number[] = [];
  let nImp = 0;
  for (let i = 0; i < images.length; i++) for (let j = i + 1; j < images.length; j++) if (ids[i] !== ids[j]) nImp++;
  const impAll = new Float32Array(nImp);
  let k = 0;
  for (let i = 0; i < images.length; i++) {
    const vi = vecs[i];
    for (let j = i + 1; j < images.length; j++) {
      const vj = vecs[j];
      const v = vi && vj ? score(vi, vj) : -Infinity;
      if (ids[i] === ids[j]) genAll.push(v);
      else impAll[k++] = v;
    }
  }
  const at3 = tarAtFar(genAll, impAll, 1e-3);
  const at4 = tarAtFar(genAll, impAll, 1e-4);
  const failures = images.filter((i) => !vectors.get(i));
  const acc = foldAccuracy(scored);
  const result: EvalReport = {
    pairs: scored.length,
    genuine: gen.length,
    impostor: imp.length,
    failures: { count: failures.length, images: failures },
    auc: round(auc(gen, imp), 5),
    eer: round(eer(gen, imp)),
    tarAtFar: { '1e-2': round(tarAtFar(gen, imp, 1e-2).tar), '1e-3': round(tarAtFar(gen, imp, 1e-3).tar) },
    accuracy: { mean: round(acc.mean), std: round(acc.std), folds: acc.folds.map((f) => round(f)) },
    threshold: round(at3.threshold, 6),
    msPerImage: round(system.msPerImage, 1),
    allPairs: { genuine: genAll.length, impostor: impAll.length, tarAtFar: { '1e-3': round(at3.tar), '1e-4': round(at4.tar) } },
  };
  genAll = [];
  return result;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? d / Math.sqrt(na * nb) : 0;
}

/** The face an evaluation set means: LFW centres its subject, so the analysed face nearest the image centre. */
function subject(faces: readonly FaceAnalysis[], width: number, height: number): FaceAnalysis | undefined {
  const d = (f: FaceAnalysis) => Math.hypot(f.centre[0] - width / 2, f.centre[1] - height / 2);
  return [...faces].sort((a, b) => d(a) - d(b))[0];
}

interface CacheFile {
  [image: string]: { e: string | null; ms: number; m?: Record<string, number> };
}

async function runOurs(args: Args, root: string, images: readonly string[], log: (s: string) => void): Promise<{ float: SystemResult; dump: Record<string, unknown> }> {
  const refine = args.refineMesh && args.refineMesh !== 'auto' ? `-mesh-${args.refineMesh}` : '';
  const base = `${args.model}${refine}-${root.replace(/[^a-z0-9]+/gi, '_')}`;
  const cachePath = join('.cache', 'eval-faces', `${base}${args.reverseShard ? `.${args.reverseShard}` : ''}.json`);
  const cache: CacheFile = args.cache ? readCaches(base) : {};
  const engine = createFaceEngine({ models: packageSource(), backend: { prefer: 'wasm' }, embedder: args.model });
  await engine.ready();
  const vectors: Vectors = new Map();
  const dump: Record<string, unknown> = {};
  let ms = 0;
  let timed = 0;
  let n = 0;
  for (const image of args.reverseShard ? [...images].reverse() : images) {
    n++;
    const hit = cache[image];
    if (hit) {
      vectors.set(image, hit.e ? floatsFromBase64(hit.e) : undefined);
      ms += hit.ms;
      timed++;
      if (hit.m) dump[image] = hit.m;
      continue;
    }
    const pixels = decodeFile(join(root, image));
    const t0 = performance.now();
    // Gates off: the harness measures recognition; failures are only images where no face was found.
    const analysis = await engine.analyse(pixels, { embed: true, maxAnalysed: 3, policy: {}, ...(args.refineMesh ? { refineMesh: args.refineMesh } : {}) });
    const dt = performance.now() - t0;
    ms += dt;
    timed++;
    const face = subject(analysis.faces, analysis.width, analysis.height);
    vectors.set(image, face?.embedding);
    const m = face && {
      detected: analysis.detected,
      eyeDistance: face.eyeDistance,
      meshScore: face.meshScore,
      yaw: face.pose.yaw,
      pitch: face.pose.pitch,
      roll: face.pose.roll,
      earRight: face.eyes.right,
      earLeft: face.eyes.left,
      ...face.image,
    };
    if (m) dump[image] = m;
    cache[image] = { e: face?.embedding ? Buffer.from(face.embedding.buffer, face.embedding.byteOffset, face.embedding.byteLength).toString('base64') : null, ms: dt, ...(m ? { m } : {}) };
    if (n % 250 === 0) {
      log(`  ${n}/${images.length} images, ${(ms / timed).toFixed(0)} ms/image`);
      if (args.cache) save(cachePath, cache);
    }
  }
  if (args.cache) save(cachePath, cache);
  await engine.dispose();
  return { float: { vectors, msPerImage: ms / Math.max(1, timed), score: cosine }, dump };
}

/** The cache of a model: the main file merged with any shard files written by --reverse-shard runs. */
function readCaches(base: string): CacheFile {
  const dir = join('.cache', 'eval-faces');
  if (!existsSync(dir)) return {};
  const out: CacheFile = {};
  for (const f of readdirSync(dir).sort()) {
    if (f === `${base}.json` || (f.startsWith(`${base}.`) && f.endsWith('.json'))) Object.assign(out, JSON.parse(readFileSync(join(dir, f), 'utf8')) as CacheFile);
  }
  return out;
}

function save(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(data));
}

/** Template representation: the shipped int8 template's vector, compared as the engine compares them. */
function asTemplates(float: SystemResult, model: EmbedderId): SystemResult {
  const vectors: Vectors = new Map();
  for (const [k, v] of float.vectors) vectors.set(k, v && Float32Array.from(decodeTemplate(createTemplate(v, model)).vector));
  return { ...float, vectors, score: cosine };
}

export async function runPeer(args: Args, root: string, images: readonly string[], log: (s: string) => void): Promise<SystemResult & { name: string }> {
  const base = `peer-face-api-${root.replace(/[^a-z0-9]+/gi, '_')}`;
  const cachePath = join('.cache', 'eval-faces', `${base}${args.reverseShard ? `.${args.reverseShard}` : ''}.json`);
  const cache: CacheFile = args.cache ? readCaches(base) : {};
  let peer: PeerEmbedder | undefined;
  const vectors: Vectors = new Map();
  let ms = 0;
  let n = 0;
  for (const image of args.reverseShard ? [...images].reverse() : images) {
    n++;
    const hit = cache[image];
    if (hit) {
      vectors.set(image, hit.e ? floatsFromBase64(hit.e) : undefined);
      ms += hit.ms;
      continue;
    }
    peer ??= await faceApiPeer();
    const pixels = decodeFile(join(root, image));
    const t0 = performance.now();
    const v = await peer.embed(pixels);
    const dt = performance.now() - t0;
    ms += dt;
    vectors.set(image, v);
    cache[image] = { e: v ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : null, ms: dt };
    if (n % 250 === 0) {
      log(`  peer ${n}/${images.length} images, ${(ms / n).toFixed(0)} ms/image`);
      if (args.cache) save(cachePath, cache);
    }
  }
  if (args.cache) save(cachePath, cache);
  return { name: PEER_NAME, vectors, msPerImage: ms / Math.max(1, images.length), score: peerScore };
}

export async function main(argv: string[]): Promise<Record<string, unknown>> {
  const args = parseArgs(argv);
  const log = (s: string) => process.stderr.write(`${s}\n`);
  let pairs: Pair[];
  let root: string;
  if (args.people) {
    root = resolve(args.people);
    pairs = peoplePairs(listPeople(root));
  } else {
    root = resolve(args.images!);
    pairs = readPairs(resolve(args.pairs!));
    if (args.folds) pairs = pairs.filter((p) => args.folds!.includes(p.fold + 1));
    if (args.maxPairsPerFold) {
      const per = args.maxPairsPerFold;
      const seen = new Map<string, number>();
      pairs = pairs.filter((p) => {
        const key = `${p.fold}-${p.same}`;
        const c = seen.get(key) ?? 0;
        seen.set(key, c + 1);
        return c < per / 2;
      });
    }
  }
  const images = [...new Set(pairs.flatMap((p) => [p.a, p.b]))].sort();
  log(`${pairs.length} pairs over ${images.length} images from ${root}; model ${args.model}, ${args.representation}`);
  const ours = await runOurs(args, root, images, log);
  const system = args.representation === 'float' ? ours.float : asTemplates(ours.float, args.model);
  const report: Record<string, unknown> = { ...evaluate(pairs, images, system) };
  if (args.peer) {
    log('running face-api on the same images');
    const peer = await runPeer(args, root, images, log);
    report.peer = { name: peer.name, ...evaluate(pairs, images, peer) };
  }
  report.config = { model: args.model, refineMesh: args.refineMesh ?? 'auto', representation: args.representation, set: args.people ? 'people' : 'pairs', root };
  if (args.dump) save(args.dump, ours.dump);
  const text = JSON.stringify(report, null, 2);
  if (args.out) writeFileSync(args.out, `${text}\n`);
  return report;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('eval-faces.ts')) {
  main(process.argv.slice(2)).then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
