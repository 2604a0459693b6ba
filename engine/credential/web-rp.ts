/**
 * The relying party's engine API for online identity checks: make the request, open the wallet, take the answer
 * back and verify it in this page. Browser or Node (a server verifies a forwarded answer the same way, with its own
 * nonce ledger). Nothing here sends anything anywhere: the request and the answer travel in URL fragments or
 * postMessage between two pages on the same phone.
 *
 *   const rp = createRelyingParty({ walletUrl, trust, statusLists });
 *   rp.open(rp.request({ elements: ['family_name', 'given_name', 'document_number', 'biometric_template_face'] }));
 *   // … the wallet answers by navigating back here …
 *   const result = await rp.receive(location.hash);   // verified: result.verified, result.report, result.elements
 */
import { toBase64, toHex } from './bytes.ts';
import { decodeCbor } from './cbor.ts';
import type { StatusList } from './status-list.ts';
import type { TrustList } from './trust-list.ts';
import { verifyPresentation, type VerificationReport } from './verify.ts';
import { createNonceLedger, DEFAULT_NONCE_MAX_AGE_SECONDS, type IssuingNonceLedger, type NonceStore } from './web-nonces.ts';
import {
  createWebRequest,
  parseWebAnswer,
  webOrigin,
  webRequestUrl,
  WEB_MESSAGE_TYPE,
  WEB_RESPONSE_PARAM,
  WEB_ERROR_PARAM,
  RP_HELLO,
  WALLET_HELLO,
  type WebErrorCode,
  type WebRequest,
  type WebRequestOptions,
} from './web-request.ts';

export interface RelyingPartyOptions {
  /** The wallet's consent page, e.g. "https://wallet.example/share". */
  readonly walletUrl: string;
  readonly trust: TrustList;
  readonly statusLists?: readonly StatusList[];
  /** This page's origin (default location.origin). */
  readonly origin?: string;
  /** Where pending requests survive the wallet's redirect (default sessionStorage: this tab only). */
  readonly store?: NonceStore;
  /** How long a request stays answerable (default 300 s). */
  readonly maxAgeSeconds?: number;
  readonly now?: () => number;
}

export type WebCheckResult =
  /** The wallet answered and the answer passed every check (or only warned, e.g. status unknown). */
  | {
      readonly kind: 'verified';
      readonly report: VerificationReport;
      /** Verified elements, as plain values (a face template as { model, version, data }). */
      readonly elements: Readonly<Record<string, unknown>>;
      /** What this page asked for; the answer never holds more (it would be refused). */
      readonly requested: readonly string[];
    }
  /** The wallet answered, but the answer is not acceptable here (report.checks say why, with stable codes). */
  | { readonly kind: 'invalid'; readonly report: VerificationReport; readonly code: string }
  /** The wallet sent no answer: the holder declined, had no credential, or the wallet refused the request. */
  | { readonly kind: 'refused'; readonly code: `web/${WebErrorCode}` };

export interface RelyingParty {
  readonly origin: string;
  readonly ledger: IssuingNonceLedger;
  /** A request with a fresh nonce, remembered (in `store`) as pending. The return URL defaults to this page. */
  request(opts: Omit<WebRequestOptions, 'returnUrl' | 'nonce'> & { readonly returnUrl?: string }): { request: WebRequest; url: string };
  /**
   * Opens the wallet: same tab for fragment mode (through a link whose referrer policy lets the browser tell the
   * wallet who is asking, whatever this page's own Referrer-Policy), a popup for post-message mode.
   */
  open(r: { request: WebRequest; url: string }, doc?: Document): Window | null;
  /** Verifies an answer (a fragment "#eidkit-response=…", or a postMessage payload). */
  receive(fragmentOrPayload: string): Promise<WebCheckResult>;
  /**
   * Post-message mode: answers the wallet popup's hello and resolves with its answer. Only messages from `popup`,
   * from the wallet's origin, are read.
   */
  listen(popup: Window, request: WebRequest, win?: Window): Promise<WebCheckResult>;
}

const PENDING_KEY = 'eidkit.web.pending';

function sessionStore(): NonceStore {
  const s = (globalThis as { sessionStorage?: Storage }).sessionStorage;
  if (!s) throw new Error('No sessionStorage here: pass `store` (a server keeps its own).');
  return s;
}

/** True when a fragment holds a wallet answer (so a page knows to call receive()). */
export function hasWebAnswer(fragment: string): boolean {
  const f = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  return f.startsWith(`${WEB_RESPONSE_PARAM}=`) || f.startsWith(`${WEB_ERROR_PARAM}=`);
}

