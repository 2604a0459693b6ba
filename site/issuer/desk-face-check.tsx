/**
 * The clerk's own face check at the desk: the applicant in front of the desk's camera (with the liveness challenge),
 * compared with the face template their phone put in the request and with the portrait on their ID card photo. The
 * phone's results travel in the request and could have been made by someone else; this check is the desk's own.
 * Loaded only when the clerk asks (it brings the face engine). Nothing is kept: the comparison is shown, not stored.
 */
import { createResource, createSignal, Show } from 'solid-js';
import { compareTemplates, type Match } from '../../engine/face/index.ts';
import type { LivenessDecision } from '../../engine/liveness/index.ts';
import { cardPortrait } from '../enrol/card-photo.ts';
import { errorText, t } from '../i18n/i18n.ts';
import { FaceResult } from '../ui/face-result.tsx';
import { LiveCapture, type CaptureFacing } from '../ui/live-capture.tsx';

type Comparison = { match: Match } | { error: string };

function compare(reference: Uint8Array | undefined, live: Uint8Array): Comparison | undefined {
  if (!reference) return undefined;
  try {
    return { match: compareTemplates(reference, live) };
  } catch (e) {
    return { error: errorText(e) };
  }
}

export default function DeskFaceCheck(props: { requestTemplate: Uint8Array | undefined; cardPhoto: Blob | undefined }) {
  const [facing, setFacing] = createSignal<CaptureFacing>('user');
  const [result, setResult] = createSignal<{ decision: LivenessDecision; request?: Comparison; card?: Comparison }>();
  // The card's portrait template, made here from the card photo (the request carries the photo, not its template).
  const [card] = createResource(
    () => props.cardPhoto,
    async (photo) => (await cardPortrait(photo))?.template ?? null,
  );
  return (
    <section class="panel" aria-labelledby="desk-face-title" data-testid="desk-face-check">
      <h3 id="desk-face-title">{t().issuer.faceCheckTitle}</h3>
      <p>{t().issuer.faceCheckText}</p>
      <label class="choice">
        <input type="checkbox" checked={facing() === 'environment'} onChange={(e) => setFacing(e.currentTarget.checked ? 'environment' : 'user')} />
        <span>{t().issuer.useRearCamera}</span>
      </label>
      <Show when={result()} keyed>
        {(r) => (
          <>
            <FaceResult
              decision={r.decision}
              {...(r.request && 'match' in r.request ? { match: r.request.match } : {})}
              {...(r.request && 'error' in r.request ? { error: r.request.error } : {})}
              testId="desk-face-result"
            />
            <Show when={r.decision.live}>
              <ul class="face-results" data-testid="desk-face-details">
                <li data-compared="request" data-result={outcome(r.request)} classList={{ 'ok-text': outcome(r.request) === 'match', 'warn-text': outcome(r.request) !== 'match' }}>
                  {line(r.request, t().issuer.versusRequest)}
                </li>
                <li data-compared="card" data-result={outcome(r.card)} classList={{ 'ok-text': outcome(r.card) === 'match', 'warn-text': outcome(r.card) !== 'match' }}>
                  {r.card ? line(r.card, t().issuer.versusCard) : card() === null ? t().issuer.noCardFace : t().issuer.noCardPhoto}
                </li>
              </ul>
            </Show>
          </>
        )}
      </Show>
      <LiveCapture
        facing={facing()}
        testId="desk-capture"
        startLabel={result() ? t().faceCheck.again : t().issuer.startFaceCheck}
        onStart={() => setResult(undefined)}
        onResult={(r) => {
          if (!r.decision.live || !r.template) return setResult({ decision: r.decision });
          const cardTemplate = card() ?? undefined;
          const fromRequest = compare(props.requestTemplate, r.template);
          const fromCard = compare(cardTemplate, r.template);
          setResult({ decision: r.decision, ...(fromRequest ? { request: fromRequest } : {}), ...(fromCard ? { card: fromCard } : {}) });
        }}
      />
    </section>
  );
}

const outcome = (c: Comparison | undefined): string => (!c ? 'none' : 'error' in c ? 'error' : c.match.match ? 'match' : 'no-match');

function line(c: Comparison | undefined, versus: (match: boolean) => string): string {
  if (!c) return t().issuer.noRequestTemplate;
  return 'error' in c ? c.error : versus(c.match.match);
}
