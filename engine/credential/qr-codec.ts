/**
 * QR transport, version 1. A short alphanumeric-mode header, then the payload as decimal digits in numeric mode
 * (see decimal.ts for why digits and not base45):
 *   single code:  "EID1:"  decimal( rawDeflate(envelope, dictionary v1) )
 *   one frame of an animated sequence:
 *                 "EIDM1:" kind ":" index "/" total ":" id ":" decimal(chunk)
 *     kind  = P presentation, C credential, R enrolment request, T trust list, S status list, X other
 *     index = 1..total; id = CRC-32 of the whole compressed payload (8 hex digits) so frames of two different payloads
 *     (a refreshed QR) never mix; frames are accepted in any order and duplicates are ignored.
 * The preset dictionary holds the CBOR skeleton of a presentation, so field names cost almost nothing even in a
 * payload of a few hundred bytes (deflate alone cannot learn them from so little data).
 */
import { deflateSync } from 'fflate';
import { EidkitError } from '../errors.ts';
import { bytesToDecimal, decimalToBytes } from './decimal.ts';
import { inflateCapped } from './inflate.ts';
import { QR_DICTIONARY_V1 } from './qr-dictionary.ts';

export const QR_PREFIX = 'EID1:';
export const QR_FRAME_PREFIX = 'EIDM1:';
/** Inflated payloads larger than this are refused (decompression bombs). */
export const DEFAULT_MAX_INFLATED_BYTES = 256 * 1024;
/** QR text longer than this is refused before any work is done. */
export const MAX_QR_TEXT = 8 * 1024;
export const MAX_FRAMES = 512;

export type FrameKind = 'P' | 'C' | 'R' | 'T' | 'S' | 'X';
const KINDS = new Set<string>(['P', 'C', 'R', 'T', 'S', 'X']);

export function compress(bytes: Uint8Array): Uint8Array {
  return deflateSync(bytes, { level: 9, dictionary: QR_DICTIONARY_V1 });
}

/** Streaming inflate that stops at `maxBytes` (see inflate.ts): a deflate bomb costs at most the cap's worth of work. */
export function decompress(bytes: Uint8Array, maxBytes = DEFAULT_MAX_INFLATED_BYTES): Uint8Array {
  try {
    return inflateCapped(bytes, { maxBytes, dictionary: QR_DICTIONARY_V1 });
  } catch (e) {
    if ((e as EidkitError).code === 'credential/too-large') {
      throw new EidkitError('credential/too-large', `The QR payload inflates to more than ${maxBytes} bytes; refused.`, { maxBytes });
    }
    throw new EidkitError('credential/bad-deflate', 'The QR payload does not decompress (damaged or truncated).', undefined, { cause: e });
  }
}

/** Envelope bytes → single-code QR text. */
export function toQrText(envelope: Uint8Array): string {
  return QR_PREFIX + bytesToDecimal(compress(envelope));
}

