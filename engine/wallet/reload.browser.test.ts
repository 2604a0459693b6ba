import { describe, expect, test } from 'vitest';
import { PIN, TEST_ITERATIONS, open, uniqueName } from './testing/helpers.ts';

/**
 * Runs `body` in a freshly loaded document (a same-origin iframe): a new page load with its own JS realm and no
 * memory of earlier pages, the same thing a reload gives the wallet. `body` gets the wallet module's exports.
 */
async function inFreshPage<T>(body: string, args: unknown): Promise<T> {
  const walletUrl = new URL('./wallet.ts', import.meta.url).href;
  const frame = document.createElement('iframe');
  const channel = `reload-${crypto.randomUUID()}`;
  frame.srcdoc = `<!doctype html><script type="module">
    const { openWallet } = await import(${JSON.stringify(walletUrl)});
    const args = ${JSON.stringify(args)};
    try {
      const result = await (async (openWallet, args) => { ${body} })(openWallet, args);
      parent.postMessage({ channel: ${JSON.stringify(channel)}, ok: true, result }, '*');
    } catch (e) {
      parent.postMessage({ channel: ${JSON.stringify(channel)}, ok: false, error: String(e && (e.code || e)) }, '*');
    }
  </script>`;
  const answer = new Promise<{ ok: boolean; result?: T; error?: string }>((resolve) => {
    const onMessage = (ev: MessageEvent) => {
      if (ev.data?.channel !== channel) return;
      removeEventListener('message', onMessage);
      resolve(ev.data);
    };
    addEventListener('message', onMessage);
  });
  document.body.append(frame);
  const a = await answer;
  frame.remove();
  if (!a.ok) throw new Error(`fresh page failed: ${a.error}`);
  return a.result as T;
}

describe('persistence across page loads', () => {
  test('what one page stored, a freshly loaded page reads back after unlocking', async () => {
    const name = uniqueName('reload');
    const written = await inFreshPage<{ bytes: number[]; keyId: string }>(
      `const w = await openWallet({ name: args.name, testing: { kdfIterations: args.it } });
       await w.setup(args.pin);
       const key = await w.createDeviceKey();
       const bytes = crypto.getRandomValues(new Uint8Array(512));
       await w.addCredential({ bytes, keyId: key.keyId, meta: { id: 'doc', docType: 'org.eidkit.eid.1', label: 'ID',
         issuer: 'PSB', validFrom: '2026-01-01', validUntil: '2036-01-01', statusIndex: 3 } });
       w.close();
       return { bytes: Array.from(bytes), keyId: key.keyId };`,
      { name, pin: PIN, it: TEST_ITERATIONS },
    );
    const read = await inFreshPage<{ locked: string; bytes: number[]; keyId: string; sigLen: number }>(
      `const w = await openWallet({ name: args.name, testing: { kdfIterations: args.it } });
       let locked = 'open';
       try { await w.listCredentials(); } catch (e) { locked = e.code; }
       await w.unlock(args.pin);
       const c = await w.getCredential('doc');
       const s = await w.presentationSigner('doc');
       const sig = await s.sign(new Uint8Array([1, 2, 3]));
       w.close();
       return { locked, bytes: Array.from(c.bytes), keyId: c.keyId, sigLen: sig.length };`,
      { name, pin: PIN, it: TEST_ITERATIONS },
    );
    expect(read.locked).toBe('wallet/locked');
    expect(read.bytes).toEqual(written.bytes);
    expect(read.keyId).toBe(written.keyId);
    expect(read.sigLen).toBe(64);
    // And this page (a third realm) agrees.
    const here = await open(name);
    await here.unlock(PIN);
    expect(Array.from((await here.getCredential('doc')).bytes)).toEqual(written.bytes);
    here.close();
  });
});

describe('lock when the page is hidden', () => {
  test('switching away (visibilitychange → hidden) locks; the option can turn it off', async () => {
    const hiding = await open(uniqueName('hide'), { lockWhenHidden: true });
    const staying = await open(uniqueName('hide-off'), { lockWhenHidden: false });
    await hiding.setup(PIN);
    await staying.setup(PIN);
    const original = Object.getOwnPropertyDescriptor(Document.prototype, 'visibilityState');
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    try {
      document.dispatchEvent(new Event('visibilitychange'));
    } finally {
      delete (document as { visibilityState?: unknown }).visibilityState;
      expect(Object.getOwnPropertyDescriptor(Document.prototype, 'visibilityState')).toEqual(original);
    }
    expect(hiding.isUnlocked).toBe(false);
    expect(staying.isUnlocked).toBe(true);
    hiding.close();
    staying.close();
  });
});
