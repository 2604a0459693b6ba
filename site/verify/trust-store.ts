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
const PINS_KEY = 'eidkit.verifier-pins';
const VICALS_KEY = 'eidkit.verifier-vicals';

interface PinRecord {
  readonly anchor: ReturnType<typeof anchorToJson>;
  /** The highest trust-list version accepted from this key (rollback floor). */
  readonly version: number;
  /** The last accepted trust package (base64), re-opened at start-up. */
  readonly pkg: string;
}

interface VicalRecord {
  readonly anchor: ReturnType<typeof anchorToJson>;
  /** The highest vicalIssueID accepted from this provider (rollback floor). */
  readonly version: number;
  /** The last accepted VICAL (base64), re-opened at start-up. */
  readonly vical: string;
}

const [trust, setTrust] = createSignal<OpenedTrust | undefined>(undefined);
const [trustLoaded, setTrustLoaded] = createSignal(false);
const [pinCount, setPinCount] = createSignal(0);
const [vicalCount, setVicalCount] = createSignal(0);
export { trust, trustLoaded, pinCount, vicalCount };

let siteTrust: OpenedTrust | undefined;
let fileTrust: OpenedTrust | undefined;
let scanned: OpenedTrust[] = [];
let vicals: OpenedTrust[] = [];

function publish(): void {
  setTrust(mergeTrust(siteTrust, fileTrust, ...scanned, ...vicals));
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

function readList<T>(key: string): T[] {
  try {
    const v = JSON.parse(localStorage.getItem(key) ?? '[]') as unknown;
    return Array.isArray(v) ? (v as T[]) : [];
  } catch {
    return [];
  }
}
const readPins = () => readList<PinRecord>(PINS_KEY);
const readVicals = () => readList<VicalRecord>(VICALS_KEY);

function writePins(pins: readonly PinRecord[]): void {
  localStorage.setItem(PINS_KEY, JSON.stringify(pins));
  setPinCount(pins.length);
}

function writeVicals(list: readonly VicalRecord[]): void {
  localStorage.setItem(VICALS_KEY, JSON.stringify(list));
  setVicalCount(list.length);
}

async function openVicalWith(bytes: Uint8Array, anchor: TrustListAnchor, minVersion: number | undefined): Promise<OpenedTrust> {
  const v = await openVical(bytes, [anchor], { now: new Date(), ...(minVersion !== undefined ? { minVersion } : {}) });
  return { anchors: [anchor], trust: v.trust, statusLists: [] };
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

async function fromPins(): Promise<OpenedTrust[]> {
  const out: OpenedTrust[] = [];
  for (const p of readPins()) {
    try {
      out.push(await openPackage(fromBase64(p.pkg), anchorFromJson(p.anchor), p.version));
    } catch (e) {
      console.warn('a trust list pinned by scanning no longer opens', e);
    }
  }
  return out;
}

async function fromVicals(): Promise<OpenedTrust[]> {
  const out: OpenedTrust[] = [];
  for (const v of readVicals()) {
    try {
      out.push(await openVicalWith(fromBase64(v.vical), anchorFromJson(v.anchor), v.version));
    } catch (e) {
      console.warn('a VICAL trusted here no longer opens', e);
    }
  }
  return out;
}

let loading: Promise<void> | undefined;
export function loadTrust(): Promise<void> {
  loading ??= (async () => {
    const [site, local, pins, vicalPins] = await Promise.all([fromSite(), fromStorage(), fromPins(), fromVicals()]);
    siteTrust = site;
    fileTrust = local;
    scanned = pins;
    vicals = vicalPins;
    setPinCount(readPins().length);
    setVicalCount(readVicals().length);
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

export function forgetScannedTrust(): void {
  writePins([]);
  scanned = [];
  publish();
}

export function forgetVicals(): void {
  writeVicals([]);
  vicals = [];
  publish();
}

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

/** What opening a pinned (or about to be pinned) source gives, and how to keep it once accepted. */
interface PinCandidate {
  readonly anchor: TrustListAnchor;
  readonly pinned: readonly TrustListAnchor[];
  /** The version floor for this key, when it is already pinned. */
  readonly floor: number | undefined;
  open(minVersion: number | undefined): Promise<OpenedTrust>;
  keep(opened: OpenedTrust): void;
}

/** Pin on first sight: a known key updates (never backwards), a new key asks first, a known name with another key is refused. */
async function pinFlow(c: PinCandidate): Promise<ScanOutcome> {
  const decision = pinDecision(c.anchor, c.pinned);
  if (decision.kind === 'key-changed') return { kind: 'refused', reason: 'key-changed', keyId: c.anchor.keyId };
  let opened: OpenedTrust;
  try {
    opened = await c.open(c.floor);
  } catch (e) {
    const code = (e as { code?: string }).code;
    return { kind: 'refused', reason: code === 'credential/trust-list-rollback' ? 'rollback' : code === 'credential/trust-list-future' ? 'future' : 'bad', keyId: c.anchor.keyId };
  }
  if (decision.kind === 'pinned') {
    c.keep(opened);
    return { kind: 'updated', version: opened.trust.version };
  }
  return {
    kind: 'confirm',
    keyId: c.anchor.keyId,
    fingerprint: await anchorFingerprint(c.anchor),
    issuers: opened.trust.issuers.map((i) => `${i.name} (${i.country})`),
    accept: () => {
      c.keep(opened);
      return opened.trust.issuers.length;
    },
  };
}

/** A completed trust QR (frames of kind "T"): what to ask the verifier, or what happened. Never throws. */
export async function scanTrust(pkgBytes: Uint8Array): Promise<ScanOutcome> {
  let anchor: TrustListAnchor;
  try {
    anchor = decodeTrustPackage(pkgBytes).anchor;
  } catch {
    return { kind: 'refused', reason: 'bad' };
  }
  const pins = readPins();
  return pinFlow({
    anchor,
    pinned: pins.map((p) => anchorFromJson(p.anchor)),
    floor: pins.find((p) => p.anchor.keyId === anchor.keyId)?.version,
    open: (minVersion) => openPackage(pkgBytes, anchor, minVersion),
    keep: (opened) => {
      const record: PinRecord = { anchor: anchorToJson(anchor), version: opened.trust.version, pkg: toBase64(pkgBytes) };
      writePins([...readPins().filter((p) => p.anchor.keyId !== anchor.keyId), record]);
      scanned = [...scanned.filter((s) => s.anchors[0]?.keyId !== anchor.keyId), opened];
      publish();
    },
  });
}

/**
 * An ISO 18013-5 VICAL loaded as a file: the first time, the verifier is shown the provider and its CA key's
 * fingerprint before it counts; afterwards VICALs from that provider update it (never to a lower vicalIssueID). Never throws.
 */
export async function importVical(bytes: Uint8Array): Promise<ScanOutcome> {
  let anchor: TrustListAnchor;
  try {
    anchor = vicalAnchorOf(bytes).anchor;
  } catch {
    return { kind: 'refused', reason: 'bad' };
  }
  const list = readVicals();
  return pinFlow({
    anchor,
    pinned: list.map((v) => anchorFromJson(v.anchor)),
    floor: list.find((v) => v.anchor.keyId === anchor.keyId)?.version,
    open: (minVersion) => openVicalWith(bytes, anchor, minVersion),
    keep: (opened) => {
      const record: VicalRecord = { anchor: anchorToJson(anchor), version: opened.trust.version, vical: toBase64(bytes) };
      writeVicals([...readVicals().filter((v) => v.anchor.keyId !== anchor.keyId), record]);
      vicals = [...vicals.filter((v) => v.anchors[0]?.keyId !== anchor.keyId), opened];
      publish();
    },
  });
}
