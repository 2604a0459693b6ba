/**
 * Renders the project's Markdown docs (site/docs/*.md) to HTML at build time, so the site ships HTML strings and no
 * Markdown parser, and nothing is evaluated at run time. Importing `x.md` yields `{ default: html, title }`:
 *  - the document's first h1 becomes `title` and is removed (the page supplies the one h1);
 *  - headings get stable ids for in-page links (or the `{#id}` written after them, which translations use);
 *  - links to sibling docs (`threat-model.md#x`) become site routes (`/docs/threat-model#x`); links to other files in
 *    the repository cannot be followed on the site, so they keep their text and lose the link; links into the
 *    generated API reference (`/docs/api/…`) are plain page loads (rel="external").
 */
import { Marked, type Tokens } from 'marked';
import type { Plugin } from 'vite';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/<[^>]+>/g, '')
    .replace(/&[a-z]+;|&#\d+;/g, '')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .trim()
    .replace(/\s+/g, '-');
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** Where a link in a doc should point on the site, or undefined when it cannot point anywhere useful. */
export function siteHref(href: string): string | undefined {
  if (/^(https?:|mailto:)/i.test(href)) return href;
  if (href.startsWith('#')) return href;
  const m = /^(?:\.\/)?([a-z0-9-]+)\.md(#.*)?$/i.exec(href);
  if (m) return `/docs/${m[1]!.toLowerCase()}${m[2] ?? ''}`;
  if (href.startsWith('/')) return href;
  return undefined;
}

export function renderMarkdown(source: string): { html: string; title: string | undefined } {
  let title: string | undefined;
  const seen = new Map<string, number>();
  const marked = new Marked({ gfm: true });
  marked.use({
    renderer: {
      heading({ tokens, depth }: Tokens.Heading) {
        // `## 标题 {#english-id}`: an explicit id, so a translation keeps the English document's anchors.
        const parsed = this.parser.parseInline(tokens);
        const explicit = /\s*\{#([a-z0-9-]+)\}\s*$/.exec(parsed);
        const inner = explicit ? parsed.slice(0, explicit.index) : parsed;
        if (depth === 1 && title === undefined) {
          title = inner.replace(/<[^>]+>/g, '');
          return '';
        }
        const base = explicit?.[1] ?? (slugify(inner) || 'section');
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        const id = n === 0 ? base : `${base}-${n}`;
        return `<h${depth} id="${escapeAttr(id)}">${inner}</h${depth}>\n`;
      },
      link({ href, title: linkTitle, tokens }: Tokens.Link) {
        const inner = this.parser.parseInline(tokens);
        const target = siteHref(href);
        if (target === undefined) return `<span class="repo-ref">${inner}</span>`;
        const external = /^https?:/i.test(target);
        const attrs = [`href="${escapeAttr(target)}"`];
        if (linkTitle) attrs.push(`title="${escapeAttr(linkTitle)}"`);
        if (external) attrs.push('rel="noopener noreferrer"', 'target="_blank"');
        // The generated API reference is static HTML beside the app, not a client-side route.
        else if (target.startsWith('/docs/api/')) attrs.push('rel="external"');
        return `<a ${attrs.join(' ')}>${inner}</a>`;
      },
      code({ text, lang }: Tokens.Code) {
        // Focusable so keyboard users can scroll a wide block sideways.
        const cls = lang ? ` class="language-${escapeAttr(lang.split(/\s/)[0]!)}"` : '';
        return `<pre tabindex="0"><code${cls}>${escapeHtml(text)}</code></pre>\n`;
      },
      table(token: Tokens.Table) {
        // Wide tables scroll inside their own box on a phone instead of widening the page.
        const header = token.header.map((cell) => this.tablecell(cell)).join('');
        const rows = token.rows.map((row) => `<tr>${row.map((cell) => this.tablecell(cell)).join('')}</tr>`).join('\n');
        return `<div class="table-scroll" tabindex="0"><table><thead><tr>${header}</tr></thead><tbody>${rows}</tbody></table></div>\n`;
      },
    },
  });
  const html = marked.parse(source, { async: false });
  return { html, title };
}

/**
 * `<!-- include ../benchmarks.md bench:latest -->` in a document stands for the block between `<!-- bench:latest:start -->`
 * and `<!-- bench:latest:end -->` of that file: a translation shows the generated results of the English page (numbers
 * and tables a script rewrites) instead of a copy that would go stale.
 */
export function expandIncludes(source: string, readSibling: (path: string) => string): string {
  return source.replace(/<!-- include (\S+\.md) ([a-z0-9:-]+) -->/g, (_m, path: string, marker: string) => {
    const text = readSibling(path);
    const start = text.indexOf(`<!-- ${marker}:start -->`);
    const end = text.indexOf(`<!-- ${marker}:end -->`);
    if (start < 0 || end < start) throw new Error(`${path} has no ${marker} block to include`);
    return text.slice(start, end + `<!-- ${marker}:end -->`.length);
  });
}

export function markdownPlugin(): Plugin {
  return {
    name: 'eidkit-markdown',
    enforce: 'pre',
    transform(code, id) {
      if (!id.endsWith('.md')) return undefined;
      const source = expandIncludes(code, (path) => {
        const file = resolve(dirname(id), path);
        this.addWatchFile(file);
        return readFileSync(file, 'utf8');
      });
      const { html, title } = renderMarkdown(source);
      return { code: `export default ${JSON.stringify(html)};\nexport const title = ${JSON.stringify(title ?? '')};\n`, map: null };
    },
  };
}
