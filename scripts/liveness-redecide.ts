// Re-decides a finished `npm run eval:liveness -- --out r.json` run under the current policy, without analysing a
// frame again: liveness is a pure function of the signals a session measured and the policy (decideLiveness). The
// sessions themselves do not depend on the vetoes' thresholds (a session ends when its challenge passes or fails, or
// its passive time is up), so the result is exactly what a new run would decide.
//
//   node --import tsx scripts/liveness-redecide.ts r.json [--policy '{"recaptureMaxMoire": 0}'] [--summary s.json]
//     [--replace r2.json ...]
//
// --replace puts the rows of a later run (of a filtered manifest) in place of the rows of r.json for the same
// presentation (file, segment, mode, scripted challenge or draw seed); each must match a row of r.json.
//
// --summary writes a small JSON (the tables, the median time, the reasons fired, and one line per presentation with
// its decision and reason codes, no signals) fit to commit beside the docs.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_POLICY, decideLiveness, type LivenessPolicy, type LivenessSignals } from '../engine/liveness/decide.ts';
import { padMetrics, type EvaluatedEntry, type PadMetrics } from '../engine/liveness/evaluation.ts';
import type { EvalManifestEntry } from '../engine/liveness/manifest.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { policy: { type: 'string' }, summary: { type: 'string' }, replace: { type: 'string', multiple: true } } });
if (positionals.length !== 1) {
  console.error("usage: node --import tsx scripts/liveness-redecide.ts r.json [--policy '{...}']");
  process.exit(2);
}
const policy: LivenessPolicy = { ...DEFAULT_POLICY, ...(values.policy ? (JSON.parse(values.policy) as Partial<LivenessPolicy>) : {}) };
interface Saved extends EvalManifestEntry {
  readonly mode: 'active' | 'passive';
  readonly draw?: { seed: number; challenge: string[]; spliced: boolean; neutralAt?: number; swappedPrompts?: number[] };
  readonly signals: LivenessSignals;
}
const run = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as { entries: Saved[] };
const keyOf = (e: Saved): string => JSON.stringify([e.file, e.from ?? null, e.to ?? null, e.mode, e.draw ? e.draw.seed : (e.challenge ?? null)]);
for (const path of values.replace ?? []) {
  const index = new Map(run.entries.map((e, i) => [keyOf(e), i]));
  const later = (JSON.parse(readFileSync(path, 'utf8')) as { entries: Saved[] }).entries;
  for (const e of later) {
    const i = index.get(keyOf(e));
    if (i === undefined) throw new Error(`${path}: no row of ${positionals[0]} for ${keyOf(e)}`);
    run.entries[i] = e;
  }
  console.log(`${path}: ${later.length} rows replaced`);
}
const rows = run.entries.map((e) => ({ e, decision: decideLiveness(e.signals, policy) }));
const of = (pick: (e: Saved) => boolean): EvaluatedEntry[] => rows.filter((r) => pick(r.e)).map((r) => ({ entry: r.e, decision: r.decision }));