/** Single-code QR text → envelope bytes. */
export function fromQrText(text: string, maxBytes = DEFAULT_MAX_INFLATED_BYTES): Uint8Array {
  const t = text.trim();
  if (t.length > MAX_QR_TEXT) throw new EidkitError('credential/too-large', 'The QR text is too long.');
  if (!t.startsWith(QR_PREFIX)) {
    if (t.startsWith(QR_FRAME_PREFIX)) {
      throw new EidkitError('credential/multi-frame', 'This is one frame of an animated QR sequence; scan all frames.');
    }
    throw new EidkitError('credential/not-eidkit-qr', 'This QR code is not an eidkit presentation (no EID1: prefix).');
  }
  return decompress(decimalToBytes(t.slice(QR_PREFIX.length)), maxBytes);
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  // An indexed loop: for…of over a typed array costs ~3x here (a 1 MB sequence is checked on every completion).
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface FrameOptions {
  readonly kind?: FrameKind;
  /** Payload bytes per frame; 400 keeps each frame near QR version 15 at level M, quick to scan. */
  readonly chunkBytes?: number;
}

/** Payload bytes (compressed here) → animated QR frame texts. */
export function toQrFrames(payload: Uint8Array, opts: FrameOptions = {}): string[] {
  const kind = opts.kind ?? 'P';
  const packed = compress(payload);
  const chunkBytes = Math.max(1, Math.floor(opts.chunkBytes ?? 400));
  const total = Math.max(1, Math.ceil(packed.length / chunkBytes));
  if (total > MAX_FRAMES) throw new EidkitError('credential/too-large', `The payload needs more than ${MAX_FRAMES} frames.`);
  const id = crc32(packed).toString(16).toUpperCase().padStart(8, '0');
  const frames: string[] = [];
  for (let i = 0; i < total; i++) {
    const chunk = packed.subarray(i * chunkBytes, (i + 1) * chunkBytes);
    frames.push(`${QR_FRAME_PREFIX}${kind}:${i + 1}/${total}:${id}:${bytesToDecimal(chunk)}`);
  }
  return frames;
}

const FRAME_RE = /^EIDM1:([A-Z]):(\d{1,3})\/(\d{1,3}):([0-9A-F]{8}):(\d+)$/;

export type AssemblyState =
  | { readonly status: 'partial'; readonly kind: FrameKind; readonly received: number; readonly total: number }
  | { readonly status: 'complete'; readonly kind: FrameKind; readonly bytes: Uint8Array };

/** How many payloads the assembler collects at once (a refreshed code starts a new one; the rest is noise). */
export const MAX_PENDING_PAYLOADS = 16;

interface Pending {
  readonly kind: FrameKind;
  readonly total: number;
  readonly parts: Map<number, Uint8Array>;
  bytes: number;
  touched: number;
}

/**
 * Collects frames in any order, for up to MAX_PENDING_PAYLOADS payloads at once, within one byte budget for all of
 * them (`maxBytes`, the same cap as the inflated payload: compressed data that inflates to at most that is never much
 * larger). When a new payload needs a slot, the one with the fewest frames goes (then the least recently seen), so a
 * genuine sequence that has two frames in can never be crowded out by any number of junk frame ids.
 */
export class QrAssembler {
  private readonly pending = new Map<string, Pending>();
  private buffered = 0;
  private clock = 0;
  private readonly budget: number;
  constructor(private readonly maxBytes = DEFAULT_MAX_INFLATED_BYTES) {
    // Deflate's stored blocks add 5 bytes per 64 KiB: the most a payload within the cap can take compressed.
    this.budget = maxBytes + Math.ceil(maxBytes / 65_535) * 5 + 64;
  }

  /** Feeds one scanned text (a single-code "EID1:" text completes at once). Throws EidkitError on garbage. */
  add(text: string): AssemblyState {
    const t = text.trim();
    if (t.startsWith(QR_PREFIX)) return { status: 'complete', kind: 'P', bytes: fromQrText(t, this.maxBytes) };
    if (t.length > MAX_QR_TEXT) throw new EidkitError('credential/too-large', 'The QR text is too long.');
    const m = FRAME_RE.exec(t);
    if (!m) throw new EidkitError('credential/not-eidkit-qr', 'This QR code is not an eidkit code or frame.');
    const [, kind, idxText, totalText, id, data] = m;
    const index = Number(idxText);
    const total = Number(totalText);
    if (!KINDS.has(kind!) || total < 1 || total > MAX_FRAMES || index < 1 || index > total) {
      throw new EidkitError('credential/bad-frame', 'The QR frame header is invalid.');
    }
    const chunk = decimalToBytes(data!);
    const key = `${kind}:${id}:${total}`;
    let entry = this.pending.get(key);
    if (!entry) {
      if (this.pending.size >= MAX_PENDING_PAYLOADS) this.evict(undefined);
      entry = { kind: kind as FrameKind, total, parts: new Map(), bytes: 0, touched: 0 };
      this.pending.set(key, entry);
    }
    entry.touched = ++this.clock;
    if (!entry.parts.has(index)) {
      if (entry.bytes + chunk.length > this.budget) {
        this.drop(key);
        throw new EidkitError('credential/too-large', `The QR sequence carries more than ${this.budget} bytes; refused.`, { maxBytes: this.maxBytes });
      }
      while (this.buffered + chunk.length > this.budget) this.evict(key);
      entry.parts.set(index, chunk);
      entry.bytes += chunk.length;
      this.buffered += chunk.length;
    }
    if (entry.parts.size < total) return { status: 'partial', kind: entry.kind, received: entry.parts.size, total };
    this.drop(key);
    const packed = new Uint8Array(entry.bytes);
    let o = 0;
    for (let i = 1; i <= total; i++) {
      packed.set(entry.parts.get(i)!, o);
      o += entry.parts.get(i)!.length;
    }
    if (crc32(packed).toString(16).toUpperCase().padStart(8, '0') !== id) {
      throw new EidkitError('credential/bad-frame', 'The assembled frames do not match their checksum; scan again.');
    }
    return { status: 'complete', kind: entry.kind, bytes: decompress(packed, this.maxBytes) };
  }

  /** Payloads being collected now (for tests and progress displays). */
  get pendingCount(): number {
    return this.pending.size;
  }

  reset(): void {
    this.pending.clear();
    this.buffered = 0;
  }

  private drop(key: string): void {
    const e = this.pending.get(key);
    if (!e) return;
    this.buffered -= e.bytes;
    this.pending.delete(key);
  }

  /** Drops the payload with the fewest frames, then the least recently seen, other than `keep`. */
  private evict(keep: string | undefined): void {
    let victim: string | undefined;
    let worst: Pending | undefined;
    for (const [k, e] of this.pending) {
      if (k === keep) continue;
      if (!worst || e.parts.size < worst.parts.size || (e.parts.size === worst.parts.size && e.touched < worst.touched)) {
        victim = k;
        worst = e;
      }
    }
    if (victim === undefined) throw new EidkitError('credential/too-large', 'The QR sequence is too large.');
    this.drop(victim);
  }
}
