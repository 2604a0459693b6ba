/**
 * A framework-free component for a relying party page: one call mounts a button that asks the wallet on this phone,
 * takes the answer back, verifies it here (web mode: origin + single-use nonce), then runs the selfie liveness check
 * and matches the live face with the credential's template, on the front camera, in this page. It hands the page a
 * result object and sends nothing anywhere: what leaves the phone is up to the page's own code.
 *
 *   mountIdentityCheck(document.getElementById('id-check')!, {
 *     rp: createRelyingParty({ walletUrl, trust, statusLists }),
 *     elements: ['family_name', 'given_name', 'document_number', 'biometric_template_face'],
 *     purpose: 'File a case with the court',
 *     face: { engine: () => faceEngine, passive: () => passiveScorer },
 *     onResult: (r) => { if (r.status === 'verified' && r.face?.match?.match) fillTheForm(r.elements); },
 *   });
 */
import { compareTemplates, type FaceEngine, type Match } from '../face/index.ts';
import { openCamera, runLivenessCapture } from '../liveness/capture.ts';
import type { LivenessDecision } from '../liveness/decide.ts';
import type { PassiveScorer } from '../liveness/passive.ts';
import { createLivenessSession, type LivenessSession } from '../liveness/session.ts';
import type { VerificationReport } from './verify.ts';
import { hasWebAnswer, type RelyingParty, type WebCheckResult } from './web-rp.ts';
import type { WebResponseMode } from './web-request.ts';

export interface IdentityCheckFace {
  readonly live: boolean;
  readonly decision: LivenessDecision;
  /** The live face against the credential's template (only when live). */
  readonly match?: Match;
  /** A stable code when the check could not run (e.g. "liveness/camera-denied", "face/template-mismatch"). */
  readonly error?: string;
}

export interface IdentityCheckResult {
  readonly status: 'verified' | 'invalid' | 'refused' | 'error';
  /** The first failed check's code, the wallet's refusal ("web/declined") or the error's code. */
  readonly code?: string;
  /** Verified elements (empty unless verified). */
  readonly elements: Readonly<Record<string, unknown>>;
  readonly report?: VerificationReport;
  /** Set once the face check has run. */
  readonly face?: IdentityCheckFace;
  /** Milliseconds from the button press (kept across the wallet round trip) to this result. */
  readonly elapsedMs?: number;
}

export interface IdentityCheckLabels {
  readonly ask: string;
  readonly verifying: string;
  readonly waiting: string;
  readonly verified: string;
  readonly invalid: string;
  readonly refused: string;
  readonly startFace: string;
  readonly faceRunning: string;
  readonly faceMatch: string;
  readonly faceNoMatch: string;
  readonly notLive: string;
  /** Why the wallet sent nothing, by its code. */
  readonly refusals: Readonly<Record<string, string>>;
}

export const DEFAULT_LABELS: IdentityCheckLabels = {
  ask: 'Use my eID wallet',
  verifying: 'Checking the answer from your wallet…',
  waiting: 'Waiting for your wallet (in the other window)…',
  verified: 'Your ID is verified. Now check that it is you.',
  invalid: 'The answer from the wallet was refused.',
  refused: 'The wallet sent nothing.',
  startFace: 'Check my face',
  faceRunning: 'Look at the camera and follow the instruction.',
  faceMatch: 'It is you: face matched.',
  faceNoMatch: 'The face does not match the ID.',
  notLive: 'Liveness check failed: a live person is needed.',
  refusals: {
    'web/declined': 'You declined in the wallet: nothing was shared.',
    'web/no-credential': 'Your wallet has no ID this site can use.',
    'web/bad-request': 'The wallet could not read this site’s request.',
    'web/origin-mismatch': 'The wallet could not confirm that this site asked.',
    'web/popup-blocked': 'The browser blocked the wallet’s window: allow pop-ups for this site, or try again.',
  },
};

