import { EidkitError } from '../errors.ts';
import type { EmbedderId } from './embedders.ts';
import { decodeTemplate, templateSimilarity } from './template.ts';

/**
 * A named operating point: the false-accept rate it targets and, for each embedding model, the template similarity
 * threshold that reaches it. Scores of different models live on different scales, so a threshold is only meaningful
 * for the model it was derived with.
 */
export interface OperatingPoint {
  readonly name: string;
  /** False-accept rate targeted on the development data. */
  readonly far: number;
  readonly thresholds: Readonly<Partial<Record<EmbedderId, number>>>;
}

/**
 * The default operating point, FAR = 1e-3. Each threshold is the lowest template similarity that at most 0.1 % of the
 * impostor pairs reach, among all 7,255,541 different-person pairs of the 3,811 lfw-dev images (LFW-gray folds 1-5,
 * the allPairs protocol of scripts/eval-faces.ts), computed on that model's shipped int8 templates. Derived there and
 * nowhere else (`scripts/learn-projection.ts --thresholds`); site/docs/face.md has the runs, a held-out check
 * (chosen on folds 1-3, applied to 4-5) and the caveats (grayscale press photos, not phone selfies). fr-feature (the
 * default) spreads strangers around 0; dlib's descriptors of different people lie close together (cosine 0.91 at
 * FAR 1e-2), hence its thresholds near 1.
 */
export const FAR_1E3: OperatingPoint = { name: 'FAR=1e-3 (lfw-dev allPairs)', far: 1e-3, thresholds: { 'fr-feature': 0.3292, dlib: 0.9317, faceres: 0.4524 } };

/** A stricter point for unattended checks, from the same impostor distributions. */
export const FAR_1E4: OperatingPoint = { name: 'FAR=1e-4 (lfw-dev allPairs)', far: 1e-4, thresholds: { 'fr-feature': 0.4051, dlib: 0.944, faceres: 0.5446 } };

/** The threshold of `at` for templates of `model`; a model the operating point was not derived for is refused. */
export function thresholdFor(at: OperatingPoint, model: EmbedderId): number {
  const t = at.thresholds[model];
  if (t === undefined || !Number.isFinite(t)) {
    throw new EidkitError('face/no-operating-point', `The operating point '${at.name}' has no threshold for ${model} templates.`, { model, operatingPoint: at.name });
  }
  return t;
}

export interface Match {
  /** Cosine similarity of the two templates, -1..1. */
  readonly similarity: number;
  /** similarity >= the operating point's threshold. */
  readonly match: boolean;
  readonly threshold: number;
  readonly operatingPoint: string;
}

/**
 * Compares two face templates. Pure: bytes in, a score and a decision out. Throws `face/template-mismatch` when the
 * templates come from different model or transform versions (their scores would mean nothing),
 * `face/bad-template` / `face/template-version` for bytes that are not a template this engine reads, and
 * `face/no-operating-point` when `at` has no threshold for the templates' model.
 */
export function compareTemplates(a: Uint8Array, b: Uint8Array, at: OperatingPoint = FAR_1E3): Match {
  const similarity = templateSimilarity(a, b);
  const threshold = thresholdFor(at, decodeTemplate(a).model);
  return { similarity, match: similarity >= threshold, threshold, operatingPoint: at.name };
}
