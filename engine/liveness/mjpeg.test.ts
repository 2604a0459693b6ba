import { describe, expect, test } from 'vitest';
import jpeg from 'jpeg-js';
import { joinMjpeg, splitMjpeg } from './mjpeg.ts';
import { isEidkitError } from '../errors.ts';

function frame(shade: number, width = 16, height = 8): Uint8Array {
  const data = new Uint8Array(width * height * 4).fill(shade);
  return new Uint8Array(jpeg.encode({ data, width, height }, 90).data);
}

/** Inserts an APP1 segment holding a complete tiny JPEG (an EXIF thumbnail) right after the SOI. */
function withThumbnail(jpg: Uint8Array): Uint8Array {
  const thumb = frame(200, 8, 8);
  const payload = new Uint8Array([...new TextEncoder().encode('Exif\0\0'), ...thumb]);
  const length = payload.length + 2;
  return new Uint8Array([0xff, 0xd8, 0xff, 0xe1, length >> 8, length & 0xff, ...payload, ...jpg.subarray(2)]);
}

describe('MJPEG', () => {
  test('splits concatenated frames back into the same JPEG files', () => {
    const frames = [frame(10), frame(120), frame(250)];
    const split = splitMjpeg(joinMjpeg(frames));
    expect(split.map((f) => Array.from(f))).toEqual(frames.map((f) => Array.from(f)));
    expect(jpeg.decode(split[1]!, { useTArray: true }).data[0]).toBeGreaterThan(100);
  });

  test('does not cut a frame at the end marker of an embedded EXIF thumbnail', () => {
    const frames = [withThumbnail(frame(30)), frame(90)];
    const split = splitMjpeg(joinMjpeg(frames));
    expect(split).toHaveLength(2);
    expect(split[0]!.length).toBe(frames[0]!.length);
    expect(jpeg.decode(split[0]!, { useTArray: true }).width).toBe(16);
  });

  test('tolerates padding between frames', () => {
    const a = frame(1);
    const b = frame(2);
    expect(splitMjpeg(new Uint8Array([...a, 0, 0, 0x0d, 0x0a, ...b]))).toHaveLength(2);
  });

  test('rejects truncated frames and non-JPEG bytes with liveness/bad-mjpeg', () => {
    const a = frame(1);
    for (const bad of [a.subarray(0, a.length - 40), new TextEncoder().encode('not a video'), new Uint8Array([0xff, 0xd8, 0x12, 0x34])]) {
      try {
        splitMjpeg(bad);
        expect.unreachable();
      } catch (e) {
        expect(isEidkitError(e, 'liveness/bad-mjpeg')).toBe(true);
      }
    }
    expect(splitMjpeg(new Uint8Array())).toEqual([]);
  });
});
