import { createSignal, onCleanup, Show } from 'solid-js';
import {
  createLivenessSession,
  openCamera,
  runLivenessCapture,
  type GuidanceCode,
  type LightCaptureOptions,
  type LivenessCaptureResult,
  type LivenessProgress,
  type LivenessSession,
  type Rgb,
} from '../../engine/liveness/index.ts';
import { codeText, formatBytes, t } from '../i18n/i18n.ts';
import { fixedChallenge } from '../lib/dev-settings.ts';
import { faceEngine, faceModelProgress, passiveScorer } from '../lib/face.ts';

export type CaptureFacing = 'user' | 'environment';

/**
 * With the fixed (testing) challenge, a recorded video drives the camera and performs its action only at one moment
 * of its loop (the blink video: 0.5 s and 1.7 s of every 10 s); 30 s to begin and complete each action gives it
 * three loops even on a slow machine.
 */
const FIXED_STEP_TIMEOUT_MS = 30_000;

/**
 * A live face capture with the liveness challenge: a face oval to aim at, the current instruction in words, the
 * challenge's progress and time left, and the models' download progress while they load. Frames go from the camera
 * to the face worker and nowhere else; the camera stops when the check ends.
 */
export function LiveCapture(props: {
  facing: CaptureFacing;
  onResult: (r: LivenessCaptureResult) => void;
  /** A new capture begins: the previous result no longer applies. */
  onStart?: () => void;
  startLabel: string;
  testId?: string;
}) {
  let video!: HTMLVideoElement;
  const [phase, setPhase] = createSignal<'idle' | 'preparing' | 'running' | 'error'>('idle');
  const [progress, setProgress] = createSignal<LivenessProgress>();
  const [error, setError] = createSignal<string>();
  const [stats, setStats] = createSignal<{ frames: number; fps: number }>();
  /** The light check's colour on screen now (front camera), or none. */
  const [flash, setFlash] = createSignal<Rgb>();
  const [skipFlashes, setSkipFlashes] = createSignal(false);
  let session: LivenessSession | undefined;
  let abort: AbortController | undefined;
  const fixed = fixedChallenge();
  onCleanup(() => abort?.abort());

  const start = async () => {
    props.onStart?.();
    setError(undefined);
    setPhase('preparing');
    abort = new AbortController();
    try {
      const [face, passive] = await Promise.all([faceEngine(), passiveScorer()]);
      const stream = await openCamera({ facingMode: { ideal: props.facing } });
      video.srcObject = stream;
      await video.play().catch(() => undefined);
      setPhase('running');
      session = createLivenessSession(fixed ? { challenge: fixed, timing: { stepTimeoutMs: FIXED_STEP_TIMEOUT_MS, reactionWindowMs: FIXED_STEP_TIMEOUT_MS } } : {});
      // The light check: screen colours lighting the face for a front camera, the torch (where the camera has one)
      // for a rear one. Skipped on request; the decision then says it did not run.
      let light: LightCaptureOptions | undefined;
      // With the fixed testing challenge a recorded video stands in for the camera: it cannot reflect our light.
      if (fixed) session.addSignal('light', { ran: false, why: 'disabled' });
      else if (skipFlashes() && props.facing === 'user') session.addSignal('light', { ran: false, kind: 'screen', why: 'declined' });
      else light = props.facing === 'user' ? { kind: 'screen', paint: setFlash } : { kind: 'torch' };
      const result = await runLivenessCapture({
        stream,
        face,
        passive,
        session,
        video,
        template: true,
        signal: abort.signal,
        onProgress: setProgress,
        ...(light ? { light } : {}),
      });
      setFlash(undefined);
      video.srcObject = null;
      setPhase('idle');
      setStats({ frames: result.analysedFrames, fps: result.fps });
      props.onResult(result);
    } catch (e) {
      setFlash(undefined);
      video.srcObject = null;
      const code = (e as { code?: string }).code ?? '';
      if (code === 'liveness/aborted') return;
      setError(codeText(code) ?? (e as Error).message);
      setPhase('error');
    }
  };

  const guidance = () => {
    const g = progress()?.guidance;
    if (!g) return t().face.guidance['look-at-camera'];
    return t().face.guidance[g.code as GuidanceCode] ?? g.text;
  };
  const models = () => faceModelProgress();
  const ring = () => {
    const w = progress()?.challenge?.window;
    return w ? Math.max(0, Math.min(1, w.remainingMs / w.totalMs)) : undefined;
  };
  const stepText = () => {
    const c = progress()?.challenge;
    if (!c) return '';
    const n = Math.min(c.step + 1, c.actions.length);
    return c.window ? t().face.window(c.window.kind, n, c.actions.length, Math.ceil(c.window.remainingMs / 1000)) : t().face.waiting(n, c.actions.length);
  };

  return (
    <div
      class="live-capture"
      data-testid={props.testId ?? 'live-capture'}
      data-phase={phase()}
      data-frames={stats()?.frames}
      data-fps={stats()?.fps.toFixed(1)}
    >
      <div class="viewfinder face-viewfinder" classList={{ live: phase() === 'running', mirror: props.facing === 'user' }}>
        <video ref={video} muted playsinline aria-label={t().face.preview} />
        <Show when={phase() === 'running'}>
          <div class="face-oval" aria-hidden="true" />
          <Show when={ring() !== undefined}>
            {/* The reaction window as a ring round the oval that empties: first the time to begin, then to finish. */}
            <svg class="window-ring" viewBox="0 0 100 100" preserveAspectRatio="none" aria-hidden="true" data-testid="window-ring" data-remaining={ring()!.toFixed(2)}>
              <ellipse cx="50" cy="48" rx="33" ry="36" pathLength="100" stroke-dasharray="100" stroke-dashoffset={100 * (1 - ring()!)} vector-effect="non-scaling-stroke" />
            </svg>
          </Show>
        </Show>
        <Show when={phase() !== 'running'}>
          <div class="viewfinder-idle">
            <p>{phase() === 'preparing' ? t().face.preparing : t().face.cameraOff}</p>
          </div>
        </Show>
      </div>
      <Show when={phase() === 'preparing' && models().total > 0}>
        <label class="model-status">
          <span>{t().face.modelsLoading(formatBytes(models().loaded), formatBytes(models().total))}</span>
          <progress max={models().total} value={models().loaded} />
        </label>
      </Show>
      <Show when={phase() === 'running'}>
        <p class="guidance" role="status" aria-live="assertive" data-testid="guidance">
          {guidance()}
        </p>
        <Show when={progress()?.challenge}>
          {(c) => (
            <>
              <div class="challenge-progress">
                <progress max="1" value={c().progress} aria-label={t().face.stepProgress} />
                <span class="hint" data-testid="step-text">{stepText()}</span>
              </div>
              <Show when={c().phase === 'prompt' && c().canSwap}>
                <p class="swap">
                  <button type="button" onClick={() => session?.swapAction()} data-testid="swap-action">
                    {t().face.swap}
                  </button>{' '}
                  <span class="hint">{t().face.swapHint}</span>
                </p>
              </Show>
            </>
          )}
        </Show>
      </Show>
      <Show when={flash()}>
        {(c) => (
          <div class="light-flash" style={{ background: `rgb(${c().map((v) => Math.round(v * 255)).join(',')})` }} data-testid="light-flash">
            <p>{t().face.guidance['hold-still-light']}</p>
          </div>
        )}
      </Show>
      <Show when={phase() === 'idle' && props.facing === 'user'}>
        <p class="hint">{t().face.lightNotice}</p>
        <label class="choice">
          <input type="checkbox" checked={skipFlashes()} onChange={(e) => setSkipFlashes(e.currentTarget.checked)} data-testid="skip-flashes" />
          <span>{t().face.lightOptOut}</span>
        </label>
      </Show>
      <Show when={fixed}>
        {(actions) => (
          <p class="warn-text" data-testid="fixed-challenge">
            {t().face.fixedChallenge(actions().map((a) => (t().face.actions as Record<string, string>)[a] ?? a).join(', '))}
          </p>
        )}
      </Show>
      <Show when={error()}>{(m) => <p class="error" role="alert">{m()}</p>}</Show>
      <div class="actions">
        <Show
          when={phase() === 'running' || phase() === 'preparing'}
          fallback={
            <button type="button" class="primary" onClick={() => void start()} data-testid="start-face">
              {props.startLabel}
            </button>
          }
        >
          <button type="button" onClick={() => abort?.abort()}>
            {t().face.cancel}
          </button>
        </Show>
      </div>
    </div>
  );
}
