/**
 * Plaintext inside the wallet's ciphertexts is CBOR, written and read by the engine's own strict codec
 * (credential/cbor.ts): compact, byte strings stay byte strings (an mdoc is bytes), maps with text keys, no tags, so
 * any CBOR reader can open a decrypted backup.
 *
 * Records written before eidkit 0.1 dropped cbor-x are still read as they are, with no migration step: cbor-x (with
 * `useRecords: false, mapsAsObjects: true, tagUint8Array: false`, as the wallet used it) wrote plain definite-length
 * maps, arrays, text, byte strings, integers, floats, booleans, null and undefined. The strict decoder accepts every one
 * of those, including cbor-x's non-shortest map heads and its integers above 2^32 written as float64;
 * codec.test.ts decodes bytes cbor-x wrote, kept as test vectors. New records are written deterministically.
 */
import { decodeCbor as decodeStrict, encodeCbor as encodeStrict, type CborEncodable, type CborValue } from '../credential/cbor.ts';
import { walletError } from './errors.ts';

export function encodeCbor(value: unknown): Uint8Array {
  return encodeStrict(value as CborEncodable);
}

/** Decodes one record into plain values (maps become objects). Anything else throws wallet/tampered. */
export function decodeCbor(bytes: Uint8Array): unknown {
  let v: CborValue;
  try {
    v = decodeStrict(bytes);
  } catch (e) {
    throw walletError('wallet/tampered', 'A stored record could not be read (its encoding is damaged) and was not shown.', undefined, e);
  }
  return plain(v, 0);
}

function plain(v: CborValue, depth: number): unknown {
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v) {
      if (typeof k !== 'string') throw walletError('wallet/tampered', 'A stored record has a map key that is not text.');
      // Defined, not assigned: a '__proto__' key must stay data, never become the object's prototype.
      Object.defineProperty(o, k, { value: plain(x, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return o;
  }
  if (Array.isArray(v)) return v.map((x) => plain(x, depth + 1));
  if (v instanceof Uint8Array || v === null || v === undefined || typeof v !== 'object') return v;
  // Tagged items and embedded CBOR never occur in wallet records.
  throw walletError('wallet/tampered', 'A stored record holds a CBOR tag the wallet never writes.');
}

/** Byte strings as plain, unshared Uint8Array copies. */
export function asBytes(v: unknown): Uint8Array | null {
  return v instanceof Uint8Array ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice() : null;
}
