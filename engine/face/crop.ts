import { compose, scaleOf, type Affine } from './geometry.ts';
import type { RgbaImage } from '../runtime/frame.ts';

/**
 * Pixels a crop is sampled from: a frame's RGBA bytes (4 values a pixel), or a box-filtered float copy (3 values).
 * Only the first three channels are read.
 */
export interface Raster {
  readonly data: ArrayLike<number>;
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
}

/**
 * One frame's pixels, with the box-filtered copies crops of a large face are sampled from, each made once per frame
 * (the landmark passes and the crops of one face usually want the same one).
 */
export class FrameRaster {
  readonly raster: Raster;
  private readonly filtered = new Map<number, Raster>();

  constructor(readonly pixels: RgbaImage) {
    this.raster = { data: pixels.data, width: pixels.width, height: pixels.height, channels: 4 };
  }

  get width(): number {
    return this.pixels.width;
  }

  get height(): number {
    return this.pixels.height;
  }

  /** The raster box-filtered by `factor` (cached). */
  boxFiltered(factor: number): Raster {
    let r = this.filtered.get(factor);
    if (!r) {
      r = boxFilter(this.raster, factor);
      this.filtered.set(factor, r);
    }
    return r;
  }
}

export interface CropOptions {
  /** Multiplies every sample (1/255 for models that take 0..1). Default 1. */
  readonly gain?: number;
  /** Sample the mirror image of the crop (left and right swapped). Default false. */
  readonly mirror?: boolean;
}

/**
 * Cuts a size x size RGB crop out of the frame along `cropToImage` (see geometry.ts) into `out` at `offset`:
 * crop, rotation and scale together, bilinear, zeros outside the image. It computes what tf.image.transform computes
 * (crop.test.ts holds it to that), in one JS pass over the crop's pixels; on the wasm backend that is about three
 * times faster than the kernel plus its tensor round trip, and the frame never becomes a tensor.
 *
 * When one crop pixel spans more than two image pixels, point sampling would alias (a close-up selfie shrunk to
 * 192 px turns skin texture into noise), so the crop is then sampled from the frame box-filtered by an integer
 * factor (tf.avgPool's 'valid' pooling).
 */
export function sampleCrop(frame: FrameRaster, cropToImage: Affine, size: number, out: Float32Array, offset = 0, options: CropOptions = {}): void {
  let source = frame.raster;
  let map = cropToImage;
  const factor = Math.floor(scaleOf(cropToImage) / 1.5);
  if (factor >= 2 && frame.height >= 2 * factor && frame.width >= 2 * factor) {
    source = frame.boxFiltered(factor);
    map = compose([1 / factor, 0, 0, 0, 1 / factor, 0], map);
  }
  // The mirror image's pixel i is the crop's pixel size - 1 - i: sample through x -> size - x (on pixel centres).
  if (options.mirror) map = compose(map, [-1, 0, size, 0, 1, 0]);
  // Samples are taken at index positions: crop index (i, j) is the point (i + 0.5, j + 0.5), and image index
  // (x, y) the point (x + 0.5, y + 0.5).
  const m = compose([1, 0, -0.5, 0, 1, -0.5], compose(map, [1, 0, 0.5, 0, 1, 0.5]));
  bilinear(source, m, size, out, offset, options.gain ?? 1);
}

/** A size x size crop in a new array (see sampleCrop). */
export function cropPixels(frame: FrameRaster, cropToImage: Affine, size: number, options: CropOptions = {}): Float32Array {
  const out = new Float32Array(size * size * 3);
  sampleCrop(frame, cropToImage, size, out, 0, options);
  return out;
}

