import type { LivenessDecision } from './decide.ts';
import type { EvalManifestEntry } from './manifest.ts';

/** One evaluated presentation. */
export interface EvaluatedEntry {
  readonly entry: EvalManifestEntry;
  readonly decision: LivenessDecision;
}

export interface ErrorRate {
  /** Presentations of this kind. */
  readonly n: number;
  /** Of those, misclassified (attacks accepted as live, or bona fide rejected). */
  readonly errors: number;
  /** errors / n, or null when n is 0. */
  readonly rate: number | null;
}

export interface PadMetrics {
  /** Attack Presentation Classification Error Rate per attack type (ISO/IEC 30107-3): attacks classified live. */
  readonly apcer: Readonly<Record<string, ErrorRate>>;
  /** The worst APCER over the attack types (30107-3's APCER of the system at this operating point). */
  readonly apcerMax: number | null;
  /** Bona fide Presentation Classification Error Rate: bona fide presentations classified as attacks. */
  readonly bpcer: ErrorRate;
  /** (APCER_max + BPCER) / 2: a convenience only; 30107-3 discourages it as a headline figure. */
  readonly acer: number | null;
}

/** APCER per attack type and BPCER over a set of decisions, computed separately for each `mode` subset by the caller. */
export function padMetrics(results: readonly EvaluatedEntry[]): PadMetrics {
  const apcer: Record<string, { n: number; errors: number }> = {};
  const bpcer = { n: 0, errors: 0 };
  for (const r of results) {
    if (r.entry.label === 'attack') {
      const k = r.entry.attack ?? 'unknown';
      apcer[k] ??= { n: 0, errors: 0 };
      apcer[k].n++;
      if (r.decision.live) apcer[k].errors++;
    } else {
      bpcer.n++;
      if (!r.decision.live) bpcer.errors++;
    }
  }
  const rate = (e: { n: number; errors: number }): ErrorRate => ({ ...e, rate: e.n > 0 ? e.errors / e.n : null });
  const apcerRates = Object.fromEntries(Object.entries(apcer).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, rate(v)]));
  const values = Object.values(apcerRates).map((r) => r.rate).filter((v): v is number => v !== null);
  const apcerMax = values.length > 0 ? Math.max(...values) : null;
  const b = rate(bpcer);
  return { apcer: apcerRates, apcerMax, bpcer: b, acer: apcerMax !== null && b.rate !== null ? (apcerMax + b.rate) / 2 : null };
}
