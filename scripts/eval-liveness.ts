// Liveness evaluation harness: runs the full on-device liveness check (face engine + passive models + session +
// decideLiveness) on every MJPEG file of a manifest and prints ISO/IEC 30107-3 error rates.
//
//   npm run eval:liveness -- --manifest <m.json> [--out r.json] [--fps 15] [--only <substring>]
//
// Manifest: a JSON array of { file, label: "bona-fide" | "attack", attack?, challenge?, from?, to? } (see
// engine/liveness/manifest.ts). Entries with `challenge` are judged by the full active + passive decision with that
// scripted action sequence; entries without it by the passive path alone. `node --import tsx
// scripts/make-attack-videos.ts` writes such a manifest (our attacks + the bona fide videos) to .cache/liveness/.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createFaceEngine } from '../engine/face/index.ts';
import { packageSource } from '../engine/runtime/node-source.ts';
import { createPassiveScorer } from '../engine/liveness/passive.ts';
import { createLivenessSession } from '../engine/liveness/session.ts';
import { analyseMjpeg } from '../engine/liveness/video.ts';
import { MJPEG_FPS } from '../engine/liveness/mjpeg.ts';
import { parseEvalManifest, type EvalManifestEntry } from '../engine/liveness/manifest.ts';
import { padMetrics, type EvaluatedEntry, type PadMetrics } from '../engine/liveness/evaluation.ts';
import type { LivenessDecision, LivenessSignals } from '../engine/liveness/decide.ts';
import type { LivenessFrame } from '../engine/liveness/types.ts';

const { values } = parseArgs({
  options: {
    manifest: { type: 'string' },
    out: { type: 'string' },
    fps: { type: 'string', default: '15' },
    only: { type: 'string' },
  },
});
if (!values.manifest) {
  console.error('usage: npm run eval:liveness -- --manifest <m.json> [--out r.json] [--fps 15] [--only <substring>]');
  process.exit(2);
}
const manifestPath = resolve(values.manifest);
const base = dirname(manifestPath);
const entries = parseEvalManifest(JSON.parse(readFileSync(manifestPath, 'utf8'))).filter((e) => !values.only || e.file.includes(values.only));
const fps = Number(values.fps);
const step = Math.max(1, Math.round(MJPEG_FPS / fps));

const engine = createFaceEngine({ models: packageSource(), backend: { prefer: 'wasm' } });
const info = await engine.ready();
const passive = await createPassiveScorer({ models: packageSource(), backend: { prefer: 'wasm' } });

interface Row extends EvaluatedEntry {
  readonly mode: 'active' | 'passive';
  readonly signals: LivenessSignals;
  readonly analysedFrames: number;
  readonly msPerFrame: number;
}

const rows: Row[] = [];
console.log(`eval:liveness ${entries.length} entries, analysing ${(MJPEG_FPS / step).toFixed(1)} fps, backend ${info.backend}${info.simd ? '+simd' : ''}`);

// Entries on the same file and segment (an attack judged passively and with a challenge) share one analysis of
// each frame: the face engine's output does not depend on the session. Embeddings are taken on the first analysed
// frame of every second, the cadence a live session asks for.
const groups = new Map<string, EvalManifestEntry[]>();
for (const e of entries) {
  const key = `${e.file}|${e.from ?? ''}|${e.to ?? ''}`;
  groups.set(key, [...(groups.get(key) ?? []), e]);
}
for (const group of groups.values()) {
  const { file, from, to } = group[0]!;
  const video = analyseMjpeg(new Uint8Array(readFileSync(resolve(base, file))), {
    face: engine,
    passive,
    fps,
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
  });
  const cache: LivenessFrame[] = [];
  let spentMs = 0;
  let ended = false;
  const frameAt = async (k: number): Promise<LivenessFrame | undefined> => {
    while (cache.length <= k && !ended) {
      const began = performance.now();
      const next = await video.next();
      if (next.done) ended = true;
      else cache.push(next.value);
      spentMs += performance.now() - began;
    }
    return cache[k];
  };
  for (const entry of group) {
    const session = createLivenessSession({ challenge: entry.challenge ?? 'passive' });
    let analysed = 0;
    for (let k = 0; !session.done; k++) {
      const frame = await frameAt(k);
      if (!frame) break;
      session.push(frame);
      analysed++;
    }
    const decision = session.decide();
    const row: Row = { entry, decision, mode: session.mode, signals: session.signals(), analysedFrames: analysed, msPerFrame: spentMs / Math.max(1, cache.length) };
    rows.push(row);
    console.log(line(row));
  }
}

