/**
 * Code blocks in the project's Markdown docs, by what they claim. A ```ts / ```js block's info string says it:
 *   ts run[=name]      runs in Node as written (blocks with the same name in one file run as one program, in order)
 *   ts browser[=name]  needs a browser; type-checked against eidkit's public types (strict, no skipLibCheck).
 *                      An HTML comment `<!-- declare: … -->` right above gives the page's own names (e.g. `photo`).
 *   ts sketch          a fragment that is not meant to run (pseudo-code, a shape): shown, not checked
 *   sh run[=name]      shell commands run in a scratch folder with the eidkit CLI on PATH
 * Any other ```ts/```js/```tsx block is an error: a doc must say which of these its code is.
 * A line `console.log(x); // → text` in a run block also checks that `text` is printed (in order).
 */
export type SnippetKind = 'run' | 'browser' | 'sketch';

export interface Snippet {
  readonly doc: string;
  readonly line: number;
  readonly lang: string;
  readonly kind: SnippetKind | undefined;
  /** Blocks with one name in one doc form one program. */
  readonly name: string;
  readonly code: string;
  /** Ambient declarations from a `<!-- declare: … -->` comment just above the block. */
  readonly declare: string;
}

const CODE_LANGS = new Set(['ts', 'js', 'tsx', 'typescript', 'javascript', 'sh', 'bash']);

export function extractSnippets(doc: string, markdown: string): Snippet[] {
  const out: Snippet[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S+)?(?:[ \t]+(.*))?$/.exec(lines[i]!);
    if (!open) continue;
    const lang = open[1] ?? '';
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^```\s*$/.test(lines[j]!)) body.push(lines[j++]!);
    const info = (open[2] ?? '').trim();
    const tag = /^(run|browser|sketch)(?:=([\w-]+))?$/.exec(info);
    const above = i > 0 ? /^<!--\s*declare:\s*([\s\S]*?)\s*-->$/.exec(lines[i - 1]!.trim()) : null;
    if (CODE_LANGS.has(lang)) {
      out.push({
        doc,
        line: i + 1,
        lang,
        kind: tag ? (tag[1] as SnippetKind) : undefined,
        name: tag?.[2] ?? `block-${i + 1}`,
        code: body.join('\n'),
        declare: above?.[1] ?? '',
      });
    }
    i = j;
  }
  return out;
}

/** Programs to run: blocks of one kind and name in one doc, joined in order. */
export function programs(snippets: readonly Snippet[], kind: SnippetKind, langs: readonly string[]): { doc: string; name: string; line: number; code: string; declare: string }[] {
  const byKey = new Map<string, { doc: string; name: string; line: number; code: string[]; declare: string[] }>();
  for (const s of snippets) {
    if (s.kind !== kind || !langs.includes(s.lang)) continue;
    const key = `${s.doc}#${s.name}`;
    const p = byKey.get(key) ?? { doc: s.doc, name: s.name, line: s.line, code: [], declare: [] };
    p.code.push(s.code);
    if (s.declare) p.declare.push(s.declare);
    byKey.set(key, p);
  }
  return [...byKey.values()].map((p) => ({ ...p, code: p.code.join('\n'), declare: p.declare.join('\n') }));
}

/** Expected output from `// → text` comments on console.log lines, in order. */
export function expectedOutput(code: string): string[] {
  return [...code.matchAll(/console\.log\(.*\);?\s*\/\/\s*→\s*(.+)$/gm)].map((m) => m[1]!.trim());
}

/**
 * Imports hoisted to the top of a joined program and merged per module (later blocks of one program may import what
 * an earlier one did); the rest keeps its order.
 */
export function hoistImports(code: string): string {
  const named = new Map<string, Set<string>>();
  const other = new Set<string>();
  const rest = code.replace(/^import\s([\s\S]*?)\sfrom\s+['"]([^'"]+)['"];?[ \t]*$/gm, (m, what: string, from: string) => {
    const braces = /^\{([\s\S]*)\}$/.exec(what.trim());
    if (!braces) {
      other.add(m.trim());
      return '';
    }
    const set = named.get(from) ?? new Set<string>();
    for (const n of braces[1]!.split(',').map((x) => x.trim()).filter(Boolean)) set.add(n);
    named.set(from, set);
    return '';
  });
  const lines = [...other, ...[...named].map(([from, names]) => `import { ${[...names].join(', ')} } from '${from}';`)];
  return `${lines.join('\n')}\n${rest}`;
}
