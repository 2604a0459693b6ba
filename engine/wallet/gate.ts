/**
 * The gate: PIN set-up and unlock, passkey (WebAuthn PRF) unlock, settings, and the self-wipe.
 *
 * A PIN attempt is counted before it is checked (see backoff.ts), so no tab, crash or race yields a free guess.
 * The unlocked data key goes to the session non-extractable; an extractable copy exists only while re-wrapping.
 */
import {
  DEFAULT_GATE_POLICY,
  attemptsBeforeWipe,
  backoffDelayMs,
  checkGatePolicy,
  retryAfterMs,
  type GatePolicy,
} from './backoff.ts';
import { randomBytes } from './bytes.ts';
import {
  SALT_BYTES,
  checkMatches,
  derivePinKeys,
  generateDataKey,
  kekFromPrf,
  normaliseSecret,
  unwrapDataKey,
  wrapDataKey,
} from './crypto.ts';
import { walletError } from './errors.ts';
import { evaluatePrf, registerPrfPasskey, type CeremonyOptions, type RegisterOptions } from './passkey.ts';
import {
  ALL_STORES,
  DB_VERSION,
  DEFAULT_AUTO_LOCK_MS,
  type GateRecord,
  type PinSlot,
  type SettingsRecord,
  type VaultRecord,
  type WalletStore,
  type WipedRecord,
} from './schema.ts';
import { checkPin } from './secrets.ts';
import type { Tx } from './storage.ts';
import { MAX_AUTO_LOCK_MS, MIN_AUTO_LOCK_MS, type SetupOptions, type WalletContext, type WalletStatus } from './types.ts';

const PIN_AAD = 'eidkit-wallet/dek/pin/v1';
const PRF_AAD = 'eidkit-wallet/dek/prf/v1';

export function gatePolicy(ctx: WalletContext, settings: SettingsRecord | undefined | null): GatePolicy {
  return { ...ctx.gateBase, maxFailures: settings?.maxFailures ?? DEFAULT_GATE_POLICY.maxFailures };
}

export async function status(ctx: WalletContext): Promise<WalletStatus> {
  const [vault, gate, settings, wiped] = await ctx.storage.read((db) => {
    const tx = db.transaction('meta', 'readonly');
    return Promise.all([
      tx.store.get('vault') as Promise<VaultRecord | undefined>,
      tx.store.get('gate') as Promise<GateRecord | undefined>,
      tx.store.get('settings') as Promise<SettingsRecord | undefined>,
      tx.store.get('wiped') as Promise<WipedRecord | undefined>,
    ]);
  });
  const g = gate ?? { failures: 0, lastAttemptAt: null };
  const policy = gatePolicy(ctx, settings);
  return {
    schemaVersion: DB_VERSION,
    initialised: vault !== undefined,
    unlocked: vault !== undefined && ctx.session.isUnlocked,
    failures: g.failures,
    maxFailures: policy.maxFailures,
    attemptsBeforeWipe: attemptsBeforeWipe(g.failures, policy),
    retryAfterMs: retryAfterMs(g.failures, g.lastAttemptAt, ctx.now(), policy),
    autoLockMs: settings?.autoLockMs ?? DEFAULT_AUTO_LOCK_MS,
    passkeyEnabled: vault?.prf != null,
    kdfIterations: vault?.pin.iterations ?? null,
    wipedAt: wiped ? new Date(wiped.at).toISOString() : null,
    wipedReason: wiped?.reason ?? null,
  };
}

export async function setup(ctx: WalletContext, pin: string, options: SetupOptions = {}): Promise<void> {
  const p = checkPin(pin);
  const locks = ctx.session.lockCount;
  const settings: SettingsRecord = {
    maxFailures: options.maxFailures ?? DEFAULT_GATE_POLICY.maxFailures,
    autoLockMs: options.autoLockMs ?? DEFAULT_AUTO_LOCK_MS,
  };
  checkSettings(ctx, settings);
  const dataKey = await generateDataKey();
  const sealed = await pinSlot(ctx, p, dataKey);
  const slot = sealed.slot;
  const now = ctx.now();
  await ctx.storage.write(['meta'], 'vault', async (tx) => {
    if (await tx.objectStore('meta').get('vault')) {
      throw walletError('wallet/already-initialised', 'This wallet already has a PIN. Unlock it, or wipe it to start over.');
    }
    await tx.objectStore('meta').delete('wiped');
    await tx.objectStore('meta').put({ fmt: 1, pin: slot, prf: null, createdAt: now } satisfies VaultRecord, 'vault');
    await tx.objectStore('meta').put({ failures: 0, lastAttemptAt: null } satisfies GateRecord, 'gate');
    await tx.objectStore('meta').put(settings, 'settings');
  });
  ctx.session.settings = settings;
  await startSession(ctx, sealed, locks); // set up either way; locked if a lock came meanwhile
}

