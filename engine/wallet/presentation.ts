/**
 * Showing a credential: the holder-binding signer for one credential, and the private presentation log (element
 * names and mode only). Anything that presents from the wallet (the QR, an online request from a website) goes
 * through presentationSigner and records what it shared with recordPresentation.
 */
import { auditAad, checkPresentationRecord, decodeAudit, encodeAudit, MAX_AUDIT_ENTRIES } from './audit.ts';
import type { AuditEntry, PresentationRecord } from './audit.ts';
import { seal, unseal } from './crypto.ts';
import { openCredential } from './credential-store.ts';
import { walletError } from './errors.ts';
import { keyInfo } from './key-store.ts';
import type { AuditRow } from './schema.ts';
import { damage, type DamagedRecord, type Listing, type PresentationSigner, type WalletContext } from './types.ts';

export async function presentationSigner(ctx: WalletContext, credentialId: string): Promise<PresentationSigner> {
  const dataKey = ctx.session.requireUnlocked();
  const { row, payload: p } = await openCredential(ctx, dataKey, credentialId);
  const keyId = row.keyId;
  const key = keyId === null ? undefined : await ctx.storage.read((db) => db.get('keys', keyId));
  if (p.needsRebinding || row.keyId === null || !key || key.credentialId !== credentialId) {
    throw walletError(
      'wallet/needs-rebinding',
      'This credential was restored from a backup and has no device key on this phone. Ask the issuer to re-bind it to this device before showing it.',
      { id: credentialId },
    );
  }
  return { credentialId, publicKey: keyInfo(key), sign: ctx.session.guardedSigner(key.privateKey) };
}

export async function recordPresentation(ctx: WalletContext, record: PresentationRecord): Promise<AuditEntry> {
  const dataKey = ctx.session.requireUnlocked();
  const rec = checkPresentationRecord(record);
  const { payload: p } = await openCredential(ctx, dataKey, rec.credentialId);
  const at = ctx.now();
  const entry: AuditEntry = { id: crypto.randomUUID(), at: new Date(at).toISOString(), docType: p.meta.docType, ...rec };
  const sealed = await seal(dataKey, encodeAudit(entry), auditAad(entry.id));
  await ctx.storage.write(['audit'], 'audit', async (tx) => {
    await tx.objectStore('audit').put({ id: entry.id, at, fmt: 1, iv: sealed.iv, ct: sealed.ct } satisfies AuditRow);
    const count = await tx.objectStore('audit').count();
    if (count > MAX_AUDIT_ENTRIES) {
      const oldest = await tx.objectStore('audit').index('byAt').getAllKeys(undefined, count - MAX_AUDIT_ENTRIES);
      for (const id of oldest) await tx.objectStore('audit').delete(id);
    }
  }, entry.id);
  return entry;
}

export async function auditLog(ctx: WalletContext): Promise<Listing<AuditEntry>> {
  const dataKey = ctx.session.requireUnlocked();
  const rows = await ctx.storage.read((db) => db.getAllFromIndex('audit', 'byAt'));
  const items: AuditEntry[] = [];
  const damaged: DamagedRecord[] = [];
  for (const row of rows) {
    try {
      items.push(decodeAudit(await unseal(dataKey, row, auditAad(row.id), 'audit entry'), row.id));
    } catch (e) {
      damaged.push(damage(row.id, e));
    }
  }
  return { items, damaged };
}

export async function clearAuditLog(ctx: WalletContext): Promise<void> {
  ctx.session.requireUnlocked();
  await ctx.storage.write(['audit'], 'audit', async (tx) => {
    await tx.objectStore('audit').clear();
  });
}
