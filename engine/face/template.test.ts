import { describe, expect, test } from 'vitest';
import {
  createTemplate,
  decodeTemplate,
  DEFAULT_EMBEDDER,
  fuseEmbeddings,
  MODEL_CODES,
  NO_PROJECTION,
  templateSimilarity,
  TEMPLATE_FORMAT,
  TEMPLATE_HEADER_BYTES,
  TEMPLATE_MAX_BYTES,
} from './template.ts';
import { needsReenrolment } from './template-format.ts';
import { compareTemplates, FAR_1E3, FAR_1E4 } from './match.ts';
import { registerProjection, shippedProjection } from './projection.ts';
import { PROJECTION_FACERES } from './projection-faceres.ts';

// faceres is a candidate: its projection is registered by whoever runs it (projection.ts).
registerProjection(PROJECTION_FACERES);
import { isEidkitError } from '../errors.ts';
import { seededRandom } from '../../scripts/eval/metrics.ts';

const rnd = seededRandom(3);
const gaussian = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
/** A plausible faceres embedding: the projection's mean plus a random direction (faceres outputs are non-negative). */
function faceresEmbedding(): Float32Array {
  const p = shippedProjection('faceres')!;
  return Float32Array.from(p.mean, (m) => Math.max(0, m + 0.03 * gaussian()));
}
function noisy(v: Float32Array, amount: number): Float32Array {
  return v.map((x) => Math.max(0, x + amount * gaussian()));
}
/** A dlib-like descriptor: 128 signed numbers of about ±0.1, the scale dlib's ResNet emits. */
function dlibEmbedding(): Float32Array {
  return Float32Array.from({ length: 128 }, () => 0.1 * gaussian());
}
const rejects = (f: () => unknown, code: string) => expect(f).toThrow(expect.objectContaining({ code }));

describe('face template format (faceres: projected by its PCA)', () => {
  test('fits the 256-byte budget with the versioned header', () => {
    const t = createTemplate(faceresEmbedding(), 'faceres');
    expect(t.length).toBeLessThanOrEqual(TEMPLATE_MAX_BYTES);
    const d = decodeTemplate(t);
    expect(d).toMatchObject({ format: 2, model: 'faceres', modelVersion: 1, transform: shippedProjection('faceres')!.id, frames: 1 });
    expect(t.length).toBe(TEMPLATE_HEADER_BYTES + d.dims);
    expect(Math.max(...Array.from(d.vector, Math.abs))).toBe(127);
  });

  test('a template matches itself and a slightly noisy copy, not a different face', () => {
    const e = faceresEmbedding();
    const t = createTemplate(e, 'faceres');
    expect(templateSimilarity(t, t)).toBeCloseTo(1, 6);
    expect(compareTemplates(t, createTemplate(noisy(e, 0.002), 'faceres')).match).toBe(true);
    const other = compareTemplates(t, createTemplate(faceresEmbedding(), 'faceres'));
    expect(other.match).toBe(false);
    expect(other.operatingPoint).toBe(FAR_1E3.name);
    expect(FAR_1E4.thresholds.faceres!).toBeGreaterThan(FAR_1E3.thresholds.faceres!);
  });

  test('templates of another model or transform version are refused, not compared', () => {
    const t = createTemplate(faceresEmbedding(), 'faceres');
    const otherModel = Uint8Array.from(t);
    otherModel[3] = MODEL_CODES.dlib;
    rejects(() => compareTemplates(t, otherModel), 'face/template-mismatch');
    const otherTransform = Uint8Array.from(t);
    otherTransform[6] = t[6]! + 1;
    rejects(() => compareTemplates(t, otherTransform), 'face/template-mismatch');
    // same on both sides but not this engine's calibration
    rejects(() => compareTemplates(otherTransform, otherTransform), 'face/template-mismatch');
    const newer = Uint8Array.from(t);
    newer[4] = 9; // model version
    rejects(() => compareTemplates(newer, newer), 'face/template-mismatch');
  });

  test('bytes that are not a template are typed errors', () => {
    const t = createTemplate(faceresEmbedding(), 'faceres');
    rejects(() => decodeTemplate(new Uint8Array(0)), 'face/bad-template');
    rejects(() => decodeTemplate(t.subarray(0, t.length - 1)), 'face/bad-template');
    rejects(() => decodeTemplate(new TextEncoder().encode('FTxxxxxxxxxxxxxxxxxxx')), 'face/template-version');
    const future = Uint8Array.from(t);
    future[2] = TEMPLATE_FORMAT + 1;
    rejects(() => decodeTemplate(future), 'face/template-version');
    let caught: unknown;
    try {
      decodeTemplate(Uint8Array.of(1, 2, 3));
    } catch (e) {
      caught = e;
    }
    expect(isEidkitError(caught, 'face/bad-template')).toBe(true);
  });

  test('fusing several noisy frames lands closer to the face than the frames do', () => {
    const clean = faceresEmbedding();
    const frames = [0, 1, 2, 3, 4].map(() => noisy(clean, 0.02));
    const ref = createTemplate(clean, 'faceres');
    const single = frames.map((f) => templateSimilarity(ref, createTemplate(f, 'faceres')));
    const fused = createTemplate(fuseEmbeddings(frames), 'faceres', frames.length);
    expect(decodeTemplate(fused).frames).toBe(5);
    expect(templateSimilarity(ref, fused)).toBeGreaterThan(Math.max(...single));
  });
});

/** A plausible fr-feature embedding: the projection's mean plus a random direction. */
function frEmbedding(): Float32Array {
  const p = shippedProjection('fr-feature')!;
  return Float32Array.from(p.mean, (m) => m + 0.04 * gaussian());
}

