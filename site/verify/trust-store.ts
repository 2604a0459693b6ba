/**
 * Where the verifier's trust comes from, all checked by signature and merged (site/lib/trust-bundle.ts mergeTrust):
 *   - the file the site itself serves (/trust/verifier-trust.json, baked at build time — the demo authority in the
 *     reference build — kept fresh by the service worker when online and cached for offline);
 *   - a file the verifier imported by hand (kept in this browser's storage);
 *   - lists trusted by scanning a desk's trust QR: the first scan pins the list signer's key after the verifier saw
 *     whose it is and its fingerprint; later scans of that key update the list, never to an older version;
 *   - ISO 18013-5 VICALs the verifier loaded as files, pinned the same way (the provider CA's key, shown first with its
 *     fingerprint; later VICALs of that provider update it, never to a lower vicalIssueID).
 * `trust()` changes whenever any of them does; the verify page recomputes its verdict then.
 */
import { createSignal } from 'solid-js';
import {
  anchorFingerprint,
  anchorFromJson,
  anchorToJson,
  decodeTrustPackage,
  openStatusList,
  openTrustList,
  openVical,
  pinDecision,
  vicalAnchorOf,
  type StatusList,
  type TrustListAnchor,
} from '../../engine/credential/index.ts';
import { fromBase64, toBase64 } from '../lib/bytes.ts';
import { isEmptyTrustBundle, mergeTrust, openTrustBundle, type OpenedTrust } from '../lib/trust-bundle.ts';

export const SITE_TRUST_URL = '/trust/verifier-trust.json';
const STORAGE_KEY = 'eidkit.verifier-trust';

/** A source trusted by pinning its key on first sight: its anchor, its rollback floor, and its last accepted bytes. */
interface PinRecord {
  readonly anchor: ReturnType<typeof anchorToJson>;
  /** The highest version accepted under this key (trust-list version, or vicalIssueID): the rollback floor. */
  readonly version: number;
  /** The last accepted bytes (base64), re-opened at start-up: a trust package ("pkg") or a VICAL ("vical"). */
  readonly pkg?: string;
  readonly vical?: string;
}

/** One kind of pinned source: where it is kept, how its bytes are read, and what this page holds of it. */
interface PinnedKind {
  readonly storageKey: string;
  readonly field: 'pkg' | 'vical';
  readonly what: string;
  anchorOf(bytes: Uint8Array): TrustListAnchor;
  open(bytes: Uint8Array, anchor: TrustListAnchor, minVersion: number | undefined): Promise<OpenedTrust>;
  readonly setCount: (n: number) => void;
  opened: OpenedTrust[];
}

const [trust, setTrust] = createSignal<OpenedTrust | undefined>(undefined);
const [trustLoaded, setTrustLoaded] = createSignal(false);
const [pinCount, setPinCount] = createSignal(0);
const [vicalCount, setVicalCount] = createSignal(0);
export { trust, trustLoaded, pinCount, vicalCount };

let siteTrust: OpenedTrust | undefined;
let fileTrust: OpenedTrust | undefined;

/** Desks' trust QRs (trust packages), pinned by scanning. */
const SCANNED: PinnedKind = {
  storageKey: 'eidkit.verifier-pins',
  field: 'pkg',
  what: 'a trust list pinned by scanning',
  anchorOf: (bytes) => decodeTrustPackage(bytes).anchor,
  open: (bytes, anchor, minVersion) => openPackage(bytes, anchor, minVersion),
  setCount: setPinCount,
  opened: [],
};
/** ISO 18013-5 VICALs loaded as files, pinned by their provider CA. */
const VICALS: PinnedKind = {
  storageKey: 'eidkit.verifier-vicals',
  field: 'vical',
  what: 'a VICAL trusted here',
  anchorOf: (bytes) => vicalAnchorOf(bytes).anchor,
  open: async (bytes, anchor, minVersion) => {
    const v = await openVical(bytes, [anchor], { now: new Date(), ...(minVersion !== undefined ? { minVersion } : {}) });
    return { anchors: [anchor], trust: v.trust, statusLists: [] };
  },
  setCount: setVicalCount,
  opened: [],
};

function publish(): void {
  setTrust(mergeTrust(siteTrust, fileTrust, ...SCANNED.opened, ...VICALS.opened));
}

async function fromSite(): Promise<OpenedTrust | undefined> {
  try {
    const res = await fetch(SITE_TRUST_URL, { cache: 'no-cache' });
    if (!res.ok) return undefined;
    const json: unknown = await res.json();
    return isEmptyTrustBundle(json) ? undefined : await openTrustBundle(json);
  } catch {
    return undefined;
  }
}

async function fromStorage(): Promise<OpenedTrust | undefined> {
  try {
    const text = localStorage.getItem(STORAGE_KEY);
    return text ? await openTrustBundle(JSON.parse(text)) : undefined;
  } catch {
    return undefined;
  }
}

function readPins(kind: PinnedKind): PinRecord[] {
  try {
    const v = JSON.parse(localStorage.getItem(kind.storageKey) ?? '[]') as unknown;
    return Array.isArray(v) ? (v as PinRecord[]) : [];
  } catch {
    return [];
  }
}

function writePins(kind: PinnedKind, pins: readonly PinRecord[]): void {
  localStorage.setItem(kind.storageKey, JSON.stringify(pins));
  kind.setCount(pins.length);
}

