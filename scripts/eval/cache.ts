/**
 * A cached vector back as floats. Copies out of the decoded Buffer's own bytes: Node hands small Buffers out of a
 * shared 8 KB pool, so `buffer` of a 512-byte (128-d) decode is the whole pool, not the vector.
 */
export function floatsFromBase64(b64: string): Float32Array {
  const b = Buffer.from(b64, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
