// Writes one run: <date>-<commit>.json (kept: the history), latest.md and latest.svg, plus a history section built from
// every stored JSON so a regression shows up next to the numbers it regressed from.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult } from './results.ts';
import { RESULT_SCHEMA, findStage, resultFileName } from './results.ts';
import { renderMarkdown, renderTargets, fmtMs } from './table.ts';
import { renderChart } from './chart.ts';
import { TARGET_THROTTLE } from './targets.ts';

export interface Written {
  readonly json: string;
  readonly markdown: string;
  readonly chart: string;
}

export function readHistory(dir: string): BenchResult[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^\d{4}-\d{2}-\d{2}-[0-9a-f]{7}(-dirty)?\.json$/.test(n));
  } catch {
    return [];
  }
  return names
    .map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as BenchResult)
    .filter((r) => r.schema === RESULT_SCHEMA)
    .sort((a, b) => a.date.localeCompare(b.date));
}

export function renderHistory(runs: readonly BenchResult[]): string {
  if (runs.length === 0) return '';
  const t = TARGET_THROTTLE;
  const p50 = (r: BenchResult, lib: Parameters<typeof findStage>[1], stage: Parameters<typeof findStage>[2]) => {
    const s = findStage(r, lib, stage, t);
    return s ? fmtMs(s.p50) : '—';
  };
  const lines = [
    '## History',
    '',
    `p50 ms at ${t}x CPU, one row per stored run (bench/results/*.json). Compare rows with care: the machine's load differs between runs (last column).`,
    '',
    '| run | mode | CPU calibration | QR decode | verify credential | detect | detect + landmarks + embed | full verify | face-api (SSD) detect + landmarks + embed | load (1 min) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of runs) {
    lines.push(
      `| ${r.date.slice(0, 16).replace('T', ' ')} ${r.commit.slice(0, 7)}${r.dirty ? '+' : ''} | ${r.mode} | ${p50(r, 'eidkit', 'calibration')} | ${p50(r, 'eidkit', 'qr-decode')} | ${p50(r, 'eidkit', 'credential-verify')} | ${p50(r, 'eidkit', 'detect')} | ${p50(r, 'eidkit', 'detect+landmarks+embed')} | ${p50(r, 'eidkit', 'full-verify')} | ${p50(r, 'face-api-ssd', 'detect+landmarks+embed')} | ${r.machine.loadBefore[0]?.toFixed(1) ?? '—'} |`,
    );
  }
  return lines.join('\n') + '\n';
}

export const DOC_START = '<!-- bench:latest:start -->';
export const DOC_END = '<!-- bench:latest:end -->';

/**
 * The results section of site/docs/benchmarks.md: the run's Markdown with its headings one level down and the chart
 * inlined (the site cannot follow a link into bench/results).
 */
export function docsSection(result: BenchResult): string {
  const md = renderMarkdown(result)
    .split('\n')
    .filter((line, i) => !(i === 0 && line.startsWith('# ')))
    .map((line) => (line.startsWith('#') ? `#${line}` : line))
    .join('\n')
    .trim();
  return `${md}\n\n${renderChart(result)}`;
}

/** Replaces what lies between the markers in `doc` (the page keeps its hand-written part). */
export function spliceDocs(doc: string, section: string, start = DOC_START, end = DOC_END): string {
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error(`the page lacks the ${start} / ${end} markers`);
  return `${doc.slice(0, a + start.length)}\n${section}\n${doc.slice(b)}`;
}

export const README_START = '<!-- bench:readme:start -->';
export const README_END = '<!-- bench:readme:end -->';

/** The README's results block: the run's goals table and the chart, linking to the full tables. */
export function readmeSection(result: BenchResult): string {
  const load = result.machine.loadBefore[0]?.toFixed(1) ?? '?';
  return [
    `Latest ${result.mode} run: ${result.date.slice(0, 10)}, commit ${result.commit.slice(0, 7)}${result.dirty ? ' (with uncommitted work)' : ''}, Chromium ${result.machine.chromium}, ${result.machine.cpus} cores, load ${load} at the start. Every stage, peer ratio and start-up figure: [bench/results/latest.md](bench/results/latest.md).`,
    '',
    ...renderTargets(result),
    '',
    '![latency by stage and CPU throttle, eidkit beside face-api.js and Human](bench/results/latest.svg)',
  ].join('\n');
}

export function updateReadme(path: string, result: BenchResult): void {
  writeFileSync(path, spliceDocs(readFileSync(path, 'utf8'), readmeSection(result), README_START, README_END));
}

export function updateDocs(path: string, result: BenchResult): void {
  writeFileSync(path, spliceDocs(readFileSync(path, 'utf8'), docsSection(result)));
}

/** Writes the run into `dir` (bench/results for a full run). Returns the paths written. */
export function writeResults(dir: string, result: BenchResult): Written {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, resultFileName(result));
  writeFileSync(json, JSON.stringify(result, null, 1) + '\n');
  const chart = join(dir, 'latest.svg');
  writeFileSync(chart, renderChart(result));
  const markdown = join(dir, 'latest.md');
  const history = renderHistory(readHistory(dir));
  writeFileSync(markdown, renderMarkdown(result, 'latest.svg') + (history ? '\n' + history : ''));
  return { json, markdown, chart };
}