/** A package opened with a pinned (or about to be pinned) key: the trust list and whichever status lists verify. */
async function openPackage(pkgBytes: Uint8Array, anchor: TrustListAnchor, minVersion: number | undefined): Promise<OpenedTrust> {
  const pkg = decodeTrustPackage(pkgBytes);
  const now = new Date();
  const list = await openTrustList(pkg.trustList, [anchor], { now, ...(minVersion !== undefined ? { minVersion } : {}) });
  const statusLists: StatusList[] = [];
  for (const s of pkg.statusLists) {
    try {
      statusLists.push(await openStatusList(s, list, { now }));
    } catch (e) {
      console.warn('status list in the trust QR refused', e);
    }
  }
  return { anchors: [anchor], trust: list, statusLists };
}

async function fromPins(kind: PinnedKind): Promise<OpenedTrust[]> {
  const out: OpenedTrust[] = [];
  for (const p of readPins(kind)) {
    try {
      out.push(await kind.open(fromBase64(p[kind.field] ?? ''), anchorFromJson(p.anchor), p.version));
    } catch (e) {
      console.warn(`${kind.what} no longer opens`, e);
    }
  }
  return out;
}

let loading: Promise<void> | undefined;
export function loadTrust(): Promise<void> {
  loading ??= (async () => {
    const [site, local, scanned, vicals] = await Promise.all([fromSite(), fromStorage(), fromPins(SCANNED), fromPins(VICALS)]);
    siteTrust = site;
    fileTrust = local;
    SCANNED.opened = scanned;
    VICALS.opened = vicals;
    for (const kind of [SCANNED, VICALS]) kind.setCount(readPins(kind).length);
    publish();
    setTrustLoaded(true);
  })();
  return loading;
}

/** Imports a trust file chosen by the verifier; throws TrustBundleError when it is not one or does not verify. */
export async function importTrust(text: string): Promise<OpenedTrust> {
  const opened = await openTrustBundle(JSON.parse(text));
  localStorage.setItem(STORAGE_KEY, JSON.stringify(opened.file));
  fileTrust = opened;
  publish();
  return opened;
}

export function forgetImportedTrust(): void {
  localStorage.removeItem(STORAGE_KEY);
  fileTrust = undefined;
  publish();
}

function forget(kind: PinnedKind): void {
  writePins(kind, []);
  kind.opened = [];
  publish();
}
export const forgetScannedTrust = (): void => forget(SCANNED);
export const forgetVicals = (): void => forget(VICALS);

export type ScanOutcome =
  | {
      readonly kind: 'confirm';
      readonly keyId: string;
      readonly fingerprint: string;
      readonly issuers: readonly string[];
      /** Pins the key and starts trusting the list. */
      readonly accept: () => number;
    }
  | { readonly kind: 'updated'; readonly version: number }
  | { readonly kind: 'refused'; readonly reason: 'key-changed' | 'rollback' | 'future' | 'bad'; readonly keyId?: string };

/**
 * Pin on first sight: a known key updates its source (never backwards), a new key asks first (whose it is and its
 * fingerprint), a known name with another key is refused as a possible impersonation. Never throws.
 */
async function pinSource(kind: PinnedKind, bytes: Uint8Array): Promise<ScanOutcome> {
  let anchor: TrustListAnchor;
  try {
    anchor = kind.anchorOf(bytes);
  } catch {
    return { kind: 'refused', reason: 'bad' };
  }
  const pins = readPins(kind);
  const decision = pinDecision(anchor, pins.map((p) => anchorFromJson(p.anchor)));
  if (decision.kind === 'key-changed') return { kind: 'refused', reason: 'key-changed', keyId: anchor.keyId };
  let opened: OpenedTrust;
  try {
    opened = await kind.open(bytes, anchor, pins.find((p) => p.anchor.keyId === anchor.keyId)?.version);
  } catch (e) {
    const code = (e as { code?: string }).code;
    return { kind: 'refused', reason: code === 'credential/trust-list-rollback' ? 'rollback' : code === 'credential/trust-list-future' ? 'future' : 'bad', keyId: anchor.keyId };
  }
  const keep = () => {
    const record: PinRecord = { anchor: anchorToJson(anchor), version: opened.trust.version, [kind.field]: toBase64(bytes) };
    writePins(kind, [...readPins(kind).filter((p) => p.anchor.keyId !== anchor.keyId), record]);
    kind.opened = [...kind.opened.filter((s) => s.anchors[0]?.keyId !== anchor.keyId), opened];
    publish();
  };
  if (decision.kind === 'pinned') {
    keep();
    return { kind: 'updated', version: opened.trust.version };
  }
  return {
    kind: 'confirm',
    keyId: anchor.keyId,
    fingerprint: await anchorFingerprint(anchor),
    issuers: opened.trust.issuers.map((i) => `${i.name} (${i.country})`),
    accept: () => {
      keep();
      return opened.trust.issuers.length;
    },
  };
}

/** A completed trust QR (frames of kind "T"): what to ask the verifier, or what happened. Never throws. */
export const scanTrust = (pkgBytes: Uint8Array): Promise<ScanOutcome> => pinSource(SCANNED, pkgBytes);

/**
 * An ISO 18013-5 VICAL loaded as a file: the first time, the verifier is shown the provider and its CA key's
 * fingerprint before it counts; afterwards VICALs from that provider update it (never to a lower vicalIssueID). Never throws.
 */
export const importVical = (bytes: Uint8Array): Promise<ScanOutcome> => pinSource(VICALS, bytes);
