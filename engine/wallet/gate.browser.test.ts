import { describe, expect, test } from 'vitest';
import { DEFAULT_PBKDF2_ITERATIONS, MIN_PBKDF2_ITERATIONS } from './crypto.ts';
import { openWallet } from './wallet.ts';
import { PIN, addSample, fakeClock, open, rawDb, rejection, uniqueName } from './testing/helpers.ts';

const WRONG = '902733';

describe('PIN gate: backoff, warnings, wipe', () => {
  test('wrong PINs: three free, then exponential backoff that also holds back the right PIN', async () => {
    const clock = fakeClock();
    const w = await open(uniqueName('backoff'), {}, clock);
    await w.setup(PIN);
    w.lock();
    for (let i = 1; i <= 3; i++) {
      const e = await rejection(w.unlock(WRONG));
      expect(e.code).toBe('wallet/wrong-pin');
      expect(e.details).toMatchObject({ failures: i, attemptsLeft: 10 - i, retryAfterMs: 0 });
    }
    const fourth = await rejection(w.unlock(WRONG));
    expect(fourth.details).toMatchObject({ failures: 4, attemptsLeft: 6, retryAfterMs: 30_000 });

    // Inside the wait: refused without being counted, even with the right PIN.
    clock.advance(10_000);
    const wait = await rejection(w.unlock(PIN));
    expect(wait.code).toBe('wallet/backoff');
    expect(wait.details).toMatchObject({ retryAfterMs: 20_000, failures: 4, attemptsLeft: 6 });
    expect(wait.details?.['retryAt']).toBe(new Date(clock.now() + 20_000).toISOString());
    expect(await w.status()).toMatchObject({ failures: 4, retryAfterMs: 20_000, attemptsBeforeWipe: 6 });

    // A clock moved back does not shorten the wait.
    clock.advance(-86_400_000);
    expect((await rejection(w.unlock(PIN))).details).toMatchObject({ retryAfterMs: 30_000 });
    clock.advance(86_400_000);

    clock.advance(20_000);
    const fifth = await rejection(w.unlock(WRONG));
    expect(fifth.details).toMatchObject({ failures: 5, retryAfterMs: 60_000 });
    clock.advance(60_000);
    await w.unlock(PIN);
    expect(await w.status()).toMatchObject({ unlocked: true, failures: 0, retryAfterMs: 0, attemptsBeforeWipe: 10 });
    w.close();
  });

  test('default budget of 10: warns as it runs out, then wipes everything and tells other tabs', async () => {
    const clock = fakeClock();
    const name = uniqueName('wipe');
    const w = await open(name, {}, clock);
    const other = await open(name, {}, clock);
    const seen: string[] = [];
    other.subscribe((e) => seen.push(`${e.type}:${e.source}`));
    await w.setup(PIN);
    await addSample(w, 'doc-1');
    await other.unlock(PIN);
    w.lock(); // "lock now" locks every tab
    await new Promise((r) => setTimeout(r, 50));
    expect(other.isUnlocked).toBe(false);
    expect(seen).toContain('locked:remote');

    const messages: string[] = [];
    for (let i = 1; i <= 9; i++) {
      clock.advance(2 * 60 * 60_000); // sit out every backoff
      const e = await rejection(w.unlock(WRONG));
      expect(e.code).toBe('wallet/wrong-pin');
      expect(e.details?.['attemptsLeft']).toBe(10 - i);
      expect((await w.status()).attemptsBeforeWipe).toBe(10 - i);
      messages.push(e.message);
    }
    expect(messages[6]).toMatch(/3 attempt\(s\) left/);
    expect(messages[8]).toMatch(/1 attempt\(s\) left/);
    expect(messages[0]).not.toMatch(/left/);

    clock.advance(2 * 60 * 60_000);
    const last = await rejection(w.unlock(WRONG));
    expect(last.code).toBe('wallet/wiped');
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toContain('wiped:remote');

    const st = await w.status();
    expect(st).toMatchObject({ initialised: false, unlocked: false, wipedReason: 'too-many-failures' });
    expect(st.wipedAt).toBe(new Date(clock.now()).toISOString());
    const db = await rawDb(name);
    expect(await db.count('credentials')).toBe(0);
    expect(await db.count('keys')).toBe(0);
    expect(await db.getAllKeys('meta')).toEqual(['wiped']);
    db.close();
    expect((await rejection(w.unlock(PIN))).code).toBe('wallet/wiped');
    expect((await rejection(other.unlock(PIN))).code).toBe('wallet/wiped');

    // The citizen can start over.
    await w.setup('613082');
    expect((await w.listCredentials()).items).toEqual([]);
    expect((await w.status()).wipedAt).toBeNull();
    w.close();
    other.close();
  });

  test('the attempt is counted before the check: parallel guesses from two tabs get one try', async () => {
    const clock = fakeClock();
    const name = uniqueName('race');
    const a = await open(name, {}, clock);
    const b = await open(name, {}, clock);
    await a.setup(PIN);
    a.lock();
    for (let i = 0; i < 3; i++) await rejection(a.unlock(WRONG)); // free typos used up
    const results = await Promise.allSettled([a.unlock(WRONG), b.unlock(WRONG)]);
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok')).sort();
    expect(codes).toEqual(['wallet/backoff', 'wallet/wrong-pin']);
    expect((await a.status()).failures).toBe(4);
    a.close();
    b.close();
  });

  test('an attempt cut off mid-check (tab closed) still counts; the cut-off last one wipes', async () => {
    const clock = fakeClock();
    const name = uniqueName('cutoff');
    const w = await open(name, {}, clock);
    await w.setup(PIN, { maxFailures: 5 });
    await addSample(w, 'doc');
    w.lock();
    // What the reservation transaction leaves behind when the page dies before the PIN check ends.
    const db = await rawDb(name);
    await db.put('meta', { failures: 5, lastAttemptAt: clock.now() }, 'gate');
    db.close();
    clock.advance(24 * 60 * 60_000);
    expect((await rejection(w.unlock(PIN))).code).toBe('wallet/wiped');
    expect((await w.status()).initialised).toBe(false);
    w.close();
  });

  test('change PIN: the old one is checked by the gate; afterwards only the new one opens', async () => {
    const w = await open(uniqueName('change'));
    await w.setup(PIN);
    await addSample(w, 'doc');
    expect((await rejection(w.changePin(WRONG, '771204'))).code).toBe('wallet/wrong-pin');
    expect((await w.status()).failures).toBe(1);
    expect((await rejection(w.changePin(PIN, '000000'))).code).toBe('wallet/weak-pin');
    await w.changePin(PIN, '771204');
    expect((await w.status()).failures).toBe(0);
    w.lock();
    expect((await rejection(w.unlock(PIN))).code).toBe('wallet/wrong-pin');
    await w.unlock('771204');
    expect((await w.listCredentials()).items.map((c) => c.id)).toEqual(['doc']);
    w.close();
  });

  test('full-width digits from a CJK keyboard are the same PIN (NFKC)', async () => {
    const w = await open(uniqueName('nfkc'));
    await w.setup(PIN);
    w.lock();
    await w.unlock('４８２９１５');
    expect(w.isUnlocked).toBe(true);
    w.close();
  });

  test(`the real default KDF: PBKDF2-SHA-256 with ${DEFAULT_PBKDF2_ITERATIONS} iterations`, async () => {
    expect(DEFAULT_PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    expect(MIN_PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    const name = uniqueName('realkdf');
    const w = await openWallet({ name, lockWhenHidden: false }); // no testing overrides
    const t0 = performance.now();
    await w.setup(PIN);
    const tSetup = performance.now() - t0;
    w.lock();
    const t1 = performance.now();
    await w.unlock(PIN);
    const tUnlock = performance.now() - t1;
    const db = await rawDb(name);
    const vault = await db.get('meta', 'vault');
    db.close();
    expect(vault.pin.kdf).toBe('PBKDF2-SHA-256');
    expect(vault.pin.iterations).toBeGreaterThanOrEqual(600_000);
    expect(vault.pin.salt.length).toBe(16);
    expect((await w.status()).kdfIterations).toBe(DEFAULT_PBKDF2_ITERATIONS);
    console.log(`[measure] real KDF (${DEFAULT_PBKDF2_ITERATIONS} it.): setup ${tSetup.toFixed(0)} ms, unlock ${tUnlock.toFixed(0)} ms`);
    // Outside tests, fewer iterations are refused.
    await expect(openWallet({ name: uniqueName('weakkdf'), kdfIterations: 100_000 })).rejects.toMatchObject({ code: 'wallet/bad-input' });
    w.close();
  });

  test('a vault sealed with fewer iterations is re-wrapped at the current count on unlock', async () => {
    const name = uniqueName('rehash');
    const old = await open(name, { testing: { kdfIterations: 1_000 } });
    await old.setup(PIN);
    await addSample(old, 'doc');
    old.close();
    const w = await open(name, { testing: { kdfIterations: 3_000 } });
    expect((await w.status()).kdfIterations).toBe(1_000);
    await w.unlock(PIN);
    expect((await w.status()).kdfIterations).toBe(3_000);
    expect((await w.listCredentials()).items.map((c) => c.id)).toEqual(['doc']);
    w.lock();
    await w.unlock(PIN);
    expect(w.isUnlocked).toBe(true);
    w.close();
  });
});
