import { createSignal, lazy, Match, onCleanup, onMount, Show, Suspense, Switch } from 'solid-js';
import {
  createChallenge,
  emptyTrustList,
  QrAssembler,
  verifyPresentation,
  type Challenge,
  type VerificationReport,
} from '../../engine/credential/index.ts';
import { formatBytes, t } from '../i18n/i18n.ts';
import { modelProgress, prefetchModels } from '../lib/model-prefetch.ts';
import { releaseServiceWorker } from '../pwa/register.ts';
import { PageHeading } from '../ui/page-heading.tsx';
import { QrCode } from '../ui/qr-code.tsx';
import { ReportView } from '../ui/report-view.tsx';
import { Scanner } from '../ui/scanner.tsx';
import { TrustPanel } from '../verify/trust-panel.tsx';
import { loadTrust, trust } from '../verify/trust-store.ts';

// The face check (face engine, liveness, camera loop) is its own chunk, loaded only when asked for.
const FaceCheck = lazy(() => import('../verify/face-check.tsx'));

/** After the browser's current work (first frames, decoding), not in the middle of it. */
const idle = (f: () => void): void => {
  if ('requestIdleCallback' in globalThis) requestIdleCallback(() => f(), { timeout: 1000 });
  else setTimeout(f, 200);
};

type Phase =
  | { readonly kind: 'scan' }
  | { readonly kind: 'verifying' }
  | { readonly kind: 'report'; readonly report: VerificationReport }
  | { readonly kind: 'error'; readonly message: string };

