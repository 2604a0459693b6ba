import { For, Show } from 'solid-js';
import type { Match } from '../../engine/face/index.ts';
import type { LivenessDecision } from '../../engine/liveness/index.ts';
import { t } from '../i18n/i18n.ts';

/** Liveness reasons as sentences in the reader's language ("We could not see you blink."). */
export function reasonText(r: LivenessDecision['reasons'][number]): string {
  if (r.code === 'challenge-failed' && r.action) {
    const action = (t().face.actions as Record<string, string>)[r.action] ?? r.action;
    return r.failure === 'early' ? t().face.tooEarly(action) : r.failure === 'late' ? t().face.tooLate(action) : t().face.notSeen(action);
  }
  return (t().face.reasons as Record<string, string>)[r.code] ?? r.message;
}

/** Checks that could not run on this device, as sentences (never shown as passed). */
export function notRunText(n: NonNullable<LivenessDecision['notRun']>[number]): string {
  return (t().face.notRun as Record<string, string>)[n.why] ?? n.why;
}

/** The outcome of a face check: liveness first (a photo must never "match"), then the comparison. */
export function FaceResult(props: { decision: LivenessDecision; match?: Match; error?: string; testId?: string }) {
  const verdict = () => (!props.decision.live ? 'not-live' : props.error ? 'error' : !props.match ? 'no-template' : props.match.match ? 'match' : 'no-match');
  const tone = () => (verdict() === 'match' ? 'valid' : verdict() === 'no-template' || verdict() === 'error' ? 'warning' : 'invalid');
  return (
    <div class={`verdict verdict-${tone()}`} role="alert" data-testid={props.testId ?? 'face-result'} data-result={verdict()}>
      <span class="verdict-icon" aria-hidden="true">
        {tone() === 'valid' ? '✓' : tone() === 'warning' ? '!' : '✕'}
      </span>
      <div>
        <h3>{t().faceCheck.results[verdict()]}</h3>
        <Show when={props.error}>{(m) => <p>{m()}</p>}</Show>
        <Show when={!props.decision.live}>
          {/* A refusal gives its reasons, not a confidence figure. */}
          <p>{t().faceCheck.why}</p>
          <ul>
            <For each={props.decision.reasons}>{(r) => <li data-reason={r.code}>{reasonText(r)}</li>}</For>
          </ul>
        </Show>
        <Show when={props.decision.live}>
          {/* Figures are for whoever wants them, not the answer: folded under "details". */}
          <details class="face-figures" data-testid="face-figures">
            <summary>{t().app.details}</summary>
            <Show when={props.match}>{(m) => <p>{t().faceCheck.score(m().similarity.toFixed(3), m().threshold.toFixed(3))}</p>}</Show>
            <p class="counts">{t().faceCheck.liveness(true, Math.round(props.decision.confidence * 100))}</p>
          </details>
        </Show>
        <For each={props.decision.notRun ?? []}>
          {(n) => (
            <p class="hint" data-not-run={n.check} data-why={n.why}>
              {notRunText(n)}
            </p>
          )}
        </For>
      </div>
    </div>
  );
}

/** A verifier's own check of the person, recorded as that: never shown as an automatic liveness pass. */
export function PersonCheckResult(props: { at: Date }) {
  return (
    <div class="verdict verdict-warning" role="status" data-testid="face-result" data-result="person">
      <span class="verdict-icon" aria-hidden="true">
        !
      </span>
      <div>
        <h3>{t().faceCheck.results.person}</h3>
        <p>{t().faceCheck.byPersonDone(props.at.toLocaleTimeString())}</p>
      </div>
    </div>
  );
}
