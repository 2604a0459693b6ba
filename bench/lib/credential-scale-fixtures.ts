// Inputs of the credential-scale stages (issue 14), made in Node and served to the bench pages as files:
//   - a status list for 10^8 credentials (2 bits each) with 1 % revoked at random, its issuer's trust list, 1,000 probes;
//   - a trust list of 1,000 authorities (IACA + DS each) as an eidkit trust list and as an ISO 18013-5 VICAL, and one
//     presentation from an authority in the middle of the list;
//   - deflate bombs as a camera would deliver them (QR texts): one code of the longest text the reader takes, and frame
//     sequences filling the verifier's byte budget (256 KiB) and the desk's / wallet's (4 MiB).
// Read by bench/pages/credential-scale-stages.ts (npm run bench, and bench/credential-scale.ts on its own).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deflate, deflateSync } from 'fflate';
import {
  anchorToJson,
  createDocumentSigner,
  createIaca,
  createPresentation,
  createStatusList,
  createTestIssuer,
  createTrustListKey,
  createVicalSigner,
  generateP256KeyPair,
  issueCredential,
  publicKeyPoint,
  signerOf,
  signStatusList,
  signTrustList,
  signVical,
  webCryptoSigner,
  type TrustedIssuerInput,
} from '../../engine/credential/index.ts';
import { crc32, DEFAULT_MAX_INFLATED_BYTES, MAX_FRAMES, QR_FRAME_PREFIX, QR_PREFIX } from '../../engine/credential/qr-codec.ts';
import { QR_DICTIONARY_V1 } from '../../engine/credential/qr-dictionary.ts';
import { bytesToDecimal } from '../../engine/credential/decimal.ts';
import { person } from '../../test-fixtures/credential/person.ts';

const DAY = 86_400_000;
export const STATUS_CREDENTIALS = 100_000_000;
export const TRUST_AUTHORITIES = 1000;
/** The desk's enrolment-request and the wallet's credential scans (site/issuer/load-request.tsx, site/pages/wallet.tsx). */
export const DESK_MAX_BYTES = 4 * 1024 * 1024;

export interface BombFixture {
  /** What it is, in words (goes into the bench notes). */
  readonly label: string;
  /** The assembler's cap the texts are fed to (undefined: verifyPresentation of one code). */
  readonly maxBytes?: number;
  readonly texts: readonly string[];
}

export interface ScaleMeta {
  readonly smallAnchor: unknown;
  readonly bigAnchor: unknown;
  readonly vicalAnchor: unknown;
  readonly probes: readonly number[];
  readonly now: number;
  readonly facts: Readonly<Record<string, number | string>>;
}

/** The assembler's byte budget for a cap (as QrAssembler computes it). */
const budgetOf = (maxBytes: number) => maxBytes + Math.ceil(maxBytes / 65_535) * 5 + 64;

/**
 * A deflate stream (with the QR dictionary) of zeros, `length` bytes long and cut off there: ~1030:1, so 1 MB of it
 * claims a gigabyte. Deflating a gigabyte takes a minute; the stream of 100 MB of zeros is periodic past its start
 * (fflate's blocks repeat byte for byte), so its period is repeated up to the length.
 */
function zeroBomb(length: number): Uint8Array {
  const base = deflateSync(new Uint8Array(100_000_000), { level: 9, dictionary: QR_DICTIONARY_V1 });
  const start = 2_000;
  const span = base.length - start - 2_000;
  let period = 0;
  for (let p = 1; p < span / 2 && !period; p++) {
    let same = true;
    for (let k = 0; k + p < span && same; k++) same = base[start + k] === base[start + k + p];
    if (same) period = p;
  }
  if (!period) throw new Error('the zero stream has no period to repeat');
  const out = new Uint8Array(length);
  out.set(base.subarray(0, Math.min(length, start)));
  for (let at = start; at < length; at += period) out.set(base.subarray(start, start + Math.min(period, length - at)), at);
  return out;
}

