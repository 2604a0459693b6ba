import { A, useParams } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import { locale, t } from '../i18n/i18n.ts';
import { PageHeading } from '../ui/page-heading.tsx';

interface DocModule {
  readonly default: string;
  readonly title: string;
}

// Rendered to HTML at build time (site/build/markdown.ts); each document is its own small chunk.
const modules = import.meta.glob<DocModule>('../docs/*.md');
const LOADERS = new Map(Object.entries(modules).map(([path, load]) => [path.replace(/^.*\/([^/]+)\.md$/, '$1'), load]));

/** Reading order; documents not listed here follow in alphabetical order. */
const ORDER = [
  'integrators',
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
      <Show when={locale() !== 'en'}>
        <p class="note">{t().docs.englishOnly}</p>
      </Show>
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
    () => props.slug,
    async (slug) => {
      const load = LOADERS.get(slug);
      return load ? await load() : null;
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
            <Show when={locale() !== 'en'}>
              <p class="note">{t().docs.englishOnly}</p>
            </Show>
            <div class="doc-body" lang="en" innerHTML={d().default} />
          </article>
        )}
      </Show>
    </Show>
  );
}
