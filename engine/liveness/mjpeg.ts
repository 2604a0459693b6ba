import { EidkitError } from '../errors.ts';

/** Frame rate of the MJPEG files Chromium's fake camera plays and the eval manifests use. */
export const MJPEG_FPS = 30;

/**
 * Splits Motion-JPEG (concatenated JPEG images) into its frames without decoding them. Markers are walked segment by
 * segment rather than searched for, because an EXIF thumbnail carries its own SOI/EOI pair inside APP1 and a naive
 * byte search would cut the frame there.
 */
export function splitMjpeg(bytes: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    // Tolerate padding between frames (some writers add it); anything else is not MJPEG.
    while (at < bytes.length && !(bytes[at] === 0xff && bytes[at + 1] === 0xd8)) {
      if (bytes[at] !== 0x00 && bytes[at] !== 0x0a && bytes[at] !== 0x0d) {
        throw new EidkitError('liveness/bad-mjpeg', `Not Motion-JPEG: expected a JPEG start marker at byte ${at}.`, { offset: at });
      }
      at++;
    }
    if (at >= bytes.length) break;
    const end = jpegEnd(bytes, at);
    frames.push(bytes.subarray(at, end));
    at = end;
  }
  return frames;
}

/** Offset just past the EOI of the JPEG starting at `start`. */
function jpegEnd(bytes: Uint8Array, start: number): number {
  let at = start + 2;
  for (;;) {
    if (at + 2 > bytes.length) throw truncated(start);
    if (bytes[at] !== 0xff) throw new EidkitError('liveness/bad-mjpeg', `Corrupt JPEG segment at byte ${at}.`, { offset: at });
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd9) return at + 2;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (at + 4 > bytes.length) throw truncated(start);
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    at += 2 + length;
    if (marker === 0xda) at = scanEnd(bytes, at, start);
  }
}

/** Skips entropy-coded data: inside it 0xFF is followed by 0x00 (stuffing) or a restart marker, nothing else. */
function scanEnd(bytes: Uint8Array, at: number, start: number): number {
  for (let i = at; i + 1 < bytes.length; i++) {
    if (bytes[i] !== 0xff) continue;
    const next = bytes[i + 1]!;
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) continue;
    return i;
  }
  throw truncated(start);
}

function truncated(start: number): EidkitError {
  return new EidkitError('liveness/bad-mjpeg', `The JPEG frame starting at byte ${start} is truncated.`, { offset: start });
}

/** Concatenates JPEG frames into Motion-JPEG. */
export function joinMjpeg(frames: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}