export async function unlock(ctx: WalletContext, pin: string): Promise<void> {
  const locks = ctx.session.lockCount;
  const { dataKey, vault } = await verifyPin(ctx, pin, (v) => v.pin.iterations < ctx.iterations);
  if (vault.pin.iterations < ctx.iterations) {
    // The vault was sealed with an older, cheaper KDF setting: re-wrap under today's count now that we can.
    const sealed = await pinSlot(ctx, normaliseSecret(pin), dataKey);
    await ctx.storage.write(['meta'], 'vault', async (tx) => {
      const cur = (await tx.objectStore('meta').get('vault')) as VaultRecord | undefined;
      if (cur) await tx.objectStore('meta').put({ ...cur, pin: sealed.slot }, 'vault');
    });
    return lockedMeanwhile(await startSession(ctx, sealed, locks));
  }
  lockedMeanwhile(await beginSession(ctx, dataKey, locks));
}

export async function changePin(ctx: WalletContext, oldPin: string, newPin: string): Promise<void> {
  const p = checkPin(newPin);
  const locks = ctx.session.lockCount;
  const { dataKey } = await verifyPin(ctx, oldPin, () => true);
  const sealed = await pinSlot(ctx, p, dataKey);
  await ctx.storage.write(['meta'], 'vault', async (tx) => {
    const cur = (await tx.objectStore('meta').get('vault')) as VaultRecord | undefined;
    if (!cur) throw walletError('wallet/not-initialised', 'The wallet has no PIN yet.');
    await tx.objectStore('meta').put({ ...cur, pin: sealed.slot }, 'vault');
  });
  await startSession(ctx, sealed, locks);
}

export async function enablePasskey(ctx: WalletContext, pin: string, options: RegisterOptions = {}): Promise<void> {
  const locks = ctx.session.lockCount;
  const { dataKey } = await verifyPin(ctx, pin, () => true);
  const salt = randomBytes(32);
  const { registration, output } = await registerPrfPasskey(salt, options);
  const kek = await kekFromPrf(output, salt);
  output.fill(0);
  const w = await wrapDataKey(dataKey, kek, PRF_AAD);
  const now = ctx.now();
  await ctx.storage.write(['meta'], 'vault', async (tx) => {
    const cur = (await tx.objectStore('meta').get('vault')) as VaultRecord | undefined;
    if (!cur) throw walletError('wallet/not-initialised', 'The wallet has no PIN yet.');
    await tx.objectStore('meta').put(
      { ...cur, prf: { credentialId: registration.credentialId, rpId: registration.rpId, salt, iv: w.iv, wrapped: w.wrapped, createdAt: now } },
      'vault',
    );
  });
  const session = await unwrapDataKey(w, kek, PRF_AAD, false);
  if (session) await beginSession(ctx, session, locks);
}

export async function disablePasskey(ctx: WalletContext): Promise<void> {
  ctx.session.requireUnlocked();
  await ctx.storage.write(['meta'], 'vault', async (tx) => {
    const cur = (await tx.objectStore('meta').get('vault')) as VaultRecord | undefined;
    if (cur) await tx.objectStore('meta').put({ ...cur, prf: null }, 'vault');
  });
}

export async function unlockWithPasskey(ctx: WalletContext, options: CeremonyOptions = {}): Promise<void> {
  const locks = ctx.session.lockCount;
  const vault = await readVault(ctx);
  if (!vault.prf) throw walletError('wallet/passkey-unavailable', 'No passkey is set up for this wallet. Use your PIN.');
  const output = await evaluatePrf({ credentialId: vault.prf.credentialId, rpId: vault.prf.rpId }, vault.prf.salt, options);
  const kek = await kekFromPrf(output, vault.prf.salt);
  output.fill(0);
  const dataKey = await unwrapDataKey(vault.prf, kek, PRF_AAD, false);
  if (!dataKey) {
    throw walletError('wallet/tampered', 'The passkey answered, but the wallet key did not open: the stored key was altered. Use your PIN.', {
      what: 'vault',
    });
  }
  // The authenticator verified the user: the PIN typo budget starts afresh.
  await ctx.storage.write(['meta'], 'gate', async (tx) => {
    await tx.objectStore('meta').put({ failures: 0, lastAttemptAt: null } satisfies GateRecord, 'gate');
  });
  lockedMeanwhile(await beginSession(ctx, dataKey, locks));
}

