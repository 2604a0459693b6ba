/**
 * What the wallet stores about a credential. The mdoc itself is opaque bytes (the credential module parses it);
 * the metadata is what the wallet list shows and what a lost-phone report to the issuer needs.
 */
import { asBytes, decodeCbor, encodeCbor } from './codec.ts';
import { walletError } from './errors.ts';

export interface CredentialMeta {
  /** Stable, caller-chosen id (unique in this wallet), e.g. the mdoc's document number or a hash of the MSO. */
  readonly id: string;
  readonly docType: string;
  /** Display label the citizen sees in the list. */
  readonly label: string;
  readonly issuer: string;
  /** ISO 8601 date-times from the MSO's validityInfo. */
  readonly validFrom: string;
  readonly validUntil: string;
  /** Index in the issuer's status list (revocation), or null if the credential has none. */
  readonly statusIndex: number | null;
  /** Which status list the index points into (its URI or id), or null. */
  readonly statusList?: string | null;
}

export interface NewCredential {
  /** The issued mdoc (CBOR), as the credential module produced it. */
  readonly bytes: Uint8Array;
  readonly meta: CredentialMeta;
  /** The device key (from createDeviceKey) whose public key the issuer put in the MSO. */
  readonly keyId: string;
  /** Id of a credential this one supersedes (re-binding after a restore, renewal); removed in the same write. */
  readonly replaces?: string;
}

export interface CredentialSummary {
  readonly id: string;
  readonly meta: CredentialMeta;
  readonly keyId: string | null;
  /** Restored from a backup without its device key: cannot be presented until the issuer re-binds it. */
  readonly needsRebinding: boolean;
  readonly addedAt: string;
  readonly restoredAt: string | null;
}

export interface StoredCredential extends CredentialSummary {
  readonly bytes: Uint8Array;
}

/** The plaintext sealed into a CredentialRow. */
export interface CredentialPayload {
  readonly v: 1;
  readonly meta: CredentialMeta;
  readonly bytes: Uint8Array;
  readonly needsRebinding: boolean;
  readonly addedAt: number;
  readonly restoredAt: number | null;
}

const MAX_TEXT = 256;
export const MAX_CREDENTIAL_BYTES = 4 * 1024 * 1024;

function text(v: unknown, field: string, max = MAX_TEXT): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) {
    throw walletError('wallet/bad-input', `Credential ${field} must be a non-empty string of at most ${max} characters.`, { field });
  }
  return v;
}

function isoDate(v: unknown, field: string): string {
  const s = text(v, field, 40);
  if (!/^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(s) || Number.isNaN(Date.parse(s))) {
    throw walletError('wallet/bad-input', `Credential ${field} must be an ISO 8601 date.`, { field });
  }
  return s;
}

/** Copies and checks caller metadata; unknown fields are dropped so nothing unexpected gets persisted. */
export function checkMeta(m: unknown): CredentialMeta {
  if (typeof m !== 'object' || m === null) throw walletError('wallet/bad-input', 'Credential metadata is missing.');
  const r = m as Record<string, unknown>;
  const statusIndex = r['statusIndex'] ?? null;
  if (statusIndex !== null && !(Number.isSafeInteger(statusIndex) && (statusIndex as number) >= 0)) {
    throw walletError('wallet/bad-input', 'Credential statusIndex must be a non-negative integer or null.', { field: 'statusIndex' });
  }
  const statusList = r['statusList'] ?? null;
  const validFrom = isoDate(r['validFrom'], 'validFrom');
  const validUntil = isoDate(r['validUntil'], 'validUntil');
  if (Date.parse(validUntil) < Date.parse(validFrom)) {
    throw walletError('wallet/bad-input', 'Credential validUntil is before validFrom.', { field: 'validUntil' });
  }
  return {
    id: text(r['id'], 'id', 128),
    docType: text(r['docType'], 'docType'),
    label: text(r['label'], 'label'),
    issuer: text(r['issuer'], 'issuer'),
    validFrom,
    validUntil,
    statusIndex: statusIndex as number | null,
    statusList: statusList === null ? null : text(statusList, 'statusList', 2048),
  };
}

export function checkCredentialBytes(b: unknown): Uint8Array {
  if (!(b instanceof Uint8Array) || b.length === 0 || b.length > MAX_CREDENTIAL_BYTES) {
    throw walletError('wallet/bad-input', `Credential bytes must be a non-empty Uint8Array of at most ${MAX_CREDENTIAL_BYTES} bytes.`);
  }
  return b.slice();
}

/** Binds a ciphertext to its row: swapping two rows' ciphertexts, or re-pointing a key, fails the GCM tag. */
export function credentialAad(id: string, keyId: string | null): string {
  return `eidkit-wallet/credential/v1|${id}|${keyId ?? '-'}`;
}

export function encodePayload(p: CredentialPayload): Uint8Array {
  return encodeCbor(p);
}

export function decodePayload(pt: Uint8Array, expectId: string): CredentialPayload {
  const v = decodeCbor(pt) as Record<string, unknown> | null;
  const bytes = asBytes(v?.['bytes']);
  if (v === null || typeof v !== 'object' || v['v'] !== 1 || bytes === null) {
    throw walletError('wallet/tampered', 'A stored credential has an unknown layout and was not shown.', { id: expectId });
  }
  const meta = checkMeta(v['meta']);
  if (meta.id !== expectId) {
    throw walletError('wallet/tampered', 'A stored credential does not match its record id and was not shown.', { id: expectId });
  }
  return {
    v: 1,
    meta,
    bytes,
    needsRebinding: v['needsRebinding'] === true,
    addedAt: Number(v['addedAt']),
    restoredAt: typeof v['restoredAt'] === 'number' ? v['restoredAt'] : null,
  };
}

export function summarise(p: CredentialPayload, keyId: string | null): CredentialSummary {
  return {
    id: p.meta.id,
    meta: p.meta,
    keyId,
    needsRebinding: p.needsRebinding || keyId === null,
    addedAt: new Date(p.addedAt).toISOString(),
    restoredAt: p.restoredAt === null ? null : new Date(p.restoredAt).toISOString(),
  };
}
