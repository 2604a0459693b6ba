/**
 * Passkey unlock in the site (engine/wallet/passkey.ts, WebAuthn PRF): turning it on and off in the wallet's
 * security settings, and the "unlock with passkey" button of the lock screen and the consent page. The PIN always
 * stays: a cancelled, refused or lost passkey says so and changes nothing (no PIN attempt is used, no data is lost).
 */
import { createResource, createSignal, onCleanup, Show } from 'solid-js';
import { passkeyPrfSupport } from '../../engine/wallet/index.ts';
import { t } from '../i18n/i18n.ts';
import { refreshWalletStatus, wallet, walletErrorOf, walletStatus } from './wallet-store.ts';

/** The sentence for a failed passkey ceremony, or undefined when the error is not a passkey one. */
export function passkeyProblem(e: unknown): string | undefined {
  switch (walletErrorOf(e)?.code) {
    case 'wallet/passkey-failed':
      return t().passkey.failed;
    case 'wallet/passkey-unavailable':
      return t().passkey.unavailable;
    case 'wallet/tampered':
      return t().passkey.tampered;
    default:
      return undefined;
  }
}

/**
 * A passkey ceremony the holder can abandon: while the browser waits for the authenticator, "Use PIN instead"
 * aborts it (the browser would otherwise wait up to a minute for a passkey that is gone).
 */
export function createPasskeyCeremony() {
  const [waiting, setWaiting] = createSignal(false);
  let ctl: AbortController | undefined;
  const cancel = () => ctl?.abort();
  onCleanup(cancel);
  const run = async <T,>(ceremony: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    ctl = new AbortController();
    setWaiting(true);
    try {
      return await ceremony(ctl.signal);
    } finally {
      ctl = undefined;
      setWaiting(false);
    }
  };
  return { waiting, run, cancel };
}

/** "Use PIN instead": abandons the ceremony the browser is waiting on. */
export function UsePinInstead(props: { onClick: () => void }) {
  return (
    <button type="button" onClick={() => props.onClick()} data-testid="passkey-use-pin">
      {t().passkey.usePin}
    </button>
  );
}

/** "Unlock with passkey" for the lock screen; shown only when the wallet has a passkey. */
export function PasskeyUnlock(props: { disabled?: boolean; onDone?: () => void; onError: (message: string | undefined) => void }) {
  const ceremony = createPasskeyCeremony();
  return (
    <Show when={walletStatus()?.passkeyEnabled}>
      <div class="actions">
        <Show
          when={ceremony.waiting()}
          fallback={
            <button
              type="button"
              disabled={props.disabled}
              data-testid="unlock-passkey"
              onClick={async () => {
                props.onError(undefined);
                try {
                  const w = await wallet();
                  await ceremony.run((signal) => w.unlockWithPasskey({ signal }));
                  await refreshWalletStatus();
                  props.onDone?.();
                } catch (e) {
                  await refreshWalletStatus().catch(() => undefined);
                  props.onError(passkeyProblem(e) ?? (e as Error).message);
                }
              }}
            >
              {t().passkey.unlock}
            </button>
          }
        >
          <p role="status">{t().passkey.waiting}</p>
          <UsePinInstead onClick={ceremony.cancel} />
        </Show>
      </div>
    </Show>
  );
}

/** The wallet settings' passkey panel: on (with the PIN, counted like any attempt) or off. */
export function PasskeySettings() {
  const [support] = createResource(passkeyPrfSupport);
  const [pin, setPin] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [message, setMessage] = createSignal<{ ok: boolean; text: string }>();
  const ceremony = createPasskeyCeremony();
  const enabled = () => walletStatus()?.passkeyEnabled === true;
  const enable = async () => {
    setBusy(true);
    setMessage(undefined);
    try {
      const w = await wallet();
      await ceremony.run((signal) => w.enablePasskey(pin(), { signal, rpName: 'eidkit wallet' }));
      setPin('');
    } catch (e) {
      const code = walletErrorOf(e)?.code;
      const s = await refreshWalletStatus().catch(() => undefined);
      if (code === 'wallet/wrong-pin') setMessage({ ok: false, text: t().wallet.wrongPin(s?.attemptsBeforeWipe ?? 0) });
      else if (code === 'wallet/backoff') setMessage({ ok: false, text: t().wallet.backoff });
      else if (code === 'wallet/passkey-failed') setMessage({ ok: false, text: t().passkey.enableFailed });
      else if (code === 'wallet/passkey-unavailable') setMessage({ ok: false, text: t().passkey.enableUnsupported });
      else setMessage({ ok: false, text: (e as Error).message });
    } finally {
      await refreshWalletStatus().catch(() => undefined);
      setBusy(false);
    }
  };
  return (
    <section class="passkey-settings" data-testid="passkey-settings" aria-labelledby="passkey-title">
      <h3 id="passkey-title">{t().passkey.title}</h3>
      <p class="hint">{t().passkey.text}</p>
      <Show
        when={enabled()}
        fallback={
          <Show when={support() !== 'unavailable'} fallback={<p data-testid="passkey-unsupported">{t().passkey.unsupported}</p>}>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void enable();
              }}
            >
              <p data-testid="passkey-state" data-on="false">
                {t().passkey.off}
              </p>
              <label class="field">
                <span>{t().passkey.pinToEnable}</span>
                <input type="password" inputmode="numeric" autocomplete="current-password" value={pin()} onInput={(e) => setPin(e.currentTarget.value)} data-testid="passkey-pin" />
              </label>
              <div class="actions">
                <button type="submit" disabled={busy() || pin().length === 0} data-testid="passkey-enable">
                  {busy() ? t().passkey.waiting : t().passkey.enable}
                </button>
                <Show when={ceremony.waiting()}>
                  <UsePinInstead onClick={ceremony.cancel} />
                </Show>
              </div>
            </form>
          </Show>
        }
      >
        <p role="status" data-testid="passkey-state" data-on="true">
          {t().passkey.on}
        </p>
        <button
          type="button"
          disabled={busy()}
          data-testid="passkey-disable"
          onClick={async () => {
            setBusy(true);
            try {
              await (await wallet()).disablePasskey();
              setMessage({ ok: true, text: t().passkey.disabled });
            } catch (e) {
              setMessage({ ok: false, text: (e as Error).message });
            } finally {
              await refreshWalletStatus().catch(() => undefined);
              setBusy(false);
            }
          }}
        >
          {t().passkey.disable}
        </button>
      </Show>
      <Show when={message()}>
        {(m) => (
          <p role="status" classList={{ error: !m().ok, 'ok-text': m().ok }} data-testid="passkey-message">
            {m().text}
          </p>
        )}
      </Show>
    </section>
  );
}
