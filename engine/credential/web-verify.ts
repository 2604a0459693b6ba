/**
 * verifyPresentation's web mode (engine/credential/verify.ts calls in here): the answer must be an online answer made
 * for this RP's origin, to a nonce this RP issued, used once. The device signature is then checked over the transcript
 * rebuilt from the origin the RP expects (never the one the answer names), so relabelling an answer changes nothing.
 */
import type { CborValue } from './cbor.ts';
import { sessionTranscript, webMode } from './transcript.ts';
import type { ReportBuilder, VerificationReport, VerifyPolicy } from './verify.ts';
import type { NonceLedger } from './web-nonces.ts';
import { webOrigin } from './web-request.ts';

export const MAX_WEB_ORIGIN_LENGTH = 512;

export interface WebSessionPolicy {
  /** This RP's origin, e.g. location.origin ("https://court.example"). */
  readonly origin: string;
  /** The nonces this RP issued; each passes once (createNonceLedger, or a server's own atomic store). */
  readonly nonces: NonceLedger;
}

type Mode = { readonly kind: string; readonly nonce?: Uint8Array; readonly origin?: string } | undefined;

export function isWebSession(mode: Mode, policy: VerifyPolicy): boolean {
  return mode?.kind === 'web' || policy.web !== undefined || policy.mode === 'web';
}

export async function checkWebSession(
  r: ReportBuilder,
  out: { mode?: VerificationReport['mode']; origin?: string },
  mode: Mode,
  now: number,
  policy: VerifyPolicy,
): Promise<CborValue | undefined> {
  if (mode?.kind !== 'web' || !mode.nonce || mode.origin === undefined) {
    r.fail('freshness', 'freshness.mode', 'credential/wrong-mode', 'This site takes answers from the wallet on this phone only, not a QR code or a response made for another session.');
    return undefined;
  }
  out.mode = 'web';
  out.origin = mode.origin;
  const web = policy.web;
  if (!web) {
    r.fail('freshness', 'freshness.web', 'credential/no-web-session', 'An online answer can only be checked with the origin and nonce of the request it answers.');
    return undefined;
  }
  let expected: string;
  try {
    expected = webOrigin(web.origin);
  } catch {
    r.fail('freshness', 'freshness.origin', 'credential/bad-web-policy', `"${web.origin}" is not an origin this check can use.`);
    return undefined;
  }
  let ok = true;
  if (mode.origin !== expected) {
    ok = false;
    r.fail('freshness', 'freshness.origin', 'credential/origin-mismatch', `The answer was made for ${mode.origin}, not for this site (${expected}): relayed or phished.`, { madeFor: mode.origin, expected });
  } else {
    r.pass('freshness', 'freshness.origin', `Made for this site (${expected}).`);
  }
  let state: Awaited<ReturnType<NonceLedger['consume']>>;
  try {
    state = await web.nonces.consume(mode.nonce, now);
  } catch (e) {
    r.fail('freshness', 'freshness.nonce', 'credential/nonce-store', `The nonce could not be checked: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  if (state === 'ok') r.pass('freshness', 'freshness.nonce', 'Answers a request this site made, for the first time.');
  else {
    ok = false;
    const why = {
      used: ['credential/nonce-replayed', 'This answer was already used once: a replay.'],
      expired: ['credential/nonce-expired', 'The request this answers is too old; ask again.'],
      unknown: ['credential/nonce-unknown', 'This answers a request this site did not make (or has forgotten).'],
    } as const;
    r.fail('freshness', 'freshness.nonce', why[state][0], why[state][1]);
  }
  return ok ? sessionTranscript(await webMode(expected, mode.nonce)) : undefined;
}
