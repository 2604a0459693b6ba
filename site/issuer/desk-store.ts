/**
 * The issuer desk's state, in this browser's IndexedDB: the authority (IACA root, document signer and trust-list keys
 * as CryptoKey objects, never serialised in clear), the status list, and the register of issued credentials (who,
 * which status index, which request, and the credential itself so the clerk can hand it over again after a reload).
 * Keys leave the browser only inside a passphrase-encrypted export; the credentials (portrait and face template inside)
 * never leave it at all: the export carries the register without them.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import {
  allocateStatusIndex,
  createDocumentSigner,
  createIaca,
  createStatusList,
  createTrustListKey,
  fromKeyFile,
  parseCertificate,
  setStatus,
  signStatusList,
  signTrustList,
  signerOf,
  statusStateFromJson,
  statusStateToJson,
  toKeyFile,
  type IssuerKey,
  type StatusListState,
  type StatusName,
  type TrustListAnchor,
} from '../../engine/credential/index.ts';
import { makeTrustBundle, type TrustBundleFile } from '../lib/trust-bundle.ts';
import { open as openBox, seal as sealBox, type PassphraseBox } from '../lib/passphrase-box.ts';

const DAY = 86_400_000;
const CLOCK_SKEW_MS = 3_600_000;
/** Status list capacity: 2 bits per credential, so 65,536 credentials fit in 16 KB before compression. */
const STATUS_LIST_SIZE = 65_536;
/** Verifiers treat a status list older than this as stale ("status unknown"): re-publish at least this often. */
export const STATUS_LIST_VALID_DAYS = 7;
const TRUST_LIST_VALID_DAYS = 90;
export const KEY_EXPORT_CONTENTS = 'eidkit-issuer-keys';

export interface Authority {
  readonly id: string;
  /** Shown to verifiers, e.g. "Shenzhen Public Security Bureau". */
  readonly name: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  readonly iaca: IssuerKey;
  readonly ds: IssuerKey;
  readonly trustKey: { readonly anchor: TrustListAnchor; readonly privateKey: CryptoKey };
  readonly trustListVersion: number;
  readonly createdAt: number;
  /** The build's demo authority (public keys): every result it vouches for is labelled "demo issuer". */
  readonly demo?: boolean;
}

export interface IssuedRecord {
  readonly index: number;
  readonly documentNumber: string;
  readonly name: string;
  readonly issuedAt: number;
  readonly validUntil: number;
  readonly status: StatusName;
  /** The request it answered: the applicant's device key id (one credential per device key). */
  readonly requestKey?: string;
  /** The issued credential (CBOR), kept so the desk can give the file or the QR again; absent in imported registers. */
  readonly credential?: Uint8Array;
}

interface DeskSchema extends DBSchema {
  authority: { key: 'current'; value: Authority };
  status: { key: 'current'; value: StatusListState };
  issued: { key: number; value: IssuedRecord };
}

let dbPromise: Promise<IDBPDatabase<DeskSchema>> | undefined;
function db(): Promise<IDBPDatabase<DeskSchema>> {
  dbPromise ??= openDB<DeskSchema>('eidkit-issuer-desk', 1, {
    upgrade(d) {
      d.createObjectStore('authority');
      d.createObjectStore('status');
      d.createObjectStore('issued', { keyPath: 'index' });
    },
  });
  return dbPromise;
}

export async function loadAuthority(): Promise<Authority | undefined> {
  return (await db()).get('authority', 'current');
}

export function statusUri(a: Pick<Authority, 'id'>): string {
  return `eidkit:status:${a.id}:1`;
}

/** A new issuing authority: IACA root, one document signer, a trust-list key, an empty status list. */
export async function createAuthority(input: { id: string; name: string; country: string }, now = new Date()): Promise<Authority> {
  // Extractable so the desk can export them (encrypted); they are stored as CryptoKeys, never as clear bytes.
  // Valid from an hour ago, so a verifier whose clock runs a little behind does not see "not yet valid".
  const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  const iaca = await createIaca({ subject: { country: input.country, commonName: `${input.name} IACA`, organization: input.name }, extractable: true, notBefore });
  const ds = await createDocumentSigner({ iaca, commonName: `${input.name} DS 1`, organization: input.name, extractable: true, notBefore, validDays: 3 * 365 });
  const trustKey = await createTrustListKey(`${input.id}-trust-1`, true);
  const authority: Authority = { ...input, iaca, ds, trustKey, trustListVersion: 1, createdAt: now.getTime() };
  return install(authority);
}

