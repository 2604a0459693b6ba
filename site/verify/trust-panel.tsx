import { createSignal, For, Show } from 'solid-js';
import { formatDateTime, t } from '../i18n/i18n.ts';
import { TrustBundleError } from '../lib/trust-bundle.ts';
import { readFileBytes } from '../lib/bytes.ts';
import { TrustConfirm } from './trust-confirm.tsx';
import { forgetImportedTrust, forgetScannedTrust, forgetVicals, importTrust, importVical, pinCount, trust, trustLoaded, vicalCount, type ScanOutcome } from './trust-store.ts';

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
  // An ISO 18013-5 VICAL: the provider's key is pinned only after the verifier saw whose it is and its fingerprint.
  const [vicalConfirm, setVicalConfirm] = createSignal<Extract<ScanOutcome, { kind: 'confirm' }>>();
  const onVical = async (e: Event & { currentTarget: HTMLInputElement }) => {
    const file = e.currentTarget.files?.[0];
    e.currentTarget.value = '';
    if (!file) return;
    setVicalConfirm(undefined);
    const outcome = await importVical(await readFileBytes(file));
    if (outcome.kind === 'confirm') return void setVicalConfirm(outcome);
    if (outcome.kind === 'updated') return void setMessage({ ok: true, text: t().trust.vicalUpdated(outcome.version) });
    const reason = outcome.reason;
    setMessage({
      ok: false,
      text: reason === 'key-changed' ? t().trust.keyChanged(outcome.keyId ?? '?') : reason === 'rollback' ? t().trust.rollback : reason === 'future' ? t().trust.future : t().trust.notVical,
    });
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
          <label class="button file-button">
            {t().trust.loadVical}
            <input type="file" accept=".vical,.cbor,application/cbor,application/octet-stream" class="visually-hidden" onChange={onVical} data-testid="vical-upload" />
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
          <Show when={vicalCount() > 0}>
            <button type="button" onClick={() => (forgetVicals(), setMessage(undefined))} data-testid="forget-vicals">
              {t().trust.forgetVicals(vicalCount())}
            </button>
          </Show>
        </div>
        <Show when={vicalConfirm()}>
          {(c) => (
            <TrustConfirm
              id="vical-confirm-title"
              level="h3"
              title={t().trust.vicalConfirmTitle}
              text={t().trust.vicalConfirmText(c().keyId, c().issuers.length)}
              fingerprint={c().fingerprint}
              hint={t().trust.vicalCompare}
              testId="vical-confirm"
              prefix="vical"
              onAccept={() => {
                const n = c().accept();
                setVicalConfirm(undefined);
                setMessage({ ok: true, text: t().trust.vicalPinned(n) });
              }}
              onReject={() => setVicalConfirm(undefined)}
            />
          )}
        </Show>
        <Show when={message()}>
          {(m) => (
            <p role="status" classList={{ error: !m().ok }} data-testid="trust-panel-message">
              {m().text}
            </p>
          )}
        </Show>
      </div>
    </details>
  );
}
