import { A } from '@solidjs/router';
import { createSignal, For, lazy, Match, onMount, Show, Suspense, Switch } from 'solid-js';
import { toQrFrames } from '../../engine/credential/index.ts';
import { errorText, t } from '../i18n/i18n.ts';
import { download } from '../lib/bytes.ts';
import { REQUEST_TYPE, signRequest, type EnrolmentRequest, type EnrolmentRequestBody, type RequestFace, type RequestPerson } from '../lib/enrolment-request.ts';
import { fixedChallenge } from '../lib/dev-settings.ts';
import { checkPrcId, normalisePrcId, type PrcIdProblem } from '../lib/prc-id.ts';
import { PageHeading } from '../ui/page-heading.tsx';
import { QrCode } from '../ui/qr-code.tsx';
import { SetupPin, Unlock } from '../wallet/gate.tsx';
import { wallet, walletStatus, refreshWalletStatus } from '../wallet/wallet-store.ts';
import type { EnrolPhotos, FaceOutcome } from '../enrol/face-step.tsx';

// Photos and the face step bring the face engine: their own chunk, loaded when the citizen gets there.
const PhotosStep = lazy(() => import('../enrol/face-step.tsx').then((m) => ({ default: m.PhotosStep })));
const FaceStep = lazy(() => import('../enrol/face-step.tsx').then((m) => ({ default: m.FaceStep })));

type Step = 'details' | 'photos' | 'face' | 'request';
const STEPS: readonly Step[] = ['details', 'photos', 'face', 'request'];

export default function Enrol() {
  const [step, setStep] = createSignal<Step>('details');
  const [person, setPerson] = createSignal<RequestPerson>();
  const [photos, setPhotos] = createSignal<EnrolPhotos>();
  const [face, setFace] = createSignal<FaceOutcome>();
  return (
    <section>
      <PageHeading title={t().enrol.title}>{t().enrol.title}</PageHeading>
      <p class="lead">{t().enrol.intro}</p>
      <ol class="stepper" aria-label={t().enrol.stepsLabel}>
        <For each={STEPS}>
          {(s, i) => (
            <li classList={{ current: step() === s, done: STEPS.indexOf(step()) > i() }} aria-current={step() === s ? 'step' : undefined}>
              {t().enrol.steps[s]}
            </li>
          )}
        </For>
      </ol>
      <Suspense fallback={<p role="status">{t().app.loading}</p>}>
        <Switch>
          <Match when={step() === 'details'}>
            <DetailsStep
              initial={person()}
              onDone={(p) => {
                setPerson(p);
                setStep('photos');
              }}
            />
          </Match>
          <Match when={step() === 'photos'}>
            <PhotosStep
              onBack={() => setStep('details')}
              onDone={(p) => {
                setPhotos(p);
                setStep('face');
              }}
            />
          </Match>
          <Match when={step() === 'face' && photos()}>
            {(p) => (
              <FaceStep
                photos={p()}
                onBack={() => setStep('photos')}
                onDone={(f) => {
                  setFace(f);
                  setStep('request');
                }}
              />
            )}
          </Match>
          <Match when={step() === 'request' && person() && photos()}>
            <RequestStep person={person()!} photos={photos()!} face={face()} />
          </Match>
        </Switch>
      </Suspense>
    </section>
  );
}

interface FieldErrors {
  family_name?: string;
  given_name?: string;
  birth_date?: string;
  document_number?: string;
  nationality?: string;
}

