import { describe, expect, test } from 'vitest';
import { createTemplate, decodeTemplate, fuseEmbeddings, templateSimilarity, TEMPLATE_HEADER_BYTES, TEMPLATE_MAX_BYTES } from './template.ts';
import { compareTemplates, FAR_1E3, FAR_1E4 } from './match.ts';
import { shippedProjection } from './projection.ts';
import { isEidkitError } from '../errors.ts';
import { seededRandom } from '../../scripts/eval/metrics.ts';

const rnd = seededRandom(3);
const gaussian = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
/** A plausible faceres embedding: the projection's mean plus a random direction (faceres outputs are non-negative). */
function embedding(): Float32Array {
  const p = shippedProjection('faceres')!;
  return Float32Array.from(p.mean, (m) => Math.max(0, m + 0.03 * gaussian()));
}
function noisy(v: Float32Array, amount: number): Float32Array {
  return v.map((x) => Math.max(0, x + amount * gaussian()));
}
const rejects = (f: () => unknown, code: string) => expect(f).toThrow(expect.objectContaining({ code }));

describe('face template format', () => {
  test('fits the 256-byte budget with the versioned header', () => {
    const t = createTemplate(embedding(), 'faceres');
    expect(t.length).toBeLessThanOrEqual(TEMPLATE_MAX_BYTES);
    const d = decodeTemplate(t);
    expect(d).toMatchObject({ format: 1, model: 'faceres', modelVersion: 1, transform: shippedProjection('faceres')!.id, frames: 1 });
    expect(t.length).toBe(TEMPLATE_HEADER_BYTES + d.dims);
    expect(Math.max(...Array.from(d.vector, Math.abs))).toBe(127);
  });

  test('a template matches itself and a slightly noisy copy, not a different face', () => {
    const e = embedding();
    const t = createTemplate(e, 'faceres');
    expect(templateSimilarity(t, t)).toBeCloseTo(1, 6);
    expect(compareTemplates(t, createTemplate(noisy(e, 0.002), 'faceres')).match).toBe(true);
    const other = compareTemplates(t, createTemplate(embedding(), 'faceres'));
    expect(other.match).toBe(false);
    expect(other.operatingPoint).toBe(FAR_1E3.name);
    expect(FAR_1E4.threshold).toBeGreaterThan(FAR_1E3.threshold);
  });

  test('templates of another model or transform version are refused, not compared', () => {
    const t = createTemplate(embedding(), 'faceres');
    const otherModel = Uint8Array.from(t);
    otherModel[3] = 3; // dlib
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
    const t = createTemplate(embedding(), 'faceres');
    rejects(() => decodeTemplate(new Uint8Array(0)), 'face/bad-template');
    rejects(() => decodeTemplate(t.subarray(0, t.length - 1)), 'face/bad-template');
    rejects(() => decodeTemplate(new TextEncoder().encode('FTxxxxxxxxxxxxxxxxxxx')), 'face/template-version');
    const future = Uint8Array.from(t);
    future[2] = 2;
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
    const clean = embedding();
    const frames = [0, 1, 2, 3, 4].map(() => noisy(clean, 0.02));
    const ref = createTemplate(clean, 'faceres');
    const single = frames.map((f) => templateSimilarity(ref, createTemplate(f, 'faceres')));
    const fused = createTemplate(fuseEmbeddings(frames), 'faceres', frames.length);
    expect(decodeTemplate(fused).frames).toBe(5);
    expect(templateSimilarity(ref, fused)).toBeGreaterThan(Math.max(...single));
  });
});
