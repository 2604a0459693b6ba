import { createResource, createSignal, For, Match, Show, Switch } from 'solid-js';
import { issueCredential, QrAssembler, signerOf, toQrFrames, type EidData } from '../../engine/credential/index.ts';
import { formatDate, formatDateTime, t } from '../i18n/i18n.ts';
import { download, fromBase64, readFileBytes } from '../lib/bytes.ts';
import { devicePoint, openRequest, RequestError, type EnrolmentRequest } from '../lib/enrolment-request.ts';
import { BoxError, MIN_PASSPHRASE } from '../lib/passphrase-box.ts';
import {
  changeStatus,
  createAuthority,
  exportKeys,
  importKeys,
  listIssued,
  loadAuthority,
  publish,
  recordIssued,
  reserveStatusIndex,
  statusUri,
  type Authority,
  type IssuedRecord,
} from '../issuer/desk-store.ts';
import { DisclosedData } from '../ui/report-view.tsx';
import { PageHeading } from '../ui/page-heading.tsx';
import { QrCode } from '../ui/qr-code.tsx';
import { Scanner } from '../ui/scanner.tsx';

const YEAR = 365.25 * 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export default function Issuer() {
  const [authority, { mutate: setAuthority }] = createResource(loadAuthority);
  return (
    <section>
      <PageHeading title={t().issuer.title}>{t().issuer.title}</PageHeading>
      <p class="lead">{t().issuer.intro}</p>
      <Show when={authority.state === 'ready' || authority.state === 'errored'} fallback={<p role="status">{t().app.loading}</p>}>
        <Show when={authority()} fallback={<SetUpAuthority onReady={setAuthority} />}>
          {(a) => <Desk authority={a()} onReplaced={setAuthority} />}
        </Show>
      </Show>
    </section>
  );
}

function SetUpAuthority(props: { onReady: (a: Authority) => void }) {
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
            setError((err as Error).message);
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
      <ImportKeys onImported={props.onReady} />
    </>
  );
}

