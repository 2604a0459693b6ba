/**
 * QR reading from greyscale pixels: ZXing's binarizer, finder-pattern search, grid sampler and decoder (@zxing/library,
 * see zxing.ts), driven by our own detector step. Why not jsQR or ZXing's own QRCodeReader: both derive the symbol's size (modules per side) from one module-size
 * estimate made on the finder patterns, and at the 3–4 px per module a phone's 640x480 frame gives an eidkit code
 * (version 26–30, 121–137 modules) that estimate is routinely 2–3 % off, which rounds to the neighbouring size (±4
 * modules): the grid is then sampled at the wrong pitch and nothing decodes, however sharp the frame. Here the nearest
 * sizes are tried in turn; a wrong size fails in the format/version check before any error correction, so a retry
 * costs one grid sample (~1 ms), not another search.
 */
import {
  Decoder,
  DecodeHintType,
  Detector,
  FinderPatternFinder,
  GridSamplerInstance,
  HybridBinarizer,
  PerspectiveTransform,
  ResultPoint,
  RGBLuminanceSource,
  Version,
  extractPureBits,
  type AlignmentPattern,
  type BitMatrix,
  type FinderHints,
  type FinderPattern,
} from './zxing.ts';

/** Opens the finder candidates ZXing collected, so other triples can be tried when its pick does not decode. */
class OpenFinder extends FinderPatternFinder {
  candidates(): FinderPattern[] {
    return this.getPossibleCenters();
  }
}

/** Opens the two protected steps of ZXing's detector we reuse (module size, alignment-pattern search). */
class OpenDetector extends Detector {
  moduleSize(tl: ResultPoint, tr: ResultPoint, bl: ResultPoint): number {
    return this.calculateModuleSize(tl, tr, bl);
  }
  alignment(moduleSize: number, x: number, y: number): AlignmentPattern | null {
    // ZXing's own widening search: 4, 8 then 16 module radii around the expected spot.
    for (let allowance = 4; allowance <= 16; allowance <<= 1) {
      try {
        return this.findAlignmentInRegion(moduleSize, x, y, allowance);
      } catch {
        // not found at this radius
      }
    }
    return null;
  }
}

// TRY_HARDER scans every row for finder patterns instead of skipping ~1/2 of a module's rows: at 3 px per module the
// skipping search misses finders in blurred frames, and the full scan costs a few ms at 640x480.
const FINDER_HINTS: FinderHints = new Map([[DecodeHintType.TRY_HARDER, true]]);
const decoder = new Decoder();

/** Symbol sizes (4v + 17) from the nearest to the estimate outwards, ±8 modules at most. */
export function candidateSizes(estimate: number): number[] {
  const nearest = Math.round((estimate - 17) / 4) * 4 + 17;
  const sizes = [nearest - 8, nearest - 4, nearest, nearest + 4, nearest + 8].filter((d) => d >= 21 && d <= 177);
  return sizes.sort((a, b) => Math.abs(a - estimate) - Math.abs(b - estimate));
}

function sample(bits: BitMatrix, tl: ResultPoint, tr: ResultPoint, bl: ResultPoint, alignment: ResultPoint | null, size: number): BitMatrix {
  const far = size - 3.5;
  // With the alignment pattern the fourth corner is its centre (3 modules in from the corner finder's would-be
  // centre); without one, the parallelogram's fourth corner (no perspective correction).
  const [bx, by, sx] = alignment
    ? [alignment.getX(), alignment.getY(), far - 3]
    : [tr.getX() - tl.getX() + bl.getX(), tr.getY() - tl.getY() + bl.getY(), far];
  const transform = PerspectiveTransform.quadrilateralToQuadrilateral(3.5, 3.5, far, 3.5, sx, sx, 3.5, far, tl.getX(), tl.getY(), tr.getX(), tr.getY(), bx, by, bl.getX(), bl.getY());
  return GridSamplerInstance.getInstance().sampleGridWithTransform(bits, size, size, transform);
}

type Triple = readonly [tl: ResultPoint, tr: ResultPoint, bl: ResultPoint];