function DetailsStep(props: { initial: RequestPerson | undefined; onDone: (p: RequestPerson) => void }) {
  const i = props.initial;
  const [kind, setKind] = createSignal<RequestPerson['document_kind']>(i?.document_kind ?? 'prc-resident-id');
  const [family, setFamily] = createSignal(i?.family_name ?? '');
  const [given, setGiven] = createSignal(i?.given_name ?? '');
  const [birth, setBirth] = createSignal(i?.birth_date ?? '');
  const [sex, setSex] = createSignal<string>(i?.sex !== undefined ? String(i.sex) : '');
  const [nationality, setNationality] = createSignal(i?.nationality ?? 'CN');
  const [address, setAddress] = createSignal(i?.resident_address ?? '');
  const [number, setNumber] = createSignal(i?.document_number ?? '');
  const [errors, setErrors] = createSignal<FieldErrors>({});

  const validate = (): FieldErrors => {
    const e: FieldErrors = {};
    if (!family().trim()) e.family_name = t().enrol.errors.required;
    if (!given().trim()) e.given_name = t().enrol.errors.required;
    const b = birth();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(b) || Number.isNaN(Date.parse(b)) || Date.parse(b) > Date.now()) e.birth_date = t().enrol.errors.birthDate;
    if (!/^[A-Z]{2}$/.test(nationality())) e.nationality = t().enrol.errors.country;
    if (kind() === 'prc-resident-id') {
      const problems = checkPrcId(number(), e.birth_date ? undefined : b, sex() === '1' || sex() === '2' ? Number(sex()) : undefined);
      if (problems.length) e.document_number = problems.map((p: PrcIdProblem) => t().enrol.prcErrors[p]).join(' ');
    } else if (!/^[A-Z0-9<-]{4,30}$/i.test(number().trim())) {
      e.document_number = t().enrol.errors.documentNumber;
    }
    return e;
  };

  const field = (name: keyof FieldErrors) => ({
    'aria-invalid': errors()[name] ? ('true' as const) : ('false' as const),
    'aria-describedby': errors()[name] ? `${name}-error` : undefined,
  });
  const errorOf = (name: keyof FieldErrors) => (
    <Show when={errors()[name]}>
      {(m) => (
        <span id={`${name}-error`} class="error">
          {m()}
        </span>
      )}
    </Show>
  );

  return (
    <form
      novalidate
      data-testid="details-form"
      onSubmit={(ev) => {
        ev.preventDefault();
        const e = validate();
        setErrors(e);
        const first = Object.keys(e)[0];
        if (first) {
          document.getElementById(`field-${first}`)?.focus();
          return;
        }
        props.onDone({
          family_name: family().trim(),
          given_name: given().trim(),
          birth_date: birth(),
          ...(sex() ? { sex: Number(sex()) as 0 | 1 | 2 | 9 } : {}),
          nationality: nationality(),
          ...(address().trim() ? { resident_address: address().trim() } : {}),
          document_kind: kind(),
          document_number: kind() === 'prc-resident-id' ? normalisePrcId(number()) : number().trim().toUpperCase(),
        });
      }}
    >
      <h2>{t().enrol.steps.details}</h2>
      <fieldset>
        <legend>{t().enrol.documentKind}</legend>
        <label class="choice">
          <input type="radio" name="kind" checked={kind() === 'prc-resident-id'} onChange={() => setKind('prc-resident-id')} />
          <span>{t().enrol.kindPrc}</span>
        </label>
        <label class="choice">
          <input type="radio" name="kind" checked={kind() === 'other'} onChange={() => setKind('other')} data-testid="kind-other" />
          <span>{t().enrol.kindOther}</span>
        </label>
      </fieldset>
      <label class="field">
        <span>{t().enrol.familyName}</span>
        <input id="field-family_name" value={family()} onInput={(e) => setFamily(e.currentTarget.value)} autocomplete="family-name" {...field('family_name')} data-testid="family-name" />
        {errorOf('family_name')}
      </label>
      <label class="field">
        <span>{t().enrol.givenName}</span>
        <input id="field-given_name" value={given()} onInput={(e) => setGiven(e.currentTarget.value)} autocomplete="given-name" {...field('given_name')} data-testid="given-name" />
        {errorOf('given_name')}
      </label>
      <label class="field">
        <span>{t().enrol.birthDate}</span>
        <input id="field-birth_date" type="date" value={birth()} onInput={(e) => setBirth(e.currentTarget.value)} autocomplete="bday" {...field('birth_date')} data-testid="birth-date" />
        {errorOf('birth_date')}
      </label>
      <label class="field">
        <span>{t().enrol.sex}</span>
        <select value={sex()} onChange={(e) => setSex(e.currentTarget.value)} data-testid="sex">
          <option value="">{t().enrol.sexUnset}</option>
          <option value="2">{t().report.sex['2']}</option>
          <option value="1">{t().report.sex['1']}</option>
          <option value="9">{t().report.sex['9']}</option>
        </select>
      </label>
      <label class="field">
        <span>{kind() === 'prc-resident-id' ? t().enrol.prcNumber : t().enrol.documentNumber}</span>
        <input
          id="field-document_number"
          value={number()}
          onInput={(e) => setNumber(e.currentTarget.value)}
          autocomplete="off"
          spellcheck={false}
          inputmode={kind() === 'prc-resident-id' ? 'text' : undefined}
          maxlength={kind() === 'prc-resident-id' ? 21 : 30}
          {...field('document_number')}
          data-testid="document-number"
        />
        <Show when={kind() === 'prc-resident-id' && !errors().document_number}>
          <span class="hint">{t().enrol.prcHint}</span>
        </Show>
        {errorOf('document_number')}
      </label>
      <label class="field">
        <span>{t().enrol.nationality}</span>
        <input id="field-nationality" value={nationality()} onInput={(e) => setNationality(e.currentTarget.value.toUpperCase())} maxlength="2" {...field('nationality')} />
        {errorOf('nationality')}
      </label>
      <label class="field">
        <span>{t().enrol.address}</span>
        <input value={address()} onInput={(e) => setAddress(e.currentTarget.value)} autocomplete="street-address" />
      </label>
      <div class="actions">
        <button type="submit" class="primary" data-testid="details-next">
          {t().enrol.next}
        </button>
      </div>
    </form>
  );
}