function bilinear(src: Raster, m: Affine, size: number, out: Float32Array, offset: number, gain: number): void {
  const { data, width, height, channels } = src;
  const [a, b, c, d, e, f] = m;
  const row = width * channels;
  let o = offset;
  for (let j = 0; j < size; j++) {
    let x = b * j + c;
    let y = e * j + f;
    for (let i = 0; i < size; i++, x += a, y += d, o += 3) {
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < width && y0 + 1 < height) {
        const p = y0 * row + x0 * channels;
        const q = p + row;
        for (let ch = 0; ch < 3; ch++) {
          const top = (1 - fx) * data[p + ch]! + fx * data[p + channels + ch]!;
          const bottom = (1 - fx) * data[q + ch]! + fx * data[q + channels + ch]!;
          out[o + ch] = ((1 - fy) * top + fy * bottom) * gain;
        }
      } else if (x0 >= -1 && y0 >= -1 && x0 < width && y0 < height) {
        // On the image's edge: the neighbours outside it count as 0, as in tf.image.transform's constant fill.
        for (let ch = 0; ch < 3; ch++) {
          const at = (xx: number, yy: number): number => (xx >= 0 && yy >= 0 && xx < width && yy < height ? data[yy * row + xx * channels + ch]! : 0);
          const top = (1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0);
          const bottom = (1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1);
          out[o + ch] = ((1 - fy) * top + fy * bottom) * gain;
        }
      } else {
        out[o] = 0;
        out[o + 1] = 0;
        out[o + 2] = 0;
      }
    }
  }
}

/** Mean of each factor x factor block (tf.avgPool with 'valid' padding: a partial block at the edge is dropped). */
export function boxFilter(src: Raster, factor: number): Raster {
  const width = Math.floor(src.width / factor);
  const height = Math.floor(src.height / factor);
  const { data, channels } = src;
  const out = new Float32Array(width * height * 3);
  const sums = new Float64Array(width * 3);
  const k = 1 / (factor * factor);
  for (let y = 0; y < height; y++) {
    sums.fill(0);
    for (let dy = 0; dy < factor; dy++) {
      let p = (y * factor + dy) * src.width * channels;
      for (let x = 0; x < width; x++) {
        for (let dx = 0; dx < factor; dx++, p += channels) {
          sums[3 * x] = sums[3 * x]! + data[p]!;
          sums[3 * x + 1] = sums[3 * x + 1]! + data[p + 1]!;
          sums[3 * x + 2] = sums[3 * x + 2]! + data[p + 2]!;
        }
      }
    }
    const o = y * width * 3;
    for (let v = 0; v < width * 3; v++) out[o + v] = sums[v]! * k;
  }
  return { data: out, width, height, channels: 3 };
}

/**
 * Bilinear resize of an interleaved RGB float image with corners aligned (tf.image.resizeBilinear's alignCorners):
 * the corner pixels of input and output coincide.
 */
export function resizeAlignedCorners(src: Float32Array, inSize: number, outSize: number): Float32Array {
  const out = new Float32Array(outSize * outSize * 3);
  const s = outSize > 1 ? (inSize - 1) / (outSize - 1) : 0;
  let o = 0;
  for (let y = 0; y < outSize; y++) {
    const sy = y * s;
    const y0 = Math.floor(sy);
    const y1 = Math.min(inSize - 1, Math.ceil(sy));
    const fy = sy - y0;
    for (let x = 0; x < outSize; x++) {
      const sx = x * s;
      const x0 = Math.floor(sx);
      const x1 = Math.min(inSize - 1, Math.ceil(sx));
      const fx = sx - x0;
      for (let ch = 0; ch < 3; ch++) {
        const tl = src[(y0 * inSize + x0) * 3 + ch]!;
        const tr = src[(y0 * inSize + x1) * 3 + ch]!;
        const bl = src[(y1 * inSize + x0) * 3 + ch]!;
        const br = src[(y1 * inSize + x1) * 3 + ch]!;
        const top = tl + (tr - tl) * fx;
        const bottom = bl + (br - bl) * fx;
        out[o++] = top + (bottom - top) * fy;
      }
    }
  }
  return out;
}
