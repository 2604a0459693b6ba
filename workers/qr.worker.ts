/// <reference lib="webworker" />
// Decodes QR codes off the main thread, so the camera preview stays smooth on slow phones. Frames arrive as
// transferred ImageBitmaps (camera, photos) or pixel buffers; decoding is engine/credential's jsQR wrapper.
import * as Comlink from 'comlink';
import { decodeQrRgba } from '../engine/credential/index.ts';

export interface QrPixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

export interface QrWorkerApi {
  /** The text of the one QR code in the frame, or null when none is readable. Closes a transferred ImageBitmap. */
  decode(frame: ImageBitmap | QrPixels): Promise<string | null>;
}

let canvas: OffscreenCanvas | undefined;
let ctx: OffscreenCanvasRenderingContext2D | null = null;

function pixelsOf(bitmap: ImageBitmap): QrPixels {
  if (!canvas || canvas.width !== bitmap.width || canvas.height !== bitmap.height) {
    canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    ctx = canvas.getContext('2d', { willReadFrequently: true });
  }
  if (!ctx) throw new Error('2D canvas unavailable in this worker');
  ctx.drawImage(bitmap, 0, 0);
  return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
}

const api: QrWorkerApi = {
  async decode(frame) {
    if ('close' in frame) {
      try {
        const px = pixelsOf(frame);
        return decodeQrRgba(px.data, px.width, px.height) ?? null;
      } finally {
        frame.close();
      }
    }
    return decodeQrRgba(frame.data, frame.width, frame.height) ?? null;
  },
};

Comlink.expose(api);
