import { createMemo, For, onCleanup, Show, type JSX } from 'solid-js';
import { CHECK_CATEGORIES, ELEMENT_ORDER, type Check, type VerificationReport } from '../../engine/credential/index.ts';
import { codeText, formatDateTime, t } from '../i18n/i18n.ts';

const OUTCOME_ICON: Readonly<Record<Check['outcome'], string>> = { pass: '✓', fail: '✕', warn: '!', skip: '–' };

/** The check's name in plain words (falls back to its stable id). */
function checkTitle(check: Check): string {
  const titles = t().report.checks as Readonly<Record<string, string>>;
  return Object.hasOwn(titles, check.check) ? titles[check.check]! : check.check;
}

/** Why, in plain words: the stable code's explanation in the reader's language, else the engine's English message. */
function reason(check: Check): { text: string; lang?: string } {
  if (check.outcome === 'pass') {
    const notes = t().report.passNotes as Readonly<Record<string, string>>;
    return { text: Object.hasOwn(notes, check.check) ? notes[check.check]! : t().report.passed };
  }
  const known = codeText(check.code);
  return known ? { text: known } : { text: check.message, lang: 'en' };
}

export function ElementValue(props: { id: string; value: unknown }) {
  const v = () => props.value;
  if (props.id === 'portrait' && v() instanceof Uint8Array) {
    const url = URL.createObjectURL(new Blob([v() as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }));
    onCleanup(() => URL.revokeObjectURL(url));
    return <img class="portrait" src={url} alt={t().report.elements.portrait} />;
  }
  if (props.id === 'biometric_template_face' && typeof v() === 'object' && v() !== null) {
    const tpl = v() as { model?: unknown; version?: unknown; data?: unknown };
    const size = tpl.data instanceof Uint8Array ? tpl.data.length : 0;
    return <span>{t().report.template(String(tpl.model ?? '?'), String(tpl.version ?? '?'), size)}</span>;
  }
  if (typeof v() === 'boolean') return <span>{v() ? t().report.yes : t().report.no}</span>;
  if (props.id === 'sex' && typeof v() === 'number') {
    const sexes = t().report.sex as Readonly<Record<string, string>>;
    return <span>{Object.hasOwn(sexes, String(v())) ? sexes[String(v())] : String(v())}</span>;
  }
  return <span>{String(v())}</span>;
}

export function DisclosedData(props: { elements: Readonly<Record<string, unknown>>; testId?: string }) {
  const ids = createMemo(() => {
    const present = Object.keys(props.elements);
    return [...ELEMENT_ORDER.filter((k) => present.includes(k)), ...present.filter((k) => !ELEMENT_ORDER.includes(k)).sort()];
  });
  // Element ids come from the credential: only the table's own keys are labels ("constructor" is not one).
  const labels = (): Readonly<Record<string, string>> => t().report.elements as Readonly<Record<string, string>>;
  const label = (id: string) => (Object.hasOwn(labels(), id) ? labels()[id]! : id.replace(/^age_over_(\d+)$/, (_m, n) => t().report.ageOver(Number(n))));
  return (
    <dl class="elements" data-testid={props.testId ?? 'disclosed'}>
      <For each={ids()}>
        {(id) => (
          <div class="element" data-element={id}>
            <dt>{label(id)}</dt>
            <dd>
              <ElementValue id={id} value={props.elements[id]} />
            </dd>
          </div>
        )}
      </For>
    </dl>
  );
}

/** Pictures and templates are not "key data": they go under the details. */
const MEDIA = new Set(['portrait', 'biometric_template_face']);
const pick = (elements: Readonly<Record<string, unknown>>, media: boolean): Record<string, unknown> => {
  const out = Object.create(null) as Record<string, unknown>;
  for (const k of Object.keys(elements)) if (MEDIA.has(k) === media) out[k] = elements[k];
  return out;
};

