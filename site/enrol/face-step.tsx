import { createSignal, onCleanup, Show } from 'solid-js';
import { compareTemplates, decodeTemplate, type Match } from '../../engine/face/index.ts';
import type { LivenessDecision } from '../../engine/liveness/index.ts';
import { codeText, formatBytes, t } from '../i18n/i18n.ts';
import { faceModelProgress } from '../lib/face.ts';
import { FaceResult } from '../ui/face-result.tsx';
import { LiveCapture } from '../ui/live-capture.tsx';
import { cardPortrait, jpegOf, type CardPortrait } from './card-photo.ts';

/** An error's stable-code sentence, else `fallback` (never an engine message in English to a citizen). */
const errorOr = (e: unknown, fallback: string): string => codeText((e as { code?: string }).code ?? '') ?? fallback;

export interface EnrolPhotos {
  /** JPEG of the card's front (downscaled). */
  readonly front: Uint8Array;
  readonly back?: Uint8Array;
  /** Small JPEG of the card's portrait, for the credential. */
  readonly portrait?: Uint8Array;
  /** Face template of the card's portrait. */
  readonly cardTemplate?: Uint8Array;
}

export interface FaceOutcome {
  readonly model: string;
  readonly version: string;
  /** The live template (goes into the credential). */
  readonly template: Uint8Array;
  readonly match?: Match;
  readonly decision: LivenessDecision;
}

/** Card photos are sent to the desk at this size: enough to read the card, small enough for a file. */
const CARD_SIDE = 1024;

function PhotoInput(props: { label: string; testId: string; onPick: (f: File) => void; preview?: string; previewAlt: string }) {
  return (
    <div class="photo-input">
      <label class="button file-button">
        {props.label}
        <input
          type="file"
          accept="image/*"
          capture="environment"
          class="visually-hidden"
          data-testid={props.testId}
          onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            if (f) props.onPick(f);
          }}
        />
      </label>
      <Show when={props.preview}>{(u) => <img src={u()} alt={props.previewAlt} class="card-preview" />}</Show>
    </div>
  );
}

