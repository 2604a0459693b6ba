import { afterEach, describe, expect, test } from 'vitest';
import { cdp } from 'vitest/browser';
import { deleteDB, openDB } from 'idb';
import { requestPersistence } from './persistence.ts';
import {
  PIN,
  TEST_ITERATIONS,
  addSample,
  open,
  rejection,
  sampleBytes,
  sampleMeta,
  uniqueName,
} from './testing/helpers.ts';
import type { WalletEvent } from './channel.ts';

/** Real quota errors: Chromium's DevTools protocol lowers this origin's quota, and IndexedDB enforces it. */
async function setQuota(bytes: number | null): Promise<void> {
  await cdp().send('Storage.overrideQuotaForOrigin', bytes === null ? { origin: location.origin } : { origin: location.origin, quotaSize: bytes });
}

/**
 * Chromium's IndexedDB caches the origin's remaining space for a while (about 30 s here) before asking the quota
 * manager again, so a lowered quota bites only after that. Poll with scratch writes until it does.
 */
async function lowerQuotaUntilEnforced(room: number): Promise<void> {
  const name = uniqueName('scratch');
  const scratch = await openDB(name, 1, { upgrade: (db) => void db.createObjectStore('s') });
  const { usage = 0 } = await navigator.storage.estimate();
  await setQuota(usage + room);
  const deadline = performance.now() + 90_000;
  try {
    for (let i = 0; ; i++) {
      const tx = scratch.transaction('s', 'readwrite');
      void tx.store.put(sampleBytes(room + 100_000), i).catch(() => undefined);
      try {
        await tx.done;
      } catch (e) {
        if ((e as DOMException).name === 'QuotaExceededError') return;
        throw e;
      }
      await scratch.delete('s', i);
      if (performance.now() > deadline) throw new Error('the quota override was never enforced');
      await new Promise((r) => setTimeout(r, 1_000));
    }
  } finally {
    scratch.close();
    await deleteDB(name);
  }
}

afterEach(async () => {
  await setQuota(null);
});

