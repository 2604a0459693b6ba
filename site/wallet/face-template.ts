/**
 * Whether a stored credential's face template was made by an earlier face engine (template format 1, dlib): verifiers
 * refuse such a template (face/template-reenrol), so the wallet tells its holder to enrol again. Reads the header
 * bytes only (engine/face/template-format.ts): no face engine, no tfjs on the wallet page.
 */
import { credentialElements, parseCredential } from '../../engine/credential/index.ts';
import { needsReenrolment } from '../../engine/face/template-format.ts';

export function credentialNeedsReenrolment(bytes: Uint8Array): boolean {
  let template: unknown;
  try {
    template = credentialElements(parseCredential(bytes))['biometric_template_face'];
  } catch {
    return false; // not ours to judge here: the wallet reports damaged credentials on its own
  }
  const data = (template as { data?: unknown } | undefined)?.data;
  return data instanceof Uint8Array && needsReenrolment(data);
}
