/**
 * Plaintext inside the wallet's ciphertexts is CBOR (cbor-x, already an engine dependency): compact, and byte strings
 * stay byte strings (an mdoc is bytes). Plain maps, no cbor-x records or typed-array tags, so any CBOR reader can
 * open a decrypted backup.
 */
import { Encoder } from 'cbor-x';

const codec = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });

export function encodeCbor(value: unknown): Uint8Array {
  return codec.encode(value);
}

export function decodeCbor(bytes: Uint8Array): unknown {
  return codec.decode(bytes);
}

/** cbor-x yields a Buffer under Node; normalise so callers and tests see plain Uint8Array everywhere. */
export function asBytes(v: unknown): Uint8Array | null {
  return v instanceof Uint8Array ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice() : null;
}
