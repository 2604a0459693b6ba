import { A } from '@solidjs/router';
import { t } from '../i18n/i18n.ts';
import { PageHeading } from '../ui/page-heading.tsx';

export function NotFound() {
  return (
    <section>
      <PageHeading title={t().notFound.title}>{t().notFound.title}</PageHeading>
      <p>{t().notFound.text}</p>
      <p>
        <A href="/">{t().notFound.home}</A>
      </p>
    </section>
  );
}
