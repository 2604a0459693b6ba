/**
 * Learns the template projection (mean-centred PCA) from the float embeddings the accuracy harness cached, and
 * measures what it costs. Maintainer tool, run once per embedding model:
 *
 *   npm run eval:faces -- --pairs <lfw-dev>/pairs.txt --images <lfw-dev>/images --cache      # fills .cache/eval-faces
 *   node_modules/.bin/tsx scripts/learn-projection.ts --cache-file .cache/eval-faces/<file>.json \
 *       --pairs <lfw-dev>/pairs.txt [--study] [--dims 128] [--write]
 *
 * --study prints, for several dimensions, the allPairs TAR at FAR 1e-3/1e-4 of the float embedding, of the int8
 * template with PCA learned on all five folds, and with PCA learned on four folds and tested on the fifth (the
 * honest figure: no image is projected by a PCA that saw it). --write emits engine/face/projection-<model>.ts.
 * --thresholds derives the operating points of the shipped templates on the --learn-folds (default all) and scores the
 * others (or --test-folds) at them; with --candidate it uses a projection learned on the --learn-folds in memory
 * instead (--dims, --whiten <p>: each PCA row scaled by variance^(-p/2)), so a candidate is judged held out without
 * overwriting the shipped file. --failures lists the learning folds' genuine pairs below their FAR 1e-4 threshold.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { pca, type Pca } from './eval/pca.ts';
import { identityOf, readPairs } from './eval/datasets.ts';
import { allPairScores, tarAtFar } from './eval/metrics.ts';
import { floatsFromBase64 } from './eval/cache.ts';
import { registerProjection } from '../engine/face/projection.ts';
import type { PackedProjection } from '../engine/face/projection.ts';
import { createTemplate, templateSimilarity } from '../engine/face/template.ts';
import type { EmbedderId } from '../engine/face/embedders.ts';

const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const cacheFile = opt('--cache-file');
/** `<variant>[+mirror]`: read scripts/embedder-study.ts's cache (every shard; `--study-dir`, default .cache/embedder-study) instead of the harness's. */
const study = opt('--study-variant');
const pairsFile = opt('--pairs');
if ((!cacheFile && !study) || !pairsFile) throw new Error('need --cache-file (or --study-variant) and --pairs');
const model = (opt('--model') ?? 'faceres') as EmbedderId;
const transformId = Number(opt('--transform-id') ?? 1);
/** Folds (1-based) the PCA and the thresholds are learned on; the others are held out and reported on. Default all. */
const learnFolds = opt('--learn-folds')?.split(',').map((f) => Number(f) - 1);

const cache: Record<string, { e: string | null }> = cacheFile ? (JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, { e: string | null }>) : readStudy(study!);

/** The study's per-view unit vectors (base64), as one unit vector per image: the crop's, or with +mirror both views' sum. */
function readStudy(variant: string): Record<string, { e: string | null }> {
  const [v, mirror] = [variant.replace('+mirror', ''), variant.endsWith('+mirror')];
  const dir = opt('--study-dir') ?? '.cache/embedder-study';
  const out: Record<string, { e: string | null }> = {};
  for (const f of readdirSync(dir).sort()) {
    if (!f.startsWith(`${v}-`) || !f.endsWith('.json')) continue;
    const c = JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')) as Record<string, (string | null)[] | null>;
    for (const [im, views] of Object.entries(c)) {
      if (!views) {
        out[im] = { e: null };
        continue;
      }
      const vs = (mirror ? views : views.slice(0, 1)).map((b) => floatsFromBase64(b!));
      const sum = new Float32Array(vs[0]!.length);
      for (const x of vs) for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + x[i]!;
      out[im] = { e: Buffer.from(sum.buffer).toString('base64') };
    }
  }
  return out;
}
const pairs = readPairs(pairsFile);
const foldOf = new Map<string, number>();
for (const p of pairs) {
  foldOf.set(p.a, p.fold);
  foldOf.set(p.b, p.fold);
}
const images = [...foldOf.keys()].sort();
const emb = new Map<string, Float32Array>();
for (const im of images) {
  const e = cache[im]?.e;
  if (e) emb.set(im, normalise(floatsFromBase64(e)));
}
const learnable = images.filter((i) => emb.has(i) && (!learnFolds || learnFolds.includes(foldOf.get(i)!)));
/** --test-folds: the held-out folds reported on (default: every fold not learned on). */
const testFolds = opt('--test-folds')?.split(',').map((f) => Number(f) - 1);
const heldOutImages = learnFolds ? images.filter((i) => !learnFolds.includes(foldOf.get(i)!) && (!testFolds || testFolds.includes(foldOf.get(i)!))) : [];
const learnImages = learnFolds ? images.filter((i) => learnFolds.includes(foldOf.get(i)!)) : images;
process.stderr.write(`${emb.size}/${images.length} images have embeddings\n`);