describe('durability: quota, crashes, two tabs', () => {
  test('a write refused for quota leaves the previous state intact, all-or-nothing, and says so', async () => {
    // Before the quota drops: wallet A with one credential and a free key; a backup of three credentials; wallet B.
    const a = await open(uniqueName('quota-a'));
    await a.setup(PIN);
    const before = await addSample(a, 'small');
    const key = await a.createDeviceKey();
    const src = await open(uniqueName('quota-src'));
    await src.setup(PIN);
    for (const id of ['r1', 'r2', 'r3']) await addSample(src, id, 300_000);
    const { file } = await src.exportBackup('correct horse battery');
    src.close();
    const b = await open(uniqueName('quota-b'));
    await b.setup(PIN);
    await addSample(b, 'mine');

    await lowerQuotaUntilEnforced(400_000); // room for one 300 kB credential, not three, nor 1.5 MB

    const e = await rejection(a.addCredential({ bytes: sampleBytes(1_500_000), meta: sampleMeta('big'), keyId: key.keyId }));
    expect(e.code).toBe('wallet/quota');
    expect(e.message).toMatch(/Nothing was changed/);
    expect((e.cause as DOMException).name).toBe('QuotaExceededError');
    // A multi-record write (restore of three credentials) is all-or-nothing.
    expect((await rejection(b.importBackup(file, 'correct horse battery'))).code).toBe('wallet/quota');

    await setQuota(null);
    const list = await a.listCredentials();
    expect(list.items.map((c) => c.id)).toEqual(['small']);
    expect(list.damaged).toEqual([]);
    expect((await a.getCredential('small')).bytes).toEqual(before.bytes);
    // The key that the failed transaction would have bound is still free, so the retry works.
    expect((await a.listDeviceKeys()).find((k) => k.keyId === key.keyId)?.credentialId).toBeNull();
    expect((await b.listCredentials()).items.map((c) => c.id)).toEqual(['mine']);

    await a.addCredential({ bytes: sampleBytes(1_500_000), meta: sampleMeta('big'), keyId: key.keyId });
    expect((await a.listCredentials()).items.map((c) => c.id).sort()).toEqual(['big', 'small']);
    expect((await b.importBackup(file, 'correct horse battery')).restored.sort()).toEqual(['r1', 'r2', 'r3']);
    a.close();
    b.close();
  });

  test('concurrent writes from a second context (worker) and this page: nothing lost, other side notified', async () => {
    const name = uniqueName('two-tabs');
    const page = await open(name);
    await page.setup(PIN);
    const events: WalletEvent[] = [];
    page.subscribe((e) => events.push(e));

    const worker = new Worker(new URL('./testing/second-context.worker.ts', import.meta.url), { type: 'module' });
    const workerIds = Array.from({ length: 6 }, (_, i) => `w-${i}`);
    const fromWorker = new Promise<{ ok: boolean; done?: string[]; listed?: string[]; code?: string }>((resolve) => {
      worker.onmessage = (ev) => resolve(ev.data);
      worker.onerror = (ev) => resolve({ ok: false, code: ev.message });
    });
    worker.postMessage({ name, pin: PIN, iterations: TEST_ITERATIONS, ids: workerIds });
    const pageIds = Array.from({ length: 6 }, (_, i) => `p-${i}`);
    await Promise.all(pageIds.map((id) => addSample(page, id)));
    const result = await fromWorker;
    worker.terminate();
    expect(result).toMatchObject({ ok: true });
    expect(result.done?.sort()).toEqual(workerIds);

    const list = await page.listCredentials();
    expect(list.damaged).toEqual([]);
    expect(list.items.map((c) => c.id).sort()).toEqual([...pageIds, ...workerIds].sort());
    const keys = await page.listDeviceKeys();
    expect(keys).toHaveLength(12);
    expect(new Set(keys.map((k) => k.credentialId)).size).toBe(12);
    for (const c of list.items) expect(keys.find((k) => k.keyId === c.keyId)?.credentialId).toBe(c.id);
    // Every credential still signs with its own key.
    for (const id of ['w-0', 'p-0']) {
      const s = await page.presentationSigner(id);
      expect((await s.sign(new Uint8Array([9]))).length).toBe(64);
    }

    await new Promise((r) => setTimeout(r, 50));
    const remote = events.filter((e) => e.source === 'remote' && e.type === 'credentials').map((e) => e.id);
    expect(remote.sort()).toEqual(workerIds);
    page.close();
  });

  test('concurrent writes from two instances in one page are serialised, none lost', async () => {
    const name = uniqueName('two-conn');
    const a = await open(name);
    await a.setup(PIN);
    const b = await open(name);
    await b.unlock(PIN);
    await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => addSample(a, `a-${i}`)),
      ...Array.from({ length: 8 }, (_, i) => addSample(b, `b-${i}`)),
      a.recordPresentation({ credentialId: 'a-0', disclosed: ['age_over_18'], mode: 'one-way' }).catch(() => 'raced'),
    ]);
    expect((await b.listCredentials()).items).toHaveLength(16);
    expect((await a.listCredentials()).items).toHaveLength(16);
    a.close();
    b.close();
  });

  test('a newer schema opened in another tab: this tab steps aside, then reports schema-too-new', async () => {
    const name = uniqueName('versionchange');
    const w = await open(name);
    await w.setup(PIN);
    // Would hang (blocked) if the wallet kept its connection open against a version change.
    const newer = await openDB(name, 99, { upgrade() {} });
    newer.close();
    expect((await rejection(w.status())).code).toBe('wallet/schema-too-new');
    w.close();
  });

  test('persistent storage request answers with a reason to show', async () => {
    const r = await requestPersistence();
    expect(r.supported).toBe(true);
    expect(typeof r.persisted).toBe('boolean');
    expect(r.quota).toBeGreaterThan(0);
    expect(r.explanation).toMatch(/only on this device/);
  });
});
