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
import jpeg from 'jpeg-js';
import { LIVENESS_ANALYSIS, livenessFrame } from '../engine/liveness/from-face.ts';
import { MJPEG_FPS, splitMjpeg } from '../engine/liveness/mjpeg.ts';
import { seededRandom } from '../engine/liveness/random.ts';
import { Splicer } from '../engine/liveness/splice.ts';
import { SCRIPTED_TIMING } from '../test-fixtures/liveness/responsive.ts';
import type { LivenessProgress } from '../engine/liveness/session.ts';
import type { RgbaImage } from '../engine/runtime/frame.ts';
import type { Action } from '../engine/liveness/types.ts';
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
  /** Random-challenge draws: the seed and the challenge drawn. */
  readonly draw?: {
    readonly seed: number;
    readonly challenge: readonly Action[];
    readonly spliced: boolean;
    /** Session time (ms) of the frame on which the neutral pose was learned. */
    readonly neutralAt?: number;
    /** When each prompt that a swap replaced was asked (ms). */
    readonly swappedPrompts?: readonly number[];
  };
}

const rows: Row[] = [];
console.log(`eval:liveness ${entries.length} entries, analysing ${(MJPEG_FPS / step).toFixed(1)} fps, backend ${info.backend}${info.simd ? '+simd' : ''}`);

/**
 * One recording (a file and optional segment), analysed frame by frame on demand and cached by frame index: the face
 * engine's output does not depend on the session, so every entry and every draw on the same recording shares it.
 */
class Recording {
  readonly frames: Uint8Array[];
  readonly first: number;
  readonly last: number;
  private readonly cache = new Map<string, LivenessFrame>();
  spentMs = 0;
  analysed = 0;

  constructor(bytes: Uint8Array, from?: number, to?: number) {
    this.frames = splitMjpeg(bytes);
    this.first = Math.round((from ?? 0) * MJPEG_FPS);
    this.last = Math.min(this.frames.length, to !== undefined ? Math.round(to * MJPEG_FPS) : this.frames.length);
  }

  get seconds(): number {
    return (this.last - this.first) / MJPEG_FPS;
  }

  /** The analysed frame at index `i` of the file, stamped with session time `t` (ms). */
  async at(i: number, t: number, embed: boolean): Promise<LivenessFrame> {
    const key = `${i}|${embed}`;
    let f = this.cache.get(key);
    if (!f) {
      const began = performance.now();
      const decoded = jpeg.decode(this.frames[i]!, { useTArray: true, formatAsRGBA: true });
      const image: RgbaImage = { data: decoded.data, width: decoded.width, height: decoded.height };
      const analysis = await engine.analyse(image, { ...LIVENESS_ANALYSIS, embed, maxAnalysed: 1 });
      const box = analysis.faces[0]?.detection.box;
      f = livenessFrame(0, analysis, box ? await passive.scoreFrame(image, box) : undefined);
      this.cache.set(key, f);
      this.spentMs += performance.now() - began;
      this.analysed++;
    }
    return { ...f, t };
  }
}

const recordings = new Map<string, Recording>();
const recordingOf = (e: EvalManifestEntry): Recording => {
  const key = `${e.file}|${e.from ?? ''}|${e.to ?? ''}`;
  let r = recordings.get(key);
  if (!r) {
    r = new Recording(new Uint8Array(readFileSync(resolve(base, e.file))), e.from, e.to);
    recordings.set(key, r);
  }
  return r;
};

/** Longest a random-challenge session may run before the harness stops it (a session times out well before). */
const MAX_SESSION_S = 40;

