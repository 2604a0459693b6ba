// The bench's writer on a synthetic run: JSON round-trip, table, targets, chart and history. No timing is measured or
// asserted here; benchmarks never run inside `npm test`.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeResults, readHistory, spliceDocs, docsSection, readmeSection, DOC_START, DOC_END, README_START, README_END } from './write.ts';
import { evaluateTargets } from './targets.ts';
import { summarise, percentile } from './stats.ts';
import { resultFileName, RESULT_SCHEMA, type BenchResult, type StageResult } from './results.ts';
import { renderChart, niceMax } from './chart.ts';
import { renderMarkdown } from './table.ts';
import type { LibraryId, PageInfo, StageId } from '../pages/protocol.ts';

function stage(library: LibraryId, s: StageId, throttle: number, samples: number[], ok = samples.length): StageResult {
  return { library, stage: s, throttle, ...summarise(samples), ok, samples };
}

function info(library: LibraryId, label: string): PageInfo {
  return {
    library,
    label,
    version: '1.0.0',
    config: [`${label} configured <like this>`],
    backend: 'wasm',
    threads: 1,
    simd: true,
    crossOriginIsolated: true,
    stages: ['detect', 'detect+landmarks+embed'],
    pending: library === 'eidkit' ? { 'liveness-frame': 'no public API yet' } : {},
    frames: 10,
    facts: {},
  };
}

function synthetic(date: string, ourChain: number[]): BenchResult {
  const partial = {
    libraries: [info('eidkit', 'eidkit'), info('face-api-ssd', 'face-api (SSD)')],
    stages: [
      stage('eidkit', 'detect', 4, [40, 50, 60, 70, 200]),
      stage('eidkit', 'detect+landmarks+embed', 4, ourChain),
      stage('eidkit', 'credential-verify', 4, [9, 10, 11]),
      stage('eidkit', 'qr-decode', 4, [100, 110, 120, 130], 3),
      stage('face-api-ssd', 'detect+landmarks+embed', 4, [900, 1000, 1100]),
      stage('eidkit', 'detect', 1, [10, 12, 14]),
    ],
    startup: [
      { target: 'site /verify', throttle: 4, network: 'slow-4g' as const, visit: 'cold' as const, readyToScanMs: 2500, bytesBeforeScanReady: 800_000, faceReadyMs: 40_000, bytesBeforeFaceReady: 9_000_000, bytesTotal: 12_000_000, requests: 30 },
    ],
  };
  return {
    schema: RESULT_SCHEMA,
    date,
    commit: 'abcdef0123456789abcdef0123456789abcdef01',
    dirty: false,
    mode: 'full',
    durationSeconds: 600,
    machine: { cpus: 2, cpuModel: 'Test CPU', loadBefore: [7.1, 6, 5], loadAfter: [8, 7, 6], node: 'v20.0.0', chromium: '156.0' },
    throttles: [1, 4],
    memory: [{ library: 'eidkit', jsHeapPeak: 50_000_000, wasmBytes: 64 * 1024 * 1024 }],
    payload: { faceModels: [{ file: 'faceres.bin', bytes: 6_978_814, gzip: 6_500_000 }], faceModelBytes: 6_978_814 },
    targets: evaluateTargets(partial),
    notes: ['a note'],
    ...partial,
  };
}

