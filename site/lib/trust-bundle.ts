/**
 * The verifier's trust configuration as one JSON file, "eidkit-verifier-trust": the pinned trust-list keys (anchors),
 * the signed trust list, and the issuers' signed status lists. The issuer desk exports it; a verifier site serves it at
 * /trust/verifier-trust.json, or a verifier imports it by hand. The trust list must verify against the anchors and
 * each status list against the trust list (engine/credential does both); the anchors themselves are configuration:
 * whoever deploys or imports the file decides whom to trust, exactly like shipping a root certificate.
 */
import {
  anchorFromJson,
  anchorToJson,
  mergeTrustLists,
  openStatusList,
  openTrustList,
  type StatusList,
  type TrustList,
  type TrustListAnchor,
} from '../../engine/credential/index.ts';
import { fromBase64, toBase64 } from './bytes.ts';

export const TRUST_BUNDLE_TYPE = 'eidkit-verifier-trust';

export interface TrustBundleFile {
  readonly type: typeof TRUST_BUNDLE_TYPE;
  readonly version: 1;
  readonly anchors: readonly ReturnType<typeof anchorToJson>[];
  /** Signed trust list (COSE_Sign1), base64. */
  readonly trustList: string;
  /** Signed status lists (CWT), base64. */
  readonly statusLists: readonly string[];
}

export interface OpenedTrust {
  readonly anchors: readonly TrustListAnchor[];
  readonly trust: TrustList;
  readonly statusLists: readonly StatusList[];
  /** The file it came from (absent for merged trust and scanned packages). */
  readonly file?: TrustBundleFile;
}

export function makeTrustBundle(anchors: readonly TrustListAnchor[], trustList: Uint8Array, statusLists: readonly Uint8Array[]): TrustBundleFile {
  return {
    type: TRUST_BUNDLE_TYPE,
    version: 1,
    anchors: anchors.map(anchorToJson),
    trustList: toBase64(trustList),
    statusLists: statusLists.map(toBase64),
  };
}

export class TrustBundleError extends Error {
  constructor(readonly code: 'not-a-bundle' | 'bad-signature', cause?: unknown) {
    super(code, cause === undefined ? undefined : { cause });
  }
}

/** A trust file that deliberately trusts no one (what the site ships until its operator replaces it). */
export function isEmptyTrustBundle(json: unknown): boolean {
  const f = json as Partial<TrustBundleFile> | null;
  return f?.type === TRUST_BUNDLE_TYPE && f.trustList === null;
}

/** Checks every signature; a status list that fails is dropped (status then reads "unknown", never "valid"). */
export async function openTrustBundle(json: unknown, now = new Date()): Promise<OpenedTrust> {
  const f = json as Partial<TrustBundleFile> | null;
  if (f?.type !== TRUST_BUNDLE_TYPE || f.version !== 1 || !Array.isArray(f.anchors) || typeof f.trustList !== 'string') {
    throw new TrustBundleError('not-a-bundle');
  }
  let anchors: TrustListAnchor[];
  let trust: TrustList;
  try {
    anchors = f.anchors.map(anchorFromJson);
    trust = await openTrustList(fromBase64(f.trustList), anchors, { now });
  } catch (e) {
    throw new TrustBundleError('bad-signature', e);
  }
  const statusLists: StatusList[] = [];
  for (const s of f.statusLists ?? []) {
    try {
      statusLists.push(await openStatusList(fromBase64(s), trust, { now }));
    } catch (e) {
      console.warn('status list refused', e);
    }
  }
  return { anchors, trust, statusLists, file: f as TrustBundleFile };
}

/**
 * Several trust sources (the site's baked file, an imported file, lists trusted by scanning) as one. Lists from the
 * same signer are versions of one list: the newest wins. Lists from different signers federate: all their issuers
 * count. Every status list is kept; verifyPresentation counts one only for credentials whose own IACA it is bound to,
 * and takes the newest of those per URI, so a hostile source cannot un-revoke another issuer's credential.
 */
export function mergeTrust(...sources: readonly (OpenedTrust | undefined)[]): OpenedTrust | undefined {
  const present = sources.filter((s): s is OpenedTrust => s !== undefined);
  if (present.length <= 1) return present[0];
  const bySigner = new Map<string, OpenedTrust>();
  for (const s of present) {
    const have = bySigner.get(s.trust.signedBy);
    if (!have || s.trust.version > have.trust.version || (s.trust.version === have.trust.version && s.trust.issuedAt > have.trust.issuedAt)) bySigner.set(s.trust.signedBy, s);
  }
  const winners = [...bySigner.values()];
  const seen = new Set<string>();
  const statusLists: StatusList[] = [];
  for (const s of present.flatMap((p) => p.statusLists)) {
    const key = `${s.uri}|${s.issuedAt}|${s.signer.serial.join(',')}`;
    if (!seen.has(key)) {
      seen.add(key);
      statusLists.push(s);
    }
  }
  return {
    anchors: winners.flatMap((w) => w.anchors),
    trust: winners.length === 1 ? winners[0]!.trust : mergeTrustLists(winners.map((w) => w.trust)),
    statusLists,
  };
}
