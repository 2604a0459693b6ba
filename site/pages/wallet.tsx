import { A } from '@solidjs/router';
import { createResource, createSignal, For, Match, onMount, Show, Suspense, Switch } from 'solid-js';
import { qrWorker } from '../lib/qr-scanner.ts';
import { checkPassphrase, MIN_PASSPHRASE_LENGTH, type CredentialSummary } from '../../engine/wallet/index.ts';
import { errorText, formatDate, formatDateTime, t } from '../i18n/i18n.ts';
import { download, readFileBytes } from '../lib/bytes.ts';
import { PageHeading } from '../ui/page-heading.tsx';
import { Scanner } from '../ui/scanner.tsx';
import { AddCredentialError, addCredentialBytes, cardExpiry } from '../wallet/add-credential.ts';
import { credentialNeedsReenrolment } from '../wallet/face-template.ts';
import { SetupPin, Unlock } from '../wallet/gate.tsx';
import { PasskeySettings } from '../wallet/passkey.tsx';
import { Present } from '../wallet/present.tsx';
import { refreshWalletStatus, wallet, walletErrorOf, walletRevision, walletStatus } from '../wallet/wallet-store.ts';

export default function Wallet() {
  onMount(() => void refreshWalletStatus().catch(() => undefined));
  return (
    <section>
      <PageHeading title={t().wallet.title}>{t().wallet.title}</PageHeading>
      <p class="lead">{t().wallet.intro}</p>
      <Switch fallback={<p role="status">{t().app.loading}</p>}>
        <Match when={walletStatus() && !walletStatus()!.initialised}>
          <Show when={walletStatus()!.wipedAt}>
            <p class="warn-text" role="alert">
              {t().wallet.wasWiped}
            </p>
          </Show>
          <SetupPin />
        </Match>
        <Match when={walletStatus() && !walletStatus()!.unlocked}>
          <Unlock />
        </Match>
        <Match when={walletStatus()?.unlocked}>
          {/* Its own boundary: a read still pending in the unlocked view when the wallet locks (the passkey capability
              query, a credential list) must not hold the layout's boundary, which would hide the lock screen. */}
          <Suspense fallback={<p role="status">{t().app.loading}</p>}>
            <Unlocked />
          </Suspense>
        </Match>
      </Switch>
      <p class="hint">
        <A href="/docs/lost-phone">{t().wallet.lostPhone}</A>
      </p>
    </section>
  );
}

/**
 * Reads from the wallet while it is unlocked; undefined once it is locked. Checked before the read and caught during
 * it: a lock (here, in another tab, or by the timer) can land while a read is under way, and must not throw into the
 * page (which would leave it on "Loading…").
 */
async function whileUnlocked<T>(read: (w: Awaited<ReturnType<typeof wallet>>) => Promise<T>): Promise<T | undefined> {
  const w = await wallet();
  if (!w.isUnlocked) return undefined;
  try {
    return await read(w);
  } catch (e) {
    if (walletErrorOf(e)?.code === 'wallet/locked') return undefined;
    throw e;
  }
}

