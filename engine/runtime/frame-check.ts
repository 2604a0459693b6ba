/**
 * The shape check every frame gets before any work, on whichever thread receives it (no tfjs here: the worker engine
 * runs it on the page's main thread before transferring the frame).
 */
import { EidkitError } from '../errors.ts';

const FILE_KINDS: readonly [string, (b: Uint8Array) => boolean][] = [
  ['JPEG', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['PNG', (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47],
  ['WebP', (b) => b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57],
  ['GIF', (b) => b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46],
];

/**
 * Throws `face/bad-frame` for something that is not a frame, naming what to do instead: file bytes (a JPEG or PNG read
 * from disk or an upload) are decoded first with `imageFromBytes` (or `decodeImageFile` in Node).
 */
export function assertFrameInput(input: unknown, what: string): void {
  const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : ArrayBuffer.isView(input) ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : undefined;
  if (bytes) {
    const kind = FILE_KINDS.find(([, is]) => is(bytes))?.[0];
    throw new EidkitError(
      'face/bad-frame',
      `${what} takes decoded pixels, not ${kind ? `the bytes of a ${kind} file` : 'raw bytes'}: decode the file first with imageFromBytes(bytes) (or decodeImageFile(path) from eidkit/node), or pass { data: rgba, width, height }.`,
      kind ? { kind } : undefined,
    );
  }
  if (typeof input !== 'object' || input === null) {
    throw new EidkitError('face/bad-frame', `${what} needs a frame (ImageBitmap, VideoFrame, ImageData, OffscreenCanvas or { data: rgba, width, height }), got ${input === null ? 'null' : typeof input}.`);
  }
  if (typeof HTMLElement !== 'undefined' && input instanceof HTMLElement) {
    throw new EidkitError('face/bad-frame', `${what} needs a frame, not a <${input.tagName.toLowerCase()}> element: pass await createImageBitmap(element).`);
  }
  if ('data' in input && !(ArrayBuffer.isView((input as { data: unknown }).data))) {
    throw new EidkitError('face/bad-frame', `${what}: an RGBA frame's data must be a Uint8Array or Uint8ClampedArray of width × height × 4 bytes.`);
  }
}
