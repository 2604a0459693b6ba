import { createEffect, createSignal, lazy, Match, on, onCleanup, onMount, Show, Suspense, Switch } from 'solid-js';
import { createChallenge, emptyTrustList, type Challenge, type VerificationReport } from '../../engine/credential/index.ts';
import { needsReenrolment } from '../../engine/face/template-format.ts';
import { qrWorker } from '../lib/qr-scanner.ts';
import { codeText, formatBytes, t } from '../i18n/i18n.ts';
import { modelProgress, prefetchModels } from '../lib/model-prefetch.ts';
import { releaseServiceWorker } from '../pwa/register.ts';
import { PageHeading } from '../ui/page-heading.tsx';
import { QrCode } from '../ui/qr-code.tsx';
import { ReportView } from '../ui/report-view.tsx';
import { Scanner } from '../ui/scanner.tsx';
import { TrustConfirm } from '../verify/trust-confirm.tsx';
import { TrustPanel } from '../verify/trust-panel.tsx';
import { loadTrust, scanTrust, trust, type ScanOutcome } from '../verify/trust-store.ts';

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
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'trust'; readonly outcome: Extract<ScanOutcome, { kind: 'confirm' }> };

/** What was scanned, kept so the verdict can be recomputed (as of the scan) when trust or status lists change. */
interface Scanned {
  readonly bytes: Uint8Array;
  readonly at: number;
  readonly challenge: Challenge | undefined;
}

/** Structured clone gives objects a prototype again; the report's elements stay prototype-free (element ids are data). */
const withoutPrototype = (r: VerificationReport): VerificationReport => ({ ...r, elements: Object.assign(Object.create(null) as Record<string, unknown>, r.elements) });

