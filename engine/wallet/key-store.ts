/**
 * Device keys: one non-extractable P-256 key pair per credential, created in the wallet and never exported. A key is
 * pending (unbound) during enrolment, then bound to the issued credential by addCredential.
 */
import { deviceKeyId, exportPublic, generateDeviceKeyPair, type DevicePublicKey, type Signer } from './device-keys.ts';
import { walletError } from './errors.ts';
import type { KeyRow } from './schema.ts';
import type { DeviceKeyInfo, WalletContext } from './types.ts';

export function keyInfo(row: KeyRow): DeviceKeyInfo {
  return {
    keyId: row.keyId,
    jwk: { ...row.publicJwk },
    raw: row.publicRaw.slice(),
    point: { curve: 'P-256', point: row.publicRaw.slice() },
    createdAt: new Date(row.createdAt).toISOString(),
    credentialId: row.credentialId,
  };
}

export async function createDeviceKey(ctx: WalletContext): Promise<DeviceKeyInfo> {
  ctx.session.requireUnlocked();
  const pair = await generateDeviceKeyPair();
  const { jwk, raw } = await exportPublic(pair.publicKey);
  const keyId = await deviceKeyId(raw);
  const row: KeyRow = {
    keyId,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    publicJwk: jwk,
    publicRaw: raw,
    createdAt: ctx.now(),
    credentialId: null,
  };
  await ctx.storage.write(['keys'], 'keys', async (tx) => {
    await tx.objectStore('keys').add(row);
  }, keyId);
  return keyInfo(row);
}

export async function listDeviceKeys(ctx: WalletContext): Promise<DeviceKeyInfo[]> {
  ctx.session.requireUnlocked();
  const rows = await ctx.storage.read((db) => db.getAll('keys'));
  return rows.map(keyInfo);
}

export async function enrolmentSigner(ctx: WalletContext, keyId: string): Promise<{ publicKey: DevicePublicKey; sign: Signer }> {
  ctx.session.requireUnlocked();
  const row = await ctx.storage.read((db) => db.get('keys', keyId));
  if (!row) throw walletError('wallet/not-found', 'No such device key.', { keyId });
  if (row.credentialId !== null) {
    throw walletError('wallet/key-in-use', 'This device key is bound to a credential; use presentationSigner.', { keyId });
  }
  return { publicKey: keyInfo(row), sign: ctx.session.guardedSigner(row.privateKey) };
}

export async function deleteDeviceKey(ctx: WalletContext, keyId: string): Promise<void> {
  ctx.session.requireUnlocked();
  await ctx.storage.write(['keys'], 'keys', async (tx) => {
    const row = await tx.objectStore('keys').get(keyId);
    if (!row) throw walletError('wallet/not-found', 'No such device key.', { keyId });
    if (row.credentialId !== null) {
      throw walletError('wallet/key-in-use', 'This device key belongs to a credential; remove the credential instead.', { keyId });
    }
    await tx.objectStore('keys').delete(keyId);
  }, keyId);
}
