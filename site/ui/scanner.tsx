import { createSignal, onCleanup, onMount, Show, type JSX } from 'solid-js';
import { t } from '../i18n/i18n.ts';
import { CameraError, decodeImage, startQrCamera, warmQrWorker, type CameraErrorKind, type CameraScanner } from '../lib/qr-scanner.ts';

/**
 * A QR scanning panel: live rear camera (started at once when `autoStart`), torch where the camera has one, a photo
 * upload fallback and, for desks and integrators, a box to paste QR text. Every decoded text goes to `onText`.
 */
export function Scanner(props: {
  onText: (text: string) => void;
  autoStart?: boolean;
  label: string;
  children?: JSX.Element;
  testId?: string;
  /** Called once scanning is possible: the camera is live, or it failed and the photo upload is the way in. */
  onReady?: () => void;
}) {
  let video!: HTMLVideoElement;
  let camera: CameraScanner | undefined;
  const [running, setRunning] = createSignal(false);
  const [starting, setStarting] = createSignal(false);
  const [cameraError, setCameraError] = createSignal<CameraErrorKind | undefined>();
  const [torch, setTorch] = createSignal<boolean | undefined>();
  const [uploadMessage, setUploadMessage] = createSignal<string | undefined>();
  const [pasted, setPasted] = createSignal('');

  /** `worker`: resolves once the QR worker answers; ready is signalled only when frames can also be decoded. */
  const start = async (worker?: Promise<unknown>) => {
    if (running() || starting()) return;
    setStarting(true);
    setCameraError(undefined);
    try {
      camera = await startQrCamera(video, (text) => props.onText(text));
      setRunning(true);
      setTorch(camera.torchSupported ? false : undefined);
    } catch (e) {
      setCameraError(e instanceof CameraError ? e.kind : 'failed');
    } finally {
      setStarting(false);
      await worker;
      props.onReady?.();
    }
  };
  const stop = () => {
    camera?.stop();
    camera = undefined;
    setRunning(false);
    setTorch(undefined);
  };
  onMount(() => {
    const worker = warmQrWorker().catch(() => undefined);
    if (props.autoStart) void start(worker);
  });
  onCleanup(stop);

  const onFile = async (e: Event & { currentTarget: HTMLInputElement }) => {
    const file = e.currentTarget.files?.[0];
    e.currentTarget.value = '';
    if (!file) return;
    setUploadMessage(t().scan.reading);
    try {
      const text = await decodeImage(file);
      if (text) {
        setUploadMessage(undefined);
        props.onText(text);
      } else setUploadMessage(t().scan.noQrInImage);
    } catch {
      setUploadMessage(t().scan.notAnImage);
    }
  };

  return (
    <section class="scanner" aria-label={props.label} data-testid={props.testId ?? 'scanner'}>
      <div class="viewfinder" classList={{ live: running() }}>
        <video ref={video} muted playsinline aria-label={t().scan.preview} />
        <Show when={running()}>
          <div class="frame-guide" aria-hidden="true" />
        </Show>
        <Show when={!running()}>
          <div class="viewfinder-idle">
            <Show when={starting()} fallback={<p>{t().scan.cameraOff}</p>}>
              <p role="status">{t().scan.starting}</p>
            </Show>
          </div>
        </Show>
      </div>
      <Show when={running()}>
        <p class="hint" role="status">
          {t().scan.aim}
        </p>
      </Show>
      {props.children}
      <Show when={cameraError()}>{(kind) => <p class="error" role="alert">{t().scan.cameraErrors[kind()]}</p>}</Show>
      <div class="actions">
        <Show
          when={running()}
          fallback={
            <button type="button" class="primary" onClick={() => void start()} disabled={starting()} data-testid="start-camera">
              {t().scan.startCamera}
            </button>
          }
        >
          <button type="button" onClick={stop}>
            {t().scan.stopCamera}
          </button>
        </Show>
        <Show when={torch() !== undefined}>
          <button
            type="button"
            aria-pressed={torch() ? 'true' : 'false'}
            onClick={async () => {
              const next = !torch();
              await camera?.setTorch(next).catch(() => undefined);
              setTorch(next);
            }}
          >
            {t().scan.torch}
          </button>
        </Show>
        <label class="button file-button">
          {t().scan.upload}
          <input type="file" accept="image/*" class="visually-hidden" onChange={onFile} data-testid="qr-upload" />
        </label>
      </div>
      <Show when={uploadMessage()}>{(m) => <p role="status" class="hint">{m()}</p>}</Show>
      <details class="paste">
        <summary>{t().scan.pasteTitle}</summary>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const text = pasted().trim();
            if (text) props.onText(text);
          }}
        >
          <label class="field">
            <span>{t().scan.pasteLabel}</span>
            <textarea rows="3" spellcheck={false} autocomplete="off" value={pasted()} onInput={(e) => setPasted(e.currentTarget.value)} data-testid="qr-paste" />
          </label>
          <button type="submit">{t().scan.pasteSubmit}</button>
        </form>
      </details>
    </section>
  );
}
