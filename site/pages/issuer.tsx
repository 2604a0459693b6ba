import { t } from '../i18n/i18n.ts';
import { PageHeading } from '../ui/page-heading.tsx';

export default function Issuer() {
  return (
    <section>
      <PageHeading title={t().issuer.title}>{t().issuer.title}</PageHeading>
      <p class="lead">{t().issuer.intro}</p>
    </section>
  );
}
