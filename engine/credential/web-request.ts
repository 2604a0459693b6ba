/**
 * The online request: a relying party (RP) page asks the wallet PWA on the same phone for a verified identity.
 *
 *   RP → wallet:  https://wallet.example/share#eidkit-request=<base64url(JSON WebRequestWire)>
 *   wallet → RP:  <returnUrl>#eidkit-response=<base64url(CBOR envelope [1, [3, nonce, origin], DeviceResponse])>
 *                 <returnUrl>#eidkit-error=<code>                  (declined, no credential, refused request)
 *   or, when the wallet was opened as a popup, window.opener.postMessage(message, <RP origin>) with the same payloads.
 *
 * Everything travels in the URL fragment (never the query), which browsers do not send to servers: no server log, no
 * proxy and no Referer header ever sees the request or the answer. The RP's origin is never taken from the request:
 * the wallet takes it from what the browser reports (engine/wallet/online.ts) and checks that the return URL agrees.
 * Parsing is strict and bounded: everything here comes from another site.
 */
import { EidkitError } from '../errors.ts';
import { fromBase64, randomBytes, toBase64 } from './bytes.ts';
import { EID_DOC_TYPE, ELEMENT_ORDER } from './model.ts';
import { NONCE_BYTES } from './transcript.ts';

export const WEB_REQUEST_PARAM = 'eidkit-request';
export const WEB_RESPONSE_PARAM = 'eidkit-response';
export const WEB_ERROR_PARAM = 'eidkit-error';
export const WEB_REQUEST_VERSION = 1;
/** The postMessage `type` of a wallet answer (payload as in the fragment). */
export const WEB_MESSAGE_TYPE = 'eidkit-web-response';
/** Post-message mode's handshake: the wallet popup's hello to its opener, and the opener's reply (both name the nonce). */
export const WALLET_HELLO = 'eidkit-wallet-hello';
export const RP_HELLO = 'eidkit-rp-hello';
export const MAX_PURPOSE_LENGTH = 200;
export const MAX_RETURN_URL_LENGTH = 2048;
export const MAX_REQUEST_FRAGMENT = 8 * 1024;
/** An answer with a portrait is ~10 kB; with everything, bounded by the credential (see MAX_PORTRAIT_BYTES). */
export const MAX_RESPONSE_FRAGMENT = 256 * 1024;

export type WebResponseMode = 'fragment' | 'post-message';

/** Why a wallet sent no answer. Stable: RPs switch on them. */
export const WEB_ERROR_CODES = ['declined', 'no-credential', 'bad-request', 'origin-mismatch'] as const;
export type WebErrorCode = (typeof WEB_ERROR_CODES)[number];

export interface WebRequest {
  readonly version: typeof WEB_REQUEST_VERSION;
  readonly docType: string;
  /** Element identifiers the RP asks for; the wallet shows exactly these and discloses no others. */
  readonly elements: readonly string[];
  readonly nonce: Uint8Array;
  /** Where the answer goes (its origin must be the RP's origin as the browser reports it). */
  readonly returnUrl: string;
  /** The RP's own words for why; shown quoted, as the site's claim, never as who is asking. */
  readonly purpose?: string;
  readonly responseMode: WebResponseMode;
}

interface WebRequestWire {
  v: number;
  docType: string;
  elements: string[];
  nonce: string;
  returnUrl: string;
  purpose?: string;
  responseMode?: WebResponseMode;
}