function table(title: string, m: PadMetrics): string {
  const pct = (v: number | null): string => (v === null ? 'n/a' : `${(100 * v).toFixed(1)} %`);
  const out = [`${title}:`];
  for (const [k, v] of Object.entries(m.apcer)) out.push(`  APCER ${k.padEnd(16)} ${pct(v.rate).padStart(8)}  (${v.errors}/${v.n} attacks accepted)`);
  out.push(`  APCER max              ${pct(m.apcerMax).padStart(8)}`);
  out.push(`  BPCER                  ${pct(m.bpcer.rate).padStart(8)}  (${m.bpcer.errors}/${m.bpcer.n} bona fide rejected)`);
  return out.join('\n');
}
const scripted = padMetrics(of((e) => e.mode === 'active' && !e.draw));
const production = padMetrics(of((e) => e.draw !== undefined));
const passiveOnly = padMetrics(of((e) => e.mode === 'passive'));
console.log(table('active, scripted challenge (+ passive signals)', scripted));
console.log(table('production policy (random challenge draws; spliced bona fide, targeted replays)', production));
console.log(table('passive only (no challenge)', passiveOnly));
const times = rows.filter((r) => r.e.draw && r.e.label === 'bona-fide' && r.decision.live).map((r) => r.e.signals.durationMs / 1000).sort((a, b) => a - b);
const medianS = times.length > 0 ? times[Math.floor((times.length - 1) / 2)]! : null;
if (medianS !== null) console.log(`  median time to an accepted decision (bona fide draws): ${medianS.toFixed(1)} s (${times.length} accepted draws)`);
// A cooperative person who can do every action never swaps: the draws where the clip's person did not either.
const unswapped = rows.filter((r) => r.e.draw && r.e.label === 'bona-fide' && r.decision.live && !r.e.signals.challenge?.swaps?.length).map((r) => r.e.signals.durationMs / 1000).sort((a, b) => a - b);
const medianUnswappedS = unswapped.length > 0 ? unswapped[Math.floor((unswapped.length - 1) / 2)]! : null;
if (medianUnswappedS !== null) console.log(`  the same over draws with no swap: ${medianUnswappedS.toFixed(1)} s (${unswapped.length} draws)`);
// Where the time of an accepted bona fide draw goes, phase by phase (ms, medians; the harness's spliced timeline).
const breakdown = timeBreakdown(rows.filter((r) => r.e.draw && r.e.label === 'bona-fide' && r.decision.live).map((r) => r.e));
if (breakdown) {
  console.log('\ntime breakdown of accepted bona fide draws (median ms; n draws):');
  for (const [k, v] of Object.entries(breakdown)) console.log(`  ${k.padEnd(44)} ${v.median === null ? '-' : String(Math.round(v.median)).padStart(6)}  (n=${v.n})`);
}
// Which vetoes fired, per kind of presentation: what each signal catches, and what it costs bona fide.
const fired = new Map<string, Map<string, number>>();
for (const r of rows) {
  const kind = `${r.e.label === 'attack' ? r.e.attack : 'bona-fide'}/${r.e.draw ? 'production' : r.e.mode === 'active' ? 'scripted' : 'passive'}`;
  const m = fired.get(kind) ?? new Map<string, number>();
  m.set('n', (m.get('n') ?? 0) + 1);
  for (const c of new Set(r.decision.reasons.map((x) => x.code))) m.set(c, (m.get(c) ?? 0) + 1);
  fired.set(kind, m);
}
console.log('\nreasons fired (presentations with that reason / presentations):');
for (const [kind, m] of [...fired].sort(([a], [b]) => a.localeCompare(b))) {
  const n = m.get('n')!;
  console.log(`  ${kind.padEnd(30)} n=${String(n).padStart(3)}  ${[...m].filter(([k]) => k !== 'n').map(([k, v]) => `${k} ${v}`).join(', ')}`);
}
if (values.summary) {
  const summary = {
    run: positionals[0],
    ...(values.replace?.length ? { replacedFrom: values.replace } : {}),
    policy,
    scripted,
    production,
    passive: passiveOnly,
    medianDecisionS: medianS,
    medianDecisionUnswappedS: medianUnswappedS,
    ...(breakdown ? { timeBreakdownMs: Object.fromEntries(Object.entries(breakdown).map(([k, v]) => [k, v.median === null ? null : Math.round(v.median)])) } : {}),
    reasonsFired: Object.fromEntries([...fired].sort(([a], [b]) => a.localeCompare(b)).map(([k, m]) => [k, Object.fromEntries(m)])),
    presentations: rows.map((r) => ({
      file: r.e.file.split('/').at(-1),
      ...(r.e.from !== undefined || r.e.to !== undefined ? { segment: [r.e.from ?? 0, r.e.to ?? null] } : {}),
      label: r.e.label,
      ...(r.e.attack ? { attack: r.e.attack } : {}),
      mode: r.e.draw ? (r.e.draw.spliced ? 'spliced' : 'random') : r.e.mode === 'active' ? 'scripted' : 'passive',
      ...(r.e.draw ? { seed: r.e.draw.seed, challenge: r.e.draw.challenge } : Array.isArray(r.e.challenge) ? { challenge: r.e.challenge } : {}),
      ...(r.e.signals.challenge?.swaps?.length ? { swaps: r.e.signals.challenge.swaps.map((w) => `${w.from}>${w.to}`) } : {}),
      live: r.decision.live,
      reasons: r.decision.reasons.map((x) => x.code + (x.action ? `(${x.action}${x.failure ? `,${x.failure}` : ''})` : '')),
      seconds: Number((r.e.signals.durationMs / 1000).toFixed(2)),
    })),
  };
  writeFileSync(values.summary, `${JSON.stringify(summary, null, 1)}\n`);
  console.log(`written ${values.summary}`);
}