export default function Verify() {
  const [phase, setPhase] = createSignal<Phase>({ kind: 'scan' });
  const [frames, setFrames] = createSignal<{ received: number; total: number } | undefined>();
  const [challenge, setChallenge] = createSignal<{ challenge: Challenge; qrText: string } | undefined>();
  const [faceCheck, setFaceCheck] = createSignal(false);
  // Start-up signals the benchmarks wait for (bench/): scanning usable; face check ready with no download left.
  const [scanReady, setScanReady] = createSignal(false);
  const [faceReady, setFaceReady] = createSignal(false);
  let assembler = new QrAssembler();
  let busy = false;

  onMount(() => {
    void loadTrust();
    // A camera prompt left unanswered must not hold the face check (and the offline app) back for ever.
    const late = setTimeout(() => warmFaceCheck(), 10_000);
    onCleanup(() => clearTimeout(late));
  });
  // Leaving the page before its downloads finish must not leave the app without its service worker.
  onCleanup(releaseServiceWorker);

  // Once scanning works, the face check follows in the background: models and the wasm runtime (with progress), then
  // the face engine warmed (worker, wasm, models), so "check the face" starts at once. Skipped when the user asked to
  // save data. Only then may the service worker precache the rest of the app (it revalidates what is already here).
  let warming = false;
  const warmFaceCheck = () => {
    if (warming) return;
    warming = true;
    const saveData = (navigator as Navigator & { connection?: { saveData?: boolean } }).connection?.saveData === true;
    if (saveData) return void idle(releaseServiceWorker);
    idle(() => {
      void prefetchModels()
        .then(async () => {
          if (modelProgress().state !== 'done') return;
          const { faceEngine } = await import('../lib/face.ts');
          await faceEngine();
          setFaceReady(true);
        })
        .catch((e: unknown) => console.warn('face check warm-up failed', e))
        .finally(releaseServiceWorker);
    });
  };
  const onScanReady = () => {
    setScanReady(true);
    warmFaceCheck();
  };

  const onText = async (text: string) => {
    if (busy || phase().kind !== 'scan') return;
    let state;
    try {
      state = assembler.add(text);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'credential/not-eidkit-qr') setPhase({ kind: 'error', message: t().verify.notEidkit });
      else setPhase({ kind: 'error', message: (e as Error).message });
      return;
    }
    if (state.status === 'partial') {
      setFrames({ received: state.received, total: state.total });
      return;
    }
    busy = true;
    setFrames(undefined);
    setPhase({ kind: 'verifying' });
    try {
      await loadTrust();
      const c = challenge()?.challenge;
      const report = await verifyPresentation(state.bytes, trust()?.trust ?? emptyTrustList(), trust()?.statusLists ?? [], new Date(), {
        mode: c ? 'two-way' : 'any',
        ...(c ? { challenge: c } : {}),
      });
      setPhase({ kind: 'report', report });
    } finally {
      busy = false;
    }
  };

  const again = () => {
    assembler = new QrAssembler();
    setFaceCheck(false);
    setFrames(undefined);
    setChallenge(undefined);
    setPhase({ kind: 'scan' });
  };

  const template = () => {
    const p = phase();
    if (p.kind !== 'report') return undefined;
    const tpl = p.report.elements['biometric_template_face'] as { model?: string; version?: string; data?: Uint8Array } | undefined;
    return tpl?.data instanceof Uint8Array ? tpl : undefined;
  };

  return (
    <section data-ready-scan={scanReady() ? '' : undefined} data-ready-face={faceReady() ? '' : undefined}>
      <PageHeading title={t().verify.title}>{t().verify.title}</PageHeading>
      <TrustPanel />
      <Switch>
        <Match when={phase().kind === 'scan'}>
          <p class="lead">{t().verify.intro}</p>
          <Show when={challenge()}>
            {(c) => (
              <div class="challenge">
                <h2>{t().verify.challengeTitle}</h2>
                <p>{t().verify.challengeText}</p>
                <QrCode frames={[c().qrText]} label={t().verify.challengeQrLabel} testId="challenge-qr" />
              </div>
            )}
          </Show>
          <Scanner onText={(text) => void onText(text)} autoStart label={t().verify.scannerLabel} testId="verify-scanner" onReady={onScanReady}>
            <Show when={frames()}>
              {(f) => (
                <div class="frames" role="status">
                  <progress max={f().total} value={f().received} aria-label={t().verify.framesLabel} />
                  <span>{t().verify.frames(f().received, f().total)}</span>
                </div>
              )}
            </Show>
          </Scanner>
          <div class="actions">
            <Show
              when={challenge()}
              fallback={
                <button type="button" onClick={async () => setChallenge(await createChallenge())} data-testid="two-way">
                  {t().verify.twoWay}
                </button>
              }
            >
              <button type="button" onClick={() => setChallenge(undefined)}>
                {t().verify.oneWay}
              </button>
            </Show>
          </div>
        </Match>
        <Match when={phase().kind === 'verifying'}>
          <p role="status">{t().verify.verifying}</p>
        </Match>
        <Match when={phase().kind === 'error' && phase()}>
          {(p) => (
            <div class="verdict verdict-invalid" role="alert" data-testid="scan-error">
              <div>
                <h2>{t().verify.scanFailed}</h2>
                <p>{(p() as { message: string }).message}</p>
              </div>
            </div>
          )}
        </Match>
        <Match when={phase().kind === 'report' && phase()}>
          {(p) => <ReportView report={(p() as { report: VerificationReport }).report} />}
        </Match>
      </Switch>
      <Show when={phase().kind === 'report' || phase().kind === 'error'}>
        <div class="actions">
          <Show when={template() && !faceCheck()}>
            <button type="button" class="primary" onClick={() => setFaceCheck(true)} data-testid="check-face">
              {t().verify.checkFace}
            </button>
          </Show>
          <button type="button" onClick={again} data-testid="scan-again">
            {t().verify.scanAgain}
          </button>
        </div>
        <Show when={phase().kind === 'report' && !template()}>
          <p class="hint">{t().verify.noTemplate}</p>
        </Show>
      </Show>
      <Show when={faceCheck() && template()}>
        {(tpl) => (
          <Suspense fallback={<p role="status">{t().app.loading}</p>}>
            <FaceCheck template={tpl().data!} />
          </Suspense>
        )}
      </Show>
      <ModelStatus />
    </section>
  );
}

function ModelStatus() {
  const p = () => modelProgress();
  return (
    <Show when={p().state !== 'idle'}>
      <div class="model-status" data-testid="model-progress" data-state={p().state}>
        <Switch>
          <Match when={p().state === 'loading'}>
            <label>
              <span>{t().verify.modelsLoading(formatBytes(p().loaded), formatBytes(p().total))}</span>
              <progress max={p().total} value={p().loaded} />
            </label>
          </Match>
          <Match when={p().state === 'done'}>
            <p class="hint">{t().verify.modelsReady}</p>
          </Match>
          <Match when={p().state === 'error'}>
            <p class="hint">{t().verify.modelsFailed}</p>
          </Match>
        </Switch>
      </div>
    </Show>
  );
}