function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  return v.map((x) => x / n);
}

/** Same arithmetic as engine/face/template.ts + projection.ts: centre, project, int8 per template. */
function project(p: Pca, k: number, v: Float32Array, quantise: boolean): Float32Array {
  const out = new Float32Array(k);
  let max = 0;
  for (let r = 0; r < k; r++) {
    let s = 0;
    for (let i = 0; i < p.d; i++) s += p.components[r * p.d + i]! * (v[i]! - p.mean[i]!);
    out[r] = s;
    max = Math.max(max, Math.abs(s));
  }
  if (quantise && max > 0) for (let r = 0; r < k; r++) out[r] = Math.round((out[r]! * 127) / max);
  return out;
}

function cos(a: Float32Array, b: Float32Array): number {
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

/** allPairs TAR over `subset`, with -Infinity for images without a vector (failures). */
function allPairs(subset: readonly string[], vec: (im: string) => Float32Array | undefined): { t3: number; t4: number } {
  const { gen, imp } = allPairScores(subset, vec, cos, identityOf);
  return { t3: tarAtFar(gen, imp, 1e-3).tar, t4: tarAtFar(gen, imp, 1e-4).tar };
}

const fmt = (x: number) => (100 * x).toFixed(2);

if (argv.includes('--study')) {
  const dims = (opt('--dims-list') ?? '64,96,128,160,192,240').split(',').map(Number);
  const kMax = Math.max(...dims);
  const full = pca(learnable.map((i) => emb.get(i)!), kMax);
  const float = allPairs(images, (i) => emb.get(i));
  console.log(`float ${emb.get(learnable[0]!)!.length}-d: TAR@1e-3 ${fmt(float.t3)} TAR@1e-4 ${fmt(float.t4)} (allPairs, ${images.length} images)`);
  // No projection at all: the normalised embedding rounded to int8, for models already small enough.
  const raw = allPairs(images, (i) => {
    const v = emb.get(i);
    if (!v) return undefined;
    let max = 0;
    for (const x of v) max = Math.max(max, Math.abs(x));
    return v.map((x) => Math.round((x * 127) / max));
  });
  console.log(`no projection, int8: TAR@1e-3 ${fmt(raw.t3)} TAR@1e-4 ${fmt(raw.t4)}`);
  // per-fold PCA learned without that fold
  const folds = [...new Set(foldOf.values())].sort();
  const heldOut = new Map<number, Pca>();
  for (const f of folds) heldOut.set(f, pca(learnable.filter((i) => foldOf.get(i) !== f).map((i) => emb.get(i)!), kMax));
  for (const k of dims) {
    const all = allPairs(images, (i) => (emb.has(i) ? project(full, k, emb.get(i)!, true) : undefined));
    // cross-validated: each image projected by the PCA that did not see its fold; pairs within a fold only
    let cv3 = 0;
    let cv4 = 0;
    let fl3 = 0;
    let fl4 = 0;
    for (const f of folds) {
      const sub = images.filter((i) => foldOf.get(i) === f);
      const r = allPairs(sub, (i) => (emb.has(i) ? project(heldOut.get(f)!, k, emb.get(i)!, true) : undefined));
      const fl = allPairs(sub, (i) => emb.get(i));
      cv3 += r.t3 / folds.length;
      cv4 += r.t4 / folds.length;
      fl3 += fl.t3 / folds.length;
      fl4 += fl.t4 / folds.length;
    }
    if (heldOutImages.length) {
      const h = allPairs(heldOutImages, (i) => (emb.has(i) ? project(full, k, emb.get(i)!, true) : undefined));
      const hf = allPairs(heldOutImages, (i) => emb.get(i));
      console.log(`k=${k} held-out folds (PCA from the learning folds): int8 ${fmt(h.t3)}/${fmt(h.t4)} against float ${fmt(hf.t3)}/${fmt(hf.t4)}`);
    }
    console.log(
      `k=${k} int8: all-folds PCA TAR@1e-3 ${fmt(all.t3)} @1e-4 ${fmt(all.t4)} | per-fold (float ${fmt(fl3)}/${fmt(fl4)}) held-out PCA ${fmt(cv3)}/${fmt(cv4)} | variance kept ${fmt(full.variances.slice(0, k).reduce((s, v) => s + v, 0) / totalVariance(learnable))}%`,
    );
  }
}

function totalVariance(ims: readonly string[]): number {
  const d = emb.get(ims[0]!)!.length;
  const mean = new Float64Array(d);
  for (const i of ims) for (let j = 0; j < d; j++) mean[j]! += emb.get(i)![j]! / ims.length;
  let t = 0;
  for (const i of ims) for (let j = 0; j < d; j++) t += (emb.get(i)![j]! - mean[j]!) ** 2 / ims.length;
  return t;
}

/**
 * The projection learned on the learning folds' images: mean-centred PCA to `k` dimensions, each row scaled by its
 * variance^(-whiten/2) (0: plain PCA, the shipped kind; 1: full whitening), packed as the engine ships it (int8 rows,
 * a scale per row).
 */
function packProjection(k: number, whiten: number): { packed: PackedProjection; text: string } {
  const p = pca(learnable.map((i) => emb.get(i)!), k);
  const rows = new Int8Array(k * p.d);
  const rowScale = new Float32Array(k);
  for (let r = 0; r < k; r++) {
    let max = 0;
    for (let i = 0; i < p.d; i++) max = Math.max(max, Math.abs(p.components[r * p.d + i]!));
    rowScale[r] = (max / 127) * (whiten ? p.variances[r]! ** (-whiten / 2) : 1);
    for (let i = 0; i < p.d; i++) rows[r * p.d + i] = Math.round((p.components[r * p.d + i]! * 127) / max);
  }
  const b64 = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  const foldsText = learnFolds ? `folds ${learnFolds.map((f) => f + 1).join(', ')}` : 'folds 1-5';
  const kind = whiten ? `Mean-centred PCA whitened by variance^-${whiten / 2}` : 'Mean-centred PCA';
  const about = `${kind}, ${p.d} -> ${k} dimensions, learned by scripts/learn-projection.ts on the L2-normalised ${model}${study?.endsWith('+mirror') ? ' (crop + mirror)' : ''} embeddings of the ${learnable.length} lfw-dev (LFW-gray ${foldsText}) images our pipeline found a face in.`;
  const packed: PackedProjection = { id: transformId, embedder: model, inputDims: p.d, outputDims: k, about, mean: b64(Float32Array.from(p.mean)), rows: b64(rows), rowScale: b64(rowScale) };
  const name = `PROJECTION_${model.replace(/[^a-z0-9]/gi, '_').toUpperCase()}`;
  const text = `// Generated by scripts/learn-projection.ts; do not edit. ${about}
import type { PackedProjection } from './projection.ts';

export const ${name}: PackedProjection = {
  id: ${transformId},
  embedder: '${model}',
  inputDims: ${p.d},
  outputDims: ${k},
  about: ${JSON.stringify(about)},
  mean: '${packed.mean}',
  rows: '${packed.rows}',
  rowScale: '${packed.rowScale}',
};
`;
  return { packed, text };
}

const whiten = Number(opt('--whiten') ?? 0);
if (argv.includes('--write')) {
  const { text } = packProjection(Number(opt('--dims') ?? 128), whiten);
  const out = `engine/face/projection-${model}.ts`;
  writeFileSync(out, text);
  process.stderr.write(`wrote ${out} (${text.length} bytes)\n`);
} else if (argv.includes('--candidate')) {
  // A candidate projection learned on the learning folds, used in memory by --thresholds (nothing written).
  registerProjection(packProjection(Number(opt('--dims') ?? 160), whiten).packed);
  process.stderr.write(`candidate projection: ${opt('--dims') ?? 160} dimensions, whiten ${whiten}, learned on ${learnable.length} images\n`);
}

/** The shipped templates' allPairs scores among `subset` (a failed image scores -Infinity). */
function templateScores(subset: readonly string[]): { gen: number[]; imp: Float32Array } {
  const templates = new Map(subset.filter((i) => emb.has(i)).map((i) => [i, createTemplate(emb.get(i)!, model)] as const));
  return allPairScores(subset, (i) => templates.get(i), templateSimilarity, identityOf);
}

if (argv.includes('--thresholds')) {
  // With the projection already written: the shipped templates' allPairs impostor distribution -> operating points,
  // derived on the learning folds only; then applied unchanged to the held-out folds.
  const dev = templateScores(learnImages);
  const held = heldOutImages.length ? templateScores(heldOutImages) : undefined;
  const all = learnFolds ? templateScores(images) : dev;
  const label = learnFolds ? `folds ${learnFolds.map((f) => f + 1).join(',')}` : 'all folds';
  for (const far of [1e-2, 1e-3, 1e-4]) {
    const r = tarAtFar(dev.gen, dev.imp, far);
    let line = `FAR ${far}: threshold ${r.threshold.toFixed(4)} on ${label}: TAR ${fmt(r.tar)} (measured FAR ${r.far.toExponential(2)}, ${dev.imp.length} impostor and ${dev.gen.length} genuine pairs)`;
    if (held) {
      const tar = held.gen.filter((s) => s >= r.threshold).length / held.gen.length;
      const fa = held.imp.filter((s) => s >= r.threshold).length / held.imp.length;
      const own = tarAtFar(held.gen, held.imp, far);
      line += ` | held-out folds at that threshold: TAR ${fmt(tar)}, FAR ${fa.toExponential(2)} (${held.imp.length} impostor, ${held.gen.length} genuine); held-out TAR@${far} ${fmt(own.tar)}`;
      const a = tarAtFar(all.gen, all.imp, far);
      line += ` | all five folds TAR@${far} ${fmt(a.tar)}`;
    }
    console.log(line);
  }
}

if (argv.includes('--failures')) {
  // The genuine pairs of the learning folds the shipped (or --candidate) templates turn away at the FAR 1e-4
  // threshold of those folds, lowest first, with the float embeddings' cosine beside the template's score.
  const dev = templateScores(learnImages);
  const { threshold } = tarAtFar(dev.gen, dev.imp, 1e-4);
  const ims = learnImages.filter((i) => emb.has(i));
  const tpl = new Map(ims.map((i) => [i, createTemplate(emb.get(i)!, model)] as const));
  const rows: [number, number, string, string][] = [];
  for (let i = 0; i < learnImages.length; i++) {
    for (let j = i + 1; j < learnImages.length; j++) {
      const [a, b] = [learnImages[i]!, learnImages[j]!];
      if (identityOf(a) !== identityOf(b)) continue;
      const s = tpl.has(a) && tpl.has(b) ? templateSimilarity(tpl.get(a)!, tpl.get(b)!) : -Infinity;
      if (s < threshold) rows.push([s, emb.has(a) && emb.has(b) ? cos(emb.get(a)!, emb.get(b)!) : -Infinity, a, b]);
    }
  }
  rows.sort((x, y) => x[0] - y[0]);
  console.log(`${rows.length} of ${dev.gen.length} genuine pairs below the FAR 1e-4 threshold ${threshold.toFixed(4)} (template score, float cosine, images):`);
  for (const [s, f, a, b] of rows) console.log(`${s.toFixed(4)}\t${f.toFixed(4)}\t${a}\t${b}`);
}
