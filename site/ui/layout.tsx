import { A, type RouteSectionProps } from '@solidjs/router';
import { For, Show, Suspense } from 'solid-js';
import { LOCALES, locale, setLocale, t, type Locale } from '../i18n/i18n.ts';
import { canInstall, install } from '../pwa/install.ts';
import { UpdatePrompt } from './update-prompt.tsx';

const NAV = ['verify', 'wallet', 'enrol', 'issuer', 'docs'] as const;
const LANGUAGE_NAMES: Readonly<Record<Locale, string>> = { 'zh-CN': '中文', en: 'English' };

export function Layout(props: RouteSectionProps) {
  return (
    <>
      <a class="skip-link" href="#main">
        {t().app.skip}
      </a>
      <header class="site-header">
        <A href="/" class="brand" end>
          <img src="/icon.svg" alt="" width="28" height="28" />
          <span>{t().app.name}</span>
        </A>
        <nav aria-label={t().app.nav} class="site-nav">
          <ul>
            <For each={NAV}>
              {(key) => (
                <li>
                  <A href={`/${key}`} activeClass="active">
                    {t().nav[key]}
                  </A>
                </li>
              )}
            </For>
          </ul>
        </nav>
        <Show when={canInstall()}>
          <div class="install">
            <button type="button" onClick={() => void install()} data-testid="install-app">
              {t().app.install}
            </button>
          </div>
        </Show>
        <label class="lang">
          <span class="visually-hidden">{t().app.language}</span>
          <select value={locale()} onChange={(e) => setLocale(e.currentTarget.value as Locale)} data-testid="language">
            <For each={LOCALES}>{(l) => <option value={l} lang={l}>{LANGUAGE_NAMES[l]}</option>}</For>
          </select>
        </label>
      </header>
      <UpdatePrompt />
      <main id="main" tabindex="-1">
        <Suspense fallback={<p class="loading" role="status">{t().app.loading}</p>}>{props.children}</Suspense>
      </main>
      <footer class="site-footer">
        <p>{t().app.footer}</p>
      </footer>
    </>
  );
}
