import { describe, expect, test } from 'vitest';
import { PERSISTENCE_EXPLANATION, requestPersistence } from './persistence.ts';

function fakeStorage(already: boolean, grant: boolean) {
  const calls: string[] = [];
  return {
    calls,
    storage: {
      persisted: async () => (calls.push('persisted'), already),
      persist: async () => (calls.push('persist'), grant),
      estimate: async () => ({ usage: 1234, quota: 99_999 }),
    },
  };
}

describe('requestPersistence', () => {
  test('no Storage API: says so and still explains', async () => {
    const r = await requestPersistence(undefined);
    expect(r).toEqual({ supported: false, persisted: false, usage: null, quota: null, explanation: PERSISTENCE_EXPLANATION });
  });
  test('asks only when not yet persisted, and reports the answer', async () => {
    const granted = fakeStorage(false, true);
    expect((await requestPersistence(granted.storage)).persisted).toBe(true);
    expect(granted.calls).toEqual(['persisted', 'persist']);

    const denied = fakeStorage(false, false);
    const r = await requestPersistence(denied.storage);
    expect(r.persisted).toBe(false);
    expect(r.usage).toBe(1234);
    expect(r.quota).toBe(99_999);

    const already = fakeStorage(true, false);
    expect((await requestPersistence(already.storage)).persisted).toBe(true);
    expect(already.calls).toEqual(['persisted']);
  });
  test('a throwing persist() is a refusal, not a crash', async () => {
    const r = await requestPersistence({
      persisted: async () => false,
      persist: async () => {
        throw new Error('denied');
      },
      estimate: async () => ({}),
    });
    expect(r).toMatchObject({ supported: true, persisted: false, usage: null, quota: null });
  });
});
