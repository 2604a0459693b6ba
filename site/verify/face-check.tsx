import { t } from '../i18n/i18n.ts';

export default function FaceCheck(_props: { template: Uint8Array }) {
  return <p role="status">{t().app.loading}</p>;
}
