/** The issuing authority's keys at the desk: first set-up, passphrase-protected export, and import on another desk. */
import { createSignal, onMount, Show } from 'solid-js';
import { errorText, t } from '../i18n/i18n.ts';
import { download } from '../lib/bytes.ts';
import { BoxError, MIN_PASSPHRASE } from '../lib/passphrase-box.ts';
import { adoptDemoAuthority, createAuthority, demoAuthorityAvailable, exportKeys, importKeys, type Authority } from './desk-store.ts';

export function SetUpAuthority(props: { onReady: (a: Authority) => void }) {
  const [id, setId] = createSignal('');
  const [name, setName] = createSignal('');
  const [country, setCountry] = createSignal('CN');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const idOk = () => /^[a-z0-9][a-z0-9-]{1,31}$/.test(id());
  const countryOk = () => /^[A-Z]{2}$/.test(country());
  return (
    <>
      <h2>{t().issuer.setupTitle}</h2>
      <p>{t().issuer.setupText}</p>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!idOk() || !countryOk() || !name().trim()) return setError(t().issuer.setupInvalid);
          setBusy(true);
          try {
            props.onReady(await createAuthority({ id: id(), name: name().trim(), country: country() }));
          } catch (err) {
            setError(errorText(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <label class="field">
          <span>{t().issuer.authorityName}</span>
          <input value={name()} onInput={(e) => setName(e.currentTarget.value)} required autocomplete="organization" data-testid="authority-name" />
        </label>
        <label class="field">
          <span>{t().issuer.authorityId}</span>
          <input
            value={id()}
            onInput={(e) => setId(e.currentTarget.value.toLowerCase())}
            required
            aria-invalid={id() !== '' && !idOk() ? 'true' : 'false'}
            aria-describedby="authority-id-hint"
            data-testid="authority-id"
          />
          <small id="authority-id-hint" class="hint">
            {t().issuer.authorityIdHint}
          </small>
        </label>
        <label class="field">
          <span>{t().issuer.country}</span>
          <input value={country()} onInput={(e) => setCountry(e.currentTarget.value.toUpperCase())} maxlength="2" required aria-invalid={!countryOk() ? 'true' : 'false'} />
        </label>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy()} data-testid="create-authority">
            {busy() ? t().issuer.creating : t().issuer.create}
          </button>
        </div>
        <Show when={error()}>{(m) => <p class="error" role="alert">{m()}</p>}</Show>
      </form>
      <DemoAuthority onReady={props.onReady} />
      <ImportKeys onImported={props.onReady} />
    </>
  );
}

/** The build's demo authority (site/build/trust.ts): one click, and this site's verifiers already trust it. */
function DemoAuthority(props: { onReady: (a: Authority) => void }) {
  // A plain signal, not a resource: the page must not fall back to a loading screen while this is asked.
  const [available, setAvailable] = createSignal(false);
  onMount(() => void demoAuthorityAvailable().then(setAvailable));
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  return (
    <Show when={available()}>
      <div class="panel" data-testid="demo-authority">
        <h3>{t().issuer.demoTitle}</h3>
        <p class="hint">{t().issuer.demoText}</p>
        <button
          type="button"
          disabled={busy()}
          data-testid="use-demo-authority"
          onClick={async () => {
            setBusy(true);
            setError(undefined);
            try {
              props.onReady(await adoptDemoAuthority());
            } catch (err) {
              setError(errorText(err));
            } finally {
              setBusy(false);
            }
          }}
        >
          {busy() ? t().issuer.working : t().issuer.useDemo}
        </button>
        <Show when={error()}>{(m) => <p class="error" role="alert">{m()}</p>}</Show>
      </div>
    </Show>
  );
}

export function ImportKeys(props: { onImported: (a: Authority) => void }) {
  const [file, setFile] = createSignal<File>();
  const [pass, setPass] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  return (
    <details class="panel">
      <summary>{t().issuer.importTitle}</summary>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const f = file();
          if (!f) return;
          setBusy(true);
          setError(undefined);
          try {
            props.onImported(await importKeys(JSON.parse(await f.text()), pass()));
          } catch (err) {
            setError(err instanceof BoxError && err.code === 'wrong-passphrase' ? t().issuer.wrongPassphrase : t().issuer.notKeyFile);
          } finally {
            setBusy(false);
          }
        }}
      >
        <label class="field">
          <span>{t().issuer.keyFile}</span>
          <input type="file" accept=".json,application/json" onChange={(e) => setFile(e.currentTarget.files?.[0])} />
        </label>
        <label class="field">
          <span>{t().issuer.passphrase}</span>
          <input type="password" value={pass()} onInput={(e) => setPass(e.currentTarget.value)} autocomplete="current-password" />
        </label>
        <button type="submit" disabled={busy() || !file()}>
          {busy() ? t().issuer.working : t().issuer.importKeys}
        </button>
        <Show when={error()}>{(m) => <p class="error" role="alert">{m()}</p>}</Show>
      </form>
    </details>
  );
}

export function ExportKeys(props: { authority: Authority }) {
  const [pass, setPass] = createSignal('');
  const [again, setAgain] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [message, setMessage] = createSignal<string>();
  return (
    <details class="panel">
      <summary>{t().issuer.exportTitle}</summary>
      <p class="hint">{t().issuer.exportText}</p>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (pass().length < MIN_PASSPHRASE) return setMessage(t().issuer.passphraseShort(MIN_PASSPHRASE));
          if (pass() !== again()) return setMessage(t().issuer.passphraseMismatch);
          setBusy(true);
          try {
            const box = await exportKeys(props.authority, pass());
            download(`${props.authority.id}-issuer-keys.json`, JSON.stringify(box), 'application/json');
            setMessage(t().issuer.exported);
          } finally {
            setBusy(false);
          }
        }}
      >
        <label class="field">
          <span>{t().issuer.passphrase}</span>
          <input type="password" value={pass()} onInput={(e) => setPass(e.currentTarget.value)} autocomplete="new-password" minlength={MIN_PASSPHRASE} />
        </label>
        <label class="field">
          <span>{t().issuer.passphraseAgain}</span>
          <input type="password" value={again()} onInput={(e) => setAgain(e.currentTarget.value)} autocomplete="new-password" />
        </label>
        <button type="submit" disabled={busy()}>
          {busy() ? t().issuer.working : t().issuer.exportKeys}
        </button>
        <Show when={message()}>{(m) => <p role="status">{m()}</p>}</Show>
      </form>
    </details>
  );
}
