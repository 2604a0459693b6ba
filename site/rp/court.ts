/**
 * The demo relying party: "file a case with the court", served on another origin than the wallet
 * (scripts/serve.mjs, serveDemoRp). Framework-free; it uses eidkit's public engine API only: createRelyingParty and
 * mountIdentityCheck, the face engine in its worker, the passive liveness scorer. It fills the form from the verified
 * credential once the face check has passed and sends nothing anywhere.
 */
import { createRelyingParty, emptyTrustList, type StatusList, type TrustList } from '../../engine/credential/index.ts';
import { mountIdentityCheck, type IdentityCheckResult } from '../../engine/credential/web-identity-check.ts';
import { createFaceEngine, type FaceEngine } from '../../engine/face/index.ts';
import { createLivenessSession, createPassiveScorer, type PassiveScorer } from '../../engine/liveness/index.ts';
import { fixedChallenge } from '../lib/dev-settings.ts';
import { isEmptyTrustBundle, openTrustBundle, type OpenedTrust } from '../lib/trust-bundle.ts';
import { SITE_RUNS_ANTISPOOF } from '../pwa/models.ts';

const TRUST_KEY = 'court.trust';
const ELEMENTS = ['family_name', 'given_name', 'document_number', 'biometric_template_face'];
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

async function loadTrust(): Promise<OpenedTrust | undefined> {
  const imported = localStorage.getItem(TRUST_KEY);
  if (imported) return openTrustBundle(JSON.parse(imported)).catch(() => undefined);
  try {
    const json: unknown = await (await fetch('/trust/verifier-trust.json', { cache: 'no-cache' })).json();
    return isEmptyTrustBundle(json) ? undefined : await openTrustBundle(json);
  } catch {
    return undefined;
  }
}

let engine: Promise<FaceEngine> | undefined;
let passive: Promise<PassiveScorer> | undefined;
const faceEngine = () => {
  engine ??= (async () => {
    const worker = new Worker(new URL('../../workers/face.worker.ts', import.meta.url), { type: 'module', name: 'eidkit-face' });
    const e = createFaceEngine({ models: '/models/', worker });
    await e.ready();
    return e;
  })();
  return engine;
};
const passiveScorer = () => (passive ??= createPassiveScorer({ models: '/models/', antispoof: SITE_RUNS_ANTISPOOF }));

function fill(form: HTMLFormElement, r: IdentityCheckResult): void {
  const set = (name: string, v: unknown) => ((form.elements.namedItem(name) as HTMLInputElement).value = typeof v === 'string' ? v : '');
  const face = form.elements.namedItem('face') as HTMLOutputElement;
  if (r.status !== 'verified') {
    for (const n of ['family_name', 'given_name', 'document_number']) set(n, '');
    face.value = `not verified (${r.code ?? r.status})`;
    form.dataset.filled = 'false';
    return;
  }
  if (!r.face) {
    face.value = 'identity verified; face check pending';
    return;
  }
  const f = r.face;
  face.value = f.error ? `failed (${f.error})` : !f.live ? 'not a live person' : f.match?.match ? `match (similarity ${f.match.similarity.toFixed(3)})` : 'no match';
  const ok = f.live && f.match?.match === true;
  // The form is filled only for the person the credential belongs to, seen live.
  for (const n of ['family_name', 'given_name', 'document_number']) set(n, ok ? r.elements[n] : '');
  form.dataset.filled = String(ok);
  form.dataset.face = ok ? 'match' : f.live ? 'no-match' : 'not-live';
  ($('case-form').querySelector('button[type=submit]') as HTMLButtonElement).disabled = !ok;
  if (r.elapsedMs !== undefined) $('timing').textContent = `From the button to a filled form: ${(r.elapsedMs / 1000).toFixed(1)} s.`;
  if (r.elapsedMs !== undefined) $('timing').dataset.ms = String(r.elapsedMs);
}

async function main(): Promise<void> {
  const summary = $('trust-summary');
  $<HTMLInputElement>('trust-upload').onchange = async (e) => {
    const f = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!f) return;
    const text = await f.text();
    try {
      await openTrustBundle(JSON.parse(text));
      localStorage.setItem(TRUST_KEY, text);
      location.reload();
    } catch {
      summary.textContent = 'That is not a valid eidkit trust file.';
    }
  };
  const trust = await loadTrust();
  summary.textContent = trust ? `Trusting ${trust.trust.issuers.map((i) => i.name).join(', ')}.` : 'No issuer yet: import the trust file the issuer desk exports.';
  const walletUrl = ((await (await fetch('/rp/config.json', { cache: 'no-cache' })).json().catch(() => ({}))) as { wallet?: string }).wallet;
  if (!walletUrl) {
    $('id-check').textContent = 'This demo needs the wallet address (served by scripts/serve.mjs as /rp/config.json).';
    return;
  }
  const fixed = fixedChallenge();
  if (fixed) {
    const p = $('fixed-challenge');
    p.hidden = false;
    p.textContent = `Testing setting: a fixed liveness challenge (${fixed.join(', ')}).`;
  }
  const trustList: TrustList = trust?.trust ?? emptyTrustList();
  const statusLists: readonly StatusList[] = trust?.statusLists ?? [];
  const form = $<HTMLFormElement>('case-form');
  form.onsubmit = (e) => e.preventDefault();
  mountIdentityCheck($('id-check'), {
    rp: createRelyingParty({ walletUrl, trust: trustList, statusLists }),
    elements: ELEMENTS,
    responseMode: () => ($<HTMLInputElement>('popup').checked ? 'post-message' : 'fragment'),
    purpose: 'File a case with the Demo District Court',
    face: {
      engine: faceEngine,
      passive: passiveScorer,
      session: () => createLivenessSession(fixed ? { challenge: fixed, timing: { stepTimeoutMs: 30_000, reactionWindowMs: 30_000 } } : {}),
    },
    onResult: (r) => fill(form, r),
  });
}

void main();
