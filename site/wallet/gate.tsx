import { createSignal, onCleanup, Show } from 'solid-js';
import { checkPin, MIN_PIN_LENGTH, requestPersistence } from '../../engine/wallet/index.ts';
import { errorText, t } from '../i18n/i18n.ts';
import { PasskeyUnlock } from './passkey.tsx';
import { refreshWalletStatus, wallet, walletErrorOf, walletStatus } from './wallet-store.ts';

/** First use: choose a PIN (twice), then ask the browser to keep the wallet's storage. */
export function SetupPin(props: { onDone?: () => void }) {
  const [pin, setPin] = createSignal('');
  const [again, setAgain] = createSignal('');
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  return (
    <form
      class="panel"
      data-testid="wallet-setup"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(undefined);
        try {
          checkPin(pin());
        } catch {
          return setError(t().wallet.pinWeak(MIN_PIN_LENGTH));
        }
        if (pin() !== again()) return setError(t().wallet.pinMismatch);
        setBusy(true);
        try {
          const w = await wallet();
          // setup() leaves the wallet unlocked. (A second unlock here ran the PIN's key derivation again, and landing
          // after a quick "Lock now" it unlocked the wallet again.)
          await w.setup(pin());
          await requestPersistence().catch(() => undefined);
          await refreshWalletStatus();
          props.onDone?.();
        } catch (err) {
          setError(walletErrorOf(err)?.code === 'wallet/weak-pin' ? t().wallet.pinWeak(MIN_PIN_LENGTH) : errorText(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2>{t().wallet.setupTitle}</h2>
      <p>{t().wallet.setupText}</p>
      <label class="field">
        <span>{t().wallet.newPin}</span>
        <input type="password" inputmode="numeric" autocomplete="new-password" value={pin()} onInput={(e) => setPin(e.currentTarget.value)} data-testid="new-pin" />
      </label>
      <label class="field">
        <span>{t().wallet.newPinAgain}</span>
        <input type="password" inputmode="numeric" autocomplete="new-password" value={again()} onInput={(e) => setAgain(e.currentTarget.value)} data-testid="new-pin-again" />
      </label>
      <p class="hint">{t().wallet.persistence}</p>
      <button type="submit" class="primary" disabled={busy()} data-testid="setup-pin">
        {busy() ? t().wallet.working : t().wallet.setPin}
      </button>
      <Show when={error()}>{(m) => <p class="error" role="alert">{m()}</p>}</Show>
    </form>
  );
}

/** Unlock with the PIN (or the passkey, where one is set up); shows the backoff wait and how many wrong PINs remain before the wallet erases itself. */
export function Unlock(props: { onDone?: () => void }) {
  const [pin, setPin] = createSignal('');
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const [now, setNow] = createSignal(Date.now());
  const [waitUntil, setWaitUntil] = createSignal(0);
  const timer = setInterval(() => setNow(Date.now()), 500);
  onCleanup(() => clearInterval(timer));
  const waitSeconds = () => Math.max(0, Math.ceil((waitUntil() - now()) / 1000));
  // No wait is no deadline: a deadline of "now" would read as 1 s left until the clock ticks, disabling Unlock.
  const waitFor = (ms: number) => setWaitUntil(ms > 0 ? Date.now() + ms : 0);
  void refreshWalletStatus().then((s) => waitFor(s.retryAfterMs));
  return (
    <form
      class="panel"
      data-testid="wallet-unlock"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(undefined);
        try {
          await (await wallet()).unlock(pin());
          setPin('');
          await refreshWalletStatus();
          props.onDone?.();
        } catch (err) {
          const we = walletErrorOf(err);
          const s = await refreshWalletStatus();
          waitFor(s.retryAfterMs);
          if (we?.code === 'wallet/wiped') setError(t().wallet.wiped);
          else if (we?.code === 'wallet/backoff') setError(t().wallet.backoff);
          else if (we?.code === 'wallet/wrong-pin') setError(t().wallet.wrongPin(s.attemptsBeforeWipe));
          else setError(errorText(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2>{t().wallet.lockedTitle}</h2>
      <label class="field">
        <span>{t().wallet.pin}</span>
        <input type="password" inputmode="numeric" autocomplete="current-password" value={pin()} onInput={(e) => setPin(e.currentTarget.value)} data-testid="pin" />
      </label>
      {/* After a wrong PIN its error already says how many remain: the count is said once, in one wording. */}
      <Show when={(walletStatus()?.failures ?? 0) > 0 && !error()}>
        <p class="warn-text">{t().wallet.attemptsLeft(walletStatus()?.attemptsBeforeWipe ?? 0)}</p>
      </Show>
      <Show when={waitSeconds() > 0}>
        <p role="status">{t().wallet.waitSeconds(waitSeconds())}</p>
      </Show>
      <button type="submit" class="primary" disabled={busy() || waitSeconds() > 0} data-testid="unlock">
        {busy() ? t().wallet.working : t().wallet.unlock}
      </button>
      <PasskeyUnlock disabled={busy()} onError={setError} onDone={() => (setPin(''), props.onDone?.())} />
      <Show when={error()}>{(m) => <p class="error" role="alert">{m()}</p>}</Show>
    </form>
  );
}
