/**
 * A second JavaScript context (its own realm, IndexedDB connection and BroadcastChannel) on the same origin, like
 * another tab: the durability tests drive concurrent writes from here.
 */
import { isEidkitError } from '../../errors.ts';
import { openWallet } from '../wallet.ts';

interface Job {
  readonly name: string;
  readonly pin: string;
  readonly iterations: number;
  readonly ids: readonly string[];
}

self.onmessage = async (ev: MessageEvent<Job>) => {
  const job = ev.data;
  try {
    const w = await openWallet({ name: job.name, testing: { kdfIterations: job.iterations } });
    await w.unlock(job.pin);
    const done: string[] = [];
    await Promise.all(
      job.ids.map(async (id) => {
        const key = await w.createDeviceKey();
        const bytes = crypto.getRandomValues(new Uint8Array(2048));
        bytes[0] = id.length;
        await w.addCredential({
          bytes,
          keyId: key.keyId,
          meta: {
            id,
            docType: 'org.eidkit.eid.1',
            label: `from worker ${id}`,
            issuer: 'Worker PSB',
            validFrom: '2026-01-01',
            validUntil: '2030-01-01',
            statusIndex: null,
          },
        });
        done.push(id);
      }),
    );
    const listed = (await w.listCredentials()).items.map((c) => c.id).sort();
    w.close();
    postMessage({ ok: true, done, listed });
  } catch (e) {
    postMessage({ ok: false, code: isEidkitError(e) ? e.code : String(e) });
  }
};
