/** The desk's register of issued credentials, and publishing the trust and status lists verifiers load. */
import { createSignal, Show } from 'solid-js';
import { anchorFingerprint, trustPackageFrames } from '../../engine/credential/index.ts';
import { formatDate, t } from '../i18n/i18n.ts';
import { download } from '../lib/bytes.ts';
import { QrCode } from '../ui/qr-code.tsx';
import { changeStatus, publish, type Authority, type IssuedRecord } from './desk-store.ts';
import { credentialFileName, credentialFrames } from './issued-credential.ts';

/**
 * One issued credential in the register: who, when, its status index, the file and QR again (kept across reloads, so a
 * clerk who reloaded can still hand it over), and its status (revoke or suspend it here, then publish).
 */
export function IssuedRow(props: { record: IssuedRecord; onChanged: () => void }) {
  const rec = () => props.record;
  const [qr, setQr] = createSignal(false);
  return (
    <li class="issued-row" data-index={rec().index} data-status={rec().status} data-testid="issued-row">
      <div>
        <strong>{rec().name}</strong> · {rec().documentNumber}
        <div class="hint">{t().issuer.issuedOn(formatDate(rec().issuedAt), rec().index)}</div>
      </div>
      <Show when={rec().credential} fallback={<p class="hint">{t().issuer.fileNotKept}</p>}>
        {(bytes) => (
          <>
            <div class="actions">
              <button
                type="button"
                data-testid={`download-${rec().index}`}
                aria-label={t().issuer.downloadFor(rec().name)}
                onClick={() => download(credentialFileName(rec().documentNumber), bytes(), 'application/cbor')}
              >
                {t().issuer.downloadAgain}
              </button>
              <button type="button" data-testid={`qr-${rec().index}`} aria-expanded={qr()} aria-label={t().issuer.qrFor(rec().name)} onClick={() => setQr(!qr())}>
                {qr() ? t().issuer.hideQr : t().issuer.showQr}
              </button>
            </div>
            <Show when={qr()}>
              <QrCode frames={credentialFrames(bytes())} label={t().issuer.credentialQrLabel} testId={`register-qr-${rec().index}`} intervalMs={400} />
            </Show>
          </>
        )}
      </Show>
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

export function Publish(props: { authority: Authority }) {
  const [busy, setBusy] = createSignal(false);
  const [trustQr, setTrustQr] = createSignal<{ frames: string[]; fingerprint: string } | undefined>();
  // The trust QR: the signed trust list and the current status list, for a verifier to scan (frames of kind "T").
  const showTrustQr = async () => {
    setBusy(true);
    try {
      const out = await publish(props.authority);
      const anchor = props.authority.trustKey.anchor;
      setTrustQr({ frames: trustPackageFrames({ anchor, trustList: out.trustList, statusLists: [out.statusList] }), fingerprint: await anchorFingerprint(anchor) });
    } finally {
      setBusy(false);
    }
  };
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
        <button type="button" disabled={busy()} onClick={() => (trustQr() ? setTrustQr(undefined) : void showTrustQr())} data-testid="show-trust-qr">
          {trustQr() ? t().issuer.hideTrustQr : t().issuer.showTrustQr}
        </button>
      </div>
      <Show when={trustQr()}>
        {(q) => (
          <div class="panel" data-testid="trust-qr">
            <h3>{t().issuer.trustQrTitle}</h3>
            <p class="hint">{t().issuer.trustQrText}</p>
            <QrCode frames={q().frames} label={t().issuer.trustQrLabel} testId="trust-qr-code" />
            <p>
              <strong data-testid="desk-fingerprint">{t().issuer.fingerprint(q().fingerprint)}</strong>
            </p>
          </div>
        )}
      </Show>
    </>
  );
}
