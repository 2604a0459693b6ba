import { createSignal, onCleanup, Show } from 'solid-js';
import {
  createLivenessSession,
  openCamera,
  runLivenessCapture,
  type GuidanceCode,
  type LivenessCaptureResult,
  type LivenessProgress,
} from '../../engine/liveness/index.ts';
import { formatBytes, t } from '../i18n/i18n.ts';
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
      const result = await runLivenessCapture({
        stream,
        face,
        passive,
        session: createLivenessSession(fixed ? { challenge: fixed, timing: { stepTimeoutMs: FIXED_STEP_TIMEOUT_MS, reactionWindowMs: FIXED_STEP_TIMEOUT_MS } } : {}),
        video,
        template: true,
        signal: abort.signal,
        onProgress: setProgress,
      });
      video.srcObject = null;
      setPhase('idle');
      setStats({ frames: result.analysedFrames, fps: result.fps });
      props.onResult(result);
    } catch (e) {
      video.srcObject = null;
      const code = (e as { code?: string }).code ?? '';
      if (code === 'liveness/aborted') return;
      const known = (t().face.errors as Readonly<Record<string, string>>)[code];
      setError(known ?? (e as Error).message);
      setPhase('error');
    }
  };

  const guidance = () => {
    const g = progress()?.guidance;
    if (!g) return t().face.guidance['look-at-camera'];
    return t().face.guidance[g.code as GuidanceCode] ?? g.text;
  };
  const models = () => faceModelProgress();

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
            <div class="challenge-progress">
              <progress max="1" value={c().progress} aria-label={t().face.stepProgress} />
              <span class="hint">{t().face.step(Math.min(c().step + 1, c().actions.length), c().actions.length, Math.ceil(c().remainingMs / 1000))}</span>
            </div>
          )}
        </Show>
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