describe('face template format 2 (fr-feature, the default: its PCA to 160 numbers)', () => {
  test('the default model; 172 bytes with transform 2 and the versioned header', () => {
    expect(DEFAULT_EMBEDDER).toBe('fr-feature');
    const t = createTemplate(frEmbedding(), 'fr-feature');
    expect(t.length).toBe(TEMPLATE_HEADER_BYTES + 160);
    expect(t.length).toBeLessThanOrEqual(TEMPLATE_MAX_BYTES);
    expect(decodeTemplate(t)).toMatchObject({ format: 2, model: 'fr-feature', modelVersion: 1, transform: 2, dims: 160, frames: 1 });
    expect(shippedProjection('fr-feature')).toMatchObject({ id: 2, inputDims: 512, outputDims: 160 });
  });

  test('matches a slightly noisy copy at its threshold, not another face; the stricter point is stricter', () => {
    const e = frEmbedding();
    const t = createTemplate(e, 'fr-feature');
    const near = compareTemplates(t, createTemplate(e.map((x) => x + 0.005 * gaussian()), 'fr-feature'));
    expect(near).toMatchObject({ match: true, threshold: FAR_1E3.thresholds['fr-feature'] });
    const other = compareTemplates(t, createTemplate(frEmbedding(), 'fr-feature'));
    expect(other.match).toBe(false);
    expect(FAR_1E4.thresholds['fr-feature']!).toBeGreaterThan(FAR_1E3.thresholds['fr-feature']!);
  });

  test('an fr-feature template and a dlib template are refused, not compared', () => {
    rejects(() => compareTemplates(createTemplate(frEmbedding(), 'fr-feature'), createTemplate(dlibEmbedding(), 'dlib')), 'face/template-mismatch');
  });
});

describe('face template format (dlib, the default until 2026-12-04: no projection)', () => {
  test('140 bytes, transform 0, the unit descriptor in int8', () => {
    const e = dlibEmbedding();
    const t = createTemplate(e, 'dlib');
    expect(t.length).toBe(TEMPLATE_HEADER_BYTES + 128);
    expect(decodeTemplate(t)).toMatchObject({ format: 2, model: 'dlib', modelVersion: 1, transform: NO_PROJECTION, dims: 128, frames: 1 });
    // int8 rounding moves the angle by far less than the distance between operating points
    const n = Math.hypot(...e);
    const q = decodeTemplate(t).vector;
    const qn = Math.hypot(...q);
    let cos = 0;
    for (let i = 0; i < 128; i++) cos += (e[i]! / n) * (q[i]! / qn);
    expect(cos).toBeGreaterThan(0.9999);
  });

  test('matches a slightly noisy copy at the dlib threshold, not another descriptor; stricter point is stricter', () => {
    const e = dlibEmbedding();
    const t = createTemplate(e, 'dlib');
    const near = compareTemplates(t, createTemplate(e.map((x) => x + 0.01 * gaussian()), 'dlib'));
    expect(near).toMatchObject({ match: true, threshold: FAR_1E3.thresholds.dlib });
    expect(compareTemplates(t, createTemplate(dlibEmbedding(), 'dlib')).match).toBe(false);
    expect(FAR_1E4.thresholds.dlib!).toBeGreaterThan(FAR_1E3.thresholds.dlib!);
  });

  test('a dlib template and a faceres template are refused, not compared', () => {
    rejects(() => compareTemplates(createTemplate(dlibEmbedding(), 'dlib'), createTemplate(faceresEmbedding(), 'faceres')), 'face/template-mismatch');
  });

  test('a model with neither a small embedding nor a projection cannot make a template', () => {
    rejects(() => createTemplate(faceresEmbedding(), 'faceres-deep'), 'face/no-projection');
  });

  test('an operating point without a threshold for the model is refused', () => {
    const t = createTemplate(dlibEmbedding(), 'dlib');
    rejects(() => compareTemplates(t, t, { name: 'faceres only', far: 1e-3, thresholds: { faceres: 0.5 } }), 'face/no-operating-point');
  });
});

describe('format 1 templates (dlib, before 2026-12-04) are refused with a re-enrol error, never compared', () => {
  // A format-1 template had the same layout: what the engine wrote then is today's dlib template with format byte 1.
  const v1 = () => {
    const t = createTemplate(dlibEmbedding(), 'dlib');
    t[2] = 1;
    return t;
  };

  test('decoding, comparing (with itself or with a current template) all throw face/template-reenrol', () => {
    const old = v1();
    rejects(() => decodeTemplate(old), 'face/template-reenrol');
    rejects(() => compareTemplates(old, old), 'face/template-reenrol');
    rejects(() => compareTemplates(old, createTemplate(dlibEmbedding(), 'dlib')), 'face/template-reenrol');
    rejects(() => compareTemplates(createTemplate(dlibEmbedding(), 'dlib'), old), 'face/template-reenrol');
    rejects(() => templateSimilarity(old, old), 'face/template-reenrol');
    expect(() => decodeTemplate(old)).toThrow(/enrol the face again/i);
  });

  test('needsReenrolment tells a format-1 template from a current one and from bytes that are no template', () => {
    expect(needsReenrolment(v1())).toBe(true);
    expect(needsReenrolment(createTemplate(dlibEmbedding(), 'dlib'))).toBe(false);
    expect(needsReenrolment(new Uint8Array(256).fill(9))).toBe(false);
    expect(needsReenrolment(new Uint8Array(0))).toBe(false);
  });
});
