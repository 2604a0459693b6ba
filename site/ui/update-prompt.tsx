import { Show } from 'solid-js';
import { t } from '../i18n/i18n.ts';
import { acceptUpdate, dismissOfflineReady, dismissUpdate, offlineReady, updateWaiting } from '../pwa/register.ts';

/** The "update available" prompt and the one-time "works offline now" note, announced politely. */
export function UpdatePrompt() {
  return (
    <div class="banners" role="status" aria-live="polite">
      <Show when={updateWaiting()}>
        <div class="banner" data-testid="update-banner">
          <span>{t().app.updateAvailable}</span>
          <button type="button" class="primary" onClick={acceptUpdate}>
            {t().app.updateReload}
          </button>
          <button type="button" onClick={dismissUpdate}>
            {t().app.updateLater}
          </button>
        </div>
      </Show>
      <Show when={offlineReady()}>
        <div class="banner" data-testid="offline-ready">
          <span>{t().app.offlineReady}</span>
          <button type="button" onClick={dismissOfflineReady}>
            {t().app.dismiss}
          </button>
        </div>
      </Show>
    </div>
  );
}