export async function updateSettings(ctx: WalletContext, change: Partial<SetupOptions>): Promise<void> {
  ctx.session.requireUnlocked();
  const cur = await ctx.session.readSettings(ctx.storage);
  const next: SettingsRecord = {
    maxFailures: change.maxFailures ?? cur.maxFailures,
    autoLockMs: change.autoLockMs ?? cur.autoLockMs,
  };
  checkSettings(ctx, next);
  await ctx.storage.write(['meta'], 'settings', async (tx) => {
    await tx.objectStore('meta').put(next, 'settings');
  });
  ctx.session.settings = next;
  ctx.session.armTimer();
}

export async function wipe(ctx: WalletContext): Promise<void> {
  await ctx.storage.write(ALL_STORES, null, async (tx) => wipeIn(ctx, tx, 'user'));
  ctx.session.wiped();
}

// ── internals ──

function checkSettings(ctx: WalletContext, s: SettingsRecord): void {
  const problem = checkGatePolicy(gatePolicy(ctx, s));
  if (problem) throw walletError('wallet/bad-input', problem);
  if (!Number.isInteger(s.autoLockMs) || s.autoLockMs < MIN_AUTO_LOCK_MS || s.autoLockMs > MAX_AUTO_LOCK_MS) {
    throw walletError('wallet/bad-input', `autoLockMs must be from ${MIN_AUTO_LOCK_MS} to ${MAX_AUTO_LOCK_MS} ms.`);
  }
}

async function readVault(ctx: WalletContext): Promise<VaultRecord> {
  const [vault, wiped] = await ctx.storage.read((db) => {
    const tx = db.transaction('meta', 'readonly');
    return Promise.all([tx.store.get('vault') as Promise<VaultRecord | undefined>, tx.store.get('wiped')]);
  });
  if (vault) return vault;
  if (wiped) {
    throw walletError('wallet/wiped', 'This wallet was wiped. Set a new PIN and restore a backup or enrol again.');
  }
  throw walletError('wallet/not-initialised', 'This wallet has no PIN yet. Set one up first.');
}

async function pinSlot(ctx: WalletContext, pin: string, dataKey: CryptoKey): Promise<{ slot: PinSlot; kek: CryptoKey }> {
  const salt = randomBytes(SALT_BYTES);
  const { kek, check } = await derivePinKeys(pin, salt, ctx.iterations);
  const w = await wrapDataKey(dataKey, kek, PIN_AAD);
  return { slot: { kdf: 'PBKDF2-SHA-256', iterations: ctx.iterations, salt, check, iv: w.iv, wrapped: w.wrapped }, kek };
}

/**
 * Continues with a non-extractable copy of the data key, unwrapped from the slot just written: the extractable
 * original (needed only to wrap) is dropped with this call's scope.
 */
async function startSession(ctx: WalletContext, { slot, kek }: { slot: PinSlot; kek: CryptoKey }, locksAtStart: number): Promise<boolean> {
  const key = await unwrapDataKey(slot, kek, PIN_AAD, false);
  if (!key) throw walletError('wallet/tampered', 'The wallet key could not be re-opened after it was written.', { what: 'vault' });
  return beginSession(ctx, key, locksAtStart);
}

/** False when the wallet was locked after the operation began (see Session.begin): it stays locked. */
async function beginSession(ctx: WalletContext, dataKey: CryptoKey, locksAtStart: number): Promise<boolean> {
  await ctx.session.readSettings(ctx.storage);
  return ctx.session.begin(dataKey, locksAtStart);
}

/** An unlock overtaken by a lock (the page hidden, "lock now" here or in another tab) reports it: the PIN was right. */
function lockedMeanwhile(begun: boolean): void {
  if (!begun) throw walletError('wallet/locked', 'The wallet was locked while it was being unlocked. Unlock it again.', { lockedMeanwhile: true });
}

/**
 * The gate. (1) One transaction checks the wait and counts the attempt. (2) PBKDF2 runs outside any transaction.
 * (3) Success resets the count; a wrong PIN that exhausts the budget wipes in one transaction.
 */
