// Inputs the end-to-end story makes for itself from ../shared/fixtures (never copied into the repository): an ID card
// image carrying a portrait of the woman in the blink video, and a "still photo" camera stream of that portrait.
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeQrRgba, fromQrText, toQrText } from '../../engine/credential/index.ts';
import { prcCheckCharacter } from '../lib/prc-id.ts';

/** JPEG frames of an MJPEG file (concatenated JPEGs: each starts with FF D8 and ends with FF D9). */
export function mjpegFrames(bytes: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let start = -1;
  for (let i = 0; i + 1 < bytes.length; i++) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd8 && start < 0) start = i;
    else if (bytes[i] === 0xff && bytes[i + 1] === 0xd9 && start >= 0) {
      frames.push(bytes.subarray(start, i + 2));
      start = -1;
    }
  }
  return frames;
}

/** A valid PRC resident ID number for a birth date (YYYY-MM-DD); sequence 002 (even: a woman). */
export function prcIdFor(birthDate: string, address = '110105', sequence = '002'): string {
  const first17 = address + birthDate.replaceAll('-', '') + sequence;
  return first17 + prcCheckCharacter(first17);
}

/**
 * An 856x540 card (ID-1 proportions): pale background, the portrait on the left, dark bars where text would be.
 * The portrait is frame `frameIndex` of the video, scaled to 300 px wide.
 */
export async function makeCard(video: string, out: string, frameIndex = 0): Promise<{ card: string; still: string }> {
  const frames = mjpegFrames(new Uint8Array(await readFile(video)));
  const frame = frames[frameIndex]!;
  const face = jpeg.decode(frame, { useTArray: true });
  const W = 856;
  const H = 540;
  const data = new Uint8Array(W * H * 4);
  for (let i = 0; i < W * H; i++) data.set([226, 236, 246, 255], i * 4);
  const pw = 300;
  const ph = Math.round((face.height / face.width) * pw);
  const px = 40;
  const py = Math.round((H - ph) / 2);
  for (let y = 0; y < ph; y++) {
    for (let x = 0; x < pw; x++) {
      const sx = Math.min(face.width - 1, Math.floor((x * face.width) / pw));
      const sy = Math.min(face.height - 1, Math.floor((y * face.height) / ph));
      const s = (sy * face.width + sx) * 4;
      data.set(face.data.subarray(s, s + 3), ((py + y) * W + px + x) * 4);
    }
  }
  const bar = (x: number, y: number, w: number, h: number) => {
    for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) data.set([40, 48, 60], (yy * W + xx) * 4);
  };
  for (let i = 0; i < 6; i++) bar(380, 110 + i * 55, i % 2 ? 300 : 400, 18);
  const card = join(out, 'card-front.jpg');
  await writeFile(card, jpeg.encode({ data, width: W, height: H }, 92).data);
  // A still photo held to the camera: the same frame, 90 times (3 s at 30 fps; Chromium loops it).
  const still = join(out, 'still-photo.mjpeg');
  await writeFile(still, Buffer.concat(Array.from({ length: 90 }, () => Buffer.from(frame))));
  return { card, still };
}

/** The QR text shown in a PNG screenshot. */
export function qrTextFromPng(png: Buffer): string {
  const img = PNG.sync.read(png);
  const text = decodeQrRgba(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), img.width, img.height);
  if (!text) throw new Error('no QR code in the screenshot');
  return text;
}

/**
 * A tampered presentation: the same bytes with one disclosed value changed after signing (the family name 王 → 汪,
 * both 3 bytes in UTF-8, so the CBOR stays well formed). The verifier must report a digest mismatch.
 */
export function tamperFamilyName(qrText: string): string {
  const bytes = fromQrText(qrText);
  const from = Buffer.from('王');
  const to = Buffer.from('汪');
  const at = Buffer.from(bytes).indexOf(from);
  if (at < 0) throw new Error('family name not found in the presentation');
  const copy = new Uint8Array(bytes);
  copy.set(to, at);
  return toQrText(copy);
}