function ImportKeys(props: { onImported: (a: Authority) => void }) {
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

function Desk(props: { authority: Authority; onReplaced: (a: Authority) => void }) {
  const a = () => props.authority;
  const [issued, { refetch }] = createResource(listIssued);
  const [request, setRequest] = createSignal<EnrolmentRequest>();
  return (
    <>
      <div class="panel" data-testid="authority">
        <h2>{a().name}</h2>
        <p class="hint">{t().issuer.authoritySummary(a().id, a().country, formatDate(a().createdAt))}</p>
        <ExportKeys authority={a()} />
        <ImportKeys onImported={props.onReplaced} />
      </div>

      <h2>{t().issuer.requestTitle}</h2>
      <Show when={request()} keyed fallback={<LoadRequest onLoaded={setRequest} />}>
        {(r) => (
          <ReviewRequest
            authority={a()}
            request={r}
            onDone={() => {
              void refetch();
            }}
            onCancel={() => setRequest(undefined)}
          />
        )}
      </Show>

      <h2>{t().issuer.issuedTitle}</h2>
      <Show when={(issued() ?? []).length > 0} fallback={<p class="hint">{t().issuer.noneIssued}</p>}>
        <ul class="issued" data-testid="issued-list">
          <For each={issued()}>{(rec) => <IssuedRow record={rec} onChanged={() => void refetch()} />}</For>
        </ul>
      </Show>

      <Publish authority={a()} />
    </>
  );
}

function ExportKeys(props: { authority: Authority }) {
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

function LoadRequest(props: { onLoaded: (r: EnrolmentRequest) => void }) {
  const [error, setError] = createSignal<string>();
  const [progress, setProgress] = createSignal<{ received: number; total: number }>();
  const [scanning, setScanning] = createSignal(false);
  const assembler = new QrAssembler(4 * 1024 * 1024);
  const accept = async (bytes: Uint8Array) => {
    try {
      props.onLoaded(await openRequest(bytes));
    } catch (e) {
      setError(e instanceof RequestError ? t().issuer.requestErrors[e.code] : t().issuer.requestErrors['not-a-request']);
    }
  };
  return (
    <div class="panel">
      <p>{t().issuer.requestText}</p>
      <div class="actions">
        <label class="button file-button primary">
          {t().issuer.loadRequestFile}
          <input
            type="file"
            accept=".json,application/json"
            class="visually-hidden"
            data-testid="request-upload"
            onChange={async (e) => {
              const f = e.currentTarget.files?.[0];
              e.currentTarget.value = '';
              if (f) await accept(await readFileBytes(f));
            }}
          />
        </label>
        <button type="button" onClick={() => setScanning(!scanning())}>
          {t().issuer.scanRequest}
        </button>
      </div>
      <Show when={scanning()}>
        <Scanner
          autoStart
          label={t().issuer.scanRequest}
          onText={(text) => {
            try {
              const s = assembler.add(text);
              if (s.status === 'partial') setProgress({ received: s.received, total: s.total });
              else if (s.kind === 'R') void accept(s.bytes);
              else setError(t().issuer.requestErrors['not-a-request']);
            } catch {
              setError(t().issuer.requestErrors['not-a-request']);
            }
          }}
        >
          <Show when={progress()}>{(p) => <p role="status">{t().verify.frames(p().received, p().total)}</p>}</Show>
        </Scanner>
      </Show>
      <Show when={error()}>{(m) => <p class="error" role="alert">{m()}</p>}</Show>
    </div>
  );
}

function jpegUrl(b64: string | undefined): string | undefined {
  return b64 ? URL.createObjectURL(new Blob([fromBase64(b64) as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' })) : undefined;
}

function ReviewRequest(props: { authority: Authority; request: EnrolmentRequest; onDone: () => void; onCancel: () => void }) {
  const r = () => props.request;
  const today = Date.now();
  const [issueDate, setIssueDate] = createSignal(isoDay(today));
  const [expiryDate, setExpiryDate] = createSignal(isoDay(today + 10 * YEAR));
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const [result, setResult] = createSignal<{ bytes: Uint8Array; frames: string[]; name: string }>();
  const photos = { front: jpegUrl(r().photos.front), back: jpegUrl(r().photos.back), portrait: jpegUrl(r().photos.portrait) };
  const person = () => r().person;
  const face = () => r().face;

  const issue = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const a = props.authority;
      const p = person();
      const data: EidData = {
        family_name: p.family_name,
        given_name: p.given_name,
        birth_date: p.birth_date,
        ...(p.sex !== undefined ? { sex: p.sex } : {}),
        ...(p.nationality ? { nationality: p.nationality } : {}),
        ...(p.resident_address ? { resident_address: p.resident_address } : {}),
        document_number: p.document_number,
        issue_date: issueDate(),
        expiry_date: expiryDate(),
        issuing_authority: a.name,
        issuing_country: a.country,
        ...(r().photos.portrait ? { portrait: fromBase64(r().photos.portrait!) } : {}),
        ...(face() ? { biometric_template_face: { model: face()!.model, version: face()!.version, data: fromBase64(face()!.template) } } : {}),
      };
      const index = await reserveStatusIndex();
      const bytes = await issueCredential({
        data,
        devicePublicKey: devicePoint(r()),
        documentSigner: { certificate: a.ds.certificate, signer: signerOf(a.ds) },
        status: { uri: statusUri(a), index },
      });
      const now = Date.now();
      await recordIssued({
        index,
        documentNumber: p.document_number,
        name: `${p.family_name} ${p.given_name}`,
        issuedAt: now,
        validUntil: now + YEAR,
        status: 'valid',
      });
      setResult({ bytes, frames: toQrFrames(bytes, { kind: 'C', chunkBytes: 600 }), name: p.document_number });
      props.onDone();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="panel" data-testid="request-review">
      <p class="ok-text">{t().issuer.proofOk}</p>
      <DisclosedData
        elements={{
          family_name: person().family_name,
          given_name: person().given_name,
          birth_date: person().birth_date,
          ...(person().sex !== undefined ? { sex: person().sex } : {}),
          ...(person().nationality ? { nationality: person().nationality } : {}),
          ...(person().resident_address ? { resident_address: person().resident_address } : {}),
          document_number: person().document_number,
        }}
      />
      <p class="hint">{person().document_kind === 'prc-resident-id' ? t().issuer.kindPrc : t().issuer.kindOther}</p>
      <div class="photos">
        <Show when={photos.portrait}>{(u) => <img src={u()} alt={t().issuer.photoPortrait} />}</Show>
        <Show when={photos.front}>{(u) => <img src={u()} alt={t().issuer.photoFront} />}</Show>
        <Show when={photos.back}>{(u) => <img src={u()} alt={t().issuer.photoBack} />}</Show>
      </div>
      <Show when={face()} fallback={<p class="warn-text">{t().issuer.noFace}</p>}>
        {(f) => (
          <ul class="face-results" data-testid="request-face">
            <Show when={f().match}>
              {(m) => (
                <li classList={{ 'ok-text': m().match, 'warn-text': !m().match }}>
                  {t().issuer.matchResult(m().match, m().similarity.toFixed(3), m().threshold.toFixed(3))}
                </li>
              )}
            </Show>
            <Show when={f().liveness}>
              {(l) => (
                <>
                  <li classList={{ 'ok-text': l().live, 'warn-text': !l().live }}>{t().issuer.livenessResult(l().live, Math.round(l().confidence * 100))}</li>
                  <Show when={l().fixedChallenge}>{(a) => <li class="warn-text">{t().issuer.fixedChallenge(a().join(', '))}</li>}</Show>
                </>
              )}
            </Show>
            <li class="hint">{t().issuer.templateInfo(f().model, f().version)}</li>
          </ul>
        )}
      </Show>
      <p class="hint">{t().issuer.requestMade(formatDateTime(Date.parse(r().createdAt)))}</p>
      <Switch>
        <Match when={!result()}>
          <div class="two-col">
            <label class="field">
              <span>{t().issuer.issueDate}</span>
              <input type="date" value={issueDate()} onInput={(e) => setIssueDate(e.currentTarget.value)} />
            </label>
            <label class="field">
              <span>{t().issuer.expiryDate}</span>
              <input type="date" value={expiryDate()} onInput={(e) => setExpiryDate(e.currentTarget.value)} />
            </label>
          </div>
          <div class="actions">
            <button type="button" class="primary" disabled={busy()} onClick={() => void issue()} data-testid="issue">
              {busy() ? t().issuer.working : t().issuer.issue}
            </button>
            <button type="button" onClick={props.onCancel}>
              {t().issuer.discard}
            </button>
          </div>
          <Show when={error()}>{(m) => <p class="error" role="alert">{m()}</p>}</Show>
        </Match>
        <Match when={result()}>
          {(res) => (
            <div data-testid="issued-result">
              <h3>{t().issuer.issuedHeading}</h3>
              <p>{t().issuer.issuedText}</p>
              <QrCode frames={res().frames} label={t().issuer.credentialQrLabel} testId="credential-qr" intervalMs={400} />
              <div class="actions">
                <button
                  type="button"
                  class="primary"
                  data-testid="download-credential"
                  onClick={() => download(`${res().name}.eidkit-credential`, res().bytes, 'application/cbor')}
                >
                  {t().issuer.downloadCredential}
                </button>
                <button type="button" onClick={props.onCancel}>
                  {t().issuer.nextRequest}
                </button>
              </div>
            </div>
          )}
        </Match>
      </Switch>
    </div>
  );
}

function IssuedRow(props: { record: IssuedRecord; onChanged: () => void }) {
  const rec = () => props.record;
  return (
    <li class="issued-row" data-index={rec().index} data-status={rec().status}>
      <div>
        <strong>{rec().name}</strong> · {rec().documentNumber}
        <div class="hint">{t().issuer.issuedOn(formatDate(rec().issuedAt), rec().index)}</div>
      </div>
      <label>
        <span class="visually-hidden">{t().issuer.statusOf(rec().name)}</span>
        <select
          value={rec().status}
          data-testid={`status-${rec().index}`}
          onChange={async (e) => {
            await changeStatus(rec().index, e.currentTarget.value as IssuedRecord['status']);
            props.onChanged();
          }}
        >
          <option value="valid">{t().issuer.statusNames.valid}</option>
          <option value="suspended">{t().issuer.statusNames.suspended}</option>
          <option value="invalid">{t().issuer.statusNames.invalid}</option>
        </select>
      </label>
    </li>
  );
}

function Publish(props: { authority: Authority }) {
  const [busy, setBusy] = createSignal(false);
  const run = async (what: 'bundle' | 'trust' | 'status') => {
    setBusy(true);
    try {
      const out = await publish(props.authority);
      if (what === 'bundle') download('verifier-trust.json', JSON.stringify(out.bundle, null, 1), 'application/json');
      else if (what === 'trust') download(`${props.authority.id}-trust-list.cbor`, out.trustList, 'application/cbor');
      else download(`${props.authority.id}-status-list.cbor`, out.statusList, 'application/cbor');
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <h2>{t().issuer.publishTitle}</h2>
      <p>{t().issuer.publishText}</p>
      <div class="actions">
        <button type="button" class="primary" disabled={busy()} onClick={() => void run('bundle')} data-testid="export-trust">
          {t().issuer.exportBundle}
        </button>
        <button type="button" disabled={busy()} onClick={() => void run('trust')}>
          {t().issuer.exportTrustList}
        </button>
        <button type="button" disabled={busy()} onClick={() => void run('status')}>
          {t().issuer.exportStatusList}
        </button>
      </div>
    </>
  );
}