function line(r: Row): string {
  const e = r.entry;
  const s = r.signals;
  const d = r.decision;
  const what = e.label === 'attack' ? `attack:${e.attack}` : 'bona-fide';
  const mode = r.mode === 'active' ? `active[${(e.challenge ?? []).join(',')}]` : 'passive';
  const ok = (e.label === 'attack') !== d.live ? 'ok   ' : 'ERROR';
  const f = (v: number | undefined, digits = 3): string => (v === undefined ? '-' : v.toFixed(digits));
  const seg = e.from !== undefined || e.to !== undefined ? `@${e.from ?? 0}-${e.to ?? 'end'}s` : '';
  return [
    ok,
    `${e.file}${seg}`.padEnd(44),
    what.padEnd(19),
    mode.padEnd(36),
    d.live ? 'LIVE    ' : 'NOT-LIVE',
    `conf=${d.confidence.toFixed(2)}`,
    `reasons=${d.reasons.map((x) => x.code + (x.action ? `(${x.action})` : '')).join(',') || '-'}`,
    `done=${s.challenge ? s.challenge.completed.join('+') || '-' : '-'}`,
    `unexp=${s.challenge ? s.challenge.unexpected.length : '-'}`,
    `blinks=${s.activity.blinks}`,
    `mouthRange=${f(s.activity.mouthRange, 2)}`,
    `planar=${f(s.planar.residual)}(${s.planar.frames}f,max${s.planar.maxPoseChange.toFixed(0)}deg)`,
    `antispoof=${f(s.passive?.antispoof, 2)}`,
    `liveness=${f(s.passive?.liveness, 2)}`,
    `identity=${f(s.identity?.minSimilarity, 2)}(${s.identity?.frames ?? 0}f)`,
    `frames=${r.analysedFrames}/${s.durationMs.toFixed(0)}ms`,
  ].join(' ');
}

function table(title: string, m: PadMetrics): string {
  const pct = (v: number | null): string => (v === null ? 'n/a' : `${(100 * v).toFixed(1)} %`);
  const out = [`${title}:`];
  for (const [k, v] of Object.entries(m.apcer)) out.push(`  APCER ${k.padEnd(13)} ${pct(v.rate).padStart(8)}  (${v.errors}/${v.n} attacks accepted)`);
  out.push(`  APCER max           ${pct(m.apcerMax).padStart(8)}`);
  out.push(`  BPCER               ${pct(m.bpcer.rate).padStart(8)}  (${m.bpcer.errors}/${m.bpcer.n} bona fide rejected)`);
  out.push(`  ACER (convenience)  ${pct(m.acer).padStart(8)}`);
  return out.join('\n');
}

const active = padMetrics(rows.filter((r) => r.mode === 'active'));
const passiveOnly = padMetrics(rows.filter((r) => r.mode === 'passive'));
console.log(`\n${table('active (challenge + passive signals)', active)}\n${table('passive only (no challenge)', passiveOnly)}`);
const msPerFrame = rows.reduce((s, r) => s + r.msPerFrame, 0) / Math.max(1, rows.length);
console.log(`\nNode, ${info.backend}, ${msPerFrame.toFixed(0)} ms per analysed frame (face + passive models; embedding about once a second)`);

if (values.out) {
  const serialise = (r: Row) => ({
    file: r.entry.file,
    label: r.entry.label,
    attack: r.entry.attack,
    challenge: r.entry.challenge,
    from: r.entry.from,
    to: r.entry.to,
    mode: r.mode,
    decision: r.decision satisfies LivenessDecision,
    signals: r.signals,
    analysedFrames: r.analysedFrames,
  });
  writeFileSync(resolve(values.out), `${JSON.stringify({ fps: MJPEG_FPS / step, active, passive: passiveOnly, entries: rows.map(serialise) }, null, 1)}\n`);
  console.log(`written ${values.out}`);
}
await passive.dispose();
await engine.dispose();