/**
 * The verification report in plain words, answer first: the verdict (and "demo issuer" when it applies), who issued
 * it, the holder's photo-free key data, then `children` (the face-check button); every check, the portrait and the
 * template fold under "details". An invalid report has no data to show.
 */
export function ReportView(props: { report: VerificationReport; children?: JSX.Element }) {
  const r = () => props.report;
  const counts = createMemo(() => {
    const c = { pass: 0, fail: 0, warn: 0, skip: 0 };
    for (const x of r().checks) c[x.outcome]++;
    return c;
  });
  const demo = () => r().issuer?.demo === true;
  const shown = () => (r().verdict === 'invalid' ? {} : r().elements);
  const keyData = createMemo(() => pick(shown(), false));
  const media = createMemo(() => pick(shown(), true));
  return (
    <section class="report" aria-labelledby="verdict-title" data-testid="report" data-verdict={r().verdict} data-demo={demo() ? '' : undefined}>
      <div class={`verdict verdict-${r().verdict}`} role="alert">
        <span class="verdict-icon" aria-hidden="true">
          {r().verdict === 'valid' ? '✓' : r().verdict === 'warning' ? '!' : '✕'}
        </span>
        <div>
          <h2 id="verdict-title">{r().verdict === 'valid' && demo() ? t().report.verdictDemo : t().report.verdict[r().verdict]}</h2>
          <Show when={demo()}>
            <p class="demo-badge" data-testid="demo-issuer">
              <strong>{t().report.demoIssuer}</strong>
            </p>
          </Show>
          <p>{t().report.verdictText[r().verdict]}</p>
        </div>
      </div>
      <Show when={r().issuer}>
        {(issuer) => (
          <p class="issuer-line">
            {t().report.issuedBy(issuer().name, issuer().country)}
            <Show when={demo()}> · {t().report.demoIssuer}</Show>
            <Show when={r().presentedAt}>{(at) => <> · {t().report.presentedAt(formatDateTime(at()))}</>}</Show>
          </p>
        )}
      </Show>
      <Show when={Object.keys(keyData()).length > 0}>
        <h3>{t().report.keyData}</h3>
        <DisclosedData elements={keyData()} />
      </Show>
      {props.children}
      <details class="report-details" data-testid="report-details">
        <summary>
          {t().report.details} — {t().report.counts(counts().pass, counts().warn, counts().fail)}
        </summary>
        <Show when={Object.keys(media()).length > 0}>
          <h3>{t().report.disclosed}</h3>
          <DisclosedData elements={media()} testId="disclosed-media" />
        </Show>
        <h3>{t().report.checksTitle}</h3>
        <For each={CHECK_CATEGORIES.filter((c) => r().byCategory[c].length > 0)}>
          {(category) => (
            <div class="check-group">
              <h4>{t().report.categories[category]}</h4>
              <ul class="checks">
                <For each={r().byCategory[category]}>
                  {(check) => (
                    <li class={`check check-${check.outcome}`} data-check={check.check} data-outcome={check.outcome} data-code={check.code}>
                      <details open={check.outcome === 'fail'}>
                        <summary>
                          <span class="check-icon" aria-hidden="true">
                            {OUTCOME_ICON[check.outcome]}
                          </span>
                          <span class="check-name">{checkTitle(check)}</span>
                          <span class="check-outcome">{t().report.outcomes[check.outcome]}</span>
                        </summary>
                        <div class="check-body">
                          <p lang={reason(check).lang}>{reason(check).text}</p>
                          <p class="muted" lang="en">
                            {check.message}
                          </p>
                          <p class="muted">
                            <code>{check.code}</code>
                          </p>
                        </div>
                      </details>
                    </li>
                  )}
                </For>
              </ul>
            </div>
          )}
        </For>
        <Show when={r().trustList}>
          {(tl) => <p class="hint">{t().report.trustListAge(tl().version, Math.round(tl().ageSeconds / 3600))}</p>}
        </Show>
      </details>
    </section>
  );
}