/** Makes `authority` the desk's own, with a fresh status list and an empty register (one transaction). */
async function install(authority: Authority): Promise<Authority> {
  const d = await db();
  const tx = d.transaction(['authority', 'status', 'issued'], 'readwrite');
  await tx.objectStore('issued').clear();
  await tx.objectStore('authority').put(authority, 'current');
  await tx.objectStore('status').put(createStatusList(statusUri(authority), STATUS_LIST_SIZE), 'current');
  await tx.done;
  return authority;
}

/** Reserves a status index (random among the free ones, so it says nothing about issuing order) for a new credential. */
export async function reserveStatusIndex(): Promise<number> {
  const d = await db();
  const tx = d.transaction('status', 'readwrite');
  const s = await tx.store.get('current');
  if (!s) throw new Error('no status list');
  const { state, index } = allocateStatusIndex(s);
  await tx.store.put(state, 'current');
  await tx.done;
  return index;
}

export async function recordIssued(r: IssuedRecord): Promise<void> {
  await (await db()).put('issued', r);
}

export async function listIssued(): Promise<IssuedRecord[]> {
  return (await (await db()).getAll('issued')).sort((a, b) => b.index - a.index);
}

/** The credentials already issued for this request (same device key), newest first: a second issue needs a warning. */
export async function issuedFor(requestKey: string): Promise<IssuedRecord[]> {
  return (await listIssued()).filter((r) => r.requestKey === requestKey);
}

export async function changeStatus(index: number, status: StatusName): Promise<void> {
  const d = await db();
  const tx = d.transaction(['status', 'issued'], 'readwrite');
  const s = await tx.objectStore('status').get('current');
  const rec = await tx.objectStore('issued').get(index);
  if (!s || !rec) throw new Error('unknown credential');
  await tx.objectStore('status').put(setStatus(s, index, status), 'current');
  await tx.objectStore('issued').put({ ...rec, status });
  await tx.done;
}

/** Signs the current trust list and status list and packs them as the verifier trust file. */
export async function publish(a: Authority, now = new Date()): Promise<{ bundle: TrustBundleFile; trustList: Uint8Array; statusList: Uint8Array }> {
  const s = await (await db()).get('status', 'current');
  if (!s) throw new Error('no status list');
  const trustList = await signTrustList(
    {
      version: a.trustListVersion,
      issuedAt: now,
      expiresAt: new Date(now.getTime() + TRUST_LIST_VALID_DAYS * DAY),
      issuers: [{ id: a.id, name: a.name, country: a.country, iaca: [a.iaca.certificate], documentSigners: [a.ds.certificate], demo: a.demo === true }],
    },
    { keyId: a.trustKey.anchor.keyId, signer: signerOf(a.trustKey) },
  );
  const statusList = await signStatusList(
    s,
    { certificate: a.ds.certificate, signer: signerOf(a.ds) },
    // A minute in the past for verifiers' clock skew, but never before the signer's certificate (verifiers refuse that).
    { issuedAt: new Date(Math.max(now.getTime() - 60_000, parseCertificate(a.ds.certificate).notBefore)), expiresAt: new Date(now.getTime() + STATUS_LIST_VALID_DAYS * DAY) },
  );
  return { bundle: makeTrustBundle([a.trustKey.anchor], trustList, [statusList]), trustList, statusList };
}

/** Where the build serves its demo authority (site/build/trust.ts); absent when an operator baked their own trust. */
export const DEMO_AUTHORITY_URL = '/trust/demo-authority.json';

/**
 * Whether this build has a demo authority the desk can issue as. A GET, like every request the site makes (the
 * service worker serves /trust/ files from its cache when offline, and only GETs).
 */
export async function demoAuthorityAvailable(): Promise<boolean> {
  try {
    return (await fetch(DEMO_AUTHORITY_URL, { cache: 'no-cache' })).ok;
  } catch {
    return false;
  }
}

/**
 * Makes this desk the build's demo authority (its keys come from the site, in clear: a demo issuer proves nothing).
 * A fresh, empty register and status list, as for a new authority.
 */
