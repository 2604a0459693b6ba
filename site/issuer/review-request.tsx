/** Reviewing one enrolment request (data, photos, the applicant's face results) and issuing its credential. */
import { createResource, createSignal, For, lazy, Match, Show, Suspense, Switch } from 'solid-js';
import { issueCredential, signerOf, type EidData } from '../../engine/credential/index.ts';
import { needsReenrolment } from '../../engine/face/template-format.ts';
import { errorText, formatDate, formatDateTime, t } from '../i18n/i18n.ts';
import { download, fromBase64 } from '../lib/bytes.ts';
import { devicePoint, type EnrolmentRequest } from '../lib/enrolment-request.ts';
import { DisclosedData } from '../ui/report-view.tsx';
import { QrCode } from '../ui/qr-code.tsx';
import { issuedFor, recordIssued, reserveStatusIndex, statusUri, type Authority } from './desk-store.ts';
import { credentialFileName, credentialFrames } from './issued-credential.ts';

const YEAR = 365.25 * 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

// The desk's own face check (face engine, liveness, camera) is its own chunk, loaded only when the clerk asks.
const DeskFaceCheck = lazy(() => import('./desk-face-check.tsx'));

/** Which request a credential answers: the applicant's device public key (a credential is bound to exactly one). */
export function requestKeyOf(r: EnrolmentRequest): string {
  return `${String(r.device.jwk.x)}.${String(r.device.jwk.y)}`;
}

function jpegUrl(b64: string | undefined): string | undefined {
  return b64 ? URL.createObjectURL(new Blob([fromBase64(b64) as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' })) : undefined;
}

export function ReviewRequest(props: { authority: Authority; request: EnrolmentRequest; onDone: () => void; onCancel: () => void }) {
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
  // Issued before (this session or an earlier one): a second issue would make a second credential with another
  // status index, so the clerk is told and must confirm.
  const [earlier] = createResource(() => issuedFor(requestKeyOf(r())));
  const duplicate = () => (earlier() ?? []).length > 0 && !result();
  // A template an earlier face engine made (format 1) could never be compared by a verifier: no credential from it.
  const staleFace = () => !!face() && needsReenrolment(fromBase64(face()!.template));
  const [faceCheck, setFaceCheck] = createSignal(false);
  const cardPhoto = () => {
    const b64 = r().photos.front ?? r().photos.portrait;
    return b64 ? new Blob([fromBase64(b64) as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }) : undefined;
  };

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
        requestKey: requestKeyOf(r()),
        credential: bytes,
      });
      setResult({ bytes, frames: credentialFrames(bytes), name: p.document_number });
      props.onDone();
    } catch (e) {
      setError(errorText(e));
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
        <Show when={photos.portrait}>{(u) => <Photo src={u()} caption={t().issuer.photoPortrait} />}</Show>
        <Show when={photos.front}>{(u) => <Photo src={u()} caption={t().issuer.photoFront} />}</Show>
        <Show when={photos.back}>{(u) => <Photo src={u()} caption={t().issuer.photoBack} />}</Show>
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
                  <Show when={l().light}>
                    {(g) => {
                      const lt = g();
                      return (
                        <li class={lt.ran && !l().reasons.includes('light-mismatch') ? 'ok-text' : 'warn-text'} data-testid="request-light">
                          {lt.ran ? t().issuer.light(!l().reasons.includes('light-mismatch')) : ((t().face.notRun as Record<string, string>)[lt.why] ?? lt.why)}
                        </li>
                      );
                    }}
                  </Show>
                </>
              )}
            </Show>
            <li class="hint">{t().issuer.templateInfo(f().model, f().version)}</li>
          </ul>
        )}
      </Show>
      <Show when={staleFace()}>
        <p class="warn-text" role="alert" data-testid="request-reenrol">
          {t().issuer.reenrol} <a href="/enrol">{t().wallet.enrolAgain}</a>
        </p>
      </Show>
      <Show
        when={faceCheck()}
        fallback={
          <div class="actions">
            <button type="button" onClick={() => setFaceCheck(true)} data-testid="desk-check-face">
              {t().issuer.checkFaceNow}
            </button>
          </div>
        }
      >
        <Suspense fallback={<p role="status">{t().app.loading}</p>}>
          <DeskFaceCheck requestTemplate={face() ? fromBase64(face()!.template) : undefined} cardPhoto={cardPhoto()} />
        </Suspense>
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
          <Show when={duplicate()}>
            <div class="warn-box" role="alert" data-testid="already-issued">
              <p>
                <strong>{t().issuer.alreadyIssued}</strong>
              </p>
              <ul>
                <For each={earlier()}>{(e) => <li>{t().issuer.issuedOn(formatDate(e.issuedAt), e.index)} · {t().issuer.statusNames[e.status]}</li>}</For>
              </ul>
              <p>{t().issuer.alreadyIssuedText}</p>
            </div>
          </Show>
          <div class="actions">
            <button type="button" class="primary" disabled={busy() || earlier.loading || staleFace()} onClick={() => void issue()} data-testid="issue">
              {busy() ? t().issuer.working : duplicate() ? t().issuer.issueAgain : t().issuer.issue}
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
                  onClick={() => download(credentialFileName(res().name), res().bytes, 'application/cbor')}
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

/** A request photo with its caption (what it is), so the clerk and a screen reader both know which is which. */
function Photo(props: { src: string; caption: string }) {
  return (
    <figure>
      <img src={props.src} alt={props.caption} />
      <figcaption>{props.caption}</figcaption>
    </figure>
  );
}
