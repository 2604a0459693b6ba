import { EidkitError } from '../errors.ts';

/**
 * The face template's format, read from its first bytes without the face engine (no tfjs, no model): a wallet or a
 * verifier page can tell a template it will refuse before it loads anything. Layout in template.ts.
 *
 * Format 2 (2026-12): templates of FacePlugin's ArcFace-class network (fr-feature), five-point alignment, PCA to
 * 160 numbers. Format 1 held dlib ResNet-34 descriptors; a different network's vectors mean nothing to this one, so
 * a format-1 template is refused with `face/template-reenrol`, never compared: its holder enrols again.
 */
export const TEMPLATE_FORMAT = 2;
/** Formats an earlier engine wrote: refused with face/template-reenrol. */
export const RETIRED_TEMPLATE_FORMATS: readonly number[] = [1];
export const TEMPLATE_HEADER_BYTES = 12;
export const TEMPLATE_MAX_BYTES = 256;
export const TEMPLATE_MAGIC = [0x46, 0x54] as const;

/**
 * Throws unless `bytes` start like a template this engine reads: `face/bad-template` (not a face template),
 * `face/template-reenrol` (made by an earlier engine: enrol again), `face/template-version` (a format from a newer
 * engine).
 */
export function assertTemplateFormat(bytes: Uint8Array): void {
  if (!(bytes instanceof Uint8Array) || bytes.length < TEMPLATE_HEADER_BYTES || bytes[0] !== TEMPLATE_MAGIC[0] || bytes[1] !== TEMPLATE_MAGIC[1]) {
    throw new EidkitError('face/bad-template', 'These bytes are not an eidkit face template.');
  }
  const format = bytes[2]!;
  if (RETIRED_TEMPLATE_FORMATS.includes(format)) {
    throw new EidkitError(
      'face/template-reenrol',
      `This face template was made by an earlier version of the face engine (format ${format}) and can no longer be compared. Enrol the face again to get a new credential.`,
      { format, current: TEMPLATE_FORMAT },
    );
  }
  if (format !== TEMPLATE_FORMAT) {
    throw new EidkitError('face/template-version', `Face template format ${format} is not supported (this engine reads format ${TEMPLATE_FORMAT}).`, { format });
  }
}

/** True when `bytes` are a face template of a retired format: its holder must enrol again (see assertTemplateFormat). */
export function needsReenrolment(bytes: Uint8Array): boolean {
  return bytes instanceof Uint8Array && bytes.length >= 3 && bytes[0] === TEMPLATE_MAGIC[0] && bytes[1] === TEMPLATE_MAGIC[1] && RETIRED_TEMPLATE_FORMATS.includes(bytes[2]!);
}
