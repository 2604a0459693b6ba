import { A } from '@solidjs/router';
import { For } from 'solid-js';
import { t } from '../i18n/i18n.ts';
import { PageHeading } from '../ui/page-heading.tsx';

const ROLES = [
  { href: '/verify', key: 'verify' },
  { href: '/wallet', key: 'wallet' },
  { href: '/enrol', key: 'enrol' },
  { href: '/issuer', key: 'issuer' },
  { href: '/docs', key: 'docs' },
] as const;

export function Home() {
  const isolated = globalThis.crossOriginIsolated === true;
  return (
    <section>
      <PageHeading title={t().home.title}>{t().home.title}</PageHeading>
      <p class="lead">{t().home.intro}</p>
      <h2>{t().home.pick}</h2>
      <ul class="roles">
        <For each={ROLES}>
          {(role) => (
            <li class="role">
              <h3>{t().home[`${role.key}Title`]}</h3>
              <p>{t().home[`${role.key}Text`]}</p>
              <A href={role.href} class="button primary">
                {t().home[`${role.key}Action`]}
              </A>
            </li>
          )}
        </For>
      </ul>
      <h2>{t().home.privacyTitle}</h2>
      <p>{t().home.privacyText}</p>
      <p class="status" data-testid="isolation">
        {isolated ? t().app.isolated : t().app.notIsolated}
      </p>
    </section>
  );
}
