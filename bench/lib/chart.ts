// A dependency-free SVG chart: one panel per stage, bars of p50 per CPU throttle and library (eidkit first), with a
// whisker up to p95. Each panel has its own linear scale, so small stages stay readable.
import { STAGES, STAGE_LABELS, type LibraryId, type StageId } from '../pages/protocol.ts';
import type { BenchResult } from './results.ts';
import { findStage } from './results.ts';
import { fmtMs } from './table.ts';

const COLOURS: Readonly<Record<LibraryId, string>> = {
  eidkit: '#1b6ef3',
  'face-api-ssd': '#e8710a',
  'face-api-tiny': '#f6ae2d',
  human: '#7b8794',
  faceplugin: '#2e9e6b',
};
const ORDER: readonly LibraryId[] = ['eidkit', 'face-api-ssd', 'face-api-tiny', 'human', 'faceplugin'];

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A round axis maximum at or above `x` (1, 2, 2.5, 5 × 10^k). */
export function niceMax(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

export function renderChart(r: BenchResult): string {
  const libs = ORDER.filter((l) => r.libraries.some((x) => x.library === l));
  const stages = STAGES.filter((s) => r.stages.some((x) => x.stage === s));
  const cols = Math.min(3, Math.max(1, stages.length));
  const pw = 320;
  const ph = 230;
  const top = 64;
  const width = cols * pw + 20;
  const height = top + Math.ceil(stages.length / cols) * ph + 10;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="11">`);
  out.push(`<rect width="${width}" height="${height}" fill="#fff"/>`);
  out.push(`<text x="10" y="20" font-size="14" font-weight="600">Latency by stage and CPU throttle, p50 bars, p95 whiskers (ms) — ${esc(r.date.slice(0, 10))} ${esc(r.commit.slice(0, 7))}</text>`);
  libs.forEach((l, i) => {
    const x = 10 + i * 170;
    const name = r.libraries.find((x2) => x2.library === l)?.label ?? l;
    out.push(`<rect x="${x}" y="34" width="12" height="12" fill="${COLOURS[l]}"/><text x="${x + 17}" y="44">${esc(name)}</text>`);
  });
  stages.forEach((stage, k) => out.push(panel(r, stage, libs, 10 + (k % cols) * pw, top + Math.floor(k / cols) * ph, pw - 20, ph - 20)));
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function panel(r: BenchResult, stage: StageId, libs: readonly LibraryId[], x0: number, y0: number, w: number, h: number): string {
  const out: string[] = [];
  const title = 22;
  const axis = 18;
  const left = 34;
  const plotH = h - title - axis;
  const present = libs.filter((l) => r.throttles.some((t) => findStage(r, l, stage, t)));
  const max = niceMax(Math.max(...r.throttles.flatMap((t) => present.map((l) => findStage(r, l, stage, t)?.p95 ?? 0))));
  const y = (v: number): number => y0 + title + plotH - (v / max) * plotH;
  out.push(`<g><text x="${x0}" y="${y0 + 13}" font-weight="600">${esc(STAGE_LABELS[stage])}</text>`);
  out.push(`<line x1="${x0 + left}" y1="${y0 + title + plotH}" x2="${x0 + w}" y2="${y0 + title + plotH}" stroke="#999"/>`);
  for (const f of [0, 0.5, 1]) {
    out.push(`<text x="${x0 + left - 4}" y="${y(max * f) + 4}" text-anchor="end" fill="#666">${fmtMs(max * f)}</text>`);
    if (f > 0) out.push(`<line x1="${x0 + left}" y1="${y(max * f)}" x2="${x0 + w}" y2="${y(max * f)}" stroke="#eee"/>`);
  }
  const groupW = (w - left) / r.throttles.length;
  const barW = Math.min(26, (groupW - 10) / Math.max(1, present.length));
  r.throttles.forEach((t, g) => {
    const gx = x0 + left + g * groupW + (groupW - barW * present.length) / 2;
    present.forEach((l, i) => {
      const s = findStage(r, l, stage, t);
      if (!s) return;
      const bx = gx + i * barW;
      out.push(`<rect class="bar" x="${bx.toFixed(1)}" y="${y(s.p50).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(y(0) - y(s.p50)).toFixed(1)}" fill="${COLOURS[l]}"><title>${esc(l)} ${t}x: p50 ${fmtMs(s.p50)} ms, p95 ${fmtMs(s.p95)} ms, ${s.runs} runs</title></rect>`);
      const cx = bx + (barW - 2) / 2;
      out.push(`<line x1="${cx.toFixed(1)}" y1="${y(s.p95).toFixed(1)}" x2="${cx.toFixed(1)}" y2="${y(s.p50).toFixed(1)}" stroke="#333"/>`);
      if (present.length <= 2 || l === 'eidkit') out.push(`<text x="${cx.toFixed(1)}" y="${(y(s.p95) - 3).toFixed(1)}" text-anchor="middle" font-size="9">${fmtMs(s.p50)}</text>`);
    });
    out.push(`<text x="${(x0 + left + g * groupW + groupW / 2).toFixed(1)}" y="${y0 + title + plotH + 13}" text-anchor="middle">${t}x</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}
