import { describe, expect, it } from 'vitest';
import jpeg from 'jpeg-js';
import { assertFrameInput } from './frame-check.ts';
import { createFaceEngine } from '../face/index.ts';
import { packageSource } from './node-source.ts';
import { EidkitError } from '../errors.ts';

const jpegBytes = new Uint8Array(jpeg.encode({ data: new Uint8Array(8 * 8 * 4).fill(128), width: 8, height: 8 }, 80).data);

function codeOf(f: () => unknown): [string, string] {
  try {
    f();
  } catch (e) {
    if (e instanceof EidkitError) return [e.code, e.message];
    throw e;
  }
  return ['none', ''];
}

describe('frames are checked before any work', () => {
  it('file bytes are named (JPEG, PNG) with what to call instead', () => {
    const [code, message] = codeOf(() => assertFrameInput(jpegBytes, 'detectFaces()'));
    expect(code).toBe('face/bad-frame');
    expect(message).toMatch(/detectFaces\(\) takes decoded pixels, not the bytes of a JPEG file: .*imageFromBytes.*decodeImageFile/);
    expect(codeOf(() => assertFrameInput(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]).buffer, 'x'))[1]).toMatch(/PNG file/);
    expect(codeOf(() => assertFrameInput(null, 'x'))).toEqual(['face/bad-frame', expect.stringMatching(/needs a frame .* got null/)]);
    expect(codeOf(() => assertFrameInput({ data: [1, 2, 3], width: 1, height: 1 }, 'x'))[0]).toBe('face/bad-frame');
    expect(codeOf(() => assertFrameInput({ data: new Uint8Array(4), width: 1, height: 1 }, 'x'))[0]).toBe('none');
  });

  it('the in-process engine rejects JPEG bytes with face/bad-frame, not an empty-image error', async () => {
    const faces = createFaceEngine({ models: packageSource() });
    try {
      await expect(faces.detectFaces(jpegBytes as never)).rejects.toMatchObject({ code: 'face/bad-frame', message: expect.stringMatching(/JPEG/) });
    } finally {
      await faces.dispose();
    }
  });
});

describe('createFaceEngine options', () => {
  it('no options, or a worker that is not a Worker, is named', () => {
    expect(codeOf(() => createFaceEngine(undefined as never))).toEqual(['face/no-models', expect.stringMatching(/needs options: \{ models:/)]);
    expect(codeOf(() => createFaceEngine({ models: '/m/', worker: 'face.worker.js' as never }))).toEqual(['face/bad-worker', expect.stringMatching(/must be a Worker running eidkit's workers\/face\.worker\.js/)]);
  });
});
