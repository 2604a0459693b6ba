import { EidkitError } from '../errors.ts';
import { MAX_FRAME_PIXELS, type FrameInput, type RgbaImage } from '../runtime/frame.ts';

export type ImageKind = 'jpeg' | 'png' | 'webp' | 'gif' | 'bmp';

/** Recognises an image file by its first bytes; undefined when it is none we know. */
export function sniffImage(bytes: Uint8Array): ImageKind | undefined {
  const b = (i: number) => bytes[i];
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'jpeg';
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47) return 'png';
  if (b(0) === 0x52 && b(1) === 0x49 && b(2) === 0x46 && b(3) === 0x46 && b(8) === 0x57 && b(9) === 0x45) return 'webp';
  if (b(0) === 0x47 && b(1) === 0x49 && b(2) === 0x46) return 'gif';
  if (b(0) === 0x42 && b(1) === 0x4d) return 'bmp';
  return undefined;
}

/**
 * Turns the bytes of an image file (an ID-card scan, an uploaded photo) into a frame the engine accepts, with typed
 * errors for what users actually upload: an empty file, a PDF, a truncated JPEG, a 200-megapixel panorama.
 * Browsers decode with createImageBitmap (any format the browser reads, downscaled there if huge); elsewhere JPEG is
 * decoded with jpeg-js and PNG with pngjs (Node).
 */
export async function imageFromBytes(bytes: Uint8Array): Promise<FrameInput> {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new EidkitError('face/empty-image', 'The image file is empty.');
  const kind = sniffImage(bytes);
  if (!kind) throw new EidkitError('face/not-an-image', 'This file is not an image eidkit can read (JPEG, PNG, WebP, GIF or BMP).');
  if (typeof createImageBitmap === 'function' && typeof Blob !== 'undefined') {
    try {
      return await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]));
    } catch (cause) {
      throw new EidkitError('face/corrupt-image', `The ${kind.toUpperCase()} file could not be decoded; it may be damaged or incomplete.`, { kind }, { cause });
    }
  }
  if (kind === 'jpeg') return decodeJpeg(bytes);
  if (kind === 'png') return decodePng(bytes);
  throw new EidkitError('face/unsupported-image', `${kind.toUpperCase()} images can only be read in a browser here; use JPEG or PNG.`, { kind });
}

async function decodeJpeg(bytes: Uint8Array): Promise<RgbaImage> {
  const { default: jpeg } = await import('jpeg-js');
  try {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_FRAME_PIXELS / 1e6, maxMemoryUsageInMB: 1024 });
    return { data: img.data, width: img.width, height: img.height };
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    if (/maxResolutionInMP|maxMemoryUsageInMB/.test(message)) {
      throw new EidkitError('face/image-too-large', `The image is too large; use at most ${MAX_FRAME_PIXELS / 1e6} megapixels.`, {}, { cause });
    }
    throw new EidkitError('face/corrupt-image', 'The JPEG file could not be decoded; it may be damaged or incomplete.', { kind: 'jpeg' }, { cause });
  }
}

async function decodePng(bytes: Uint8Array): Promise<RgbaImage> {
  // Kept out of browser bundles (pngjs needs Node's zlib); browsers took the createImageBitmap path above.
  const name = 'pngjs';
  const { PNG } = (await import(/* @vite-ignore */ name)) as typeof import('pngjs');
  try {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length), width: png.width, height: png.height };
  } catch (cause) {
    throw new EidkitError('face/corrupt-image', 'The PNG file could not be decoded; it may be damaged or incomplete.', { kind: 'png' }, { cause });
  }
}
