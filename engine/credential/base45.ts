/**
 * Base45 (RFC 9285), the QR alphanumeric-mode friendly encoding the EU COVID certificate made standard.
 * Own code because the `base45` npm package is CommonJS, needs Node's Buffer (absent in browsers) and decodes invalid
 * input (unknown characters, values ≥ 65536, a dangling last character) to garbage instead of rejecting it.
 */
import { EidkitError } from '../errors.ts';

export const BASE45_CHARSET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE45_CHARSET.length; i++) INDEX[BASE45_CHARSET.charCodeAt(i)] = i;

export function base45Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    let n = bytes[i]! * 256 + bytes[i + 1]!;
    const c = n % 45;
    n = (n - c) / 45;
    const d = n % 45;
    const e = (n - d) / 45;
    out += BASE45_CHARSET[c]! + BASE45_CHARSET[d]! + BASE45_CHARSET[e]!;
  }
  if (bytes.length % 2 === 1) {
    const n = bytes[bytes.length - 1]!;
    out += BASE45_CHARSET[n % 45]! + BASE45_CHARSET[Math.floor(n / 45)]!;
  }
  return out;
}

function bad(message: string): EidkitError {
  return new EidkitError('credential/bad-base45', `Not valid base45: ${message}.`);
}

export function base45Decode(text: string): Uint8Array {
  if (text.length % 3 === 1) throw bad('the length leaves a single dangling character');
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  const val = (i: number): number => {
    const code = text.charCodeAt(i);
    const v = code < 128 ? INDEX[code]! : -1;
    if (v < 0) throw bad(`character ${JSON.stringify(text[i])} at ${i} is outside the base45 alphabet`);
    return v;
  };
  let o = 0;
  for (let i = 0; i < text.length; i += 3) {
    if (i + 2 < text.length) {
      const n = val(i) + val(i + 1) * 45 + val(i + 2) * 2025;
      if (n > 0xffff) throw bad(`triplet at ${i} exceeds 65535`);
      out[o++] = n >> 8;
      out[o++] = n & 0xff;
    } else {
      const n = val(i) + val(i + 1) * 45;
      if (n > 0xff) throw bad(`final pair at ${i} exceeds 255`);
      out[o++] = n;
    }
  }
  return out;
}
