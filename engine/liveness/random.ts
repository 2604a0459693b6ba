/**
 * A small seedable PRNG (mulberry32). Challenges must be unpredictable in production (seeded from
 * crypto.getRandomValues) and reproducible in tests and evaluations (seeded by the caller).
 */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed from the platform's CSPRNG: what a real session uses, so an attacker cannot predict the actions. */
export function secureSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}