function Unlocked() {
  // Locking bumps the revision too: nothing is read from a locked wallet (this view is on its way out).
  const [list] = createResource(walletRevision, () => whileUnlocked((w) => w.listCredentials()));
  // The card's own expiry (its expiry_date) is not the signature's: both are named, so they are never confused.
  const [expiries] = createResource(list, (l) =>
    whileUnlocked(async (w) => new Map(await Promise.all(l.items.map(async (c) => [c.id, cardExpiry((await w.getCredential(c.id)).bytes)] as const)))),
  );
  // Credentials whose face template an earlier face engine made: verifiers refuse them, so the holder enrols again.
  const [reenrol] = createResource(list, (l) =>
    whileUnlocked(async (w) => {
      const ids = new Set<string>();
      for (const c of l.items) if (credentialNeedsReenrolment((await w.getCredential(c.id)).bytes)) ids.add(c.id);
      return ids;
    }),
  );
  const [showing, setShowing] = createSignal<CredentialSummary>();
  return (
    <Show when={showing()} keyed fallback={
      <>
        <h2>{t().wallet.credentialsTitle}</h2>
        <Show when={(list()?.items.length ?? 0) > 0} fallback={<p data-testid="no-credentials">{t().wallet.empty}</p>}>
          <ul class="cards" data-testid="credentials">
            <For each={list()?.items}>
              {(c) => (
                <li class="card" data-testid="credential-card">
                  <strong>{c.meta.label}</strong>
                  <span class="hint">{c.meta.issuer}</span>
                  <dl class="card-dates">
                    <Show when={expiries()?.get(c.id)}>
                      {(d) => (
                        <div data-testid="card-expiry">
                          <dt>{t().wallet.cardExpires}</dt>
                          <dd>{formatDate(Date.parse(d()))}</dd>
                        </div>
                      )}
                    </Show>
                    <div data-testid="signature-valid-until">
                      <dt>{t().wallet.signatureValidUntil}</dt>
                      <dd>{formatDate(Date.parse(c.meta.validUntil))}</dd>
                    </div>
                  </dl>
                  <span class="hint">{t().wallet.datesHint}</span>
                  <Show when={c.needsRebinding}>
                    <span class="warn-text">{t().wallet.needsRebinding}</span>
                  </Show>
                  <Show when={reenrol()?.has(c.id)}>
                    <span class="warn-text" data-testid="needs-reenrolment">
                      {t().wallet.needsReenrolment} <A href="/enrol">{t().wallet.enrolAgain}</A>
                    </span>
                  </Show>
                  <button type="button" class="primary" onClick={() => setShowing(c)} disabled={c.needsRebinding} data-testid="show-qr">
                    {t().wallet.showQr}
                  </button>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <Show when={(list()?.damaged.length ?? 0) > 0}>
          <p class="error" role="alert">
            {t().wallet.damaged(list()!.damaged.length)}
          </p>
        </Show>
        <AddCredential />
        <History />
        <Backup />
        <Settings />
      </>
    }>
      {(c) => <Present credential={c} onClose={() => setShowing(undefined)} />}
    </Show>
  );
}

function AddCredential() {
  const [message, setMessage] = createSignal<{ ok: boolean; text: string }>();
  const [scanning, setScanning] = createSignal(false);
  const [progress, setProgress] = createSignal<{ received: number; total: number }>();
  // Assembled (inflate included) in the QR worker: a hostile code costs the worker, never the wallet's page.
  const channel = { name: 'wallet-add', maxBytes: 4 * 1024 * 1024 };
  const add = async (bytes: Uint8Array) => {
    try {
      const c = await addCredentialBytes(bytes);
      setScanning(false);
      setMessage({ ok: true, text: t().wallet.added(c.meta.label) });
    } catch (e) {
      setMessage({ ok: false, text: e instanceof AddCredentialError ? t().wallet.addErrors[e.code] : errorText(e) });
    }
  };
  return (
    <details class="panel">
      <summary>{t().wallet.addTitle}</summary>
      <p class="hint">{t().wallet.addText}</p>
      <div class="actions">
        <label class="button file-button">
          {t().wallet.addFile}
          <input
            type="file"
            class="visually-hidden"
            data-testid="credential-upload"
            onChange={async (e) => {
              const f = e.currentTarget.files?.[0];
              e.currentTarget.value = '';
              if (f) await add(await readFileBytes(f));
            }}
          />
        </label>
        <button type="button" onClick={() => setScanning(!scanning())}>
          {t().wallet.addScan}
        </button>
      </div>
      <Show when={scanning()}>
        <Scanner
          autoStart
          label={t().wallet.addScan}
          onText={async (text) => {
            const res = await qrWorker().assemble(text, channel);
            if (!res.ok) return void setMessage({ ok: false, text: t().wallet.addErrors['not-a-credential'] });
            const s = res.state;
            if (s.status === 'partial') setProgress({ received: s.received, total: s.total });
            else if (s.kind === 'C') void add(s.bytes);
          }}
        >
          <Show when={progress()}>{(p) => <p role="status">{t().verify.frames(p().received, p().total)}</p>}</Show>
        </Scanner>
      </Show>
      <Show when={message()}>{(m) => <p role="status" classList={{ error: !m().ok, 'ok-text': m().ok }}>{m().text}</p>}</Show>
    </details>
  );
}

function History() {
  const [log] = createResource(walletRevision, () => whileUnlocked((w) => w.auditLog()));
  return (
    <details class="panel">
      <summary>{t().wallet.historyTitle}</summary>
      <p class="hint">{t().wallet.historyText}</p>
      <Show when={(log()?.items.length ?? 0) > 0} fallback={<p>{t().wallet.historyEmpty}</p>}>
        <ul class="history" data-testid="history">
          <For each={log()?.items.slice().reverse()}>
            {(e) => (
              <li>
                {formatDateTime(Date.parse(e.at))} · {e.mode === 'web' ? t().wallet.modeWeb(e.verifier ?? '') : e.mode === 'two-way' ? t().wallet.modeTwoWay : t().wallet.modeOneWay} ·{' '}
                {e.disclosed.map((d) => (Object.hasOwn(t().report.elements, d) ? (t().report.elements as Record<string, string>)[d] : d)).join(', ')}
              </li>
            )}
          </For>
        </ul>
      </Show>
    </details>
  );
}

function Backup() {
  const [pass, setPass] = createSignal('');
  const [file, setFile] = createSignal<File>();
  const [restorePass, setRestorePass] = createSignal('');
  const [message, setMessage] = createSignal<{ ok: boolean; text: string }>();
  return (
    <details class="panel">
      <summary>{t().wallet.backupTitle}</summary>
      <p class="hint">{t().wallet.backupText}</p>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            checkPassphrase(pass());
          } catch {
            return setMessage({ ok: false, text: t().wallet.passphraseWeak(MIN_PASSPHRASE_LENGTH) });
          }
          const out = await (await wallet()).exportBackup(pass());
          download(`eidkit-wallet-backup-${new Date().toISOString().slice(0, 10)}.eidkit-backup`, out.file);
          setMessage({ ok: true, text: t().wallet.backupDone(out.credentialIds.length) });
        }}
      >
        <label class="field">
          <span>{t().wallet.backupPassphrase}</span>
          <input type="password" autocomplete="new-password" value={pass()} onInput={(e) => setPass(e.currentTarget.value)} />
        </label>
        <button type="submit">{t().wallet.backupExport}</button>
      </form>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const f = file();
          if (!f) return;
          try {
            const r = await (await wallet()).importBackup(await readFileBytes(f), restorePass());
            setMessage({ ok: true, text: t().wallet.restored(r.restored.length, r.skipped.length) });
          } catch (err) {
            const code = walletErrorOf(err)?.code;
            setMessage({ ok: false, text: code === 'wallet/wrong-passphrase' ? t().wallet.wrongPassphrase : t().wallet.badBackup });
          }
        }}
      >
        <label class="field">
          <span>{t().wallet.backupFile}</span>
          <input type="file" onChange={(e) => setFile(e.currentTarget.files?.[0])} />
        </label>
        <label class="field">
          <span>{t().wallet.backupPassphrase}</span>
          <input type="password" autocomplete="current-password" value={restorePass()} onInput={(e) => setRestorePass(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={!file()}>
          {t().wallet.backupImport}
        </button>
      </form>
      <Show when={message()}>{(m) => <p role="status" classList={{ error: !m().ok }}>{m().text}</p>}</Show>
    </details>
  );
}

