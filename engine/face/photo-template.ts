/**
 * A face template from one photo (an ID-card scan, a passport-style portrait), in the shape a credential carries
 * (`biometric_template_face`). Built on the public engine API only, so it follows whatever embedder the engine uses.
 */
import { EidkitError } from '../errors.ts';
import type { FrameInput } from '../runtime/frame.ts';
import type { FaceEngine } from './engine.ts';
import { PORTRAIT_POLICY, type QualityPolicy, type QualityReport } from './quality.ts';
import { decodeTemplate } from './template.ts';

export interface PhotoTemplate {
  /** The credential element: `{ model, version, data }`, ready for `issueCredential({ data: { biometric_template_face } })`. */
  readonly template: { readonly model: string; readonly version: string; readonly data: Uint8Array };
  readonly quality: QualityReport;
}

/**
 * Detects the main face in `photo`, judges it against `policy` (default PORTRAIT_POLICY: a frontal, sharp, well-lit
 * portrait) and returns its template. Throws `face/no-face` when no face is found and `face/poor-quality` (with the
 * report in `details.quality`) when the gates fail.
 */
export async function faceTemplateFromImage(engine: FaceEngine, photo: FrameInput, options: { readonly policy?: QualityPolicy } = {}): Promise<PhotoTemplate> {
  if (typeof engine !== 'object' || engine === null || typeof engine.template !== 'function') {
    throw new EidkitError('face/bad-input', 'faceTemplateFromImage needs a face engine from createFaceEngine() as its first argument.');
  }
  const r = await engine.template(photo, { policy: options.policy ?? PORTRAIT_POLICY });
  if (r.analysis.faces.length === 0) throw new EidkitError('face/no-face', 'No face was found in the photo.');
  if (!r.template) {
    const issues = r.quality.issues.map((i) => i.code).join(', ');
    throw new EidkitError('face/poor-quality', `The photo's face does not pass the quality gates (${issues || 'no template'}); use a sharper, frontal, evenly lit photo.`, { quality: r.quality });
  }
  const header = decodeTemplate(r.template);
  return { template: { model: header.model, version: String(header.modelVersion), data: r.template }, quality: r.quality };
}
