import { createSignal, For, Show } from 'solid-js';
import { formatDateTime, t } from '../i18n/i18n.ts';
import { TrustBundleError } from '../lib/trust-bundle.ts';
import { forgetImportedTrust, forgetScannedTrust, importTrust, pinCount, trust, trustLoaded } from './trust-store.ts';

/** Which issuers this verifier trusts, how old that list is, and a way to load a trust file. */
export function TrustPanel() {
  const [message, setMessage] = createSignal<{ ok: boolean; text: string } | undefined>();
  const onFile = async (e: Event & { currentTarget: HTMLInputElement }) => {
    const file = e.currentTarget.files?.[0];
    e.currentTarget.value = '';
    if (!file) return;
    try {
      const opened = await importTrust(await file.text());
      setMessage({ ok: true, text: t().trust.imported(opened.trust.issuers.length, opened.statusLists.length) });
    } catch (err) {
      setMessage({ ok: false, text: err instanceof TrustBundleError && err.code === 'bad-signature' ? t().trust.badSignature : t().trust.notTrustFile });
    }
  };
  const expired = () => {
    const tl = trust()?.trust;
    return tl !== undefined && tl.expiresAt < Date.now();
  };
  return (
    <details class="trust-panel" data-testid="trust-panel">
      <summary>
        <Show when={trustLoaded()} fallback={t().app.loading}>
          <Show when={trust()} fallback={<span class="warn-text">{t().trust.none}</span>}>
            {(tr) => (
              <span data-testid="trust-summary">
                {t().trust.summary(tr().trust.issuers.length, tr().trust.version)}
                <Show when={expired()}>
                  {' · '}
                  <span class="warn-text">{t().trust.expired}</span>
                </Show>
              </span>
            )}
          </Show>
        </Show>
      </summary>
      <div class="trust-body">
        <Show when={trust()}>
          {(tr) => (
            <>
              <p>{t().trust.listDates(formatDateTime(tr().trust.issuedAt), formatDateTime(tr().trust.expiresAt))}</p>
              <ul>
                <For each={tr().trust.issuers}>
                  {(i) => (
                    <li>
                      {i.name} ({i.country})
                    </li>
                  )}
                </For>
              </ul>
              <p>{t().trust.statusLists(tr().statusLists.length)}</p>
              <ul>
                <For each={tr().statusLists}>
                  {(s) => (
                    <li>
                      {s.issuer.name}: {t().trust.statusDates(formatDateTime(s.issuedAt), formatDateTime(s.expiresAt))}
                    </li>
                  )}
                </For>
              </ul>
            </>
          )}
        </Show>
        <p class="hint">{t().trust.explain}</p>
        <p class="hint">{t().trust.scanHint}</p>
        <Show when={pinCount() > 0}>
          <p data-testid="scanned-keys">{t().trust.scannedKeys(pinCount())}</p>
        </Show>
        <div class="actions">
          <label class="button file-button">
            {t().trust.load}
            <input type="file" accept=".json,application/json" class="visually-hidden" onChange={onFile} data-testid="trust-upload" />
          </label>
          <Show when={trust()}>
            <button type="button" onClick={() => (forgetImportedTrust(), setMessage(undefined))}>
              {t().trust.forget}
            </button>
          </Show>
          <Show when={pinCount() > 0}>
            <button type="button" onClick={() => (forgetScannedTrust(), setMessage(undefined))}>
              {t().trust.forgetScanned}
            </button>
          </Show>
        </div>
        <Show when={message()}>{(m) => <p role="status" classList={{ error: !m().ok }}>{m().text}</p>}</Show>
      </div>
    </details>
  );
}