async function verifyPin(
  ctx: WalletContext,
  pin: string,
  wantExtractable: (v: VaultRecord) => boolean,
): Promise<{ dataKey: CryptoKey; vault: VaultRecord }> {
  if (typeof pin !== 'string') throw walletError('wallet/bad-input', 'The PIN must be text.');
  const now = ctx.now();
  const reserved = await ctx.storage.write(ALL_STORES, null, async (tx) => {
    const meta = tx.objectStore('meta');
    const vault = (await meta.get('vault')) as VaultRecord | undefined;
    if (!vault) {
      if (await meta.get('wiped')) return { wiped: true as const };
      throw walletError('wallet/not-initialised', 'This wallet has no PIN yet. Set one up first.');
    }
    const settings = (await meta.get('settings')) as SettingsRecord | undefined;
    const policy = gatePolicy(ctx, settings);
    const gate = ((await meta.get('gate')) as GateRecord | undefined) ?? { failures: 0, lastAttemptAt: null };
    if (gate.failures >= policy.maxFailures) {
      // The last permitted attempt was counted but never finished (tab closed mid-check): it stands as wrong.
      await wipeIn(ctx, tx, 'too-many-failures');
      return { wiped: true as const, justNow: true };
    }
    const wait = retryAfterMs(gate.failures, gate.lastAttemptAt, now, policy);
    if (wait > 0) {
      throw walletError('wallet/backoff', `Too many wrong PINs. Try again in ${Math.ceil(wait / 1000)} s.`, {
        retryAfterMs: wait,
        retryAt: new Date(now + wait).toISOString(),
        failures: gate.failures,
        attemptsLeft: attemptsBeforeWipe(gate.failures, policy),
      });
    }
    await meta.put({ failures: gate.failures + 1, lastAttemptAt: now } satisfies GateRecord, 'gate');
    return { wiped: false as const, vault, policy };
  });
  if (reserved.wiped) {
    if ('justNow' in reserved) ctx.session.wiped();
    throw walletError('wallet/wiped', 'Too many wrong PINs: this wallet was wiped. Set a new PIN, then restore a backup or enrol again.');
  }
  const { vault } = reserved;
  const { kek, check } = await derivePinKeys(pin, vault.pin.salt, vault.pin.iterations);
  if (checkMatches(check, vault.pin.check)) {
    const dataKey = await unwrapDataKey(vault.pin, kek, PIN_AAD, wantExtractable(vault));
    await ctx.storage.write(['meta'], 'gate', async (tx) => {
      await tx.objectStore('meta').put({ failures: 0, lastAttemptAt: null } satisfies GateRecord, 'gate');
    });
    if (!dataKey) {
      throw walletError('wallet/tampered', 'The PIN is right but the stored wallet key is damaged or was altered.', { what: 'vault' });
    }
    return { dataKey, vault };
  }
  // Wrong: the attempt is already counted. Wipe if that was the last one (re-read: another tab may have moved on).
  const outcome = await ctx.storage.write(ALL_STORES, 'gate', async (tx) => {
    const meta = tx.objectStore('meta');
    const settings = (await meta.get('settings')) as SettingsRecord | undefined;
    const policy = gatePolicy(ctx, settings);
    const gate = ((await meta.get('gate')) as GateRecord | undefined) ?? { failures: 0, lastAttemptAt: null };
    if (gate.failures >= policy.maxFailures && (await meta.get('vault'))) {
      await wipeIn(ctx, tx, 'too-many-failures');
      return { wiped: true, gate, policy };
    }
    return { wiped: false, gate, policy };
  });
  if (outcome.wiped) {
    ctx.session.wiped();
    throw walletError('wallet/wiped', 'Too many wrong PINs: this wallet was wiped. Set a new PIN, then restore a backup or enrol again.');
  }
  const left = attemptsBeforeWipe(outcome.gate.failures, outcome.policy);
  throw walletError(
    'wallet/wrong-pin',
    left <= 3 ? `Wrong PIN. ${left} attempt(s) left before this wallet erases itself.` : 'Wrong PIN.',
    {
      failures: outcome.gate.failures,
      attemptsLeft: left,
      retryAfterMs: backoffDelayMs(outcome.gate.failures, outcome.policy),
    },
  );
}

async function wipeIn(ctx: WalletContext, tx: Tx<WalletStore[]>, reason: WipedRecord['reason']): Promise<void> {
  await tx.objectStore('credentials').clear();
  await tx.objectStore('keys').clear();
  await tx.objectStore('audit').clear();
  const meta = tx.objectStore('meta');
  await meta.clear();
  await meta.put({ at: ctx.now(), reason } satisfies WipedRecord, 'wiped');
}
