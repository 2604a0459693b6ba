/**
 * The wallet's side of an online request (engine/credential/web-request.ts): who is asking, what exactly the holder
 * consents to, and where the answer may go.
 *
 * Who is asking is the origin the browser reports, never a name the site gives itself:
 *   - document.referrer (a page cannot forge it; it can only suppress it, and then the wallet refuses),
 *   - the return URL's origin (where the answer will be delivered), and
 *   - for a popup answered by postMessage, the opener's origin as the browser stamps it on the opener's reply to
 *     the wallet's hello (MessageEvent.origin).
 * All present must agree. The answer is bound to that origin (the session transcript hashes it with the nonce) and is
 * delivered only to it: by navigating to the return URL with the answer in the fragment, or by postMessage with that
 * origin as targetOrigin (the browser drops the message if the opener has navigated elsewhere).
 */
import { createPresentation, type Presentation } from '../credential/present.ts';
import type { Signer } from '../credential/crypto.ts';
import {
  encodeWebAnswer,
  parseWebRequest,
  webAnswerUrl,
  webOrigin,
  WEB_MESSAGE_TYPE,
  WALLET_HELLO,
  RP_HELLO,
  type WebAnswer,
  type WebRequest,
} from '../credential/web-request.ts';
import { toBase64 } from '../credential/bytes.ts';
import { isEidkitError } from '../errors.ts';
import { walletError } from './errors.ts';

/** What the browser reports about the page that opened the wallet. */
export interface RequesterEvidence {
  /** document.referrer ('' when the asking page suppressed it). */
  readonly referrer: string;
  /** For post-message mode: the origin of the opener's reply to the wallet's hello (confirmOpener), or null if none came. */
  readonly openerOrigin?: string | null;
}

/** A request the wallet can show: the origin it will answer, and the exact elements on the consent screen. */
export interface Consent {
  readonly request: WebRequest;
  /** The RP's origin, as the browser reported it. */
  readonly origin: string;
  /** Exactly what the consent screen lists, frozen: the answer discloses these and nothing else. */
  readonly elements: readonly string[];
  readonly purpose: string | undefined;
}

/** The RP origin the evidence agrees on, or throws wallet/requester-unknown | wallet/requester-mismatch. */
export function resolveRequester(request: WebRequest, evidence: RequesterEvidence): string {
  const returnOrigin = webOrigin(request.returnUrl);
  let referrerOrigin: string | undefined;
  try {
    referrerOrigin = evidence.referrer ? new URL(evidence.referrer).origin : undefined;
  } catch {
    referrerOrigin = undefined;
  }
  if (!referrerOrigin || referrerOrigin === 'null') {
    throw walletError(
      'wallet/requester-unknown',
      'The browser did not say which site sent you here (the site suppressed it), so the wallet cannot tell who is asking.',
    );
  }
  if (referrerOrigin !== returnOrigin) {
    throw walletError('wallet/requester-mismatch', `${referrerOrigin} sent you here, but the answer would go to ${returnOrigin}.`, {
      referrer: referrerOrigin,
      returnUrl: returnOrigin,
    });
  }
  if (request.responseMode === 'post-message') {
    if (!evidence.openerOrigin) {
      throw walletError('wallet/requester-unknown', 'The site asked for an answer in its own window, but that window did not answer the wallet.');
    }
    if (evidence.openerOrigin !== returnOrigin) {
      throw walletError('wallet/requester-mismatch', `The window that opened the wallet is ${evidence.openerOrigin}, not ${returnOrigin}.`, {
        opener: evidence.openerOrigin,
        returnUrl: returnOrigin,
      });
    }
  }
  return returnOrigin;
}

/**
 * The consent for a request in a fragment. Throws wallet/bad-request (unreadable or refused request) or the
 * requester errors above. Read the fragment once, when the page opens: a later change to it changes nothing here.
 */
export function prepareConsent(fragment: string, evidence: RequesterEvidence): Consent {
  let request: WebRequest;
  try {
    request = parseWebRequest(fragment);
  } catch (e) {
    throw walletError('wallet/bad-request', isEidkitError(e) ? e.message : 'The request cannot be read.', undefined, e);
  }
  const origin = resolveRequester(request, evidence);
  return Object.freeze({ request, origin, elements: Object.freeze([...request.elements]), purpose: request.purpose });
}

/** The signed answer: a DeviceResponse disclosing exactly the consented elements, bound to origin + nonce. */
export async function answerConsent(consent: Consent, credential: Uint8Array, deviceSigner: Signer): Promise<Presentation> {
  const p = await createPresentation({
    credential,
    disclose: consent.elements,
    deviceSigner,
    mode: { kind: 'web', origin: consent.origin, nonce: consent.request.nonce },
  });
  const shown = new Set(consent.elements);
  if (p.disclosed.some((d) => !shown.has(d))) {
    // createPresentation filters by this very list; reaching here is a bug, and nothing unconsented may leave.
    throw walletError('wallet/bad-request', 'The answer would disclose an element the consent screen did not show.');
  }
  return p;
}

export type WebDelivery =
  | { readonly kind: 'redirect'; readonly url: string }
  | { readonly kind: 'post-message'; readonly targetOrigin: string; readonly message: { readonly type: typeof WEB_MESSAGE_TYPE; readonly payload: string } };

/** Where and how an answer (or a refusal such as "declined") goes: only ever to the consent's origin. */
export function webDelivery(consent: Consent, answer: WebAnswer): WebDelivery {
  if (consent.request.responseMode === 'post-message') {
    return { kind: 'post-message', targetOrigin: consent.origin, message: { type: WEB_MESSAGE_TYPE, payload: encodeWebAnswer(answer) } };
  }
  const url = webAnswerUrl(consent.request.returnUrl, answer);
  if (new URL(url).origin !== consent.origin) throw walletError('wallet/requester-mismatch', 'The answer would leave for another origin.');
  return { kind: 'redirect', url };
}

/** Delivers: replaces the wallet page (so Back does not reopen the consent screen), or posts to the opener. */
export function deliver(d: WebDelivery, win: Window = window): void {
  if (d.kind === 'redirect') {
    win.location.replace(d.url);
    return;
  }
  const opener = win.opener as Window | null;
  if (!opener) throw walletError('wallet/requester-unknown', 'The window that asked has been closed.');
  opener.postMessage(d.message, d.targetOrigin);
}

/**
 * Post-message mode: asks the opener who it is. The hello goes to the claimed origin only (the browser drops it
 * otherwise); the reply must come from the opener window, from that origin, naming the request's nonce. Resolves to
 * the origin the browser stamped on the reply, or null when none came in time.
 */
export function confirmOpener(request: WebRequest, win: Window = window, timeoutMs = 3000): Promise<string | null> {
  const opener = win.opener as Window | null;
  if (!opener) return Promise.resolve(null);
  const claimed = webOrigin(request.returnUrl);
  const nonce = toBase64(request.nonce, true);
  return new Promise((resolve) => {
    const done = (v: string | null) => {
      win.removeEventListener('message', onMessage);
      clearTimeout(timer);
      resolve(v);
    };
    const onMessage = (e: MessageEvent) => {
      const d = e.data as { type?: unknown; nonce?: unknown } | null;
      if (e.source !== opener || d?.type !== RP_HELLO || d.nonce !== nonce) return;
      done(e.origin);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    win.addEventListener('message', onMessage);
    opener.postMessage({ type: WALLET_HELLO, nonce }, claimed);
  });
}
