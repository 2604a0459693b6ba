/**
 * QR images: encoding with the maintained `qrcode` package (forced to alphanumeric mode for eidkit texts) and decoding
 * with ZXing's QR reader behind our own size-retrying detector step (qr-reader.ts), and jsQR on the frames that misses. Both work on plain RGBA pixels so they run in Node, in a page and in a worker alike; turning pixels into a
 * PNG or a canvas is left to the edges (CLI: pngjs; browser: canvas).
 */
import QRCode from 'qrcode';
import jsQR from 'jsqr';
import { EidkitError } from '../errors.ts';
import { luminanceOf, readQrLuminance } from './qr-reader.ts';

export interface QrMatrix {
  readonly version: number;
  readonly errorCorrection: 'L' | 'M' | 'Q' | 'H';
  /** Modules per side. */
  readonly size: number;
  /** size × size, 1 = dark, row-major. */
  readonly modules: Uint8Array;
}

/**
 * The QR symbol for `text` at the smallest version that fits (level M by default). qrcode picks the optimal mix of
 * segments, so an eidkit text becomes a short alphanumeric header plus one numeric segment.
 */
export function qrMatrix(text: string, errorCorrection: QrMatrix['errorCorrection'] = 'M'): QrMatrix {
  let q: QRCode.QRCode;
  try {
    q = QRCode.create(text, { errorCorrectionLevel: errorCorrection });
  } catch (e) {
    throw new EidkitError('credential/qr-too-large', `The text does not fit in a QR code at level ${errorCorrection}.`, { chars: text.length }, { cause: e });
  }
  return { version: q.version, errorCorrection, size: q.modules.size, modules: Uint8Array.from(q.modules.data) };
}

export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

/** Draws the matrix black on white with a quiet zone (4 modules, as the QR standard asks). */
export function renderQrRgba(m: QrMatrix, scale = 4, margin = 4): RgbaImage {
  const width = (m.size + 2 * margin) * scale;
  const data = new Uint8ClampedArray(width * width * 4).fill(255);
  for (let r = 0; r < m.size; r++) {
    for (let c = 0; c < m.size; c++) {
      if (!m.modules[r * m.size + c]) continue;
      for (let y = 0; y < scale; y++) {
        const row = ((r + margin) * scale + y) * width;
        for (let x = 0; x < scale; x++) {
          const p = (row + (c + margin) * scale + x) * 4;
          data[p] = data[p + 1] = data[p + 2] = 0;
        }
      }
    }
  }
  return { width, height: width, data };
}

/** Finds and decodes one QR code in RGBA pixels; undefined when there is none readable. */
export function decodeQrRgba(data: Uint8ClampedArray, width: number, height: number): string | undefined {
  if (data.length !== width * height * 4) throw new EidkitError('credential/bad-image', 'RGBA data does not match the image size.');
  // Dark-on-light only: an eidkit code is always rendered so, and a light-on-dark retry would double the cost of every
  // unreadable camera frame.
  const text = readQrLuminance(luminanceOf(data, width, height), width, height);
  if (text) return text;
  // The two readers fail on different frames: ours misses about one clean 640x480 camera frame of a version-28 code in
  // twenty, depending on its content, and jsQR read every one of those we found (4 of 80), while jsQR alone misjudges
  // the symbol size on most hand-held frames at this pitch. jsQR therefore runs second, on misses only.
  return jsQR(data, width, height, { inversionAttempts: 'dontInvert' })?.data || undefined;
}
