/**
 * Encrypted backup file for moving phones. Layout (all integers big-endian):
 *
 *   "EIDKITBK" | version u8 (=1) | header length u16 | header (UTF-8 JSON) | AES-256-GCM ciphertext
 *   header = { kdf: "PBKDF2-SHA-256", iterations, salt, check, iv, createdAt }   (byte fields base64url)
 *
 * The key comes from the passphrase exactly like the PIN key (crypto.ts), and everything before the ciphertext is
 * the GCM additional data, so editing the header (e.g. lowering the iteration count) breaks the tag.
 *
 * Device keys are NOT in the file, by construction: BackupContents has no field for them, and they are
 * non-extractable anyway. A restored credential therefore cannot sign a presentation until re-bound.
 */
import { asBytes, decodeCbor, encodeCbor } from './codec.ts';
import { concatBytes, fromBase64Url, randomBytes, toBase64Url, utf8 } from './bytes.ts';
import { MAX_PBKDF2_ITERATIONS, SALT_BYTES, checkMatches, derivePinKeys } from './crypto.ts';
import { walletError } from './errors.ts';
import { checkMeta, type CredentialMeta } from './records.ts';
import { checkAuditEntry, type AuditEntry } from './audit.ts';

const MAGIC = utf8('EIDKITBK');
const VERSION = 1;
/** A real backup is a few MB at most; refuse giant files before parsing. */
export const MAX_BACKUP_BYTES = 64 * 1024 * 1024;

export interface BackupCredential {
  readonly meta: CredentialMeta;
  readonly bytes: Uint8Array;
  readonly addedAt: number;
}

export interface BackupContents {
  readonly v: 1;
  readonly exportedAt: number;
  readonly credentials: readonly BackupCredential[];
  readonly audit: readonly AuditEntry[];
}

export interface BackupHeader {
  readonly kdf: 'PBKDF2-SHA-256';
  readonly iterations: number;
  readonly salt: Uint8Array;
  readonly check: Uint8Array;
  readonly iv: Uint8Array;
  readonly createdAt: string;
}

export async function sealBackup(contents: BackupContents, passphrase: string, iterations: number): Promise<Uint8Array> {
  const salt = randomBytes(SALT_BYTES);
  const { kek, check } = await derivePinKeys(passphrase, salt, iterations);
  // The IV lives in the header, and the header is the AAD: so the IV is chosen before encrypting.
  const iv = randomBytes(12);
  const headerJson = JSON.stringify({
    kdf: 'PBKDF2-SHA-256',
    iterations,
    salt: toBase64Url(salt),
    check: toBase64Url(check),
    iv: toBase64Url(iv),
    createdAt: new Date(contents.exportedAt).toISOString(),
  });
  const header = utf8(headerJson);
  const prefix = concatBytes(MAGIC, Uint8Array.of(VERSION, header.length >> 8, header.length & 0xff), header);
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: prefix },
    kek,
    encodeCbor({ ...contents, credentials: contents.credentials.map((c) => ({ ...c })), audit: [...contents.audit] }) as Uint8Array<ArrayBuffer>,
  );
  return concatBytes(prefix, new Uint8Array(ct));
}

function badBackup(reason: string): never {
  throw walletError('wallet/bad-backup', `This is not a readable eidkit wallet backup (${reason}).`, { reason });
}

export function readBackupHeader(file: Uint8Array): { header: BackupHeader; prefix: Uint8Array; ct: Uint8Array } {
  if (!(file instanceof Uint8Array)) badBackup('not bytes');
  if (file.length > MAX_BACKUP_BYTES) badBackup('file too large');
  if (file.length < MAGIC.length + 3 || !MAGIC.every((b, i) => file[i] === b)) badBackup('wrong file type');
  const version = file[MAGIC.length];
  if (version !== VERSION) badBackup(`unsupported version ${String(version)}`);
  const len = ((file[MAGIC.length + 1] ?? 0) << 8) | (file[MAGIC.length + 2] ?? 0);
  const start = MAGIC.length + 3;
  if (file.length < start + len + 16) badBackup('truncated');
  let h: Record<string, unknown>;
  try {
    h = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(start, start + len))) as Record<string, unknown>;
  } catch {
    badBackup('damaged header');
  }
  const iterations = h['iterations'];
  if (h['kdf'] !== 'PBKDF2-SHA-256' || !Number.isSafeInteger(iterations) || (iterations as number) < 1 || (iterations as number) > MAX_PBKDF2_ITERATIONS) {
    badBackup('unsupported key derivation');
  }
  let salt: Uint8Array, check: Uint8Array, iv: Uint8Array;
  try {
    salt = fromBase64Url(String(h['salt']));
    check = fromBase64Url(String(h['check']));
    iv = fromBase64Url(String(h['iv']));
  } catch {
    badBackup('damaged header');
  }
  if (salt.length !== SALT_BYTES || check.length !== 32 || iv.length !== 12) badBackup('damaged header');
  return {
    header: { kdf: 'PBKDF2-SHA-256', iterations: iterations as number, salt, check, iv, createdAt: String(h['createdAt']) },
    prefix: file.subarray(0, start + len),
    ct: file.subarray(start + len),
  };
}

export async function openBackup(file: Uint8Array, passphrase: string): Promise<BackupContents> {
  const { header, prefix, ct } = readBackupHeader(file);
  const { kek, check } = await derivePinKeys(passphrase, header.salt, header.iterations);
  if (!checkMatches(check, header.check)) {
    throw walletError('wallet/wrong-passphrase', 'Wrong backup passphrase.');
  }
  let pt: Uint8Array;
  try {
    pt = new Uint8Array(
      await crypto.subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(header.iv), additionalData: new Uint8Array(prefix) }, kek, new Uint8Array(ct)),
    );
  } catch (e) {
    throw walletError('wallet/tampered', 'The backup file was altered or damaged; nothing was restored.', { what: 'backup' }, e);
  }
  return parseContents(pt);
}

function parseContents(pt: Uint8Array): BackupContents {
  let v: Record<string, unknown>;
  try {
    v = decodeCbor(pt) as Record<string, unknown>;
  } catch {
    badBackup('damaged contents');
  }
  if (typeof v !== 'object' || v === null || v['v'] !== 1 || !Array.isArray(v['credentials'])) badBackup('unknown contents');
  const credentials = (v['credentials'] as unknown[]).map((c): BackupCredential => {
    const r = c as Record<string, unknown>;
    const bytes = asBytes(r?.['bytes']);
    if (bytes === null) badBackup('credential without bytes');
    return { meta: checkMeta(r['meta']), bytes, addedAt: Number(r['addedAt']) || 0 };
  });
  const audit = Array.isArray(v['audit']) ? (v['audit'] as unknown[]).map(checkAuditEntry) : [];
  return { v: 1, exportedAt: Number(v['exportedAt']) || 0, credentials, audit };
}

/** What a UI can show about a backup file before asking for its passphrase (nothing secret is in the header). */
export function inspectBackup(file: Uint8Array): { createdAt: string; kdf: 'PBKDF2-SHA-256'; iterations: number } {
  const { header } = readBackupHeader(file);
  return { createdAt: header.createdAt, kdf: header.kdf, iterations: header.iterations };
}
