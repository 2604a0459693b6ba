import { t } from '../i18n/i18n.ts';
import { PageHeading } from '../ui/page-heading.tsx';

export default function Verify() {
  return (
    <section>
      <PageHeading title={t().verify.title}>{t().verify.title}</PageHeading>
      <p class="lead">{t().verify.intro}</p>
    </section>
  );
}