function bad(message: string, details?: Record<string, unknown>): never {
  throw new EidkitError('credential/bad-web-request', message, details);
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Requestable elements: the eID's identifiers plus age_over_NN (any threshold the issuer may have signed). */
export function isRequestableElement(id: string): boolean {
  if (/^age_over_\d\d$/.test(id)) return true;
  return ELEMENT_ORDER.includes(id) && id !== 'age_over_18';
}

/**
 * An origin as the browser serialises it ("https://court.example", "http://localhost:4174"), or throws. Only http(s)
 * tuple origins: an opaque origin ("null", file:, data:) identifies no one.
 */
export function webOrigin(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    bad('The address is not an absolute URL.');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') bad(`Only https addresses can ask (got ${u.protocol}).`);
  if (u.protocol === 'http:' && !LOCAL_HOSTS.has(u.hostname)) bad('Only https addresses (or localhost, for development) can ask.');
  return u.origin;
}

/** A return URL the wallet may navigate to: absolute http(s), no credentials, no fragment of its own, bounded. */
export function checkReturnUrl(url: string): URL {
  if (typeof url !== 'string' || url.length === 0 || url.length > MAX_RETURN_URL_LENGTH) bad('The return address is missing or too long.');
  webOrigin(url);
  const u = new URL(url);
  if (u.username || u.password) bad('The return address must not carry a user name or password.');
  if (u.hash) bad('The return address must not have a fragment: the answer goes there.');
  return u;
}

function checkElements(elements: unknown): string[] {
  if (!Array.isArray(elements) || elements.length === 0 || elements.length > ELEMENT_ORDER.length + 8) {
    bad('The request must name 1 to 22 elements.');
  }
  const seen = new Set<string>();
  for (const e of elements) {
    if (typeof e !== 'string' || !isRequestableElement(e)) bad(`"${String(e).slice(0, 40)}" is not an element of the identity document.`);
    if (seen.has(e)) bad(`"${e}" is asked for twice.`);
    seen.add(e);
  }
  return [...seen];
}

function checkPurpose(p: unknown): string | undefined {
  if (p === undefined || p === null || p === '') return undefined;
  if (typeof p !== 'string' || p.length > MAX_PURPOSE_LENGTH || /[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(p)) {
    bad(`The purpose must be one line of at most ${MAX_PURPOSE_LENGTH} characters.`);
  }
  return p.trim() || undefined;
}

export interface WebRequestOptions {
  readonly elements: readonly string[];
  readonly returnUrl: string;
  readonly purpose?: string;
  readonly docType?: string;
  readonly responseMode?: WebResponseMode;
  /** Fresh random bytes by default; pass one only to reproduce a test. */
  readonly nonce?: Uint8Array;
}

/** The RP side: a checked request with a fresh nonce (keep the nonce: the answer must carry it, once). */
export function createWebRequest(opts: WebRequestOptions): WebRequest {
  const nonce = opts.nonce ?? randomBytes(NONCE_BYTES);
  if (!(nonce instanceof Uint8Array) || nonce.length !== NONCE_BYTES) bad(`The nonce must be ${NONCE_BYTES} random bytes.`);
  const purpose = checkPurpose(opts.purpose);
  checkReturnUrl(opts.returnUrl);
  return {
    version: WEB_REQUEST_VERSION,
    docType: opts.docType ?? EID_DOC_TYPE,
    elements: Object.freeze(checkElements(opts.elements)),
    nonce,
    returnUrl: opts.returnUrl,
    ...(purpose ? { purpose } : {}),
    responseMode: opts.responseMode ?? 'fragment',
  };
}

const b64urlJson = (v: unknown): string => toBase64(new TextEncoder().encode(JSON.stringify(v)), true);

/** The wallet URL carrying the request in its fragment. `walletUrl` must have no fragment of its own. */
export function webRequestUrl(walletUrl: string, request: WebRequest): string {
  const u = new URL(walletUrl);
  const wire: WebRequestWire = {
    v: request.version,
    docType: request.docType,
    elements: [...request.elements],
    nonce: toBase64(request.nonce, true),
    returnUrl: request.returnUrl,
    ...(request.purpose ? { purpose: request.purpose } : {}),
    responseMode: request.responseMode,
  };
  u.hash = `${WEB_REQUEST_PARAM}=${b64urlJson(wire)}`;
  return u.href;
}

/** The fragment's parameters ("#a=1&b=2" or "a=1&b=2"), each at most once. */
function fragmentParams(fragment: string, max: number): Map<string, string> {
  const f = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  if (f.length > max) bad('The request is too large.');
  const out = new Map<string, string>();
  for (const part of f.split('&')) {
    if (!part) continue;
    const i = part.indexOf('=');
    const k = i < 0 ? part : part.slice(0, i);
    if (out.has(k)) bad(`"${k}" appears twice.`);
    out.set(k, i < 0 ? '' : part.slice(i + 1));
  }
  return out;
}

/** True when a fragment carries an eidkit request (so a wallet page knows to show the consent screen). */
export function hasWebRequest(fragment: string): boolean {
  return (fragment.startsWith('#') ? fragment.slice(1) : fragment).startsWith(`${WEB_REQUEST_PARAM}=`);
}

/** The wallet side: the request in a fragment, strictly checked. Throws EidkitError('credential/bad-web-request'). */
export function parseWebRequest(fragment: string): WebRequest {
  const raw = fragmentParams(fragment, MAX_REQUEST_FRAGMENT).get(WEB_REQUEST_PARAM);
  if (!raw) bad('There is no eidkit request in this address.');
  let wire: Partial<WebRequestWire>;
  try {
    wire = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fromBase64(raw))) as Partial<WebRequestWire>;
  } catch {
    bad('The request is not readable.');
  }
  if (typeof wire !== 'object' || wire === null || Array.isArray(wire)) bad('The request is not readable.');
  const known = new Set(['v', 'docType', 'elements', 'nonce', 'returnUrl', 'purpose', 'responseMode']);
  for (const k of Object.keys(wire)) if (!known.has(k)) bad(`The request has an unknown field "${k.slice(0, 40)}".`);
  if (wire.v !== WEB_REQUEST_VERSION) bad('The request has an unknown version.');
  if (typeof wire.docType !== 'string' || wire.docType.length === 0 || wire.docType.length > 256) bad('The request names no document type.');
  if (typeof wire.nonce !== 'string') bad('The request has no nonce.');
  let nonce: Uint8Array;
  try {
    nonce = fromBase64(wire.nonce);
  } catch {
    bad('The request nonce is not base64url.');
  }
  if (nonce.length !== NONCE_BYTES) bad(`The request nonce must be ${NONCE_BYTES} bytes.`);
  const mode = wire.responseMode ?? 'fragment';
  if (mode !== 'fragment' && mode !== 'post-message') bad('Unknown response mode.');
  if (typeof wire.returnUrl !== 'string') bad('The request has no return address.');
  checkReturnUrl(wire.returnUrl);
  const purpose = checkPurpose(wire.purpose);
  return {
    version: WEB_REQUEST_VERSION,
    docType: wire.docType,
    elements: Object.freeze(checkElements(wire.elements)),
    nonce,
    returnUrl: wire.returnUrl,
    ...(purpose ? { purpose } : {}),
    responseMode: mode,
  };
}

