// Renders one run as Markdown (bench/results/latest.md; site/docs/benchmarks.md embeds the same text).
import { STAGES, STAGE_LABELS, type LibraryId } from '../pages/protocol.ts';
import type { BenchResult, StageResult, StartupResult } from './results.ts';
import { findStage } from './results.ts';

const LIB_ORDER: readonly LibraryId[] = ['eidkit', 'face-api-ssd', 'face-api-tiny', 'human', 'faceplugin'];

export function fmtMs(x: number): string {
  if (!Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  return x < 10 ? x.toFixed(1) : String(Math.round(x));
}

export function fmtBytes(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '—';
  if (x >= 1_000_000) return `${(x / 1_000_000).toFixed(2)} MB`;
  if (x >= 1_000) return `${(x / 1_000).toFixed(1)} kB`;
  return `${x} B`;
}

function cell(s: StageResult | undefined): string {
  if (!s) return '—';
  const miss = s.ok < s.runs ? ` (${s.ok}/${s.runs} ok)` : '';
  return `${fmtMs(s.p50)} / ${fmtMs(s.p95)}${miss}`;
}

function libraries(r: BenchResult): LibraryId[] {
  const present = new Set(r.libraries.map((l) => l.library));
  return LIB_ORDER.filter((l) => present.has(l));
}

function label(r: BenchResult, id: LibraryId): string {
  return r.libraries.find((l) => l.library === id)?.label ?? id;
}

export function renderMarkdown(r: BenchResult, chartFile?: string): string {
  const libs = libraries(r);
  const peers = libs.filter((l) => l !== 'eidkit');
  const lines: string[] = [];
  const load = (l: readonly number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  lines.push(`# eidkit benchmarks — ${r.date.slice(0, 10)}, commit ${r.commit.slice(0, 7)}${r.dirty ? ' (with uncommitted work in the tree)' : ''}, ${r.mode} run`);
  lines.push('');
  lines.push(
    `Chromium ${r.machine.chromium} (headless, wasm backend, no GPU), Node ${r.machine.node}, ${r.machine.cpus} × ${r.machine.cpuModel}. ` +
      `Load average (1/5/15 min) ${load(r.machine.loadBefore)} before and ${load(r.machine.loadAfter)} after the ${Math.round(r.durationSeconds / 60)}-minute run.`,
  );
  lines.push('');
  // The load after the run includes the run's own Chromium and Node (about 1.5-2 on its own, measured at rest
  // otherwise), so it counts as shared only well above the cores; before the run, anything near them is other work.
  const contended = (r.machine.loadBefore[0] ?? 0) > r.machine.cpus * 0.75 || (r.machine.loadAfter[0] ?? 0) > r.machine.cpus * 1.25;
  lines.push(
    contended
      ? `**The machine was shared while this ran** (load above its ${r.machine.cpus} cores): absolute times are inflated and noisy. Compare libraries only within this run — they ran interleaved, batch by batch, on the same frames under the same throttling — and runs with each other only with care.`
      : 'The machine was mostly idle. Still compare libraries within one run: absolute times drift ±20 % between runs.',
  );
  const cal = findStage(r, 'eidkit', 'calibration', r.throttles[0] ?? 1);
  if (cal) {
    lines.push('');
    lines.push(
      `CPU calibration (a fixed JS loop, ${r.throttles[0]}x): p50 ${fmtMs(cal.p50)} ms, p95 ${fmtMs(cal.p95)} ms, min ${fmtMs(cal.min)} ms — the spread is the machine's noise; compare it across runs in the history below.`,
    );
  }
  lines.push('');

  lines.push('## Targets');
  lines.push('');
  lines.push(...renderTargets(r));
  lines.push('');

  lines.push('## Latency by stage (p50 / p95 ms)');
  lines.push('');
  lines.push('Every library runs on the page main thread with its wasm backend, on the same 640x480 frames. Stages are cumulative where a library cannot run a step alone. "k/n ok" marks runs that did not produce the result (no face found, QR not read).');
  if (chartFile) lines.push('', `![latency by stage and CPU throttle, eidkit beside its peers](${chartFile})`);
  lines.push('');
  for (const throttle of r.throttles) {
    lines.push(`### CPU ${throttle}x`);
    lines.push('');
    lines.push(`| stage | ${libs.map((l) => label(r, l)).join(' | ')} |${peers.length ? ` ${peers.map((p) => `${label(r, p)} / eidkit`).join(' | ')} |` : ''}`);
    lines.push(`|---|${libs.map(() => '---:').join('|')}|${peers.map(() => '---:').join('|')}${peers.length ? '|' : ''}`);
    for (const stage of STAGES) {
      const row = libs.map((l) => findStage(r, l, stage, throttle));
      if (row.every((s) => s === undefined)) continue;
      const ours = findStage(r, 'eidkit', stage, throttle);
      const ratios = peers.map((p) => {
        const s = findStage(r, p, stage, throttle);
        return s && ours ? `${(s.p50 / ours.p50).toFixed(2)}x` : '—';
      });
      lines.push(`| ${STAGE_LABELS[stage]} | ${row.map(cell).join(' | ')} |${peers.length ? ` ${ratios.join(' | ')} |` : ''}`);
    }
    lines.push('');
  }
  const pending = r.libraries.flatMap((l) => Object.entries(l.pending).map(([stage, why]) => `- ${l.label}, ${stage}: ${why}`));
  if (pending.length) {
    lines.push('Not measured yet:', '', ...pending, '');
  }

  if (r.startup.length) {
    lines.push('## Start-up');
    lines.push('');
    lines.push('| page | visit | network | CPU | ready to scan | bytes before | face check ready | bytes before | all bytes | requests | JS heap peak |');
    lines.push('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const s of r.startup) {
      const t = (x: number | undefined) => (x === undefined ? '—' : `${(x / 1000).toFixed(2)} s`);
      lines.push(
        `| ${s.target} | ${s.visit} | ${s.network} | ${s.throttle}x | ${t(s.readyToScanMs)} | ${fmtBytes(s.bytesBeforeScanReady)} | ${t(s.faceReadyMs)} | ${fmtBytes(s.bytesBeforeFaceReady)} | ${fmtBytes(s.bytesTotal)} | ${s.requests} | ${fmtBytes(s.jsHeapPeak)} |`,
      );
    }
    const notes = [...new Set(r.startup.map((s) => s.note).filter((n) => n))];
    if (notes.length) lines.push('', ...notes.map((n) => `- ${n}`));
    lines.push('');
    for (const s of r.startup) if (s.visit === 'cold' && s.transfers?.length && s.target.startsWith('site')) lines.push(...transferLines(s), '');
  }

  if (r.memory.length) {
    lines.push('## Memory (peak over the stage runs)');
    lines.push('');
    lines.push('| library | JS heap peak | tfjs wasm memory |');
    lines.push('|---|---:|---:|');
    for (const l of libs) {
      const m = r.memory.find((x) => x.library === l);
      if (m) lines.push(`| ${label(r, l)} | ${fmtBytes(m.jsHeapPeak)} | ${fmtBytes(m.wasmBytes)} |`);
    }
    lines.push('');
  }

  lines.push('## Payload');
  lines.push('');
  const p = r.payload;
  lines.push('| file (what a face check downloads) | bytes | gzip -9 |');
  lines.push('|---|---:|---:|');
  for (const f of p.faceModels) lines.push(`| ${f.file} | ${fmtBytes(f.bytes)} | ${fmtBytes(f.gzip)} |`);
  const gz = (xs: readonly { gzip: number }[]) => xs.reduce((n, x) => n + x.gzip, 0);
  lines.push(`| **total** | **${fmtBytes(p.faceModelBytes)}** | **${fmtBytes(gz(p.faceModels))}** |`);
  lines.push('');
  if (p.precacheBytes !== undefined) lines.push(`Service-worker precache: ${fmtBytes(p.precacheBytes)} in ${p.precacheFiles} files.`, '');
  if (p.note) lines.push(p.note, '');

  lines.push('## How each library was configured');
  lines.push('');
  for (const l of libs) {
    const info = r.libraries.find((x) => x.library === l)!;
    lines.push(`- **${info.label}** ${info.version}: backend ${info.backend}, ${info.threads} thread(s), SIMD ${info.simd ? 'on' : 'off'}, cross-origin isolated ${info.crossOriginIsolated ? 'yes' : 'no'}.`);
    for (const c of info.config) lines.push(`  - ${c}`);
  }
  lines.push('');
  if (r.notes.length) {
    lines.push('## Notes');
    lines.push('');
    for (const n of r.notes) lines.push(`- ${n}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** What crossed the link on a cold visit, phase by phase (before ready-to-scan, then to face-check ready), by file. */
function transferLines(s: StartupResult): string[] {
  const phases = [
    { label: 'before ready to scan', until: s.readyToScanMs ?? Infinity },
    { label: 'then to face check ready', until: s.faceReadyMs ?? Infinity },
    { label: 'after face check ready', until: Infinity },
  ];
  const out = [`**What crossed the link: ${s.target}, cold, ${s.network}, ${s.throttle}x CPU** (bytes as carried, headers included; "sw" = fetched by the service worker itself)`, ''];
  let from = -Infinity;
  for (const p of phases) {
    const xs = (s.transfers ?? []).filter((x) => x.endMs > from && x.endMs <= p.until);
    from = p.until;
    if (!xs.length) continue;
    const sum = (f: (x: (typeof xs)[number]) => boolean) => xs.filter(f).reduce((n, x) => n + x.bytes, 0);
    const items = [...xs]
      .sort((a, b) => b.bytes - a.bytes)
      .map((x) => `${x.path.replace(/\?.*$/, '').replace(/^\/(assets|models)\//, '')}${x.by === 'service-worker' ? ' (sw)' : ''}${x.encoding ? ` [${x.encoding}]` : ''} ${fmtBytes(x.bytes)}`);
    const shown = items.slice(0, 12).join(', ') + (items.length > 12 ? `, ${items.length - 12} more` : '');
    out.push(`- ${p.label}: ${xs.length} responses, ${fmtBytes(sum(() => true))} (page ${fmtBytes(sum((x) => x.by === 'page'))}, service worker ${fmtBytes(sum((x) => x.by === 'service-worker'))}): ${shown}`);
  }
  return out;
}

/** The goals table: each target, what this run measured, and PASS / MISS / pending in plain sight. */
export function renderTargets(r: Pick<BenchResult, 'targets'>): string[] {
  const lines = ['| goal | measured | target | result |', '|---|---|---|---|'];
  for (const t of r.targets) {
    const status = t.status === 'PASS' ? '**PASS**' : t.status === 'MISS' ? '**MISS**' : 'pending';
    lines.push(`| ${t.label}${t.note ? ` — ${t.note}` : ''} | ${t.value} | ${t.goal} | ${status} |`);
  }
  return lines;
}
