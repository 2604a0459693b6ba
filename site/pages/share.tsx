import { createResource, createSignal, For, Match, onMount, Show, Switch } from 'solid-js';
import { hasWebRequest } from '../../engine/credential/index.ts';
import {
  answerConsent,
  confirmOpener,
  deliver,
  prepareConsent,
  webDelivery,
  type Consent,
  type CredentialSummary,
} from '../../engine/wallet/index.ts';
import { parseWebRequest, type WebAnswer } from '../../engine/credential/index.ts';
import { formatDate, t } from '../i18n/i18n.ts';
import { PageHeading } from '../ui/page-heading.tsx';
import { cardExpiry } from '../wallet/add-credential.ts';
import { createPasskeyCeremony, passkeyProblem, UsePinInstead } from '../wallet/passkey.tsx';
import { refreshWalletStatus, wallet, walletErrorOf, walletStatus } from '../wallet/wallet-store.ts';

type Opened =
  | { readonly kind: 'none' }
  | { readonly kind: 'refused'; readonly code: keyof ReturnType<typeof t>['share']['refused'] }
  | { readonly kind: 'consent'; readonly consent: Consent };

/**
 * The wallet's consent screen for a website on this phone (engine/wallet/online.ts). The request is read once, from
 * the fragment, when the page opens, and the fragment is then cleared: a later change to the address changes nothing.
 * Who is asking is the origin the browser reports; the holder agrees with the PIN (or passkey) each time.
 */
export default function Share() {
  const fragment = location.hash;
  // The request is public (it names what the site asks for), but it is done with once read.
  if (fragment) history.replaceState(null, '', location.pathname);
  const [opened] = createResource(async (): Promise<Opened> => {
    if (!hasWebRequest(fragment)) return { kind: 'none' };
    let openerOrigin: string | null = null;
    try {
      const req = parseWebRequest(fragment);
      if (req.responseMode === 'post-message') openerOrigin = await confirmOpener(req);
    } catch {
      // prepareConsent reports the unreadable request below.
    }
    try {
      return { kind: 'consent', consent: prepareConsent(fragment, { referrer: document.referrer, openerOrigin }) };
    } catch (e) {
      const code = walletErrorOf(e)?.code;
      return { kind: 'refused', code: code === 'wallet/requester-mismatch' || code === 'wallet/requester-unknown' ? code : 'wallet/bad-request' };
    }
  });
  onMount(() => void refreshWalletStatus().catch(() => undefined));
  return (
    <section data-testid="share">
      <PageHeading title={t().share.title}>{t().share.title}</PageHeading>
      <Switch fallback={<p role="status">{t().app.loading}</p>}>
        <Match when={opened()?.kind === 'none'}>
          <p data-testid="share-none">{t().share.noRequest}</p>
        </Match>
        <Match when={opened()?.kind === 'refused' && (opened() as Extract<Opened, { kind: 'refused' }>)}>
          {(r) => (
            <div class="verdict verdict-invalid" role="alert" data-testid="share-refused" data-code={r().code}>
              <span class="verdict-icon" aria-hidden="true">
                ✕
              </span>
              <div>
                <h2>{t().share.refusedTitle}</h2>
                <p>{t().share.refused[r().code]}</p>
                <button type="button" onClick={() => history.back()}>
                  {t().share.back}
                </button>
              </div>
            </div>
          )}
        </Match>
        <Match when={opened()?.kind === 'consent' && (opened() as Extract<Opened, { kind: 'consent' }>).consent}>
          {(c) => <ConsentScreen consent={c()} />}
        </Match>
      </Switch>
    </section>
  );
}

