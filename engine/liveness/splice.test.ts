import { describe, expect, test } from 'vitest';
import { Splicer } from './splice.ts';
import { seededRandom } from './random.ts';

describe('splicing a recording to answer prompts', () => {
  const dt = 1 / 15;
  const run = (asks: { at: number; step: number; action: 'blink' | 'turn-left' }[], seconds: number): number[] => {
    const s = new Splicer({ actions: [{ action: 'blink', t: 5 }, { action: 'turn-left', t: 9 }], rest: 1, duration: 12, random: seededRandom(3) });
    const out: number[] = [];
    for (let k = 0; k * dt < seconds; k++) {
      const now = k * dt;
      const current = [...asks].reverse().find((a) => a.at <= now);
      out.push(s.next(now, current?.step ?? -1, current?.action, dt));
    }
    return out;
  };

  test('rests on the calm second before the prompt, then plays the answering segment after a human reaction delay', () => {
    const times = run([{ at: 0.5, step: 0, action: 'blink' }], 4);
    // Before the prompt and during the reaction delay: inside the calm second [1, 2].
    for (const t of times.slice(0, Math.round(0.9 / dt))) expect(t >= 1 && t <= 2).toBe(true);
    // Then the blink segment, 4.5 .. 5.8 s, played forwards.
    const first = times.findIndex((t) => t > 4);
    expect(first * dt).toBeGreaterThanOrEqual(0.5 + 0.4 - 1e-9);
    expect(first * dt).toBeLessThanOrEqual(0.5 + 1.0 + dt);
    expect(times[first]).toBeCloseTo(4.5, 5);
    expect(times.slice(first, first + 5).every((t, i, a) => i === 0 || t > a[i - 1]!)).toBe(true);
    expect(times.some((t) => Math.abs(t - 5) < dt)).toBe(true);
    // And back to rest afterwards.
    expect(times.at(-1)! <= 2).toBe(true);
  });

  test('a second prompt gets its own segment; an action the recording lacks is never answered', () => {
    const times = run([{ at: 0.5, step: 0, action: 'blink' }, { at: 3, step: 1, action: 'turn-left' }], 6);
    expect(times.some((t) => Math.abs(t - 9) < dt)).toBe(true);
    const s = new Splicer({ actions: [{ action: 'blink', t: 5 }], duration: 12, random: seededRandom(1) });
    const out: number[] = [];
    for (let k = 0; k < 90; k++) out.push(s.next(k * dt, 0, 'turn-left', dt));
    expect(Math.max(...out)).toBeLessThanOrEqual(1);
  });

  test('asks for another action a second after a prompt its recording lacks, once per prompt, and answers the new one', () => {
    const s = new Splicer({ actions: [{ action: 'blink', t: 5 }, { action: 'turn-left', t: 9 }], rest: 1, duration: 12, random: seededRandom(2) });
    const swapsAt: number[] = [];
    const out: number[] = [];
    for (let k = 0; k * dt < 5; k++) {
      const now = k * dt;
      if (s.wantsSwap(now)) swapsAt.push(now);
      // Step 0 asks look-up (not in the recording) until the swap; after it, turn-left on the same step.
      const asked = now < 0.5 ? undefined : swapsAt.length === 0 ? 'look-up' : 'turn-left';
      out.push(s.next(now, 0, asked, dt));
    }
    expect(swapsAt).toHaveLength(1);
    expect(swapsAt[0]!).toBeGreaterThanOrEqual(1.5 - 1e-9);
    expect(swapsAt[0]!).toBeLessThan(1.5 + 2 * dt);
    expect(out.some((t) => Math.abs(t - 9) < dt)).toBe(true);
    // Without swapAfter it never asks.
    const never = new Splicer({ actions: [{ action: 'blink', t: 5 }], duration: 12, random: seededRandom(1), swapAfter: undefined });
    for (let k = 0; k < 90; k++) {
      never.next(k * dt, 0, 'turn-left', dt);
      expect(never.wantsSwap(k * dt)).toBe(false);
    }
  });
});
