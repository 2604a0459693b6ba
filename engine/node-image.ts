/** Node: image files on disk as frames the face engine takes, and a face template from a photo file. */
import { readFile } from 'node:fs/promises';
import { EidkitError } from './errors.ts';
import { imageFromBytes } from './face/decode.ts';
import { createFaceEngine } from './face/index.ts';
import type { FaceEngine } from './face/engine.ts';
import { faceTemplateFromImage, type PhotoTemplate } from './face/photo-template.ts';
import type { QualityPolicy } from './face/quality.ts';
import type { RgbaImage } from './runtime/frame.ts';
import { packageSource } from './runtime/node-source.ts';

/**
 * Reads a JPEG or PNG file into RGBA pixels (`{ data, width, height }`), the frame `detectFaces` and `template` take.
 * Throws `face/file-not-found` for a path that is not there, and the decoder's typed errors (`face/not-an-image`,
 * `face/corrupt-image`, `face/image-too-large`, `face/unsupported-image`) for the rest.
 */
export async function decodeImageFile(path: string): Promise<RgbaImage> {
  if (typeof path !== 'string' || path === '') throw new EidkitError('face/bad-input', 'decodeImageFile needs the path of a JPEG or PNG file.');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new EidkitError('face/file-not-found', `No image file at ${path}.`, { path }, { cause });
    throw new EidkitError('face/file-unreadable', `Cannot read ${path} (${code ?? 'error'}).`, { path }, { cause });
  }
  // Node has no createImageBitmap, so imageFromBytes decodes to RGBA here.
  return (await imageFromBytes(bytes)) as RgbaImage;
}

/**
 * The face template of the main face in a photo file, as the credential's `biometric_template_face` element
 * (`{ model, version, data }`). Uses `engine` when given (and leaves it open), else a one-off in-process engine on
 * the installed models (disposed after). See faceTemplateFromImage for the errors.
 */
export async function faceTemplateFromFile(
  path: string,
  options: { readonly engine?: FaceEngine; readonly policy?: QualityPolicy } = {},
): Promise<PhotoTemplate> {
  const photo = await decodeImageFile(path);
  const engine = options.engine ?? createFaceEngine({ models: packageSource() });
  try {
    return await faceTemplateFromImage(engine, photo, options.policy ? { policy: options.policy } : {});
  } finally {
    if (!options.engine) await engine.dispose();
  }
}
