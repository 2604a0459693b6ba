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
import { deflateSync, inflateSync } from 'fflate';
import { EidkitError } from '../errors.ts';
import { bytesToDecimal, decimalToBytes } from './decimal.ts';
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

export function decompress(bytes: Uint8Array, maxBytes = DEFAULT_MAX_INFLATED_BYTES): Uint8Array {
  // fflate writes at most out.length bytes and silently stops there, so one spare byte tells "too big" from "exact".
  let out: Uint8Array;
  try {
    out = inflateSync(bytes, { dictionary: QR_DICTIONARY_V1, out: new Uint8Array(maxBytes + 1) });
  } catch (e) {
    throw new EidkitError('credential/bad-deflate', 'The QR payload does not decompress (damaged or truncated).', undefined, {
      cause: e,
    });
  }
  if (out.length > maxBytes) {
    throw new EidkitError('credential/too-large', `The QR payload inflates to more than ${maxBytes} bytes; refused.`, {
      maxBytes,
    });
  }
  return out;
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
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
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

/**
 * Collects frames in any order. Keeps at most a few payload ids at a time (a refreshing presentation starts a new id)
 * so memory stays bounded whatever the camera sees.
 */
export class QrAssembler {
  private readonly pending = new Map<string, { kind: FrameKind; total: number; parts: Map<number, Uint8Array> }>();
  constructor(private readonly maxBytes = DEFAULT_MAX_INFLATED_BYTES) {}

  /** Feeds one scanned text (a single-code "EID1:" text completes at once). Throws EidkitError on garbage. */
  add(text: string): AssemblyState {
    const t = text.trim();
    if (t.startsWith(QR_PREFIX)) return { status: 'complete', kind: 'P', bytes: fromQrText(t, this.maxBytes) };
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
      if (this.pending.size >= 4) this.pending.delete(this.pending.keys().next().value!);
      entry = { kind: kind as FrameKind, total, parts: new Map() };
      this.pending.set(key, entry);
    }
    entry.parts.set(index, chunk);
    if (entry.parts.size < total) return { status: 'partial', kind: entry.kind, received: entry.parts.size, total };
    this.pending.delete(key);
    const size = [...entry.parts.values()].reduce((n, p) => n + p.length, 0);
    const packed = new Uint8Array(size);
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

  reset(): void {
    this.pending.clear();
  }
}
