import { EidkitError } from '../errors.ts';
import type { EmbedderId } from './embedders.ts';
import { projectEmbedding, shippedProjection } from './projection.ts';
import { l2normalise } from './pipeline.ts';
import { assertTemplateFormat, TEMPLATE_FORMAT, TEMPLATE_HEADER_BYTES, TEMPLATE_MAGIC, TEMPLATE_MAX_BYTES } from './template-format.ts';

/**
 * The embedding network templates are made with, chosen by measurement on lfw-dev (site/docs/face.md,
 * "Choosing the embedding model").
 */
export const DEFAULT_EMBEDDER: EmbedderId = 'fr-feature';

/**
 * Binary face template, format 2 (little-endian, 12-byte header + one signed byte per dimension):
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 2 | magic "FT" |
 * | 2 | 1 | format version (2; format 1 is refused with face/template-reenrol, template-format.ts) |
 * | 3 | 1 | model id (MODEL_CODES) |
 * | 4 | 2 | model version (the weights' manifest version, MODEL_VERSIONS) |
 * | 6 | 2 | transform id (the projection, projection.ts) |
 * | 8 | 1 | dimensions d |
 * | 9 | 1 | frames fused (1 for a single capture) |
 * | 10 | 2 | reserved, 0 |
 * | 12 | d | projected, L2-normalised embedding x 127 / max|x|, rounded to int8 |
 *
 * Only angles matter for matching (cosine), so each template is quantised with its own scale and the scale is not
 * stored. The default model (fr-feature, 512-d) goes through its shipped PCA (transform 2, projection-fr-feature.ts)
 * to 160 numbers: 172 bytes in all. dlib's 128-d descriptor needs no projection (transform 0);
 * faceres's 1024-d one goes through its PCA to 128 (transform 1).
 */
export { TEMPLATE_FORMAT, TEMPLATE_HEADER_BYTES, TEMPLATE_MAX_BYTES } from './template-format.ts';

export const MODEL_CODES: Readonly<Record<EmbedderId, number>> = { faceres: 1, 'faceres-deep': 2, dlib: 3, 'fr-feature': 4, 'fr-feature-float': 5, 'fr-feature-sdk': 6 };
/** Bumped whenever the weights behind an id change (a new human-models release), so old templates are refused. */
export const MODEL_VERSIONS: Readonly<Record<EmbedderId, number>> = { faceres: 1, 'faceres-deep': 1, dlib: 1, 'fr-feature': 1, 'fr-feature-float': 1, 'fr-feature-sdk': 1 };

export interface TemplateHeader {
  readonly format: number;
  readonly model: EmbedderId;
  readonly modelVersion: number;
  readonly transform: number;
  readonly dims: number;
  readonly frames: number;
}

export interface DecodedTemplate extends TemplateHeader {
  readonly vector: Int8Array;
}

/**
 * Transform 0: no projection, the L2-normalised embedding itself. For dlib a mean-centred PCA, even at full rank,
 * costs 10 points of TAR@1e-3 (its descriptor space is not centred; site/docs/face.md), so its templates are unprojected.
 */
export const NO_PROJECTION = 0;

/** The transform id templates of `model` carry: its shipped projection's, or NO_PROJECTION. */
export function transformFor(model: EmbedderId): number {
  return shippedProjection(model)?.id ?? NO_PROJECTION;
}

