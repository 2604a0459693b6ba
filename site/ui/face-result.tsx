import { For, Show } from 'solid-js';
import type { Match } from '../../engine/face/index.ts';
import type { LivenessDecision } from '../../engine/liveness/index.ts';
import { t } from '../i18n/i18n.ts';

/** Liveness reasons in the reader's language ("we could not see the person blink"). */
export function reasonText(r: LivenessDecision['reasons'][number]): string {
  if (r.code === 'challenge-failed' && r.action) return t().face.notSeen((t().face.actions as Record<string, string>)[r.action] ?? r.action);
  return (t().face.reasons as Record<string, string>)[r.code] ?? r.message;
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
        <Show when={props.match && props.decision.live}>
          {(_) => <p>{t().faceCheck.score(props.match!.similarity.toFixed(3), props.match!.threshold.toFixed(3))}</p>}
        </Show>
        <Show when={props.error}>{(m) => <p>{m()}</p>}</Show>
        <Show when={!props.decision.live}>
          <ul>
            <For each={props.decision.reasons}>{(r) => <li data-reason={r.code}>{reasonText(r)}</li>}</For>
          </ul>
        </Show>
        <p class="counts">{t().faceCheck.liveness(props.decision.live, Math.round(props.decision.confidence * 100))}</p>
      </div>
    </div>
  );
}