function Settings() {
  const [confirmWipe, setConfirmWipe] = createSignal(false);
  return (
    <details class="panel">
      <summary>{t().wallet.settingsTitle}</summary>
      <AutoLock />
      <p class="hint">{t().wallet.wipeRule(walletStatus()?.maxFailures ?? 10)}</p>
      <PasskeySettings />
      <div class="actions">
        <button
          type="button"
          onClick={async () => {
            (await wallet()).lock();
            await refreshWalletStatus();
          }}
          data-testid="lock"
        >
          {t().wallet.lockNow}
        </button>
        <Show
          when={confirmWipe()}
          fallback={
            <button type="button" class="danger" onClick={() => setConfirmWipe(true)}>
              {t().wallet.wipe}
            </button>
          }
        >
          <button
            type="button"
            class="danger"
            onClick={async () => {
              await (await wallet()).wipe();
              await refreshWalletStatus();
            }}
          >
            {t().wallet.wipeConfirm}
          </button>
        </Show>
      </div>
    </details>
  );
}

/** Choices for locking after inactivity; the wallet also locks whenever the app is left. */
const AUTO_LOCK_MINUTES = [1, 2, 5, 10, 30] as const;

function AutoLock() {
  const [saved, setSaved] = createSignal(false);
  const minutes = () => Math.round((walletStatus()?.autoLockMs ?? 0) / 60_000);
  return (
    <>
      <label class="field">
        <span>{t().wallet.autoLockLabel}</span>
        <select
          value={String(minutes())}
          data-testid="auto-lock"
          onChange={async (e) => {
            const chosen = Number(e.currentTarget.value); // read now: currentTarget is gone after the first await
            setSaved(false);
            await (await wallet()).updateSettings({ autoLockMs: chosen * 60_000 });
            await refreshWalletStatus();
            setSaved(true);
          }}
        >
          <For each={[...new Set([...AUTO_LOCK_MINUTES, minutes()])].filter((m) => m > 0).sort((a, b) => a - b)}>
            {(m) => <option value={String(m)}>{t().wallet.minutes(m)}</option>}
          </For>
        </select>
      </label>
      <p class="hint" role="status" data-testid="auto-lock-text">
        {t().wallet.autoLock(minutes())}
        <Show when={saved()}> {t().wallet.saved}</Show>
      </p>
    </>
  );
}
