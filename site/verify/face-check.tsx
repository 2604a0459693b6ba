import { createSignal, Show } from 'solid-js';
import { compareTemplates, type Match } from '../../engine/face/index.ts';
import type { LivenessDecision } from '../../engine/liveness/index.ts';
import { codeText, t } from '../i18n/i18n.ts';
import { FaceResult, PersonCheckResult } from '../ui/face-result.tsx';
import { LiveCapture, type CaptureFacing } from '../ui/live-capture.tsx';

/**
 * "Is the person in front of me the person in this credential?": a live capture with the liveness challenge, then the
 * live template against the credential's. Loaded only when the verifier asks (it brings the face engine).
 */
export default function FaceCheck(props: { template: Uint8Array }) {
  const [facing, setFacing] = createSignal<CaptureFacing>('environment');
  const [result, setResult] = createSignal<{ decision: LivenessDecision; match?: Match; error?: string }>();
  /** "Checked by a person": the verifier looked at the holder themselves (someone who cannot do the movements). */
  const [byPerson, setByPerson] = createSignal<Date>();
  return (
    <section class="face-check panel" aria-labelledby="face-check-title" data-testid="face-check">
      <h2 id="face-check-title">{t().faceCheck.title}</h2>
      <p>{facing() === 'environment' ? t().faceCheck.introRear : t().faceCheck.introFront}</p>
      <label class="choice">
        <input type="checkbox" checked={facing() === 'user'} onChange={(e) => setFacing(e.currentTarget.checked ? 'user' : 'environment')} />
        <span>{t().faceCheck.useFront}</span>
      </label>
      <Show when={byPerson()} keyed fallback={
        <Show when={result()} keyed>
          {(r) => <FaceResult decision={r.decision} {...(r.match ? { match: r.match } : {})} {...(r.error ? { error: r.error } : {})} />}
        </Show>
      }>
        {(at) => <PersonCheckResult at={at} />}
      </Show>
      <LiveCapture
        facing={facing()}
        startLabel={result() ? t().faceCheck.again : t().faceCheck.start}
        onStart={() => {
          setResult(undefined);
          setByPerson(undefined);
        }}
        onResult={(r) => {
          if (!r.decision.live || !r.template) return setResult({ decision: r.decision });
          try {
            setResult({ decision: r.decision, match: compareTemplates(props.template, r.template) });
          } catch (e) {
            const code = (e as { code?: string }).code ?? '';
            setResult({ decision: r.decision, error: codeText(code) ?? (e as Error).message });
          }
        }}
      />
      <Show when={!byPerson()}>
        <p class="hint">{t().faceCheck.byPersonHint}</p>
        <button type="button" onClick={() => setByPerson(new Date())} data-testid="checked-by-person">
          {t().faceCheck.byPerson}
        </button>
      </Show>
    </section>
  );
}