function ConsentScreen(props: { consent: Consent }) {
  const c = props.consent;
  const [pin, setPin] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const [done, setDone] = createSignal<'sent' | 'declined'>();
  const [noCredential, setNoCredential] = createSignal(false);
  const names = () => t().report.elements as Readonly<Record<string, string>>;
  // Element ids come from the requesting site: only the table's own keys are labels ("constructor" is not one).
  const label = (id: string) => (Object.hasOwn(names(), id) ? names()[id] : undefined) ?? (/^age_over_(\d\d)$/.test(id) ? `${names()['age_over_18']!.replace('18', id.slice(-2))}` : id);

  // The wallet's contents are encrypted: which credentials can answer is known only once the PIN has opened it.
  const usable = async (): Promise<CredentialSummary[]> =>
    (await (await wallet()).listCredentials()).items.filter((x) => x.meta.docType === c.request.docType && !x.needsRebinding);
  // More than one: the holder picks (after the PIN, which is what opens the list).
  const [choices, setChoices] = createSignal<readonly { readonly c: CredentialSummary; readonly expires: string | undefined }[]>();
  const [chosen, setChosen] = createSignal<string>();
  const ceremony = createPasskeyCeremony();

  const send = (answer: WebAnswer, kind: 'sent' | 'declined') => {
    setDone(kind);
    deliver(webDelivery(c, answer));
  };

  const failed = async (e: unknown) => {
    const we = walletErrorOf(e);
    const s = await refreshWalletStatus().catch(() => undefined);
    if (we?.code === 'wallet/wrong-pin') setError(t().wallet.wrongPin(s?.attemptsBeforeWipe ?? 0));
    else if (we?.code === 'wallet/backoff') setError(t().wallet.backoff);
    else if (we?.code === 'wallet/wiped') setError(t().wallet.wiped);
    else if (we?.code === 'wallet/needs-rebinding') setError(t().wallet.needsRebinding);
    else if (we?.code === 'wallet/locked') {
      // Locked while the holder was choosing: agree again.
      setChoices(undefined);
      setError(t().wallet.lockedNow);
    } else setError(passkeyProblem(e) ?? (e as Error).message);
  };

  const answerWith = async (cred: CredentialSummary) => {
    const w = await wallet();
    const stored = await w.getCredential(cred.id);
    const signer = await w.presentationSigner(cred.id);
    const p = await answerConsent(c, stored.bytes, signer.sign);
    await w.recordPresentation({ credentialId: cred.id, disclosed: [...p.disclosed], mode: 'web', verifier: c.origin.slice(0, 120) });
    send({ kind: 'response', bytes: p.bytes }, 'sent');
  };

  const share = async (how: 'pin' | 'passkey') => {
    setBusy(true);
    setError(undefined);
    try {
      const w = await wallet();
      // Consent is the PIN (or passkey) every time, even in an unlocked wallet: it is counted like any attempt.
      if (how === 'pin') await w.unlock(pin());
      else await ceremony.run((signal) => w.unlockWithPasskey({ signal }));
      setPin('');
      await refreshWalletStatus();
      const creds = await usable();
      if (creds.length === 0) setNoCredential(true);
      else if (creds.length === 1) await answerWith(creds[0]!);
      else {
        // Each card's own expiry tells an old card from a new one.
        const expiries = await Promise.all(creds.map(async (x) => cardExpiry((await w.getCredential(x.id)).bytes)));
        setChosen(creds[0]!.id);
        setChoices(creds.map((x, i) => ({ c: x, expires: expiries[i] })));
      }
    } catch (e) {
      await failed(e);
    } finally {
      setBusy(false);
    }
  };

  const shareChosen = async () => {
    const cred = choices()?.find((x) => x.c.id === chosen())?.c;
    if (!cred) return;
    setBusy(true);
    setError(undefined);
    try {
      await answerWith(cred);
    } catch (e) {
      await failed(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="panel consent" data-testid="consent">
      <p>{t().share.asking}</p>
      <p class="requester" data-testid="requester">
        <strong>{c.origin}</strong>
      </p>
      <p class="hint">{t().share.askingHint}</p>
      <Show when={c.purpose}>
        {(p) => (
          <p>
            {t().share.purpose} <q data-testid="purpose">{p()}</q>
          </p>
        )}
      </Show>
      <p>{t().share.wants}</p>
      <ul data-testid="consent-elements">
        <For each={c.elements}>{(id) => <li data-element={id}>{label(id)}</li>}</For>
      </ul>
      <p class="hint">{t().share.privacy}</p>
      <Show when={done()}>{(d) => <p role="status" data-testid="share-done">{d() === 'sent' ? t().share.sent : t().share.declined}</p>}</Show>
      <Switch>
        <Match when={walletStatus() && !walletStatus()!.initialised}>
          <p data-testid="share-no-wallet">{t().share.noWallet}</p>
          <button type="button" onClick={() => send({ kind: 'error', code: 'no-credential' }, 'declined')}>
            {t().share.tellSite}
          </button>
        </Match>
        <Match when={noCredential()}>
          <p data-testid="share-no-credential">{t().share.noCredential}</p>
          <button type="button" onClick={() => send({ kind: 'error', code: 'no-credential' }, 'declined')}>
            {t().share.tellSite}
          </button>
        </Match>
        <Match when={!done() && choices()}>
          {(list) => (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void shareChosen();
              }}
            >
              <fieldset data-testid="consent-pick">
                <legend>{t().share.pickTitle}</legend>
                <For each={list()}>
                  {({ c: x, expires }) => (
                    <label class="choice">
                      <input type="radio" name="credential" value={x.id} checked={chosen() === x.id} onChange={() => setChosen(x.id)} />
                      <span>
                        <strong>{x.meta.label}</strong> · {x.meta.issuer}
                        {expires ? ` · ${t().wallet.cardExpires} ${formatDate(Date.parse(expires))}` : ''}
                      </span>
                    </label>
                  )}
                </For>
              </fieldset>
              <div class="actions">
                <button type="submit" class="primary" disabled={busy()} data-testid="consent-pick-share">
                  {busy() ? t().share.working : t().share.pickShare}
                </button>
                <button type="button" disabled={busy()} onClick={() => send({ kind: 'error', code: 'declined' }, 'declined')}>
                  {t().share.decline}
                </button>
              </div>
            </form>
          )}
        </Match>
        <Match when={walletStatus()?.initialised && !done()}>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void share('pin');
            }}
          >
            <label class="field">
              <span>{t().share.pin}</span>
              <input type="password" inputmode="numeric" autocomplete="current-password" value={pin()} onInput={(e) => setPin(e.currentTarget.value)} data-testid="consent-pin" />
            </label>
            <div class="actions">
              <button type="submit" class="primary" disabled={busy() || pin().length === 0} data-testid="consent-share">
                {busy() ? t().share.working : t().share.share}
              </button>
              <Show when={walletStatus()?.passkeyEnabled}>
                <Show
                  when={ceremony.waiting()}
                  fallback={
                    <button type="button" disabled={busy()} onClick={() => void share('passkey')} data-testid="consent-passkey">
                      {t().share.passkey}
                    </button>
                  }
                >
                  <UsePinInstead onClick={ceremony.cancel} />
                </Show>
              </Show>
              <button type="button" disabled={busy()} onClick={() => send({ kind: 'error', code: 'declined' }, 'declined')} data-testid="consent-decline">
                {t().share.decline}
              </button>
            </div>
          </form>
        </Match>
      </Switch>
      <Show when={error()}>{(m) => <p class="error" role="alert">{m()}</p>}</Show>
    </div>
  );
}
