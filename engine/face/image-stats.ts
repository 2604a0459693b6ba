/** Photometric measurements of the aligned face, which the quality gates judge. */
export interface FaceImageStats {
  /** Mean luma of the face region, 0..255. */
  readonly brightness: number;
  /** Fraction of face pixels at or above 250 (blown-out highlights). */
  readonly overExposed: number;
  /** Fraction of face pixels at or below 5 (crushed shadows). */
  readonly underExposed: number;
  /** Standard deviation of luma: a flat, washed-out face has little. */
  readonly contrast: number;
  /**
   * Variance of the 4-neighbour Laplacian of luma over the face region, divided by the luma variance so that
   * a dim but sharp face is not called blurred. Measured on the aligned crop, so it does not depend on face size.
   */
  readonly sharpness: number;
}

/**
 * Face region of the aligned crop the stats are taken on (fractions of the crop side): from the brows to below the
 * mouth and between the cheeks, so hair, background and the crop's black border do not count.
 */
export const STATS_REGION = { x0: 0.3, x1: 0.7, y0: 0.33, y1: 0.78 } as const;

/** `rgb` is the aligned crop, size x size x 3 (0..255, row-major). */
export function faceImageStats(rgb: Float32Array | Uint8Array, size: number): FaceImageStats {
  const x0 = Math.floor(STATS_REGION.x0 * size);
  const x1 = Math.ceil(STATS_REGION.x1 * size);
  const y0 = Math.floor(STATS_REGION.y0 * size);
  const y1 = Math.ceil(STATS_REGION.y1 * size);
  const w = x1 - x0;
  const h = y1 - y0;
  const luma = new Float32Array(w * h);
  let sum = 0;
  let sumSq = 0;
  let over = 0;
  let under = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = ((y + y0) * size + (x + x0)) * 3;
      const v = 0.299 * rgb[o]! + 0.587 * rgb[o + 1]! + 0.114 * rgb[o + 2]!;
      luma[y * w + x] = v;
      sum += v;
      sumSq += v * v;
      if (v >= 250) over++;
      if (v <= 5) under++;
    }
  }
  const n = w * h;
  const mean = sum / n;
  const variance = Math.max(0, sumSq / n - mean * mean);
  let lapSum = 0;
  let lapSq = 0;
  let m = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const l = luma[i - 1]! + luma[i + 1]! + luma[i - w]! + luma[i + w]! - 4 * luma[i]!;
      lapSum += l;
      lapSq += l * l;
      m++;
    }
  }
  const lapVar = m > 0 ? Math.max(0, lapSq / m - (lapSum / m) ** 2) : 0;
  return {
    brightness: mean,
    overExposed: over / n,
    underExposed: under / n,
    contrast: Math.sqrt(variance),
    sharpness: variance > 1 ? lapVar / variance : 0,
  };
}
