import type { EmbedderId } from './embedders.ts';
import { PROJECTION_FR_FEATURE } from './projection-fr-feature.ts';

/**
 * A fixed linear map from the network's embedding to the template's space: mean-centred PCA learned once on the
 * lfw-dev images (scripts/learn-projection.ts; how and why in site/docs/face.md, "Template"). Shipped as int8 rows
 * with a scale per row, which keeps it small and changes scores by far less than the template's own int8 rounding.
 */
export interface Projection {
  /** The transform id written into every template made with it. */
  readonly id: number;
  readonly embedder: EmbedderId;
  readonly inputDims: number;
  readonly outputDims: number;
  /** Mean of the L2-normalised embeddings it was learned on. */
  readonly mean: Float32Array;
  /** outputDims x inputDims, row-major, int8; row r is multiplied by rowScale[r]. */
  readonly rows: Int8Array;
  readonly rowScale: Float32Array;
}

export interface PackedProjection {
  readonly id: number;
  readonly embedder: EmbedderId;
  readonly inputDims: number;
  readonly outputDims: number;
  readonly about: string;
  /** base64 of little-endian float32 */
  readonly mean: string;
  /** base64 of int8 */
  readonly rows: string;
  /** base64 of little-endian float32 */
  readonly rowScale: string;
}

export function unpackProjection(p: PackedProjection): Projection {
  const mean = new Float32Array(bytes(p.mean).buffer);
  const rows = new Int8Array(bytes(p.rows).buffer);
  const rowScale = new Float32Array(bytes(p.rowScale).buffer);
  if (mean.length !== p.inputDims || rows.length !== p.inputDims * p.outputDims || rowScale.length !== p.outputDims) {
    throw new RangeError(`projection ${p.id}: sizes do not match its header`);
  }
  return { id: p.id, embedder: p.embedder, inputDims: p.inputDims, outputDims: p.outputDims, mean, rows, rowScale };
}

function bytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Projects an embedding (any length-normalisation) and returns the unit-length result. */
export function projectEmbedding(embedding: Float32Array, p: Projection): Float32Array {
  if (embedding.length !== p.inputDims) throw new RangeError(`expected a ${p.inputDims}-d embedding, got ${embedding.length}`);
  let n = 0;
  for (const x of embedding) n += x * x;
  n = Math.sqrt(n) || 1;
  const centred = new Float32Array(p.inputDims);
  for (let i = 0; i < p.inputDims; i++) centred[i] = embedding[i]! / n - p.mean[i]!;
  const out = new Float32Array(p.outputDims);
  let norm = 0;
  for (let r = 0; r < p.outputDims; r++) {
    let s = 0;
    const o = r * p.inputDims;
    for (let i = 0; i < p.inputDims; i++) s += p.rows[o + i]! * centred[i]!;
    s *= p.rowScale[r]!;
    out[r] = s;
    norm += s * s;
  }
  norm = Math.sqrt(norm) || 1;
  for (let r = 0; r < p.outputDims; r++) out[r] = out[r]! / norm;
  return out;
}

/**
 * The default embedder's projection ships in the engine's bundle. A candidate's (faceres, in projection-faceres.ts) is
 * 131 kB of compressed JavaScript the site's face worker has no use for, so it is registered by what runs that
 * candidate (the engine when its embedder loads, the evaluation scripts): a template made before is refused for want
 * of a projection, never made without one.
 */
const PACKED: Partial<Record<EmbedderId, PackedProjection>> = { 'fr-feature': PROJECTION_FR_FEATURE };
const cache: Partial<Record<EmbedderId, Projection>> = {};

/** Makes a candidate embedder's projection available to shippedProjection (and so to createTemplate). */
export function registerProjection(p: PackedProjection): void {
  PACKED[p.embedder] = p;
  delete cache[p.embedder];
}

/** The projection shipped for an embedder (unpacked on first use), if any. */
export function shippedProjection(model: EmbedderId): Projection | undefined {
  const packed = PACKED[model];
  if (packed && !cache[model]) cache[model] = unpackProjection(packed);
  return cache[model];
}