/** What the desk is told about the light check: it ran (its outcome is in the reasons), or why it did not. */
function lightOf(d: FaceOutcome['decision']): { light?: { ran: true } | { ran: false; why: string } } {
  const notRun = d.notRun?.find((n) => n.check === 'light');
  if (notRun) return { light: { ran: false, why: notRun.why } };
  return d.scores.light !== undefined ? { light: { ran: true } } : {};
}

function RequestStep(props: { person: RequestPerson; photos: EnrolPhotos; face: FaceOutcome | undefined }) {
  const [request, setRequest] = createSignal<EnrolmentRequest>();
  const [qrRequest, setQrRequest] = createSignal<string[]>();
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  onMount(() => void refreshWalletStatus());
  const b64 = (b: Uint8Array) => {
    let s = '';
    for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
    return btoa(s);
  };
  const make = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const w = await wallet();
      const key = await w.createDeviceKey();
      const signer = await w.enrolmentSigner(key.keyId);
      const f = props.face;
      const face: RequestFace | undefined = f
        ? {
            model: f.model,
            version: f.version,
            template: b64(f.template),
            ...(f.match ? { match: { similarity: f.match.similarity, match: f.match.match, threshold: f.match.threshold } } : {}),
            liveness: {
              live: f.decision.live,
              confidence: f.decision.confidence,
              reasons: f.decision.reasons.map((r) => r.code),
              ...(fixedChallenge() ? { fixedChallenge: [...fixedChallenge()!] } : {}),
              ...lightOf(f.decision),
            },
          }
        : undefined;
      const base = {
        type: REQUEST_TYPE as typeof REQUEST_TYPE,
        version: 1 as const,
        createdAt: new Date().toISOString(),
        person: props.person,
        ...(face ? { face } : {}),
        device: { keyId: key.keyId, jwk: signer.publicKey.jwk },
      };
      const full: EnrolmentRequestBody = {
        ...base,
        photos: {
          front: b64(props.photos.front),
          ...(props.photos.back ? { back: b64(props.photos.back) } : {}),
          ...(props.photos.portrait ? { portrait: b64(props.photos.portrait) } : {}),
        },
      };
      // The QR version leaves the card photos out (they would take hundreds of frames); the file carries them.
      const compact: EnrolmentRequestBody = { ...base, photos: props.photos.portrait ? { portrait: b64(props.photos.portrait) } : {} };
      setRequest(await signRequest(full, signer.sign));
      const qr = await signRequest(compact, signer.sign);
      setQrRequest(toQrFrames(new TextEncoder().encode(JSON.stringify(qr)), { kind: 'R', chunkBytes: 600 }));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div data-testid="request-step">
      <h2>{t().enrol.steps.request}</h2>
      <Switch>
        <Match when={request()}>
          {(r) => (
            <div data-testid="request-ready">
              <p class="ok-text">{t().enrol.requestReady}</p>
              <div class="actions">
                <button
                  type="button"
                  class="primary"
                  data-testid="download-request"
                  onClick={() => download(`eidkit-request-${r().person.document_number}.json`, JSON.stringify(r()), 'application/json')}
                >
                  {t().enrol.downloadRequest}
                </button>
              </div>
              <Show when={qrRequest()}>
                {(frames) => (
                  <details class="panel">
                    <summary>{t().enrol.showRequestQr}</summary>
                    <p class="hint">{t().enrol.requestQrHint}</p>
                    <QrCode frames={frames()} label={t().enrol.requestQrLabel} testId="request-qr" intervalMs={350} />
                  </details>
                )}
              </Show>
              <p>{t().enrol.nextAtDesk}</p>
              <p>
                <A href="/wallet">{t().enrol.toWallet}</A>
              </p>
            </div>
          )}
        </Match>
        <Match when={walletStatus() && !walletStatus()!.initialised}>
          <p>{t().enrol.needWallet}</p>
          <SetupPin />
        </Match>
        <Match when={walletStatus() && !walletStatus()!.unlocked}>
          <p>{t().enrol.needUnlock}</p>
          <Unlock />
        </Match>
        <Match when={walletStatus()?.unlocked}>
          <p>{t().enrol.keyText}</p>
          <button type="button" class="primary" disabled={busy()} onClick={() => void make()} data-testid="make-request">
            {busy() ? t().wallet.working : t().enrol.makeRequest}
          </button>
          <Show when={error()}>{(m) => <p class="error" role="alert">{m()}</p>}</Show>
        </Match>
        <Match when={!walletStatus()}>
          <p role="status">{t().app.loading}</p>
        </Match>
      </Switch>
    </div>
  );
}
