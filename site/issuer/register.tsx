/** The desk's register of issued credentials, and publishing the trust and status lists verifiers load. */
import { createSignal } from 'solid-js';
import { formatDate, t } from '../i18n/i18n.ts';
import { download } from '../lib/bytes.ts';
import { changeStatus, publish, type Authority, type IssuedRecord } from './desk-store.ts';

export function IssuedRow(props: { record: IssuedRecord; onChanged: () => void }) {
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

export function Publish(props: { authority: Authority }) {
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
