import { A, useParams } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import { locale, t, type Locale } from '../i18n/i18n.ts';
import { PageHeading } from '../ui/page-heading.tsx';

interface DocModule {
  readonly default: string;
  readonly title: string;
}

// Rendered to HTML at build time (site/build/markdown.ts); each document is its own small chunk. The English files are
// the reference; site/docs/zh-CN/ holds their Chinese translations, served when the reader's language is zh-CN.
const bySlug = (modules: Record<string, () => Promise<DocModule>>) =>
  new Map(Object.entries(modules).map(([path, load]) => [path.replace(/^.*\/([^/]+)\.md$/, '$1'), load]));
const LOADERS = bySlug(import.meta.glob<DocModule>('../docs/*.md'));
const TRANSLATIONS: Readonly<Record<Locale, ReadonlyMap<string, () => Promise<DocModule>>>> = {
  en: LOADERS,
  'zh-CN': bySlug(import.meta.glob<DocModule>('../docs/zh-CN/*.md')),
};

/** The document in the reader's language when it is translated, else the English one (and says so). */
function loaderFor(slug: string, lang: Locale): { load: (() => Promise<DocModule>) | undefined; lang: Locale } {
  const translated = TRANSLATIONS[lang].get(slug);
  return translated ? { load: translated, lang } : { load: LOADERS.get(slug), lang: 'en' };
}

/** Reading order; documents not listed here follow in alphabetical order. */
const ORDER = [
  'integrators',
  'first-hour',
  'how-it-works',
  'privacy',
  'threat-model',
  'credentials',
  'face',
  'liveness',
  'lost-phone',
  'architecture',
  'hosting',
  'benchmarks',
];

export const DOC_SLUGS: readonly string[] = [
  ...ORDER.filter((s) => LOADERS.has(s)),
  ...[...LOADERS.keys()].filter((s) => !ORDER.includes(s)).sort(),
];

function docLabel(slug: string, fallback?: string): string {
  const pages = t().docs.pages as Readonly<Record<string, string>>;
  return pages[slug] ?? fallback ?? slug;
}

export default function Docs() {
  const params = useParams<{ slug?: string }>();
  return (
    <Show when={params.slug} keyed fallback={<DocsIndex />}>
      {(slug) => <DocPage slug={slug} />}
    </Show>
  );
}

function DocsIndex() {
  return (
    <section>
      <PageHeading title={t().docs.title}>{t().docs.title}</PageHeading>
      <p class="lead">{t().docs.intro}</p>
      <ul class="doc-list">
        <For each={DOC_SLUGS}>
          {(slug) => (
            <li>
              <A href={`/docs/${slug}`}>{docLabel(slug)}</A>
            </li>
          )}
        </For>
      </ul>
    </section>
  );
}

function DocPage(props: { slug: string }) {
  const [doc] = createResource(
    () => ({ slug: props.slug, lang: locale() }),
    async ({ slug, lang }) => {
      const found = loaderFor(slug, lang);
      return found.load ? { ...(await found.load()), lang: found.lang } : null;
    },
  );
  return (
    <Show when={doc.state === 'ready'} fallback={<p role="status">{t().app.loading}</p>}>
      <Show
        when={doc()}
        fallback={
          <section>
            <PageHeading title={t().docs.missing}>{t().docs.missing}</PageHeading>
            <p>
              <A href="/docs">{t().docs.back}</A>
            </p>
          </section>
        }
      >
        {(d) => (
          <article class="doc">
            <p class="crumbs">
              <A href="/docs">{t().docs.back}</A>
            </p>
            <PageHeading title={docLabel(props.slug, d().title)}>{docLabel(props.slug, d().title)}</PageHeading>
            <Show when={d().lang !== locale()}>
              <p class="note">{t().docs.englishOnly}</p>
            </Show>
            <div class="doc-body" lang={d().lang} innerHTML={d().default} />
          </article>
        )}
      </Show>
    </Show>
  );
}
