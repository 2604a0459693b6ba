import { templateSimilarity } from './template.ts';

/** A named operating point: the similarity threshold and what it was set to achieve. */
export interface OperatingPoint {
  readonly name: string;
  readonly threshold: number;
  /** False-accept rate targeted on the development data. */
  readonly far: number;
}

/**
 * The default operating point, FAR = 1e-3. The threshold is the lowest template similarity that at most 0.1 % of the
 * impostor pairs reach, among all 7,255,541 different-person pairs of the 3,811 lfw-dev images (LFW-gray folds 1-5, the
 * allPairs protocol of scripts/eval-faces.ts), computed on the shipped int8 templates. Derived there and nowhere
 * else; site/docs/face.md has the run and the caveats (grayscale press photos, not phone selfies).
 */
export const FAR_1E3: OperatingPoint = { name: 'FAR=1e-3 (lfw-dev allPairs)', threshold: 0.4524, far: 1e-3 };

/** A stricter point for unattended checks, from the same impostor distribution. */
export const FAR_1E4: OperatingPoint = { name: 'FAR=1e-4 (lfw-dev allPairs)', threshold: 0.5446, far: 1e-4 };

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
 * templates come from different model or transform versions (their scores would mean nothing) and
 * `face/bad-template` / `face/template-version` for bytes that are not a template this engine reads.
 */
export function compareTemplates(a: Uint8Array, b: Uint8Array, at: OperatingPoint = FAR_1E3): Match {
  const similarity = templateSimilarity(a, b);
  return { similarity, match: similarity >= at.threshold, threshold: at.threshold, operatingPoint: at.name };
}
