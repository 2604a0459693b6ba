/**
 * Credentials at rest: each one sealed under the data key, its AAD binding it to its id and device key, so a row
 * swapped, moved or edited in IndexedDB fails to open and is reported as damaged instead of shown.
 */
import { walletError } from './errors.ts';
import { seal, unseal } from './crypto.ts';
import {
  checkCredentialBytes,
  checkMeta,
  credentialAad,
  decodePayload,
  encodePayload,
  summarise,
  type CredentialPayload,
  type CredentialSummary,
  type NewCredential,
  type StoredCredential,
} from './records.ts';
import type { CredentialRow } from './schema.ts';
import { damage, type DamagedRecord, type Listing, type WalletContext } from './types.ts';

export async function openRow(dataKey: CryptoKey, row: CredentialRow): Promise<CredentialPayload> {
  const pt = await unseal(dataKey, row, credentialAad(row.id, row.keyId), 'credential');
  return decodePayload(pt, row.id);
}

/** Reads and opens one credential row, or throws wallet/not-found. */
export async function openCredential(
  ctx: WalletContext,
  dataKey: CryptoKey,
  id: string,
): Promise<{ row: CredentialRow; payload: CredentialPayload }> {
  const row = await ctx.storage.read((db) => db.get('credentials', id));
  if (!row) throw walletError('wallet/not-found', 'No such credential.', { id });
  return { row, payload: await openRow(dataKey, row) };
}

export async function addCredential(ctx: WalletContext, input: NewCredential): Promise<CredentialSummary> {
  const dataKey = ctx.session.requireUnlocked();
  const meta = checkMeta(input?.meta);
  const bytes = checkCredentialBytes(input.bytes);
  const keyId = input.keyId;
  if (typeof keyId !== 'string' || keyId.length === 0) throw walletError('wallet/bad-input', 'A device keyId is required.');
  const replaces = input.replaces;
  const payload: CredentialPayload = { v: 1, meta, bytes, needsRebinding: false, addedAt: ctx.now(), restoredAt: null };
  const sealed = await seal(dataKey, encodePayload(payload), credentialAad(meta.id, keyId));
  await ctx.storage.write(['credentials', 'keys'], 'credentials', async (tx) => {
    const creds = tx.objectStore('credentials');
    const keys = tx.objectStore('keys');
    const key = await keys.get(keyId);
    if (!key) throw walletError('wallet/not-found', 'The device key for this credential is not in this wallet.', { keyId });
    if (key.credentialId !== null && key.credentialId !== replaces) {
      throw walletError('wallet/key-in-use', 'This device key is already bound to another credential (one key per credential).', {
        keyId,
        credentialId: key.credentialId,
      });
    }
    const boundRows = await creds.index('byKeyId').getAllKeys(keyId);
    if (boundRows.some((id) => id !== replaces)) {
      throw walletError('wallet/key-in-use', 'This device key is already bound to another credential (one key per credential).', { keyId });
    }
    if (replaces !== undefined) {
      const old = await creds.get(replaces);
      if (!old) throw walletError('wallet/not-found', 'The credential to replace is not in this wallet.', { id: replaces });
      await creds.delete(replaces);
      if (old.keyId !== null && old.keyId !== keyId) await keys.delete(old.keyId);
    }
    if (meta.id !== replaces && (await creds.get(meta.id))) {
      throw walletError('wallet/duplicate', 'A credential with this id is already in the wallet.', { id: meta.id });
    }
    await creds.put({ id: meta.id, keyId, fmt: 1, iv: sealed.iv, ct: sealed.ct, updatedAt: payload.addedAt } satisfies CredentialRow);
    await keys.put({ ...key, credentialId: meta.id });
  }, meta.id);
  return summarise(payload, keyId);
}

export async function listCredentials(ctx: WalletContext): Promise<Listing<CredentialSummary>> {
  const dataKey = ctx.session.requireUnlocked();
  const rows = await ctx.storage.read((db) => db.getAll('credentials'));
  const items: CredentialSummary[] = [];
  const damaged: DamagedRecord[] = [];
  for (const row of rows) {
    try {
      items.push(summarise(await openRow(dataKey, row), row.keyId));
    } catch (e) {
      damaged.push(damage(row.id, e));
    }
  }
  return { items, damaged };
}

export async function getCredential(ctx: WalletContext, id: string): Promise<StoredCredential> {
  const dataKey = ctx.session.requireUnlocked();
  const { row, payload } = await openCredential(ctx, dataKey, id);
  return { ...summarise(payload, row.keyId), bytes: payload.bytes };
}

export async function removeCredential(ctx: WalletContext, id: string): Promise<void> {
  ctx.session.requireUnlocked();
  await ctx.storage.write(['credentials', 'keys'], 'credentials', async (tx) => {
    const row = await tx.objectStore('credentials').get(id);
    if (!row) throw walletError('wallet/not-found', 'No such credential.', { id });
    await tx.objectStore('credentials').delete(id);
    if (row.keyId !== null) await tx.objectStore('keys').delete(row.keyId);
  }, id);
}
