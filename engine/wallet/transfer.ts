/**
 * Moving to a new phone: an encrypted backup of the credentials (and optionally the presentation log), never the
 * device keys; credentials restored from it are flagged needsRebinding until the issuer binds them to a new key.
 */
import { auditAad, encodeAudit } from './audit.ts';
import { openBackup, sealBackup, type BackupContents } from './backup.ts';
import { seal } from './crypto.ts';
import { openRow } from './credential-store.ts';
import { auditLog } from './presentation.ts';
import { credentialAad, encodePayload, type CredentialPayload } from './records.ts';
import type { AuditRow, CredentialRow } from './schema.ts';
import { checkPassphrase } from './secrets.ts';
import { damage, type BackupExport, type BackupImport, type DamagedRecord, type WalletContext } from './types.ts';

export async function exportBackup(
  ctx: WalletContext,
  passphrase: string,
  options: { includeAuditLog?: boolean } = {},
): Promise<BackupExport> {
  const dataKey = ctx.session.requireUnlocked();
  const pass = checkPassphrase(passphrase);
  const damaged: DamagedRecord[] = [];
  const credentials: BackupContents['credentials'][number][] = [];
  for (const row of await ctx.storage.read((db) => db.getAll('credentials'))) {
    try {
      const p = await openRow(dataKey, row);
      credentials.push({ meta: p.meta, bytes: p.bytes, addedAt: p.addedAt });
    } catch (e) {
      damaged.push(damage(row.id, e));
    }
  }
  const audit = options.includeAuditLog ? (await auditLog(ctx)).items : [];
  const file = await sealBackup({ v: 1, exportedAt: ctx.now(), credentials, audit }, pass, ctx.iterations);
  return { file, credentialIds: credentials.map((c) => c.meta.id), damaged };
}

export async function importBackup(ctx: WalletContext, file: Uint8Array, passphrase: string): Promise<BackupImport> {
  const dataKey = ctx.session.requireUnlocked();
  const contents = await openBackup(file, passphrase);
  const now = ctx.now();
  const creds: CredentialRow[] = [];
  for (const c of contents.credentials) {
    const payload: CredentialPayload = { v: 1, meta: c.meta, bytes: c.bytes, needsRebinding: true, addedAt: c.addedAt, restoredAt: now };
    const s = await seal(dataKey, encodePayload(payload), credentialAad(c.meta.id, null));
    creds.push({ id: c.meta.id, keyId: null, fmt: 1, iv: s.iv, ct: s.ct, updatedAt: now });
  }
  const audit: AuditRow[] = [];
  for (const e of contents.audit) {
    const s = await seal(dataKey, encodeAudit(e), auditAad(e.id));
    audit.push({ id: e.id, at: Date.parse(e.at), fmt: 1, iv: s.iv, ct: s.ct });
  }
  const restored: string[] = [];
  const skipped: string[] = [];
  await ctx.storage.write(['credentials', 'audit'], 'credentials', async (tx) => {
    for (const row of creds) {
      if (await tx.objectStore('credentials').get(row.id)) {
        skipped.push(row.id);
        continue;
      }
      await tx.objectStore('credentials').put(row);
      restored.push(row.id);
    }
    for (const row of audit) {
      if (!(await tx.objectStore('audit').get(row.id))) await tx.objectStore('audit').put(row);
    }
  });
  return { restored, skipped };
}