/** Template bytes from a float embedding of `model` (as the pipeline returns it). */
export function createTemplate(embedding: Float32Array, model: EmbedderId, frames = 1): Uint8Array {
  const projection = shippedProjection(model);
  const v = projection ? projectEmbedding(embedding, projection) : l2normalise(embedding);
  const dims = v.length;
  if (TEMPLATE_HEADER_BYTES + dims > TEMPLATE_MAX_BYTES) {
    throw new EidkitError('face/no-projection', `The ${model} embedding (${dims} numbers) needs a projection to fit a template, and none is shipped.`, { model, dims });
  }
  const out = new Uint8Array(TEMPLATE_HEADER_BYTES + dims);
  const view = new DataView(out.buffer);
  out[0] = TEMPLATE_MAGIC[0];
  out[1] = TEMPLATE_MAGIC[1];
  out[2] = TEMPLATE_FORMAT;
  out[3] = MODEL_CODES[model];
  view.setUint16(4, MODEL_VERSIONS[model], true);
  view.setUint16(6, projection?.id ?? NO_PROJECTION, true);
  out[8] = dims;
  out[9] = Math.max(1, Math.min(255, frames));
  let max = 0;
  for (const x of v) max = Math.max(max, Math.abs(x));
  const q = new Int8Array(out.buffer, TEMPLATE_HEADER_BYTES, dims);
  for (let i = 0; i < dims; i++) q[i] = max > 0 ? Math.round((v[i]! * 127) / max) : 0;
  return out;
}

export function decodeTemplate(bytes: Uint8Array): DecodedTemplate {
  assertTemplateFormat(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = bytes[2]!;
  const code = bytes[3]!;
  const model = (Object.keys(MODEL_CODES) as EmbedderId[]).find((k) => MODEL_CODES[k] === code);
  if (!model) throw new EidkitError('face/template-version', `Face template made by an unknown model (code ${code}).`, { modelCode: code });
  const dims = bytes[8]!;
  if (dims === 0 || bytes.length !== TEMPLATE_HEADER_BYTES + dims) {
    throw new EidkitError('face/bad-template', `Face template length ${bytes.length} does not match its ${dims} dimensions.`);
  }
  return {
    format,
    model,
    modelVersion: view.getUint16(4, true),
    transform: view.getUint16(6, true),
    dims,
    frames: bytes[9]!,
    vector: new Int8Array(bytes.buffer, bytes.byteOffset + TEMPLATE_HEADER_BYTES, dims),
  };
}

/** Cosine similarity of two templates' vectors (-1..1). Throws if they were not made the same way. */
export function templateSimilarity(a: Uint8Array, b: Uint8Array): number {
  const ta = decodeTemplate(a);
  const tb = decodeTemplate(b);
  assertComparable(ta, tb);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < ta.dims; i++) {
    const x = ta.vector[i]!;
    const y = tb.vector[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

function assertComparable(a: TemplateHeader, b: TemplateHeader): void {
  if (a.model !== b.model || a.modelVersion !== b.modelVersion || a.transform !== b.transform || a.dims !== b.dims) {
    throw new EidkitError(
      'face/template-mismatch',
      `These face templates were made by different model versions (${a.model} v${a.modelVersion}/transform ${a.transform} vs ${b.model} v${b.modelVersion}/transform ${b.transform}) and cannot be compared.`,
      { a: { model: a.model, modelVersion: a.modelVersion, transform: a.transform }, b: { model: b.model, modelVersion: b.modelVersion, transform: b.transform } },
    );
  }
  if (a.modelVersion !== MODEL_VERSIONS[a.model] || a.transform !== transformFor(a.model)) {
    throw new EidkitError(
      'face/template-mismatch',
      `These face templates (${a.model} v${a.modelVersion}, transform ${a.transform}) were made by a model version this engine does not run, so their scores are not calibrated here.`,
      { model: a.model, modelVersion: a.modelVersion, transform: a.transform },
    );
  }
}

/**
 * Fuses several embeddings of one person (enrolment frames) into one: the normalised mean. Averaging unit vectors
 * cancels per-frame noise (expression, blur) and keeps what is stable: identity.
 */
export function fuseEmbeddings(embeddings: readonly Float32Array[]): Float32Array {
  if (embeddings.length === 0) throw new EidkitError('face/no-frames', 'No frames to fuse.');
  const dims = embeddings[0]!.length;
  const sum = new Float32Array(dims);
  for (const e of embeddings) {
    if (e.length !== dims) throw new EidkitError('face/no-frames', 'Embeddings of different sizes cannot be fused.');
    const n = l2normalise(e);
    for (let i = 0; i < dims; i++) sum[i] = sum[i]! + n[i]!;
  }
  return l2normalise(sum);
}
