import { t } from '../i18n/i18n.ts';
import { PageHeading } from '../ui/page-heading.tsx';

export default function Enrol() {
  return (
    <section>
      <PageHeading title={t().enrol.title}>{t().enrol.title}</PageHeading>
      <p class="lead">{t().enrol.intro}</p>
    </section>
  );
}
