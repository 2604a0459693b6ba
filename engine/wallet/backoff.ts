/**
 * The PIN gate's arithmetic, kept pure so it can be reasoned about and tested without a browser.
 *
 * Counting rule (see gate in wallet.ts): an attempt is counted BEFORE the PIN is checked and un-counted only when it
 * succeeds. So closing the tab mid-check, or guessing from two tabs at once, never yields a free guess.
 */
export interface GatePolicy {
  /** Wrong PINs in a row after which the wallet wipes itself. */
  readonly maxFailures: number;
  /** Wrong PINs in a row that cost no waiting (typos happen). */
  readonly freeAttempts: number;
  /** Wait after the first failure beyond the free ones; doubles with each further failure. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_GATE_POLICY: GatePolicy = Object.freeze({
  maxFailures: 10,
  freeAttempts: 3,
  baseDelayMs: 30_000,
  maxDelayMs: 60 * 60_000,
});

export const MIN_MAX_FAILURES = 3;
export const MAX_MAX_FAILURES = 100;

/** Returns a problem description, or null when the policy is usable. */
export function checkGatePolicy(p: GatePolicy): string | null {
  if (!Number.isInteger(p.maxFailures) || p.maxFailures < MIN_MAX_FAILURES || p.maxFailures > MAX_MAX_FAILURES) {
    return `maxFailures must be an integer from ${MIN_MAX_FAILURES} to ${MAX_MAX_FAILURES}`;
  }
  if (!Number.isInteger(p.freeAttempts) || p.freeAttempts < 0 || p.freeAttempts >= p.maxFailures) {
    return 'freeAttempts must be an integer from 0 to maxFailures - 1';
  }
  if (!(p.baseDelayMs >= 0) || !(p.maxDelayMs >= p.baseDelayMs)) return 'delays must satisfy 0 <= baseDelayMs <= maxDelayMs';
  return null;
}

/** How long the gate stays shut after `failures` consecutive counted attempts. */
export function backoffDelayMs(failures: number, policy: GatePolicy = DEFAULT_GATE_POLICY): number {
  if (failures <= policy.freeAttempts) return 0;
  const exponent = failures - policy.freeAttempts - 1;
  // 2 ** 60 is still a finite double; the cap keeps the result sane for any count.
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(exponent, 60));
}

/**
 * Milliseconds until the next attempt is allowed. A clock that went backwards (now < lastAttemptAt) is not trusted
 * to shorten the wait: the full delay applies from now.
 */
export function retryAfterMs(
  failures: number,
  lastAttemptAt: number | null,
  now: number,
  policy: GatePolicy = DEFAULT_GATE_POLICY,
): number {
  const delay = backoffDelayMs(failures, policy);
  if (delay === 0 || lastAttemptAt === null) return 0;
  if (now < lastAttemptAt) return delay;
  return Math.max(0, lastAttemptAt + delay - now);
}

/** Wrong PINs the user may still enter before the wallet wipes itself (the warning a UI shows beforehand). */
export function attemptsBeforeWipe(failures: number, policy: GatePolicy = DEFAULT_GATE_POLICY): number {
  return Math.max(0, policy.maxFailures - failures);
}

/** Total forced waiting an attacker sits through to use every attempt: what the threat model quotes. */
export function totalWaitBeforeWipeMs(policy: GatePolicy = DEFAULT_GATE_POLICY): number {
  let total = 0;
  for (let f = 1; f < policy.maxFailures; f++) total += backoffDelayMs(f, policy);
  return total;
}