/** Decodes the symbol whose three finder patterns are `tl`, `tr`, `bl`, trying the nearest symbol sizes. */
function decodeAt(bits: BitMatrix, detector: OpenDetector, [tl, tr, bl]: Triple): string | undefined {
  const moduleSize = detector.moduleSize(tl, tr, bl);
  if (!(moduleSize >= 1)) return undefined;
  const estimate = (span(tl, tr) + span(tl, bl)) / 2 / moduleSize + 7;
  for (const size of candidateSizes(estimate)) {
    let alignment: AlignmentPattern | null = null;
    if (Version.getProvisionalVersionForDimension(size).getAlignmentPatternCenters().length > 0) {
      const toCorner = 1 - 3 / (size - 7);
      const x = Math.floor(tl.getX() + toCorner * (tr.getX() - tl.getX() + bl.getX() - tl.getX()));
      const y = Math.floor(tl.getY() + toCorner * (tr.getY() - tl.getY() + bl.getY() - tl.getY()));
      alignment = detector.alignment(moduleSize, x, y);
    }
    // A data-area pattern mistaken for the alignment pattern skews the grid; the plain parallelogram is the fallback.
    for (const a of alignment ? [alignment, null] : [null]) {
      try {
        return decoder.decodeBitMatrix(sample(bits, tl, tr, bl, a, size)).getText();
      } catch {
        // wrong size, or not decodable with this corner
      }
    }
  }
  return undefined;
}

const span = (a: ResultPoint, b: ResultPoint): number => Math.hypot(a.getX() - b.getX(), a.getY() - b.getY());

/** Centres of 1:1:3:1:1 dark/light runs along one line, the middle dark run within `reach` of `at`. */
function runCentres(read: (i: number) => boolean, from: number, to: number, at: number, reach: number, module: number): number[] {
  const runs: { start: number; length: number; dark: boolean }[] = [];
  for (let i = from; i < to; i++) {
    const dark = read(i);
    const last = runs[runs.length - 1];
    if (last && last.dark === dark) last.length++;
    else runs.push({ start: i, length: 1, dark });
  }
  const out: number[] = [];
  const near = (n: number, want: number) => Math.abs(n - want * module) <= Math.max(1.5, want * module * 0.5);
  for (let k = 0; k + 4 < runs.length; k++) {
    const [a, b, c, d, e] = [runs[k]!, runs[k + 1]!, runs[k + 2]!, runs[k + 3]!, runs[k + 4]!];
    if (!a.dark || !near(a.length, 1) || !near(b.length, 1) || !near(c.length, 3) || !near(d.length, 1) || !near(e.length, 1)) continue;
    const centre = c.start + c.length / 2;
    if (Math.abs(centre - at) <= reach) out.push(centre);
  }
  return out;
}

/**
 * A finder pattern near (x, y), confirmed on the rows and the columns through it, or undefined. ZXing's search misses
 * a finder now and then (its cross-checks are strict at 3 px per module); the two it did find say where the third is.
 */
function finderNear(bits: BitMatrix, x: number, y: number, module: number): ResultPoint | undefined {
  const reach = 2 * module;
  const span = Math.ceil(6 * module);
  const w = bits.getWidth();
  const h = bits.getHeight();
  if (x - span < 0 || y - span < 0 || x + span >= w || y + span >= h) return undefined;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let d = -Math.floor(1.5 * module); d <= 1.5 * module; d++) {
    const row = Math.round(y) + d;
    const col = Math.round(x) + d;
    xs.push(...runCentres((i) => bits.get(i, row), Math.round(x) - span, Math.round(x) + span, x, reach, module));
    ys.push(...runCentres((i) => bits.get(col, i), Math.round(y) - span, Math.round(y) + span, y, reach, module));
  }
  // The centre dark square is 3 modules: most lines within ±1.5 modules of the centre must show the pattern.
  if (xs.length < 1.5 * module || ys.length < 1.5 * module) return undefined;
  const mean = (v: number[]) => v.reduce((n, q) => n + q, 0) / v.length;
  return new ResultPoint(mean(xs), mean(ys));
}

/**
 * Other plausible finder triples, best first. A large symbol's data area holds finder-like 1:1:3:1:1 runs, and ZXing's
 * pick (the three with the most consistent module size) sometimes includes one, or its search misses a real finder.
 * The real finders are confirmed on many rows (count) and form a right isosceles triangle: every pair of likely
 * finders proposes the third corner (as a side or as the hypotenuse), checked on the pixels.
 */
