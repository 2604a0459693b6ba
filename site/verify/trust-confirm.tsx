import { Dynamic } from 'solid-js/web';
import { t } from '../i18n/i18n.ts';

/**
 * "Trust this key?": whose it is, what it lists and its fingerprint, before a scanned trust list or a loaded VICAL
 * counts. Used by the verify page (a desk's trust QR) and the trust panel (a VICAL file).
 */
export function TrustConfirm(props: {
  readonly id: string;
  readonly level: 'h2' | 'h3';
  readonly title: string;
  readonly text: string;
  readonly fingerprint: string;
  readonly hint: string;
  /** Test ids: `${testId}` for the box, `${prefix}-fingerprint`, `${prefix}-accept`, `${prefix}-reject`. */
  readonly testId: string;
  readonly prefix: string;
  readonly onAccept: () => void;
  readonly onReject: () => void;
}) {
  return (
    <div class="panel trust-confirm" role="dialog" aria-labelledby={props.id} data-testid={props.testId}>
      <Dynamic component={props.level} id={props.id}>
        {props.title}
      </Dynamic>
      <p>{props.text}</p>
      <p>
        <strong data-testid={`${props.prefix}-fingerprint`}>{t().trust.fingerprint(props.fingerprint)}</strong>
      </p>
      <p class="hint">{props.hint}</p>
      <div class="actions">
        <button type="button" class="primary" data-testid={`${props.prefix}-accept`} onClick={() => props.onAccept()}>
          {t().trust.accept}
        </button>
        <button type="button" data-testid={`${props.prefix}-reject`} onClick={() => props.onReject()}>
          {t().trust.reject}
        </button>
      </div>
    </div>
  );
}