/** A deflate stream of many small flushed blocks (each its own Huffman tables), cut to `length` bytes. */
function flushedBlocks(length: number, piece: (i: number) => string): Uint8Array {
  const parts: Uint8Array[] = [];
  let n = 0;
  const d = new Deflate({ level: 9, dictionary: QR_DICTIONARY_V1 }, (c) => {
    parts.push(c);
    n += c.length;
  });
  for (let i = 0; n < length; i++) {
    d.push(new TextEncoder().encode(piece(i)));
    d.flush();
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out.subarray(0, length);
}

/** The most a real QR code holds: version 40, level L, numeric mode (ISO/IEC 18004 table 7). */
export const QR_V40_NUMERIC_DIGITS = 7089;

/** The longest text of `prefix` + decimal payload that fits one code, and the payload bytes it carries. */
function fitted(prefix: string, bytes: Uint8Array): { text: string; used: number } {
  let used = Math.min(bytes.length, Math.floor((QR_V40_NUMERIC_DIGITS - prefix.length) / Math.log10(256)));
  let text = prefix + bytesToDecimal(bytes.subarray(0, used));
  while (text.length > QR_V40_NUMERIC_DIGITS) text = prefix + bytesToDecimal(bytes.subarray(0, --used));
  return { text, used };
}

/** Frame texts of `packed` (deflated bytes), each frame as full as one code allows, at most MAX_FRAMES of them. */
function sequenceOf(packed: Uint8Array): string[] {
  const id = crc32(packed).toString(16).toUpperCase().padStart(8, '0');
  const header = `${QR_FRAME_PREFIX}P:512/512:${id}:`;
  const per = fitted(header, packed).used;
  const total = Math.min(MAX_FRAMES, Math.ceil(packed.length / per));
  const carried = packed.subarray(0, total * per);
  const crc = crc32(carried).toString(16).toUpperCase().padStart(8, '0');
  return Array.from({ length: total }, (_, i) => `${QR_FRAME_PREFIX}P:${i + 1}/${total}:${crc}:${bytesToDecimal(carried.subarray(i * per, (i + 1) * per))}`);
}

/**
 * Bombs, each as large as QR codes can carry it to the page that reads it: one code, or a sequence up to the reader's
 * byte budget (at most MAX_FRAMES full codes). Each must be refused (too-large; bad-deflate for the damaged stream and
 * the stream of empty blocks) by whatever the site feeds it to.
 */
export function makeBombs(): Record<string, BombFixture> {
  const deskBudgetBytes = budgetOf(DESK_MAX_BYTES);
  const zeros = zeroBomb(Math.min(deskBudgetBytes, MAX_FRAMES * 3_000));
  // One code: a bomb whose second half is overwritten (a decoder that inflates everything first ends in bad-deflate).
  const damaged = zeros.slice(0, 4_000);
  damaged.fill(0xff, 1_500);
  const single = fitted(QR_PREFIX, damaged).text;
  const verifierBudget = budgetOf(DEFAULT_MAX_INFLATED_BYTES) - 64;
  const deskBudget = deskBudgetBytes - 64;
  const sequence = sequenceOf(zeros.subarray(0, verifierBudget));
  const blocks = sequenceOf(flushedBlocks(verifierBudget, (i) => `ab${String.fromCharCode(97 + (i % 26))}`));
  const desk = sequenceOf(zeros.subarray(0, deskBudget));
  for (const t of [single, ...sequence, ...blocks, ...desk]) if (t.length > QR_V40_NUMERIC_DIGITS) throw new Error('a bomb text does not fit one QR code');
  return {
    single: { label: `one code of ${single.length} digits (a full version-40 code), a damaged zero bomb`, texts: [single] },
    sequence: { label: `${sequence.length} full codes of a zero bomb, up to the verifier's 256 KiB budget`, maxBytes: DEFAULT_MAX_INFLATED_BYTES, texts: sequence },
    blocks: { label: `${blocks.length} full codes of tiny flushed deflate blocks (own Huffman tables each), up to the verifier's budget`, maxBytes: DEFAULT_MAX_INFLATED_BYTES, texts: blocks },
    desk: { label: `${desk.length} full codes (the frame limit) of a zero bomb, fed to the desk's and wallet's 4 MiB assembler`, maxBytes: DESK_MAX_BYTES, texts: desk },
  };
}

/** Writes every input into `dir` (status.cbor, trust-small.cbor, trust-1000.cbor, vical-1000.cbor, presentation.cbor, bombs.json, meta.json). */
export async function writeScaleFixtures(dir: string, log: (s: string) => void): Promise<ScaleMeta> {
  mkdirSync(dir, { recursive: true });
  const now = new Date();
  log('credential scale: a status list of 10^8 credentials, 1 % revoked …');
  const issuer = await createTestIssuer({ now, id: 'nation' });
  const N = STATUS_CREDENTIALS;
  const state = createStatusList(issuer.statusUri, N);
  const revoked = new Set<number>();
  const r = new Uint32Array(1);
  while (revoked.size < N / 100) {
    crypto.getRandomValues(r);
    const i = r[0]! % N;
    revoked.add(i);
    state.statuses[i] = 1;
  }
  const statusBytes = await signStatusList(state, { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) }, { issuedAt: new Date(now.getTime() - 60_000), expiresAt: new Date(now.getTime() + DAY) });
  const someRevoked = [...revoked].slice(0, 10);
  const probes = Array.from({ length: 1000 }, (_, k) => (k < 10 ? someRevoked[k]! : (crypto.getRandomValues(r), r[0]! % N)));
  writeFileSync(join(dir, 'status.cbor'), statusBytes);
  writeFileSync(join(dir, 'trust-small.cbor'), issuer.trustListBytes);

  log(`credential scale: a trust list and a VICAL of ${TRUST_AUTHORITIES} authorities …`);
  const start = new Date(now.getTime() - DAY);
  const authorities: TrustedIssuerInput[] = [];
  let middle: Awaited<ReturnType<typeof createDocumentSigner>> | undefined;
  for (let i = 0; i < TRUST_AUTHORITIES; i++) {
    const iaca = await createIaca({ subject: { country: 'CN', commonName: `Authority ${i} IACA` }, notBefore: start });
    const ds = await createDocumentSigner({ iaca, commonName: `Authority ${i} DS`, notBefore: start });
    authorities.push({ id: `a${i}`, name: `Authority ${i}`, country: 'CN', iaca: [iaca.certificate], documentSigners: [ds.certificate] });
    if (i === TRUST_AUTHORITIES / 2) middle = ds;
  }
  const tlKey = await createTrustListKey('federation-1');
  const trustBytes = await signTrustList({ version: 1, issuedAt: start, expiresAt: new Date(now.getTime() + 30 * DAY), issuers: authorities }, { keyId: 'federation-1', signer: signerOf(tlKey) });
  const vicalKey = await createVicalSigner({ provider: 'federation', country: 'CN', notBefore: start });
  const vicalBytes = await signVical(
    { provider: 'federation', date: now, issueId: 1, entries: authorities.map((a) => ({ certificate: a.iaca[0]!, docTypes: ['org.eidkit.eid.1'], issuingAuthority: a.name, issuingCountry: a.country })) },
    vicalKey,
  );
  const device = await generateP256KeyPair(false);
  const credential = await issueCredential({ data: person, devicePublicKey: await publicKeyPoint(device.publicKey), documentSigner: { certificate: middle!.certificate, signer: signerOf(middle!) }, signed: now });
  // Embedded DS certificate: a VICAL lists IACAs only. The eidkit list could resolve a reference too.
  const presentation = (
    await createPresentation({ credential, disclose: ['given_name', 'age_over_18'], deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'one-way', at: now }, embedCertificate: true })
  ).bytes;
  writeFileSync(join(dir, 'trust-1000.cbor'), trustBytes);
  writeFileSync(join(dir, 'vical-1000.cbor'), vicalBytes);
  writeFileSync(join(dir, 'presentation.cbor'), presentation);

  log('credential scale: deflate bombs as QR texts …');
  const bombs = makeBombs();
  writeFileSync(join(dir, 'bombs.json'), JSON.stringify(bombs));

  const meta: ScaleMeta = {
    smallAnchor: anchorToJson(issuer.trustListKey.anchor),
    bigAnchor: anchorToJson(tlKey.anchor),
    vicalAnchor: anchorToJson(vicalKey.anchor),
    probes,
    now: now.getTime(),
    facts: {
      statusCredentials: N,
      statusRevoked: revoked.size,
      statusSignedBytes: statusBytes.length,
      statusPackedBytes: N / 4,
      trustAuthorities: TRUST_AUTHORITIES,
      trustListBytes: trustBytes.length,
      vicalBytes: vicalBytes.length,
      ...Object.fromEntries(Object.entries(bombs).map(([k, b]) => [`bomb-${k}`, b.label])),
    },
  };
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
  log(`  status list ${statusBytes.length} B signed (${N / 4 / 1e6} MB packed); trust list ${trustBytes.length} B; VICAL ${vicalBytes.length} B`);
  return meta;
}