export async function adoptDemoAuthority(): Promise<Authority> {
  const res = await fetch(DEMO_AUTHORITY_URL, { cache: 'no-cache' });
  if (!res.ok) throw new Error('This site has no demo authority.');
  const j = (await res.json()) as {
    type?: string;
    id: string;
    name: string;
    country: string;
    trustListVersion: number;
    keys: { iaca: unknown; ds: unknown; trustList: unknown };
  };
  if (j.type !== 'eidkit-demo-authority') throw new Error('Not a demo authority file.');
  const iaca = await fromKeyFile(j.keys.iaca, 'iaca');
  const ds = await fromKeyFile(j.keys.ds, 'ds');
  const tl = await fromKeyFile(j.keys.trustList, 'trust-list');
  const authority: Authority = {
    id: j.id,
    name: j.name,
    country: j.country,
    iaca: { certificate: iaca.certificate!, privateKey: iaca.privateKey, publicKey: iaca.publicKey },
    ds: { certificate: ds.certificate!, privateKey: ds.privateKey, publicKey: ds.publicKey },
    trustKey: { anchor: { keyId: tl.keyId!, publicKey: tl.publicKey }, privateKey: tl.privateKey },
    // Above the baked list's version, so what this desk publishes (with its revocations) wins at verifiers.
    trustListVersion: j.trustListVersion + 1,
    createdAt: Date.now(),
    demo: true,
  };
  return install(authority);
}

interface KeyExport {
  readonly authority: { id: string; name: string; country: string; trustListVersion: number; createdAt: number; demo?: boolean };
  readonly keys: readonly unknown[];
  readonly status: Record<string, unknown>;
  readonly issued: readonly IssuedRecord[];
}

/** Everything the desk holds, encrypted under a passphrase (private keys inside, so never export in clear). */
export async function exportKeys(a: Authority, passphrase: string): Promise<PassphraseBox> {
  const d = await db();
  const s = await d.get('status', 'current');
  const body: KeyExport = {
    authority: { id: a.id, name: a.name, country: a.country, trustListVersion: a.trustListVersion, createdAt: a.createdAt, ...(a.demo ? { demo: true } : {}) },
    keys: [
      await toKeyFile('iaca', a.iaca),
      await toKeyFile('ds', a.ds),
      await toKeyFile('trust-list', { privateKey: a.trustKey.privateKey, keyId: a.trustKey.anchor.keyId }),
    ],
    status: statusStateToJson(s!),
    // The register without the credentials: they carry portraits and face templates, which stay in this browser.
    issued: (await d.getAll('issued')).map(({ credential: _credential, ...rest }) => rest),
  };
  return sealBox(KEY_EXPORT_CONTENTS, new TextEncoder().encode(JSON.stringify(body)), passphrase);
}

/** Restores an export (replacing this desk's state). Throws BoxError on a wrong passphrase or a foreign file. */
export async function importKeys(box: unknown, passphrase: string): Promise<Authority> {
  const body = JSON.parse(new TextDecoder().decode(await openBox(box, passphrase, KEY_EXPORT_CONTENTS))) as KeyExport;
  const [iacaFile, dsFile, trustFile] = body.keys;
  const iaca = await fromKeyFile(iacaFile, 'iaca');
  const ds = await fromKeyFile(dsFile, 'ds');
  const trust = await fromKeyFile(trustFile, 'trust-list');
  const asIssuerKey = (k: typeof iaca): IssuerKey => {
    parseCertificate(k.certificate!);
    return { certificate: k.certificate!, privateKey: k.privateKey, publicKey: k.publicKey };
  };
  const authority: Authority = {
    ...body.authority,
    iaca: asIssuerKey(iaca),
    ds: asIssuerKey(ds),
    trustKey: { anchor: { keyId: trust.keyId!, publicKey: trust.publicKey }, privateKey: trust.privateKey },
  };
  const d = await db();
  const tx = d.transaction(['authority', 'status', 'issued'], 'readwrite');
  await tx.objectStore('authority').put(authority, 'current');
  await tx.objectStore('status').put(statusStateFromJson(body.status), 'current');
  await tx.objectStore('issued').clear();
  for (const r of body.issued) await tx.objectStore('issued').put(r);
  await tx.done;
  return authority;
}
