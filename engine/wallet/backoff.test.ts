import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_GATE_POLICY,
  attemptsBeforeWipe,
  backoffDelayMs,
  checkGatePolicy,
  retryAfterMs,
  totalWaitBeforeWipeMs,
} from './backoff.ts';

describe('PIN backoff schedule', () => {
  test('default: three free typos, then 30 s doubling, wipe at 10', () => {
    const delays = Array.from({ length: 11 }, (_, f) => backoffDelayMs(f));
    expect(delays).toEqual([0, 0, 0, 0, 30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000]);
    expect(DEFAULT_GATE_POLICY.maxFailures).toBe(10);
    expect(attemptsBeforeWipe(0)).toBe(10);
    expect(attemptsBeforeWipe(7)).toBe(3);
    expect(attemptsBeforeWipe(12)).toBe(0);
    // 30 s + 1 + 2 + 4 + 8 + 16 min = 31.5 min of forced waiting for 10 guesses.
    expect(totalWaitBeforeWipeMs()).toBe(30_000 + 60_000 + 120_000 + 240_000 + 480_000 + 960_000);
  });

  test('delay is capped and never decreases with more failures', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (f) => {
        const a = backoffDelayMs(f);
        const b = backoffDelayMs(f + 1);
        return a <= b && b <= DEFAULT_GATE_POLICY.maxDelayMs && Number.isFinite(b);
      }),
    );
  });

  test('retry-after counts down from the last attempt and ignores a clock moved backwards', () => {
    const t0 = 1_700_000_000_000;
    expect(retryAfterMs(4, t0, t0)).toBe(30_000);
    expect(retryAfterMs(4, t0, t0 + 10_000)).toBe(20_000);
    expect(retryAfterMs(4, t0, t0 + 30_000)).toBe(0);
    expect(retryAfterMs(4, t0, t0 + 99_000)).toBe(0);
    expect(retryAfterMs(4, t0, t0 - 5_000_000)).toBe(30_000);
    expect(retryAfterMs(2, t0, t0)).toBe(0);
    expect(retryAfterMs(5, null, t0)).toBe(0);
  });

  test('policy validation', () => {
    expect(checkGatePolicy(DEFAULT_GATE_POLICY)).toBeNull();
    expect(checkGatePolicy({ ...DEFAULT_GATE_POLICY, maxFailures: 2 })).toMatch(/maxFailures/);
    expect(checkGatePolicy({ ...DEFAULT_GATE_POLICY, maxFailures: 3.5 })).toMatch(/maxFailures/);
    expect(checkGatePolicy({ ...DEFAULT_GATE_POLICY, freeAttempts: 10 })).toMatch(/freeAttempts/);
    expect(checkGatePolicy({ ...DEFAULT_GATE_POLICY, baseDelayMs: -1 })).toMatch(/delays/);
  });
});
