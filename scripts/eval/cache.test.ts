import { expect, test } from 'vitest';
import { floatsFromBase64 } from './cache.ts';

test('cached vectors come back with their own length, whatever their size (Node pools small Buffers)', () => {
  for (const dims of [1, 128, 1024]) {
    const v = Float32Array.from({ length: dims }, (_, i) => i / 7 - 3);
    const b64 = Buffer.from(v.buffer).toString('base64');
    Buffer.from('x'.repeat(100)); // something else in the pool first
    const back = floatsFromBase64(b64);
    expect(back).toHaveLength(dims);
    expect(Array.from(back)).toEqual(Array.from(v));
  }
});