for (const entry of entries) {
  const rec = recordingOf(entry);
  const rowOf = (session: ReturnType<typeof createLivenessSession>, analysed: number, draw?: Row['draw']): Row => ({
    entry,
    decision: session.decide(),
    mode: session.mode,
    signals: session.signals(),
    analysedFrames: analysed,
    msPerFrame: rec.spentMs / Math.max(1, rec.analysed),
    ...(draw ? { draw } : {}),
  });
  if (entry.challenge !== 'random') {
    // The recording played once from its start, as a camera would show it; an embedding about once a second.
    // A clip cannot answer prompts: a scripted challenge is judged without pauses or reaction windows (the clip's own
    // moments decide), which tests the action detectors and the passive signals; the timing is judged by the draws.
    const session = createLivenessSession({ challenge: entry.challenge ?? 'passive', ...(entry.challenge ? { timing: SCRIPTED_TIMING } : {}) });
    let analysed = 0;
    for (let i = rec.first; i < rec.last && !session.done; i += step) {
      const t = ((i - rec.first) * 1000) / MJPEG_FPS;
      session.push(await rec.at(i, t, session.wantsEmbedding(t)));
      analysed++;
    }
    const row = rowOf(session, analysed);
    rows.push(row);
    console.log(line(row));
    continue;
  }
  const draws = entry.draws ?? 1;
  for (let d = 0; d < draws; d++) {
    const seed = (entry.seed ?? 1) + d;
    // The production policy's challenge (2 distinct actions of 5), drawn from this seed.
    const session = createLivenessSession({ challenge: { seed } });
    const random = seededRandom((seed * 2654435761) ^ 0x51ce);
    const splicer = entry.actions
      ? new Splicer({ actions: entry.actions, rest: entry.rest ?? entry.from ?? 0, duration: rec.last / MJPEG_FPS, random })
      : undefined;
    // A random start, on the analysis grid so the draws share analysed frames.
    const start = (Math.floor(random() * rec.seconds * (MJPEG_FPS / step)) * step) / MJPEG_FPS;
    const dt = step / MJPEG_FPS;
    let progress: LivenessProgress | undefined;
    let analysed = 0;
    // For the time breakdown (liveness-redecide): when the neutral pose was learned, and each prompt a swap replaced.
    let neutralAt: number | undefined;
    const swappedPrompts: number[] = [];
    for (let k = 0; !session.done && k * dt < MAX_SESSION_S; k++) {
      const now = k * dt;
      const c = progress?.challenge;
      if (neutralAt === undefined && c && c.status !== 'neutral') neutralAt = (k - 1) * dt * 1000;
      // A spliced person (or attacker) asked for an action their recording lacks says "I can't do this one".
      if (splicer?.wantsSwap(now)) {
        const asked = c?.steps[c.step]?.askedAt;
        if (session.swapAction(now * 1000) && asked !== undefined) swappedPrompts.push(asked);
      }
      const seconds = splicer
        ? splicer.next(now, c?.step ?? -1, c?.status === 'active' && c.phase !== 'pause' ? c.action : undefined, dt)
        : (rec.first / MJPEG_FPS) + ((start + now) % rec.seconds);
      const i = Math.min(rec.last - 1, Math.max(rec.first, Math.round(seconds * MJPEG_FPS)));
      progress = session.push(await rec.at(i, now * 1000, session.wantsEmbedding(now * 1000)));
      analysed++;
    }
    const row = rowOf(session, analysed, { seed, challenge: session.actions, spliced: splicer !== undefined, ...(neutralAt !== undefined ? { neutralAt } : {}), swappedPrompts });
    rows.push(row);
    console.log(line(row));
  }
}

function line(r: Row): string {
  const e = r.entry;
  const s = r.signals;
  const d = r.decision;
  const what = e.label === 'attack' ? `attack:${e.attack}` : 'bona-fide';
  const mode = r.draw ? `${r.draw.spliced ? 'spliced' : 'random'}#${r.draw.seed}[${r.draw.challenge.join(',')}]` : r.mode === 'active' ? `active[${(e.challenge as readonly Action[] | undefined ?? []).join(',')}]` : 'passive';
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
    `swaps=${s.challenge?.swaps?.map((w) => `${w.from}>${w.to}`).join(',') || '-'}`,
    `blinks=${s.activity.blinks}`,
    `mouthRange=${f(s.activity.mouthRange, 2)}`,
    `planar=${f(s.planar.residual)}(${s.planar.frames}f,max${s.planar.maxPoseChange.toFixed(0)}deg)`,
    `texture=${f(s.texture?.independence)}/${f(s.texture?.parallax)}(${s.texture?.frames ?? 0}f,mot${f(s.texture?.maxMotion, 2)},pts${s.texture?.facePoints ?? 0}+${s.texture?.ringPoints ?? 0})`,
    `recap=moire${f(s.recapture?.moire, 1)},border${f(s.recapture?.border, 2)},frameEdge${f(s.recapture?.frameEdge, 2)},lattice${f(s.recapture?.lattice, 1)},glare${f(s.recapture?.glare, 3)},chroma${f(s.recapture?.chroma, 1)},contrast${f(s.recapture?.contrast, 0)},flicker${f(s.recapture?.flicker, 4)}`,
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

const active = padMetrics(rows.filter((r) => r.mode === 'active' && !r.draw));
const production = padMetrics(rows.filter((r) => r.draw));
const passiveOnly = padMetrics(rows.filter((r) => r.mode === 'passive'));
const decisionS = rows.filter((r) => r.draw && r.entry.label === 'bona-fide' && r.decision.live).map((r) => r.signals.durationMs / 1000).sort((a, b) => a - b);
const medianS = decisionS.length > 0 ? decisionS[Math.floor((decisionS.length - 1) / 2)]! : null;
console.log(`\n${table('active, scripted challenge (+ passive signals)', active)}\n${table('production policy (random challenge, draws; spliced bona fide)', production)}\n${table('passive only (no challenge)', passiveOnly)}`);
if (medianS !== null) console.log(`  median time to an accepted decision (bona fide draws): ${medianS.toFixed(1)} s`);
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
    ...(r.draw ? { draw: r.draw } : {}),
    decision: r.decision satisfies LivenessDecision,
    signals: r.signals,
    analysedFrames: r.analysedFrames,
  });
  writeFileSync(resolve(values.out), `${JSON.stringify({ fps: MJPEG_FPS / step, active, production, passive: passiveOnly, medianDecisionS: medianS, entries: rows.map(serialise) }, null, 1)}\n`);
  console.log(`written ${values.out}`);
}
await passive.dispose();
await engine.dispose();
