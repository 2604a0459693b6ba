import { t } from '../i18n/i18n.ts';
import { PageHeading } from '../ui/page-heading.tsx';

export default function Wallet() {
  return (
    <section>
      <PageHeading title={t().wallet.title}>{t().wallet.title}</PageHeading>
      <p class="lead">{t().wallet.intro}</p>
    </section>
  );
}