export function PhotosStep(props: { onBack: () => void; onDone: (p: EnrolPhotos) => void }) {
  const [front, setFront] = createSignal<File>();
  const [back, setBack] = createSignal<File>();
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  // The card's portrait is looked for as soon as the front photo is chosen, so the citizen learns at once whether a
  // face was found on it (and can take the photo again), not only after pressing "Next".
  const [portrait, setPortrait] = createSignal<{ file: File; found: CardPortrait | undefined; url?: string }>();
  let checking: Promise<void> | undefined;
  const urls: string[] = [];
  const url = (f: File | Uint8Array | undefined) => {
    if (!f) return undefined;
    const u = URL.createObjectURL(f instanceof Uint8Array ? new Blob([f as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }) : f);
    urls.push(u);
    return u;
  };
  onCleanup(() => urls.forEach((u) => URL.revokeObjectURL(u)));
  const models = () => faceModelProgress();

  const findPortrait = (f: File) => {
    setFront(f);
    setPortrait(undefined);
    setError(undefined);
    setBusy(true);
    checking = (async () => {
      try {
        const found = await cardPortrait(f);
        if (front() !== f) return;
        setPortrait({ file: f, found, ...(found ? { url: url(found.portrait)! } : {}) });
        if (!found) setError(t().codes['face/no-face-on-card']);
      } catch (e) {
        console.warn('card photo', e);
        if (front() === f) setError(errorOr(e, t().enrol.photoUnreadable));
      } finally {
        if (front() === f) setBusy(false);
      }
    })();
  };

  const next = async () => {
    const f = front();
    if (!f) return setError(t().enrol.frontRequired);
    await checking;
    const p = portrait();
    if (!p || p.file !== f || !p.found) return;
    setBusy(true);
    try {
      const frontBitmap = await createImageBitmap(f);
      const backBitmap = back() ? await createImageBitmap(back()!) : undefined;
      props.onDone({
        front: await jpegOf(frontBitmap, CARD_SIDE, 0.8),
        ...(backBitmap ? { back: await jpegOf(backBitmap, CARD_SIDE, 0.8) } : {}),
        portrait: p.found.portrait,
        cardTemplate: p.found.template,
      });
    } catch (e) {
      console.warn('card photo', e);
      setError(errorOr(e, t().enrol.photoUnreadable));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="photos-step">
      <h2>{t().enrol.steps.photos}</h2>
      <p>{t().enrol.photosText}</p>
      <PhotoInput label={t().enrol.frontPhoto} testId="card-front" onPick={findPortrait} preview={url(front())} previewAlt={t().issuer.photoFront} />
      <Show when={portrait()?.found && portrait()}>
        {(p) => (
          <p class="ok-text portrait-found" role="status" data-testid="card-face-found">
            <img src={p().url} alt={t().enrol.portraitFoundAlt} class="portrait-crop" />
            <span>{t().enrol.portraitFound}</span>
          </p>
        )}
      </Show>
      <PhotoInput label={t().enrol.backPhoto} testId="card-back" onPick={setBack} preview={url(back())} previewAlt={t().issuer.photoBack} />
      <Show when={busy()}>
        <p role="status">{t().enrol.findingPortrait}</p>
        <Show when={models().total > 0 && models().loaded < models().total}>
          <label class="model-status">
            <span>{t().face.modelsLoading(formatBytes(models().loaded), formatBytes(models().total))}</span>
            <progress max={models().total} value={models().loaded} />
          </label>
        </Show>
      </Show>
      <Show when={error()}>{(m) => <p class="error" role="alert">{m()}</p>}</Show>
      <div class="actions">
        <button type="button" onClick={props.onBack}>
          {t().enrol.back}
        </button>
        <button type="button" class="primary" disabled={busy() || !portrait()?.found} onClick={() => void next()} data-testid="photos-next">
          {t().enrol.next}
        </button>
      </div>
    </div>
  );
}

export function FaceStep(props: { photos: EnrolPhotos; onBack: () => void; onDone: (f: FaceOutcome) => void }) {
  const [outcome, setOutcome] = createSignal<FaceOutcome>();
  const [decision, setDecision] = createSignal<LivenessDecision>();
  const [error, setError] = createSignal<string>();
  return (
    <div data-testid="face-step">
      <h2>{t().enrol.steps.face}</h2>
      <p>{t().enrol.faceText}</p>
      <Show when={decision()} keyed>
        {(d) => (
          <FaceResult
            decision={d}
            {...(outcome()?.match ? { match: outcome()!.match! } : {})}
            {...(error() ? { error: error()! } : {})}
            testId="enrol-face-result"
          />
        )}
      </Show>
      <LiveCapture
        facing="user"
        startLabel={decision() ? t().faceCheck.again : t().enrol.startFace}
        testId="enrol-capture"
        onStart={() => {
          setDecision(undefined);
          setOutcome(undefined);
        }}
        onResult={(r) => {
          setDecision(r.decision);
          setError(undefined);
          setOutcome(undefined);
          if (!r.decision.live || !r.template) return;
          try {
            const header = decodeTemplate(r.template);
            const match = props.photos.cardTemplate ? compareTemplates(props.photos.cardTemplate, r.template) : undefined;
            setOutcome({ model: header.model, version: String(header.modelVersion), template: r.template, decision: r.decision, ...(match ? { match } : {}) });
          } catch (e) {
            setError((e as Error).message);
          }
        }}
      />
      <Show when={outcome()?.match && !outcome()!.match!.match}>
        <p class="warn-text">{t().enrol.noMatchWarning}</p>
      </Show>
      <div class="actions">
        <button type="button" onClick={props.onBack}>
          {t().enrol.back}
        </button>
        <button type="button" class="primary" disabled={!outcome()} onClick={() => props.onDone(outcome()!)} data-testid="face-next">
          {t().enrol.next}
        </button>
      </div>
    </div>
  );
}