/**
 * Phases of each draw: from the first frame to the neutral pose, then per step the pause before its prompt (split at
 * a swap into the pause, the person's hesitation before asking for another action, and the pause after the swap), the
 * reaction (prompt to onset), the action (onset to done), and what is left after the last step (a wait for passive
 * evidence would show there). Null when the run predates the harness recording `neutralAt`.
 */
function timeBreakdown(draws: readonly Saved[]): Record<string, { median: number | null; n: number }> | undefined {
  if (!draws.some((d) => d.draw?.neutralAt !== undefined)) return undefined;
  const phases = new Map<string, number[]>();
  const add = (k: string, v: number): void => void (phases.get(k) ?? phases.set(k, []).get(k)!).push(v);
  for (const d of draws) {
    const c = d.signals.challenge;
    if (!c?.steps || d.draw?.neutralAt === undefined) continue;
    const swapped = (c.swaps?.length ?? 0) > 0 ? 'swap' : 'no swap';
    add(`[${swapped}] first frame -> neutral pose learned`, d.draw.neutralAt);
    let before = d.draw.neutralAt;
    c.steps.forEach((s, k) => {
      const swaps = (c.swaps ?? []).filter((w) => w.t >= before && w.t <= s.askedAt);
      if (swaps.length === 0) add(`[${swapped}] step ${k + 1}: pause before the prompt`, s.askedAt - before);
      else {
        const prompts = d.draw!.swappedPrompts ?? [];
        const first = prompts.find((p) => p >= before && p <= swaps[0]!.t);
        if (first !== undefined) {
          add(`[${swapped}] step ${k + 1}: pause before the swapped prompt`, first - before);
          add(`[${swapped}] step ${k + 1}: swapped prompt -> swap`, swaps[0]!.t - first);
        }
        add(`[${swapped}] step ${k + 1}: swap -> new prompt`, s.askedAt - swaps.at(-1)!.t);
      }
      if (s.onsetAt !== undefined) add(`[${swapped}] step ${k + 1}: prompt -> onset`, s.onsetAt - s.askedAt);
      if (s.onsetAt !== undefined && s.doneAt !== undefined) add(`[${swapped}] step ${k + 1}: onset -> done`, s.doneAt - s.onsetAt);
      before = s.doneAt ?? s.askedAt;
    });
    add(`[${swapped}] last step done -> decision`, d.signals.durationMs - before);
    add(`[${swapped}] total`, d.signals.durationMs);
  }
  const med = (v: number[]): number | null => {
    const s = [...v].sort((a, b) => a - b);
    return s.length === 0 ? null : s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  return Object.fromEntries([...phases].sort(([a], [b]) => a.slice(0, a.indexOf(']')).localeCompare(b.slice(0, b.indexOf(']')))).map(([k, v]) => [k, { median: med(v), n: v.length }]));
}