describe('bench result writer', () => {
  it('calls the machine shared from the load before the run, or well above the cores after it (the run itself loads it)', () => {
    const base = synthetic('2025-01-01T10:00:00.000Z', [300, 310, 320]);
    const withLoad = (before: number, after: number) =>
      renderMarkdown({ ...base, machine: { ...base.machine, loadBefore: [before, 1, 1], loadAfter: [after, 1, 1] } });
    expect(withLoad(1.05, 2.06)).toContain('The machine was mostly idle.'); // a quiet machine and the run's own load
    expect(withLoad(1.6, 2.0)).toContain('**The machine was shared while this ran**');
    expect(withLoad(0.5, 2.6)).toContain('**The machine was shared while this ran**');
  });

  it('percentiles are nearest-rank on real samples', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 95)).toBe(4);
    expect(summarise([5, 1, 3])).toMatchObject({ runs: 3, p50: 3, p95: 5, min: 1, max: 5, mean: 3 });
    expect(niceMax(430)).toBe(500);
    expect(niceMax(0.7)).toBe(1);
  });

  it('judges targets: PASS, MISS and PENDING with the measured values', () => {
    const t = Object.fromEntries(synthetic('2025-01-01T10:00:00.000Z', [200, 210, 220]).targets.map((x) => [x.id, x]));
    expect(t['preview-fps']).toMatchObject({ status: 'PASS', value: '16.7 frames/s' });
    expect(t['vs-face-api']).toMatchObject({ status: 'PASS', value: '4.76x' });
    expect(t['credential-verify']).toMatchObject({ status: 'PASS', value: '10 ms' });
    // The face engine v2 goal is p50 ≤ 200 ms: 210 misses it.
    expect(t['face-chain']).toMatchObject({ status: 'MISS', value: '210 ms' });
    expect(t['full-verify']!.status).toBe('PENDING');
    expect(t['cold-scan']).toMatchObject({ status: 'PASS', value: '2.50 s' });
    expect(t['cold-scan-bytes']).toMatchObject({ status: 'PASS', value: '0.80 MB' });
    expect(t['face-ready-bytes']).toMatchObject({ status: 'MISS', value: '9.00 MB' });
    const slow = Object.fromEntries(synthetic('2025-01-01T10:00:00.000Z', [700, 800, 900]).targets.map((x) => [x.id, x]));
    expect(slow['face-chain']!.status).toBe('MISS');
    expect(slow['vs-face-api']).toMatchObject({ status: 'MISS', value: '1.25x' });
  });

  it('writes <date>-<commit>.json, latest.md with the tables and latest.svg, and keeps history', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eidkit-bench-'));
    const first = synthetic('2025-01-01T10:00:00.000Z', [200, 210, 220]);
    const second = { ...synthetic('2025-01-02T10:00:00.000Z', [300, 310, 320]), commit: '1234567890abcdef1234567890abcdef12345678', dirty: true };
    writeResults(dir, first);
    const w = writeResults(dir, second);

    expect(readdirSync(dir).sort()).toEqual(['2025-01-01-abcdef0.json', '2025-01-02-1234567-dirty.json', 'latest.md', 'latest.svg']);
    expect(resultFileName(second)).toBe('2025-01-02-1234567-dirty.json');
    expect(JSON.parse(readFileSync(w.json, 'utf8'))).toEqual(second);
    expect(readHistory(dir).map((r) => r.commit.slice(0, 7))).toEqual(['abcdef0', '1234567']);

    const md = readFileSync(w.markdown, 'utf8');
    expect(md).toContain('commit 1234567 (with uncommitted work in the tree)');
    expect(md).toContain('**The machine was shared while this ran**');
    expect(md).toMatch(/\| full verify p50, 4x CPU \u2014 not measured .*\| — \| ≤ 600 ms \| pending \|/);
    expect(md).toContain('| bytes transferred in all to face-check ready | 9.00 MB | ≤ 3 MB | **MISS** |');
    // Stage rows: p50 / p95, failed runs marked, and the peer / eidkit ratio.
    expect(md).toContain('| detection + landmarks + embedding | 310 / 320 | 1000 / 1100 | 3.23x |');
    expect(md).toContain('| QR decode (640x480) | 110 / 130 (3/4 ok) | — | — |');
    expect(md).toContain('- eidkit, liveness-frame: no public API yet');
    expect(md).toContain('  - face-api (SSD) configured <like this>');
    // History lists both runs, oldest first.
    const history = md.slice(md.indexOf('## History'));
    expect(history.indexOf('abcdef0')).toBeLessThan(history.indexOf('1234567+'));
    expect(history).toContain('| 210 |');
    expect(history).toContain('| 310 |');

    const svg = readFileSync(w.chart, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toBe(renderChart(second));
    // One bar per (library, stage, throttle) measured, with the text escaped.
    expect(svg.match(/<rect class="bar" /g)?.length).toBe(second.stages.length);
    expect(svg).not.toContain('<like');
  });

  it('refreshes only the marked results section of the docs page, with the chart inline', () => {
    const run = synthetic('2025-01-01T10:00:00.000Z', [200, 210, 220]);
    const doc = `# Benchmarks\n\nhand-written\n\n${DOC_START}\nold\n${DOC_END}\n\nafter\n`;
    const once = spliceDocs(doc, docsSection(run));
    expect(once.startsWith('# Benchmarks\n\nhand-written\n')).toBe(true);
    expect(once.endsWith(`${DOC_END}\n\nafter\n`)).toBe(true);
    expect(once).not.toContain('\nold\n');
    expect(once).toContain('### Targets');
    expect(once).not.toContain('\n# eidkit benchmarks');
    expect(once).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    // Idempotent: a second splice replaces the section instead of growing the page.
    expect(spliceDocs(once, docsSection(run))).toBe(once);
    expect(() => spliceDocs('# no markers', 'x')).toThrow(/markers/);
  });

  it('gives the README the goals table and the chart between its own markers', () => {
    const run = synthetic('2025-01-01T10:00:00.000Z', [200, 210, 220]);
    const readme = `# eidkit\n\n${README_START}\n${README_END}\n\n## Next\n`;
    const once = spliceDocs(readme, readmeSection(run), README_START, README_END);
    expect(once).toContain('| goal | measured | target | result |');
    for (const t of run.targets) expect(once).toContain(`| ${t.label}`);
    expect(once).toContain('](bench/results/latest.svg)');
    expect(once).toContain('commit ' + run.commit.slice(0, 7));
    expect(once.endsWith(`${README_END}\n\n## Next\n`)).toBe(true);
    expect(spliceDocs(once, readmeSection(run), README_START, README_END)).toBe(once);
    // The docs page's markers are not the README's.
    expect(() => spliceDocs(readme, 'x')).toThrow(/markers/);
  });
});
