/** Shared by the wallet's browser tests only (not exported from the barrel). */
import { openDB } from 'idb';
import { EidkitError } from '../../errors.ts';
import type { CredentialMeta } from '../records.ts';
import { openWallet, type Wallet, type WalletOptions } from '../wallet.ts';

/** Low PBKDF2 cost so the suite does not spend minutes in key derivation; one test covers the real default. */
export const TEST_ITERATIONS = 2_000;
export const PIN = '482915';
export const MARKER = 'PLAINTEXT-MDOC-MARKER-7f3a';

export function uniqueName(tag: string): string {
  return `eidkit-test-${tag}-${crypto.randomUUID()}`;
}

export interface FakeClock {
  now: () => number;
  advance(ms: number): void;
  set(t: number): void;
}

export function fakeClock(start = Date.UTC(2026, 0, 15, 9, 0, 0)): FakeClock {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
    set(v) {
      t = v;
    },
  };
}

export async function open(name: string, extra: Partial<WalletOptions> = {}, clock?: FakeClock): Promise<Wallet> {
  return openWallet({
    name,
    lockWhenHidden: false,
    ...extra,
    testing: { kdfIterations: TEST_ITERATIONS, ...(clock ? { now: clock.now } : {}), ...extra.testing },
  });
}

export function sampleMeta(id: string, over: Partial<CredentialMeta> = {}): CredentialMeta {
  return {
    id,
    docType: 'org.eidkit.eid.1',
    label: `National ID ${id}`,
    issuer: 'Hangzhou PSB',
    validFrom: '2026-01-01T00:00:00Z',
    validUntil: '2036-01-01T00:00:00Z',
    statusIndex: 4711,
    statusList: 'https://issuer.example/status/1',
    ...over,
  };
}

/** Credential-like bytes: a readable marker (to prove it is not stored in clear) plus random filler. */
export function sampleBytes(size = 3000): Uint8Array {
  const out = new Uint8Array(size);
  for (let at = 0; at < size; at += 65_536) crypto.getRandomValues(out.subarray(at, Math.min(size, at + 65_536)));
  out.set(new TextEncoder().encode(MARKER), 17);
  return out;
}

export async function addSample(w: Wallet, id: string, size?: number) {
  const key = await w.createDeviceKey();
  const bytes = sampleBytes(size);
  const summary = await w.addCredential({ bytes, meta: sampleMeta(id), keyId: key.keyId });
  return { key, bytes, summary };
}

/** Resolves with the EidkitError a promise rejects with; fails the test if it resolves or throws something else. */
export async function rejection(p: Promise<unknown>): Promise<EidkitError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof EidkitError) return e;
    throw new Error(`expected an EidkitError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** A second, raw connection to the same database: what an attacker (or a bug) with storage access can touch. */
export function rawDb(name: string) {
  return openDB(name);
}

export function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Every byte string and string stored anywhere in the database, flattened, for "is it in clear?" checks. */
export async function dumpDatabase(name: string): Promise<Uint8Array[]> {
  const db = await rawDb(name);
  const out: Uint8Array[] = [];
  const walk = (v: unknown): void => {
    if (v instanceof Uint8Array) out.push(v);
    else if (v instanceof ArrayBuffer) out.push(new Uint8Array(v));
    else if (typeof v === 'string') out.push(new TextEncoder().encode(v));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object' && !(v instanceof CryptoKey)) Object.values(v).forEach(walk);
  };
  for (const store of Array.from(db.objectStoreNames)) {
    for (const v of await db.getAll(store)) walk(v);
  }
  db.close();
  return out;
}
