/**
 * A minimal DER reader/writer, just enough for the X.509 profile of ISO 18013-5 Annex B (EC keys, a handful of
 * extensions). Why not @peculiar/x509: it pulls in a dependency-injection container, reflect metadata and a generic
 * ASN.1 schema engine (well over 100 KB in the verifier bundle) to parse the one certificate shape we need; a strict
 * reader that only accepts definite, minimally encoded lengths is also less to trust with hostile input.
 */
import { EidkitError } from '../errors.ts';
import { concatBytes } from './bytes.ts';

export interface DerNode {
  readonly tag: number;
  /** The complete TLV. */
  readonly raw: Uint8Array;
  /** The value octets. */
  readonly content: Uint8Array;
}

function bad(message: string): EidkitError {
  return new EidkitError('credential/bad-der', `Malformed DER: ${message}.`);
}

/** Reads one TLV at `pos`. Only low tag numbers (< 31) and definite, minimal lengths are accepted. */
export function readNode(buf: Uint8Array, pos = 0): DerNode {
  const tag = buf[pos];
  if (tag === undefined) throw bad('unexpected end of input');
  if ((tag & 0x1f) === 0x1f) throw bad('high tag numbers are not supported');
  let p = pos + 1;
  const first = buf[p++];
  if (first === undefined) throw bad('unexpected end of input');
  let len = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n === 0) throw bad('indefinite length');
    if (n > 3) throw bad('length too large');
    len = 0;
    for (let i = 0; i < n; i++) {
      const b = buf[p++];
      if (b === undefined) throw bad('unexpected end of input');
      if (i === 0 && b === 0) throw bad('non-minimal length');
      len = len * 256 + b;
    }
    if (len < 0x80) throw bad('non-minimal length');
  }
  if (p + len > buf.length) throw bad('length exceeds the input');
  return { tag, raw: buf.subarray(pos, p + len), content: buf.subarray(p, p + len) };
}

/** Reads a node that must fill `buf` exactly. */
export function readWhole(buf: Uint8Array): DerNode {
  const n = readNode(buf, 0);
  if (n.raw.length !== buf.length) throw bad('trailing bytes');
  return n;
}

/** The children of a constructed node. */
export function children(node: DerNode): DerNode[] {
  if ((node.tag & 0x20) === 0) throw bad(`tag 0x${node.tag.toString(16)} is not constructed`);
  const out: DerNode[] = [];
  let p = 0;
  while (p < node.content.length) {
    const c = readNode(node.content, p);
    out.push(c);
    p += c.raw.length;
  }
  return out;
}

export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node || node.tag !== tag) throw bad(`expected ${what}`);
  return node;
}

export function readOid(node: DerNode): string {
  expectTag(node, 0x06, 'an OBJECT IDENTIFIER');
  const c = node.content;
  if (c.length === 0) throw bad('empty OID');
  const parts: number[] = [];
  let v = 0;
  for (let i = 0; i < c.length; i++) {
    if (v === 0 && c[i] === 0x80) throw bad('non-minimal OID arc');
    v = v * 128 + (c[i]! & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 128) throw bad('OID arc too large');
    if ((c[i]! & 0x80) === 0) {
      parts.push(v);
      v = 0;
    } else if (i === c.length - 1) throw bad('truncated OID');
  }
  const first = parts.shift()!;
  const a = first < 40 ? 0 : first < 80 ? 1 : 2;
  return [a, first - a * 40, ...parts].join('.');
}

/** A non-negative INTEGER's magnitude bytes (leading zero stripped). */
export function readUnsignedInteger(node: DerNode): Uint8Array {
  expectTag(node, 0x02, 'an INTEGER');
  const c = node.content;
  if (c.length === 0) throw bad('empty INTEGER');
  if (c.length > 1 && c[0] === 0 && (c[1]! & 0x80) === 0) throw bad('non-minimal INTEGER');
  if ((c[0]! & 0x80) !== 0) throw bad('negative INTEGER');
  return c[0] === 0 && c.length > 1 ? c.subarray(1) : c;
}

export function readSmallInteger(node: DerNode): number {
  const m = readUnsignedInteger(node);
  if (m.length > 4) throw bad('INTEGER too large');
  let v = 0;
  for (const b of m) v = v * 256 + b;
  return v;
}

export function readBoolean(node: DerNode): boolean {
  expectTag(node, 0x01, 'a BOOLEAN');
  if (node.content.length !== 1 || (node.content[0] !== 0 && node.content[0] !== 0xff)) throw bad('invalid BOOLEAN');
  return node.content[0] === 0xff;
}

