import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js';
import {
  challengeFromQr,
  createPresentation,
  DISCLOSURE_PRESETS,
  qrMatrix,
  toQrFrames,
  toQrText,
  type Challenge,
} from '../../engine/credential/index.ts';
import type { CredentialSummary } from '../../engine/wallet/index.ts';
import { errorText, t } from '../i18n/i18n.ts';
import { QrCode } from '../ui/qr-code.tsx';
import { Scanner } from '../ui/scanner.tsx';
import { wallet } from './wallet-store.ts';

/** One-way QR codes carry their time: a new one every 30 s, and verifiers refuse those older than 60 s. */
export const REFRESH_SECONDS = 30;

export type Disclosure = 'default' | 'ageOver18' | 'nameAndFace' | 'all';
const CHOICES: readonly Disclosure[] = ['default', 'ageOver18', 'nameAndFace', 'all'];

/** One QR code when the presentation fits (version ≤ 40 at level M), else an animated sequence. */
export function presentationFrames(bytes: Uint8Array): string[] {
  const text = toQrText(bytes);
  try {
    qrMatrix(text, 'M');
    return [text];
  } catch {
    return toQrFrames(bytes, { kind: 'P', chunkBytes: 600 });
  }
}

/** Shows the refreshing QR code for one credential, with disclosure choices and the two-way (challenge) mode. */
export function Present(props: { credential: CredentialSummary; onClose: () => void }) {
  const [disclosure, setDisclosure] = createSignal<Disclosure>('default');
  const [frames, setFrames] = createSignal<string[]>([]);
  const [secondsLeft, setSecondsLeft] = createSignal(REFRESH_SECONDS);
  const [error, setError] = createSignal<string>();
  const [twoWay, setTwoWay] = createSignal<'off' | 'scanning' | Challenge>('off');
  let logged = false;

  const make = async () => {
    setError(undefined);
    try {
      const w = await wallet();
      const stored = await w.getCredential(props.credential.id);
      const signer = await w.presentationSigner(props.credential.id);
      const mode = twoWay();
      const challenge = typeof mode === 'object' ? mode : undefined;
      const disclose = disclosure() === 'all' ? 'all' : DISCLOSURE_PRESETS[disclosure() as Exclude<Disclosure, 'all'>];
      const p = await createPresentation({
        credential: stored.bytes,
        disclose,
        deviceSigner: signer.sign,
        mode: challenge ? { kind: 'two-way', challenge } : { kind: 'one-way' },
      });
      setFrames(presentationFrames(p.bytes));
      // One log line per showing (not per 30-second refresh): what was shown, when, how. Never the values.
      if (!logged || challenge) {
        logged = true;
        await w.recordPresentation({ credentialId: props.credential.id, disclosed: [...p.disclosed], mode: challenge ? 'two-way' : 'one-way' });
      }
    } catch (e) {
      const code = (e as { code?: string }).code;
      setFrames([]);
      setError(code === 'wallet/locked' ? t().wallet.lockedNow : code === 'wallet/needs-rebinding' ? t().wallet.needsRebinding : errorText(e));
    }
  };

  // Refresh on a 30 s cycle (one-way), and whenever the disclosure or mode changes.
  createEffect(
    on([disclosure, twoWay], () => {
      if (twoWay() === 'scanning') return;
      void make();
      setSecondsLeft(REFRESH_SECONDS);
    }),
  );
  const tick = setInterval(() => {
    if (typeof twoWay() === 'object' || twoWay() === 'scanning') return;
    const next = secondsLeft() - 1;
    if (next <= 0) {
      setSecondsLeft(REFRESH_SECONDS);
      void make();
    } else setSecondsLeft(next);
  }, 1000);
  onCleanup(() => clearInterval(tick));

  // Keep the screen on while the code is shown (where the browser allows it).
  let wakeLock: { release(): Promise<void> } | undefined;
  void (navigator as Navigator & { wakeLock?: { request(type: 'screen'): Promise<{ release(): Promise<void> }> } }).wakeLock
    ?.request('screen')
    .then((l) => (wakeLock = l))
    .catch(() => undefined);
  onCleanup(() => void wakeLock?.release().catch(() => undefined));

  return (
    <section class="present panel" aria-labelledby="present-title" data-testid="present">
      <h2 id="present-title">{t().wallet.showTitle(props.credential.meta.label)}</h2>
      <fieldset>
        <legend>{t().wallet.discloseLegend}</legend>
        <For each={CHOICES}>
          {(c) => (
            <label class="choice">
              <input type="radio" name="disclosure" value={c} checked={disclosure() === c} onChange={() => setDisclosure(c)} data-testid={`disclose-${c}`} />
              <span>{t().wallet.disclose[c]}</span>
            </label>
          )}
        </For>
      </fieldset>
      <Show when={twoWay() === 'scanning'}>
        <p>{t().wallet.scanChallenge}</p>
        <Scanner
          autoStart
          label={t().wallet.scanChallenge}
          onText={(text) => {
            try {
              setTwoWay(challengeFromQr(text));
            } catch {
              setError(t().wallet.notAChallenge);
            }
          }}
        />
      </Show>
      <Show when={twoWay() !== 'scanning' && frames().length > 0}>
        <div class="qr-wrap">
          <QrCode frames={frames()} label={t().wallet.qrLabel} testId="presentation-qr" />
          <Show
            when={typeof twoWay() !== 'object'}
            fallback={<p class="hint">{t().wallet.twoWayAnswer}</p>}
          >
            <div class="countdown" role="timer" aria-live="off">
              <progress max={REFRESH_SECONDS} value={secondsLeft()} aria-label={t().wallet.refreshesIn(secondsLeft())} />
              <span>{t().wallet.refreshesIn(secondsLeft())}</span>
            </div>
          </Show>
          <p class="hint">{t().wallet.brightness}</p>
        </div>
      </Show>
      <Show when={error()}>{(m) => <p class="error" role="alert">{m()}</p>}</Show>
      <div class="actions">
        <Show
          when={twoWay() === 'off'}
          fallback={
            <button type="button" onClick={() => setTwoWay('off')}>
              {t().wallet.backToOneWay}
            </button>
          }
        >
          <button type="button" onClick={() => setTwoWay('scanning')} data-testid="scan-challenge">
            {t().wallet.twoWay}
          </button>
        </Show>
        <button type="button" onClick={props.onClose}>
          {t().wallet.done}
        </button>
      </div>
    </section>
  );
}
