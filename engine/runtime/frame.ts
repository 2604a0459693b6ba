import * as tf from '@tensorflow/tfjs-core';
import { EidkitError } from '../errors.ts';
import { assertFrameInput } from './frame-check.ts';

/** Raw RGBA pixels, row-major, 4 bytes a pixel: what Node callers (and decoded JPEG/PNG) provide. */
export interface RgbaImage {
  readonly data: Uint8Array | Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/**
 * Anything the face engine accepts as a frame. In browsers ImageBitmap and VideoFrame are transferable to the worker
 * without a copy; ImageData and RgbaImage transfer their pixel buffer.
 */
export type FrameInput = RgbaImage | ImageData | ImageBitmap | VideoFrame | OffscreenCanvas;

/** Larger frames are refused before any pixel work: a 16k x 16k photo would exhaust a phone's memory. */
export const MAX_FRAME_PIXELS = 64_000_000;

export function frameSize(input: FrameInput): { width: number; height: number } {
  assertFrameInput(input, 'The face engine');
  if (isVideoFrame(input)) return { width: input.displayWidth, height: input.displayHeight };
  return { width: input.width, height: input.height };
}

function isVideoFrame(input: FrameInput): input is VideoFrame {
  return typeof VideoFrame !== 'undefined' && input instanceof VideoFrame;
}

/** Frames with a longer side beyond this are downscaled before any model runs. */
export const FRAME_MAX_SIDE = 1280;

/** The frame's size, after the checks every frame gets (typed errors for empty, huge and short pixel buffers). */
export function checkFrame(input: FrameInput): { width: number; height: number } {
  const { width, height } = frameSize(input);
  if (!(width > 0 && height > 0)) throw new EidkitError('face/empty-image', 'The image is empty (zero width or height).', { width, height });
  if (width * height > MAX_FRAME_PIXELS) {
    throw new EidkitError('face/image-too-large', `The image is too large (${width}x${height}); use at most ${MAX_FRAME_PIXELS / 1e6} megapixels.`, { width, height });
  }
  if (isRgba(input) && input.data.length < width * height * 4) {
    throw new EidkitError('face/bad-pixels', `Pixel buffer holds ${input.data.length} bytes, expected ${width * height * 4} (RGBA).`);
  }
  return { width, height };
}

/**
 * Turns a frame into an int32 RGB tensor [h, w, 3]. Frames wider than `maxSide` are downscaled first (in the browser
 * by createImageBitmap, which is cheap), so a huge photo never becomes a huge tensor.
 */
export async function frameToTensor(input: FrameInput, maxSide = FRAME_MAX_SIDE): Promise<tf.Tensor3D> {
  const { width, height } = checkFrame(input);
  const scale = Math.min(1, maxSide / Math.max(width, height));
  if (isRgba(input)) {
    const data = input.data instanceof Uint8Array ? input.data : new Uint8Array(input.data.buffer, input.data.byteOffset, input.data.length);
    const t = tf.browser.fromPixels({ data, width, height }, 3);
    return scale === 1 ? t : downscale(t, scale);
  }
  const resizeWidth = Math.max(1, Math.round(width * scale));
  const resizeHeight = Math.max(1, Math.round(height * scale));
  const bitmap = isVideoFrame(input) || scale < 1 || input instanceof OffscreenCanvas
    ? await createImageBitmap(input as ImageBitmapSource, { resizeWidth, resizeHeight, resizeQuality: 'medium' })
    : input;
  try {
    return tf.browser.fromPixels(bitmap as ImageBitmap | ImageData, 3);
  } finally {
    if (bitmap !== input) (bitmap as ImageBitmap).close();
  }
}

let readback: { canvas: OffscreenCanvas; ctx: OffscreenCanvasRenderingContext2D } | undefined;

/**
 * The frame's RGBA pixels when it needs no downscaling, or undefined (a larger frame goes through frameToTensor and
 * tensorPixels).
 * Bitmaps and canvases are read back through one reused 2D canvas, exactly as tf.browser.fromPixels reads them, so
 * results do not change; video frames keep frameToTensor's path.
 */
export function framePixels(input: FrameInput, maxSide = FRAME_MAX_SIDE): RgbaImage | undefined {
  const { width, height } = checkFrame(input);
  if (Math.max(width, height) > maxSide) return undefined;
  if (isRgba(input)) return input;
  const drawable = (typeof ImageBitmap !== 'undefined' && input instanceof ImageBitmap) || (typeof OffscreenCanvas !== 'undefined' && input instanceof OffscreenCanvas);
  if (!drawable) return undefined;
  if (!readback || readback.canvas.width !== width || readback.canvas.height !== height) {
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return undefined;
    readback = { canvas, ctx };
  }
  readback.ctx.clearRect(0, 0, width, height);
  readback.ctx.drawImage(input as ImageBitmap | OffscreenCanvas, 0, 0);
  return readback.ctx.getImageData(0, 0, width, height);
}

/** An int32 [h, w, 3] frame tensor (frameToTensor's) read back as RGBA pixels; the tensor is disposed. */
export async function tensorPixels(t: tf.Tensor3D): Promise<RgbaImage> {
  const [height, width] = t.shape;
  try {
    const rgb = await t.data();
    const data = new Uint8ClampedArray(width * height * 4);
    for (let i = 0, p = 0, o = 0; i < width * height; i++, o += 3) {
      data[p++] = rgb[o]!;
      data[p++] = rgb[o + 1]!;
      data[p++] = rgb[o + 2]!;
      data[p++] = 255;
    }
    return { data, width, height };
  } finally {
    t.dispose();
  }
}

function downscale(t: tf.Tensor3D, scale: number): tf.Tensor3D {
  const [height, width] = t.shape;
  const size: [number, number] = [Math.max(1, Math.round(height * scale)), Math.max(1, Math.round(width * scale))];
  const out = tf.tidy(() => tf.cast(tf.image.resizeBilinear(t, size, true), 'int32'));
  t.dispose();
  return out;
}

export function isRgba(input: FrameInput): input is RgbaImage | ImageData {
  return 'data' in input;
}