function otherTriples(bits: BitMatrix, candidates: readonly FinderPattern[], tried: Triple | undefined): Triple[] {
  const top = candidates.filter((c) => c.getCount() >= 2).sort((a, b) => b.getCount() - a.getCount()).slice(0, 5);
  const out: Triple[] = [];
  const seen = (t: Triple) => [tried, ...out].some((u) => u !== undefined && t.every((p, i) => span(p, u[i]!) < 2));
  for (let i = 0; i < top.length; i++) {
    for (let j = i + 1; j < top.length; j++) {
      const a = top[i]!;
      const b = top[j]!;
      const module = (a.getEstimatedModuleSize() + b.getEstimatedModuleSize()) / 2;
      if (Math.abs(a.getEstimatedModuleSize() - b.getEstimatedModuleSize()) > 0.4 * module || span(a, b) < 14 * module) continue;
      const dx = b.getX() - a.getX();
      const dy = b.getY() - a.getY();
      const mx = (a.getX() + b.getX()) / 2;
      const my = (a.getY() + b.getY()) / 2;
      const guesses: [number, number][] = [
        [a.getX() - dy, a.getY() + dx],
        [a.getX() + dy, a.getY() - dx],
        [b.getX() - dy, b.getY() + dx],
        [b.getX() + dy, b.getY() - dx],
        [mx - dy / 2, my + dx / 2],
        [mx + dy / 2, my - dx / 2],
      ];
      for (const [x, y] of guesses) {
        const c = finderNear(bits, x, y, module);
        if (!c) continue;
        const pts: ResultPoint[] = [a, b, c];
        ResultPoint.orderBestPatterns(pts);
        const [bl, tl, tr] = pts as [ResultPoint, ResultPoint, ResultPoint];
        const triple: Triple = [tl, tr, bl];
        if (!seen(triple)) out.push(triple);
      }
    }
  }
  return out;
}

/**
 * The text of the QR code in a greyscale image (one byte per pixel, row-major), or undefined when none is readable.
 * ZXing signals "not found" and "not decodable" by throwing; every such failure is an unreadable frame here.
 */
export function readQrLuminance(luminance: Uint8ClampedArray, width: number, height: number): string | undefined {
  const text = readAtScale(luminance, width, height);
  if (text !== undefined || Math.min(width, height) < 2 * MIN_HALVED_SIDE) return text;
  // ZXing's finder search also misses finders of large modules (6 px and up: a phone close to the screen); halved, the
  // frame is read in a quarter of the time again.
  return readAtScale(...halve(luminance, width, height));
}

/** Below this side a halved frame is not tried (a code in it would be under ~2 px per module). */
const MIN_HALVED_SIDE = 240;

/** 2x2 box average. */
function halve(luminance: Uint8ClampedArray, width: number, height: number): [Uint8ClampedArray, number, number] {
  const w = width >> 1;
  const h = height >> 1;
  const out = new Uint8ClampedArray(w * h);
  for (let y = 0; y < h; y++) {
    const r0 = 2 * y * width;
    const r1 = r0 + width;
    for (let x = 0; x < w; x++) {
      const c = 2 * x;
      out[y * w + x] = (luminance[r0 + c]! + luminance[r0 + c + 1]! + luminance[r1 + c]! + luminance[r1 + c + 1]! + 2) >> 2;
    }
  }
  return [out, w, h];
}

function readAtScale(luminance: Uint8ClampedArray, width: number, height: number): string | undefined {
  let bits: BitMatrix;
  try {
    bits = new HybridBinarizer(new RGBLuminanceSource(luminance, width, height)).getBlackMatrix();
  } catch {
    return undefined;
  }
  const finder = new OpenFinder(bits, undefined as never);
  let first: Triple | undefined;
  try {
    const info = finder.find(FINDER_HINTS);
    first = [info.getTopLeft(), info.getTopRight(), info.getBottomLeft()];
  } catch {
    // ZXing found no consistent triple; the candidates may still hold one
  }
  const detector = new OpenDetector(bits);
  if (first) {
    const text = decodeAt(bits, detector, first);
    if (text !== undefined) return text;
  }
  for (const triple of otherTriples(bits, finder.candidates(), first)) {
    const text = decodeAt(bits, detector, triple);
    if (text !== undefined) return text;
  }
  // A clean generated code (a PNG frame of an animated sequence) can still defeat the finder-based sampling: about one
  // frame in 500 of `eidkit present --frames` did. Read straight off the black bounding box, as ZXing's PURE_BARCODE
  // mode does; on a camera frame this fails at once (the box is not a symbol).
  try {
    return decoder.decodeBitMatrix(extractPureBits(bits)).getText();
  } catch {
    return undefined;
  }
}

/** Rec. 601 luma in integer arithmetic, one pass over RGBA. */
export function luminanceOf(rgba: Uint8ClampedArray, width: number, height: number): Uint8ClampedArray {
  const n = width * height;
  const out = new Uint8ClampedArray(n);
  for (let i = 0, p = 0; i < n; i++, p += 4) out[i] = (rgba[p]! * 77 + rgba[p + 1]! * 150 + rgba[p + 2]! * 29) >> 8;
  return out;
}