/** BIT STRING content without the unused-bits octet; `unused` says how many trailing bits are padding. */
export function readBitString(node: DerNode): { bytes: Uint8Array; unused: number } {
  expectTag(node, 0x03, 'a BIT STRING');
  const unused = node.content[0];
  if (unused === undefined || unused > 7) throw bad('invalid BIT STRING');
  return { bytes: node.content.subarray(1), unused };
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF8String, PrintableString, IA5String, TeletexString (as latin-1). */
export function readString(node: DerNode): string {
  switch (node.tag) {
    case 0x0c:
      try {
        return utf8.decode(node.content);
      } catch {
        throw bad('invalid UTF8String');
      }
    case 0x13:
    case 0x16:
    case 0x14:
      return latin1.decode(node.content);
    default:
      throw bad(`unsupported string type 0x${node.tag.toString(16)}`);
  }
}

/** UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ), as epoch milliseconds. */
export function readTime(node: DerNode): number {
  const s = latin1.decode(node.content);
  let m: RegExpExecArray | null;
  let year: number;
  if (node.tag === 0x17 && (m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) {
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (node.tag === 0x18 && (m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) {
    year = Number(m[1]);
  } else throw bad('invalid time');
  const [mo, d, h, mi, se] = [2, 3, 4, 5, 6].map((i) => Number(m![i]));
  const t = Date.UTC(year, mo! - 1, d!, h!, mi!, se!);
  const back = new Date(t);
  if (back.getUTCMonth() !== mo! - 1 || back.getUTCDate() !== d! || h! > 23 || mi! > 59 || se! > 59) {
    throw bad('invalid calendar time');
  }
  return t;
}

// ---- writer ----

function lengthBytes(n: number): Uint8Array {
  if (n < 0x80) return new Uint8Array([n]);
  if (n < 0x100) return new Uint8Array([0x81, n]);
  if (n < 0x10000) return new Uint8Array([0x82, n >> 8, n & 0xff]);
  return new Uint8Array([0x83, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
}

export function tlv(tag: number, ...content: readonly Uint8Array[]): Uint8Array {
  const body = concatBytes(...content);
  return concatBytes(new Uint8Array([tag]), lengthBytes(body.length), body);
}

export const seq = (...items: readonly Uint8Array[]): Uint8Array => tlv(0x30, ...items);
export const set = (...items: readonly Uint8Array[]): Uint8Array => tlv(0x31, ...items);
/** EXPLICIT [n] */
export const explicit = (n: number, ...items: readonly Uint8Array[]): Uint8Array => tlv(0xa0 | n, ...items);
export const octetString = (b: Uint8Array): Uint8Array => tlv(0x04, b);
export const bitString = (b: Uint8Array, unused = 0): Uint8Array => tlv(0x03, new Uint8Array([unused]), b);
export const utf8String = (s: string): Uint8Array => tlv(0x0c, new TextEncoder().encode(s));
export const printableString = (s: string): Uint8Array => tlv(0x13, new TextEncoder().encode(s));
export const ia5String = (s: string): Uint8Array => tlv(0x16, new TextEncoder().encode(s));
export const derBoolean = (v: boolean): Uint8Array => tlv(0x01, new Uint8Array([v ? 0xff : 0]));

/** INTEGER from unsigned magnitude bytes. */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  let body = magnitude.subarray(i);
  if (body.length === 0) body = new Uint8Array([0]);
  if ((body[0]! & 0x80) !== 0) body = concatBytes(new Uint8Array([0]), body);
  return tlv(0x02, body);
}

export function smallInteger(n: number): Uint8Array {
  const bytes: number[] = [];
  let v = n;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  return unsignedInteger(new Uint8Array(bytes));
}

export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [];
  const push = (v: number): void => {
    const stack = [v & 0x7f];
    v = Math.floor(v / 128);
    while (v > 0) {
      stack.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(...stack);
  };
  push(arcs[0]! * 40 + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return tlv(0x06, new Uint8Array(out));
}

/** RFC 5280: UTCTime through 2049, GeneralizedTime from 2050. Seconds precision. */
export function derTime(ms: number): Uint8Array {
  const d = new Date(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  const y = d.getUTCFullYear();
  if (y >= 1950 && y < 2050) return tlv(0x17, new TextEncoder().encode(p(y % 100) + rest));
  return tlv(0x18, new TextEncoder().encode(p(y, 4) + rest));
}