/** A wallet answer or refusal, as it travels (fragment or postMessage). */
export type WebAnswer = { readonly kind: 'response'; readonly bytes: Uint8Array } | { readonly kind: 'error'; readonly code: WebErrorCode };

/** The payload of a fragment or message: "eidkit-response=…" or "eidkit-error=…". */
export function encodeWebAnswer(answer: WebAnswer): string {
  if (answer.kind === 'error') {
    if (!WEB_ERROR_CODES.includes(answer.code)) bad(`Unknown answer error "${answer.code}".`);
    return `${WEB_ERROR_PARAM}=${answer.code}`;
  }
  return `${WEB_RESPONSE_PARAM}=${toBase64(answer.bytes, true)}`;
}

/**
 * The address the wallet navigates to: the return URL with the answer as its fragment. Its query is the RP's own and
 * is kept unchanged; the answer is never put in it.
 */
export function webAnswerUrl(returnUrl: string, answer: WebAnswer): string {
  const u = checkReturnUrl(returnUrl);
  u.hash = encodeWebAnswer(answer);
  return u.href;
}

/** The RP side: the answer in a fragment (or a postMessage payload), undefined when there is none. */
export function parseWebAnswer(fragment: string): WebAnswer | undefined {
  const params = fragmentParams(fragment, MAX_RESPONSE_FRAGMENT);
  const err = params.get(WEB_ERROR_PARAM);
  const res = params.get(WEB_RESPONSE_PARAM);
  if (err !== undefined && res !== undefined) bad('The answer is both a response and an error.');
  if (err !== undefined) {
    if (!(WEB_ERROR_CODES as readonly string[]).includes(err)) bad('The wallet sent an unknown error.');
    return { kind: 'error', code: err as WebErrorCode };
  }
  if (res === undefined) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(res);
  } catch {
    bad('The answer is not base64url.');
  }
  return { kind: 'response', bytes };
}
