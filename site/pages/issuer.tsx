/** The issuer desk page: set up or load the authority, then review requests, issue, keep the register, publish. */
import { createResource, createSignal, For, Show } from 'solid-js';
import { formatDate, t } from '../i18n/i18n.ts';
import type { EnrolmentRequest } from '../lib/enrolment-request.ts';
import { ExportKeys, ImportKeys, SetUpAuthority } from '../issuer/authority.tsx';
import { listIssued, loadAuthority, type Authority } from '../issuer/desk-store.ts';
import { LoadRequest } from '../issuer/load-request.tsx';
import { IssuedRow, Publish } from '../issuer/register.tsx';
import { ReviewRequest } from '../issuer/review-request.tsx';
import { PageHeading } from '../ui/page-heading.tsx';

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

function Desk(props: { authority: Authority; onReplaced: (a: Authority) => void }) {
  const a = () => props.authority;
  const [issued, { refetch }] = createResource(listIssued);
  const [request, setRequest] = createSignal<EnrolmentRequest>();
  return (
    <>
      <div class="panel" data-testid="authority">
        <h2>{a().name}</h2>
        <p class="hint">{t().issuer.authoritySummary(a().id, a().country, formatDate(a().createdAt))}</p>
        <Show when={a().demo}>
          <p class="demo-badge" data-testid="desk-demo">
            <strong>{t().issuer.demoBadge}</strong>
          </p>
        </Show>
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