export function createRelyingParty(opts: RelyingPartyOptions): RelyingParty {
  const origin = webOrigin(opts.origin ?? (globalThis as { location?: Location }).location?.origin ?? '');
  const store = opts.store ?? sessionStore();
  const now = opts.now ?? Date.now;
  const ledger = createNonceLedger({ store, maxAgeSeconds: opts.maxAgeSeconds ?? DEFAULT_NONCE_MAX_AGE_SECONDS });
  const walletOrigin = webOrigin(opts.walletUrl);

  const readPending = (): Record<string, string[]> => {
    try {
      return (JSON.parse(store.getItem(PENDING_KEY) ?? '{}') as Record<string, string[]>) ?? {};
    } catch {
      return {};
    }
  };

  const rp: RelyingParty = {
    origin,
    ledger,
    request(r) {
      const returnUrl = r.returnUrl ?? (() => {
        const here = new URL((globalThis as { location?: Location }).location!.href);
        here.hash = '';
        return here.href;
      })();
      if (webOrigin(returnUrl) !== origin) throw new Error(`The return URL must be on this page's origin (${origin}).`);
      const request = createWebRequest({ ...r, returnUrl });
      const t = now();
      ledger.issue(request.nonce, t);
      const pending = readPending();
      pending[toHex(request.nonce)] = [...request.elements];
      // Only as many as the ledger keeps (its oldest fall away, and with them their pending entry).
      const keys = Object.keys(pending);
      for (const k of keys.slice(0, Math.max(0, keys.length - 64))) delete pending[k];
      store.setItem(PENDING_KEY, JSON.stringify(pending));
      return { request, url: webRequestUrl(opts.walletUrl, request) };
    },
    open({ request, url }, doc = (globalThis as { document?: Document }).document!) {
      // Through a link whose referrer policy tells the wallet this page's origin, whatever the page's own policy.
      const a = doc.createElement('a');
      a.href = url;
      a.referrerPolicy = 'origin';
      a.style.display = 'none';
      let popup: Window | null = null;
      if (request.responseMode === 'post-message') {
        // A named popup first (the handle is how answers are told apart), then the link navigates it; 'opener' so
        // the wallet can answer through window.opener. This page's COOP must allow popups (same-origin-allow-popups).
        popup = doc.defaultView!.open('', 'eidkit-wallet', 'popup');
        if (!popup) return null;
        a.target = 'eidkit-wallet';
        a.rel = 'opener';
      }
      doc.body.append(a);
      a.click();
      a.remove();
      return popup;
    },
    async receive(fragmentOrPayload) {
      const answer = parseWebAnswer(fragmentOrPayload);
      if (!answer) throw new Error('There is no wallet answer here.');
      if (answer.kind === 'error') return { kind: 'refused', code: `web/${answer.code}` };
      const report = await verifyPresentation(answer.bytes, opts.trust, opts.statusLists ?? [], new Date(now()), {
        mode: 'web',
        web: { origin, nonces: ledger },
      });
      if (report.verdict === 'invalid') {
        // The session's own failure (another origin, a replay, an old request) says most about what happened.
        const failed = report.checks.filter((c) => c.outcome === 'fail');
        const first = failed.find((c) => c.category === 'freshness') ?? failed[0];
        return { kind: 'invalid', report, code: first?.code ?? 'credential/invalid' };
      }
      // The nonce passed the ledger, so this page made the request: the answer must hold no more than it asked.
      const nonceHex = nonceOf(answer.bytes);
      const pending = readPending();
      const requested = (nonceHex && pending[nonceHex]) || [];
      if (nonceHex) {
        delete pending[nonceHex];
        store.setItem(PENDING_KEY, JSON.stringify(pending));
      }
      const extra = Object.keys(report.elements).filter((e) => !requested.includes(e));
      if (extra.length > 0) return { kind: 'invalid', report, code: 'web/unrequested-elements' };
      return { kind: 'verified', report, elements: report.elements, requested };
    },
    listen(popup, request, win = (globalThis as unknown as { window: Window }).window) {
      const nonce = toBase64Url(request.nonce);
      return new Promise((resolve, reject) => {
        // A popup closed without an answer is the holder walking away: declined.
        const watch = setInterval(() => {
          if (!popup.closed) return;
          stop();
          resolve({ kind: 'refused', code: 'web/declined' });
        }, 500);
        const stop = () => {
          clearInterval(watch);
          win.removeEventListener('message', onMessage);
        };
        const onMessage = (e: MessageEvent) => {
          if (e.source !== popup || e.origin !== walletOrigin) return;
          const d = e.data as { type?: unknown; nonce?: unknown; payload?: unknown } | null;
          if (d?.type === WALLET_HELLO && d.nonce === nonce) {
            popup.postMessage({ type: RP_HELLO, nonce }, walletOrigin);
          } else if (d?.type === WEB_MESSAGE_TYPE && typeof d.payload === 'string') {
            stop();
            rp.receive(d.payload).then(resolve, reject);
          }
        };
        win.addEventListener('message', onMessage);
      });
    },
  };
  return rp;
}

const toBase64Url = (b: Uint8Array): string => toBase64(b, true);

/** The nonce an envelope answers (already checked by verifyPresentation before this is called). */
function nonceOf(bytes: Uint8Array): string | undefined {
  try {
    const v = decodeCbor(bytes);
    const h = Array.isArray(v) ? v[1] : undefined;
    return Array.isArray(h) && h[1] instanceof Uint8Array ? toHex(h[1]) : undefined;
  } catch {
    return undefined;
  }
}