export interface IdentityCheckOptions {
  readonly rp: RelyingParty;
  readonly elements: readonly string[];
  readonly purpose?: string;
  /** 'fragment' (default: the wallet replaces this page and comes back) or 'post-message' (a popup); read per click. */
  readonly responseMode?: WebResponseMode | (() => WebResponseMode);
  /** The face check; without it, or when the answer holds no face template, the result has no `face`. */
  readonly face?: {
    readonly engine: () => Promise<FaceEngine>;
    readonly passive?: () => Promise<PassiveScorer | undefined>;
    /** A liveness session (default: the random two-action challenge). */
    readonly session?: () => LivenessSession;
  };
  readonly labels?: Partial<IdentityCheckLabels>;
  /** Called with each new result: after verification, then after the face check. */
  readonly onResult: (result: IdentityCheckResult) => void;
  /** Where the answer arrives (default: this window's location). */
  readonly win?: Window;
}

const STARTED_KEY = 'eidkit.web.started';
const codeOf = (e: unknown): string => (e as { code?: unknown })?.code?.toString() ?? 'error';

/** Mounts the check into `root`. Returns an unmount function (stops the camera if it runs). */
export function mountIdentityCheck(root: HTMLElement, options: IdentityCheckOptions): () => void {
  const win = options.win ?? window;
  const doc = root.ownerDocument;
  const labels = { ...DEFAULT_LABELS, ...options.labels, refusals: { ...DEFAULT_LABELS.refusals, ...options.labels?.refusals } };
  const abort = new AbortController();
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] => {
    const e = doc.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const box = el('div', { class: 'eidkit-identity-check', 'data-testid': 'identity-check' });
  const ask = el('button', { type: 'button', class: 'primary', 'data-testid': 'ask-wallet' }, labels.ask);
  const status = el('p', { role: 'status', 'data-testid': 'identity-status' });
  const video = el('video', { muted: '', playsinline: '', hidden: '', 'aria-label': labels.faceRunning });
  video.muted = true;
  const faceButton = el('button', { type: 'button', hidden: '', 'data-testid': 'start-face-check' }, labels.startFace);
  box.append(ask, status, video, faceButton);
  root.append(box);

  const started = (): number | undefined => {
    const v = Number(win.sessionStorage.getItem(STARTED_KEY));
    return Number.isFinite(v) && v > 0 ? v : undefined;
  };
  const elapsed = () => {
    const s = started();
    return s === undefined ? {} : { elapsedMs: Date.now() - s };
  };
  const emit = (r: IdentityCheckResult) => {
    box.dataset.status = r.status;
    box.dataset.elements = Object.keys(r.elements).join(' ');
    if (r.face) box.dataset.face = r.face.error ? 'error' : !r.face.live ? 'not-live' : r.face.match?.match ? 'match' : 'no-match';
    options.onResult(r);
  };

  const faceCheck = async (base: IdentityCheckResult, template: Uint8Array) => {
    const f = options.face!;
    faceButton.disabled = true;
    status.textContent = labels.faceRunning;
    let face: IdentityCheckFace;
    let problem: string | undefined;
    try {
      const [engine, passive] = await Promise.all([f.engine(), f.passive?.() ?? Promise.resolve(undefined)]);
      const stream = await openCamera({ facingMode: 'user' });
      video.hidden = false;
      video.srcObject = stream;
      await video.play().catch(() => undefined);
      const result = await runLivenessCapture({
        stream,
        face: engine,
        ...(passive ? { passive } : {}),
        session: f.session?.() ?? createLivenessSession(),
        video,
        template: true,
        signal: abort.signal,
      });
      if (!result.decision.live || !result.template) face = { live: result.decision.live, decision: result.decision, ...(result.decision.live ? { error: 'face/no-template' } : {}) };
      else {
        try {
          face = { live: true, decision: result.decision, match: compareTemplates(template, result.template) };
        } catch (e) {
          face = { live: true, decision: result.decision, error: codeOf(e) };
        }
      }
    } catch (e) {
      if (codeOf(e) === 'liveness/aborted') return;
      face = { live: false, decision: { live: false, confidence: 0, scores: {}, reasons: [] }, error: codeOf(e) };
      // The engine's errors are written for people (camera refused, no camera, camera busy …).
      problem = e instanceof Error ? e.message : undefined;
    } finally {
      video.srcObject = null;
      video.hidden = true;
      faceButton.disabled = false;
    }
    status.textContent = face.error ? `${problem ?? labels.notLive} (${face.error})` : !face.live ? labels.notLive : face.match?.match ? labels.faceMatch : labels.faceNoMatch;
    emit({ ...base, face, ...elapsed() });
  };

  const onAnswer = (r: WebCheckResult) => {
    const base: IdentityCheckResult =
      r.kind === 'verified'
        ? { status: 'verified', elements: r.elements, report: r.report }
        : r.kind === 'invalid'
          ? { status: 'invalid', code: r.code, elements: {}, report: r.report }
          : { status: 'refused', code: r.code, elements: {} };
    const why = r.kind === 'invalid' ? r.report.checks.find((c) => c.code === r.code)?.message : undefined;
    status.textContent =
      r.kind === 'verified'
        ? labels.verified
        : r.kind === 'invalid'
          ? `${labels.invalid}${why ? ` ${why}` : ''} (${r.code})`
          : `${labels.refusals[r.code] ?? labels.refused} (${r.code})`;
    emit({ ...base, ...elapsed() });
    const tpl = r.kind === 'verified' ? (r.elements['biometric_template_face'] as { data?: unknown } | undefined)?.data : undefined;
    if (options.face && tpl instanceof Uint8Array) {
      faceButton.hidden = false;
      faceButton.onclick = () => void faceCheck(base, tpl);
    }
  };

  const receive = (payload: string) => {
    status.textContent = labels.verifying;
    options.rp.receive(payload).then(onAnswer, (e) => {
      status.textContent = `${labels.invalid} (${codeOf(e)})`;
      emit({ status: 'error', code: codeOf(e), elements: {}, ...elapsed() });
    });
  };

  ask.onclick = () => {
    win.sessionStorage.setItem(STARTED_KEY, String(Date.now()));
    const r = options.rp.request({
      elements: options.elements,
      ...(options.purpose ? { purpose: options.purpose } : {}),
      ...(options.responseMode ? { responseMode: typeof options.responseMode === 'function' ? options.responseMode() : options.responseMode } : {}),
    });
    const popup = options.rp.open(r, doc);
    if (r.request.responseMode === 'post-message') {
      if (!popup) {
        status.textContent = `${labels.refusals['web/popup-blocked'] ?? labels.refused} (web/popup-blocked)`;
        emit({ status: 'error', code: 'web/popup-blocked', elements: {} });
        return;
      }
      status.textContent = labels.waiting;
      options.rp.listen(popup, r.request, win).then(
        (res) => {
          popup.close();
          onAnswer(res);
        },
        (e) => emit({ status: 'error', code: codeOf(e), elements: {} }),
      );
    }
  };

  // Fragment mode: the wallet navigated back here with the answer. Take it out of the address at once (it is single
  // use anyway, but it should not linger in history, bookmarks or screenshots), then verify it.
  // The same on a later fragment change (a navigation to this very page with an answer does not reload it).
  const takeAnswer = () => {
    const hash = win.location.hash;
    if (!hasWebAnswer(hash)) return;
    win.history.replaceState(null, '', win.location.pathname + win.location.search);
    receive(hash);
  };
  takeAnswer();
  win.addEventListener('hashchange', takeAnswer);
  return () => {
    abort.abort();
    win.removeEventListener('hashchange', takeAnswer);
    box.remove();
  };
}