export default function Verify() {
  const [phase, setPhase] = createSignal<Phase>({ kind: 'scan' });
  const [frames, setFrames] = createSignal<{ received: number; total: number } | undefined>();
  const [challenge, setChallenge] = createSignal<{ challenge: Challenge; qrText: string } | undefined>();
  const [faceCheck, setFaceCheck] = createSignal(false);
  // Start-up signals the benchmarks wait for (bench/): scanning usable; face check ready with no download left.
  const [scanReady, setScanReady] = createSignal(false);
  const [faceReady, setFaceReady] = createSignal(false);
  const [trustMessage, setTrustMessage] = createSignal<{ ok: boolean; text: string } | undefined>();
  let scanned: Scanned | undefined;
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

  // Assembly (inflate included) and verification run in the QR worker: no code, however hostile, can freeze the page.
  const verifyScanned = async (): Promise<void> => {
    const sc = scanned;
    if (!sc) return;
    const c = sc.challenge;
    const report = await qrWorker().verify(sc.bytes, trust()?.trust ?? emptyTrustList(), trust()?.statusLists ?? [], sc.at, {
      mode: c ? 'two-way' : 'any',
      ...(c ? { challenge: c } : {}),
    });
    if (scanned === sc) setPhase({ kind: 'report', report: withoutPrototype(report) });
  };

  // Trust or status changed (a trust QR scanned, a file loaded, the site's list refreshed): the verdict on screen is
  // recomputed, as of the moment of the scan, so a genuine holder is not turned away until a reload.
  createEffect(
    on(
      trust,
      () => {
        if (phase().kind === 'report' && scanned) void verifyScanned();
      },
      { defer: true },
    ),
  );

  const onTrustPackage = async (bytes: Uint8Array): Promise<void> => {
    const outcome = await scanTrust(bytes);
    void qrWorker().resetAssembly();
    if (outcome.kind === 'confirm') return void setPhase({ kind: 'trust', outcome });
    if (outcome.kind === 'updated') setTrustMessage({ ok: true, text: t().trust.updated(outcome.version) });
    else {
      const text =
        outcome.reason === 'key-changed'
          ? t().trust.keyChanged(outcome.keyId ?? '?')
          : outcome.reason === 'rollback'
            ? t().trust.rollback
            : outcome.reason === 'future'
              ? t().trust.future
              : t().trust.badPackage;
      setTrustMessage({ ok: false, text });
    }
  };

  const onText = async (text: string) => {
    if (busy || phase().kind !== 'scan') return;
    busy = true;
    try {
      const res = await qrWorker().assemble(text);
      if (!res.ok) {
        if (res.code === 'credential/not-eidkit-qr') setPhase({ kind: 'error', message: t().verify.notEidkit });
        else setPhase({ kind: 'error', message: codeText(res.code) ?? res.message });
        return;
      }
      const state = res.state;
      if (state.status === 'partial') {
        setFrames({ received: state.received, total: state.total });
        return;
      }
      setFrames(undefined);
      if (state.kind === 'T') return await onTrustPackage(state.bytes);
      setPhase({ kind: 'verifying' });
      await loadTrust();
      scanned = { bytes: state.bytes, at: Date.now(), challenge: challenge()?.challenge };
      await verifyScanned();
    } finally {
      busy = false;
    }
  };

  const again = () => {
    void qrWorker().resetAssembly();
    scanned = undefined;
    setFaceCheck(false);
    setFrames(undefined);
    setChallenge(undefined);
    setTrustMessage(undefined);
    setPhase({ kind: 'scan' });
  };

  const template = () => {
    const p = phase();
    // No face check for an ID that is not valid: there is no verified face to compare with.
    if (p.kind !== 'report' || p.report.verdict === 'invalid') return undefined;
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
          <Show when={trustMessage()}>
            {(m) => (
              <p role="status" classList={{ error: !m().ok }} data-testid="trust-scan-message">
                {m().text}
              </p>
            )}
          </Show>
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
        <Match when={phase().kind === 'trust' && phase()}>
          {(p) => {
            const o = () => (p() as { outcome: Extract<ScanOutcome, { kind: 'confirm' }> }).outcome;
            return (
              <TrustConfirm
                id="trust-confirm-title"
                level="h2"
                title={t().trust.confirmTitle}
                text={t().trust.confirmText(o().keyId, o().issuers.join(', '))}
                fingerprint={o().fingerprint}
                hint={t().trust.compare}
                testId="trust-confirm"
                prefix="trust"
                onAccept={() => {
                  const n = o().accept();
                  again();
                  setTrustMessage({ ok: true, text: t().trust.pinnedNow(n) });
                }}
                onReject={again}
              />
            );
          }}
        </Match>
        <Match when={phase().kind === 'report' && phase()}>
          {(p) => (
            <ReportView report={(p() as { report: VerificationReport }).report}>
              <div class="actions report-actions">
                <Show when={template() && !faceCheck() && !needsReenrolment(template()!.data!)}>
                  <button type="button" class="primary" onClick={() => setFaceCheck(true)} data-testid="check-face">
                    {t().verify.checkFace}
                  </button>
                </Show>
              </div>
              <Show when={template() && needsReenrolment(template()!.data!)}>
                <p class="warn-text" data-testid="face-reenrol">
                  {codeText('face/template-reenrol')}
                </p>
              </Show>
              <Show when={!template()}>
                <p class="hint" data-testid="no-face-check">
                  {(p() as { report: VerificationReport }).report.verdict === 'invalid' ? t().verify.noFaceInvalid : t().verify.noTemplate}
                </p>
              </Show>
              <Show when={faceCheck() && template()}>
                {(tpl) => (
                  <Suspense fallback={<p role="status">{t().app.loading}</p>}>
                    <FaceCheck template={tpl().data!} />
                  </Suspense>
                )}
              </Show>
            </ReportView>
          )}
        </Match>
      </Switch>
      <Show when={phase().kind === 'report' || phase().kind === 'error'}>
        <div class="actions">
          <button type="button" onClick={again} data-testid="scan-again">
            {t().verify.scanAgain}
          </button>
        </div>
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
