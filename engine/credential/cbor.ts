/**
 * A strict CBOR (RFC 8949) codec for the credential module.
 *
 * Why our own instead of cbor-x: a verifier decodes hostile bytes from a camera. cbor-x silently keeps the last of two
 * duplicate map keys (a classic signature-confusion hole), replaces invalid UTF-8 with U+FFFD, overflows the stack on
 * deep nesting and allocates whatever a length header claims. This decoder rejects all of that with a typed error, keeps
 * the exact bytes of embedded CBOR (tag 24) so digests are taken over what was signed, and is a few KB in the browser
 * bundle where cbor-x is ~30 KB. The encoder writes RFC 8949 §4.2.1 deterministic CBOR (shortest forms, sorted map keys),
 * which ISO 18013-5 asks for.
 */
import { EidkitError } from '../errors.ts';

export type CborKey = number | string;
export type CborMap = Map<CborKey, CborValue>;
export type CborValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | undefined
  | Uint8Array
  | CborValue[]
  | CborMap
  | Tagged
  | EmbeddedCbor;

/** A tagged item other than tag 24. */
export class Tagged {
  constructor(
    readonly tag: number,
    readonly value: CborValue,
  ) {}
}

/**
 * Tag 24 "encoded CBOR data item": `raw` is the complete encoding as received (tag head + bstr head + content), which is
 * what ISO 18013-5 hashes (IssuerSignedItemBytes) and signs (MobileSecurityObjectBytes, DeviceAuthenticationBytes).
 */
export class EmbeddedCbor {
  readonly raw: Uint8Array;
  constructor(
    readonly bytes: Uint8Array,
    raw?: Uint8Array,
  ) {
    this.raw = raw ?? encodeCbor(new Tagged(24, bytes));
  }
  /** Wraps a value: EmbeddedCbor.of(x).raw is #6.24(bstr .cbor x). */
  static of(value: CborEncodable): EmbeddedCbor {
    return new EmbeddedCbor(encodeCbor(value));
  }
}

export interface DecodeOptions {
  /** Maximum nesting of arrays, maps and tags. */
  readonly maxDepth?: number;
  /** Maximum number of data items in the whole input. */
  readonly maxItems?: number;
  /**
   * Refuse floating-point items. A decoded float and an integer are both JS numbers, so -7.0 would read as the
   * integer -7; where only integers are meaningful (COSE headers: alg -7.0 is not ES256) the encoding is refused.
   */
  readonly integersOnly?: boolean;
}

const DEFAULT_MAX_DEPTH = 32;
const DEFAULT_MAX_ITEMS = 100_000;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function bad(message: string, offset: number): EidkitError {
  return new EidkitError('credential/bad-cbor', `Malformed CBOR: ${message} (at byte ${offset}).`, { offset });
}

/** Decodes exactly one CBOR item that must span all of `bytes`. Throws EidkitError('credential/bad-cbor'). */
export function decodeCbor(bytes: Uint8Array, options: DecodeOptions = {}): CborValue {
  const d = new StrictDecoder(bytes, options.maxDepth ?? DEFAULT_MAX_DEPTH, options.maxItems ?? DEFAULT_MAX_ITEMS, options.integersOnly ?? false);
  const value = d.item(0);
  if (d.pos !== bytes.length) throw bad(`${bytes.length - d.pos} trailing bytes after the item`, d.pos);
  return value;
}

class StrictDecoder {
  pos = 0;
  private items = 0;
  constructor(
    private readonly buf: Uint8Array,
    private readonly maxDepth: number,
    private readonly maxItems: number,
    private readonly integersOnly: boolean,
  ) {}

  private byte(): number {
    const b = this.buf[this.pos];
    if (b === undefined) throw bad('unexpected end of input', this.pos);
    this.pos++;
    return b;
  }

