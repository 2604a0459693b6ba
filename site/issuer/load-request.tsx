/** Loading an enrolment request at the desk: from a file or by scanning the applicant's animated QR code. */
import { createSignal, Show } from 'solid-js';
import { t } from '../i18n/i18n.ts';
import { readFileBytes } from '../lib/bytes.ts';
import { openRequest, RequestError, type EnrolmentRequest } from '../lib/enrolment-request.ts';
import { qrWorker } from '../lib/qr-scanner.ts';
import { Scanner } from '../ui/scanner.tsx';

export function LoadRequest(props: { onLoaded: (r: EnrolmentRequest) => void }) {
  const [error, setError] = createSignal<string>();
  const [progress, setProgress] = createSignal<{ received: number; total: number }>();
  const [scanning, setScanning] = createSignal(false);
  // Assembled (inflate included) in the QR worker: a hostile code costs the worker, never the desk's page.
  const channel = { name: 'desk-request', maxBytes: 4 * 1024 * 1024 };
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
          onText={async (text) => {
            const res = await qrWorker().assemble(text, channel);
            if (!res.ok) return void setError(t().issuer.requestErrors['not-a-request']);
            const s = res.state;
            if (s.status === 'partial') setProgress({ received: s.received, total: s.total });
            else if (s.kind === 'R') void accept(s.bytes);
            else setError(t().issuer.requestErrors['not-a-request']);
          }}
        >
          <Show when={progress()}>{(p) => <p role="status">{t().verify.frames(p().received, p().total)}</p>}</Show>
        </Scanner>
      </Show>
      <Show when={error()}>{(m) => <p class="error" role="alert">{m()}</p>}</Show>
    </div>
  );
}
