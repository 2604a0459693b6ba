/**
 * The local presentation log: which elements were shown, in which mode, when. It records element NAMES, never
 * values, so it can never hold a face template, portrait or any biometric data, nor the personal data itself.
 * Entries are encrypted like credentials (who you showed your ID to, and when, is private too).
 */
import { decodeCbor, encodeCbor } from './codec.ts';
import { walletError } from './errors.ts';

export type AuditMode = 'one-way' | 'two-way' | 'web';

export interface PresentationRecord {
  readonly credentialId: string;
  /** Data element identifiers disclosed, e.g. 'family_name', 'age_over_18' or 'org.iso.18013.5.1:portrait'. */
  readonly disclosed: readonly string[];
  readonly mode: AuditMode;
  /** A short label for the verifier if one was known (a web RP's origin), else null. */
  readonly verifier?: string | null;
}

export interface AuditEntry {
  readonly id: string;
  /** ISO 8601 time the presentation was made. */
  readonly at: string;
  readonly credentialId: string;
  readonly docType: string;
  readonly disclosed: readonly string[];
  readonly mode: AuditMode;
  readonly verifier: string | null;
}

const ALLOWED_KEYS = new Set(['credentialId', 'disclosed', 'mode', 'verifier']);
const ELEMENT_ID = /^[A-Za-z][A-Za-z0-9_.-]{0,127}(:[A-Za-z][A-Za-z0-9_]{0,63})?$/;
export const MAX_AUDIT_ENTRIES = 1000;

function bad(message: string): never {
  throw walletError('wallet/bad-audit-entry', message);
}

/** Strict: an extra field or a non-string value is refused, so no caller can slip bytes or values into the log. */
export function checkPresentationRecord(r: unknown): Required<PresentationRecord> {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) bad('A presentation record must be an object.');
  const o = r as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!ALLOWED_KEYS.has(k)) bad(`Field "${k}" is not allowed in the audit log.`);
  const { credentialId, disclosed, mode } = o;
  if (typeof credentialId !== 'string' || credentialId.length === 0 || credentialId.length > 128) bad('credentialId must be a string.');
  if (mode !== 'one-way' && mode !== 'two-way' && mode !== 'web') bad('mode must be "one-way", "two-way" or "web".');
  if (!Array.isArray(disclosed) || disclosed.length === 0 || disclosed.length > 64) bad('disclosed must list 1 to 64 element identifiers.');
  const seen = new Set<string>();
  for (const d of disclosed) {
    if (typeof d !== 'string' || !ELEMENT_ID.test(d)) bad('disclosed holds element identifiers only (names, never values).');
    if (seen.has(d)) bad(`Element "${d}" is listed twice.`);
    seen.add(d);
  }
  const verifier = o['verifier'] ?? null;
  if (verifier !== null && (typeof verifier !== 'string' || verifier.length > 120 || /[\u0000-\u001f]/.test(verifier))) {
    bad('verifier must be a short single-line label or null.');
  }
  return { credentialId, disclosed: [...seen], mode, verifier: verifier as string | null };
}

export function auditAad(id: string): string {
  return `eidkit-wallet/audit/v1|${id}`;
}

export function encodeAudit(e: AuditEntry): Uint8Array {
  return encodeCbor({ v: 1, ...e, disclosed: [...e.disclosed] });
}

export function decodeAudit(pt: Uint8Array, id: string): AuditEntry {
  const v = decodeCbor(pt) as Record<string, unknown> | null;
  if (v === null || typeof v !== 'object' || v['v'] !== 1 || v['id'] !== id) {
    throw walletError('wallet/tampered', 'A stored audit entry does not match its record and was not shown.', { id });
  }
  return checkAuditEntry(v);
}

/** Re-validates an entry that comes back from storage or a backup file (same rules as when it was written). */
export function checkAuditEntry(x: unknown): AuditEntry {
  const v = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
  const id = v['id'];
  const at = v['at'];
  const docType = v['docType'];
  if (typeof id !== 'string' || id.length === 0 || id.length > 64) bad('An audit entry has no id.');
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) bad('An audit entry has no valid time.');
  if (typeof docType !== 'string' || docType.length > 256) bad('An audit entry has no document type.');
  const rec = checkPresentationRecord({
    credentialId: v['credentialId'],
    disclosed: v['disclosed'],
    mode: v['mode'],
    verifier: v['verifier'],
  });
  return { id, at, docType, ...rec };
}