  /** Reads the argument of a head; returns a number when it is a safe integer, else a bigint. */
  private argument(info: number, start: number): number | bigint {
    if (info < 24) return info;
    const size = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : 0;
    if (size === 0) {
      if (info === 31) throw bad('indefinite-length items are not accepted', start);
      throw bad(`reserved additional information ${info}`, start);
    }
    if (this.pos + size > this.buf.length) throw bad('unexpected end of input', this.pos);
    let v = 0n;
    for (let i = 0; i < size; i++) v = (v << 8n) | BigInt(this.buf[this.pos + i]!);
    this.pos += size;
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  private length(info: number, start: number): number {
    const n = this.argument(info, start);
    // A length can never exceed what is left of the input, so hostile headers cannot make us allocate.
    if (typeof n === 'bigint' || n > this.buf.length - this.pos) throw bad('length exceeds the input', start);
    return n;
  }

  item(depth: number): CborValue {
    if (++this.items > this.maxItems) throw bad(`more than ${this.maxItems} items`, this.pos);
    const start = this.pos;
    const initial = this.byte();
    const major = initial >> 5;
    const info = initial & 0x1f;
    switch (major) {
      case 0:
        return this.argument(info, start);
      case 1: {
        const n = this.argument(info, start);
        return typeof n === 'number' ? -1 - n : -1n - n;
      }
      case 2: {
        const len = this.length(info, start);
        const out = this.buf.slice(this.pos, this.pos + len);
        this.pos += len;
        return out;
      }
      case 3: {
        const len = this.length(info, start);
        const view = this.buf.subarray(this.pos, this.pos + len);
        this.pos += len;
        try {
          return utf8.decode(view);
        } catch {
          throw bad('text string is not valid UTF-8', start);
        }
      }
      case 4: {
        if (depth >= this.maxDepth) throw bad(`nesting deeper than ${this.maxDepth}`, start);
        const len = this.length(info, start);
        const out: CborValue[] = [];
        for (let i = 0; i < len; i++) out.push(this.item(depth + 1));
        return out;
      }
      case 5: {
        if (depth >= this.maxDepth) throw bad(`nesting deeper than ${this.maxDepth}`, start);
        const len = this.length(info, start);
        const out: CborMap = new Map();
        for (let i = 0; i < len; i++) {
          const keyAt = this.pos;
          const key = this.item(depth + 1);
          if (typeof key !== 'string' && typeof key !== 'number') throw bad('map keys must be integers or text', keyAt);
          if (out.has(key)) throw bad(`duplicate map key ${JSON.stringify(key)}`, keyAt);
          out.set(key, this.item(depth + 1));
        }
        return out;
      }
      case 6: {
        if (depth >= this.maxDepth) throw bad(`nesting deeper than ${this.maxDepth}`, start);
        const tag = this.argument(info, start);
        if (typeof tag === 'bigint') throw bad('tag number too large', start);
        const value = this.item(depth + 1);
        if (tag === 24) {
          if (!(value instanceof Uint8Array)) throw bad('tag 24 must wrap a byte string', start);
          return new EmbeddedCbor(value, this.buf.slice(start, this.pos));
        }
        return new Tagged(tag, value);
      }
      default: {
        // major 7: simple values and floats
        if (info === 20) return false;
        if (info === 21) return true;
        if (info === 22) return null;
        if (info === 23) return undefined;
        const size = info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : 0;
        if (size === 0) throw bad(`unsupported simple value ${info}`, start);
        if (this.integersOnly) throw bad('floating-point numbers are not accepted here', start);
        if (this.pos + size > this.buf.length) throw bad('unexpected end of input', this.pos);
        const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, size);
        this.pos += size;
        if (size === 2) return halfToNumber(view.getUint16(0));
        return size === 4 ? view.getFloat32(0) : view.getFloat64(0);
      }
    }
  }
}

function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** What the encoder accepts: CBOR values plus plain objects (text keys), for readable call sites. */
export type CborEncodable =
  | CborValue
  | readonly CborEncodable[]
  | ReadonlyMap<CborKey, CborEncodable>
  | { readonly [key: string]: CborEncodable };

/** Encodes deterministically (RFC 8949 §4.2.1): shortest heads, definite lengths, map keys sorted bytewise. */
export function encodeCbor(value: CborEncodable): Uint8Array {
  const w = new Writer();
  writeItem(w, value);
  return w.result();
}

class Writer {
  private buf = new Uint8Array(256);
  private len = 0;
  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  head(major: number, n: number | bigint): void {
    const m = major << 5;
    if (typeof n === 'bigint' || n > 0xffffffff) {
      const big = BigInt(n);
      this.byte(m | 27);
      for (let i = 7; i >= 0; i--) this.byte(Number((big >> BigInt(i * 8)) & 0xffn));
    } else if (n < 24) this.byte(m | n);
    else if (n < 0x100) {
      this.byte(m | 24);
      this.byte(n);
    } else if (n < 0x10000) {
      this.byte(m | 25);
      this.byte(n >> 8);
      this.byte(n & 0xff);
    } else {
      this.byte(m | 26);
      this.byte((n >>> 24) & 0xff);
      this.byte((n >> 16) & 0xff);
      this.byte((n >> 8) & 0xff);
      this.byte(n & 0xff);
    }
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

const utf8Encoder = new TextEncoder();

function writeItem(w: Writer, v: CborEncodable): void {
  if (v === null) return w.byte(0xf6);
  if (v === undefined) return w.byte(0xf7);
  if (v === false) return w.byte(0xf4);
  if (v === true) return w.byte(0xf5);
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return v >= 0 ? w.head(0, v) : w.head(1, -1 - v);
    w.byte(0xfb);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v);
    return w.bytes(b);
  }
  if (typeof v === 'bigint') {
    if (v >= 0n && v < 2n ** 64n) return w.head(0, v);
    if (v < 0n && v >= -(2n ** 64n)) return w.head(1, -1n - v);
    throw new EidkitError('credential/cbor-encode', 'Integer out of the 64-bit CBOR range.');
  }
  if (typeof v === 'string') {
    const b = utf8Encoder.encode(v);
    w.head(3, b.length);
    return w.bytes(b);
  }
  if (v instanceof Uint8Array) {
    w.head(2, v.length);
    return w.bytes(v);
  }
  if (v instanceof EmbeddedCbor) return w.bytes(v.raw);
  if (v instanceof Tagged) {
    w.head(6, v.tag);
    return writeItem(w, v.value);
  }
  if (Array.isArray(v)) {
    w.head(4, v.length);
    for (const x of v as readonly CborEncodable[]) writeItem(w, x);
    return;
  }
  // Plain objects drop undefined members so optional fields can be written inline; Maps are encoded as given.
  const entries: [CborEncodable, CborEncodable][] =
    v instanceof Map
      ? [...(v as ReadonlyMap<CborKey, CborEncodable>)]
      : Object.entries(v as object).filter(([, val]) => val !== undefined);
  const encoded = entries.map(([k, val]) => ({ key: encodeCbor(k), val }));
  encoded.sort((a, b) => compareBytes(a.key, b.key));
  w.head(5, encoded.length);
  for (let i = 0; i < encoded.length; i++) {
    const e = encoded[i]!;
    if (i > 0 && compareBytes(encoded[i - 1]!.key, e.key) === 0) {
      throw new EidkitError('credential/cbor-encode', 'Duplicate map key while encoding.');
    }
    w.bytes(e.key);
    writeItem(w, e.val);
  }
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && compareBytes(a, b) === 0;
}
