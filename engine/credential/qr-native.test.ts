import { describe, expect, test } from 'vitest';
import { nativeQrDetector, readQrNative } from './qr-native.ts';

/** A stand-in for the Shape Detection API (headless Chromium on Linux has none). */
function scopeWith(formats: string[], detect: (img: unknown) => Promise<{ rawValue: string; format: string }[]>) {
  const made: { formats: string[] }[] = [];
  class BarcodeDetector {
    static getSupportedFormats = async () => formats;
    constructor(o: { formats: string[] }) {
      made.push(o);
    }
    detect = detect;
  }
  return { scope: { BarcodeDetector }, made };
}

describe('native BarcodeDetector first', () => {
  test('used for QR codes where the platform reads them', async () => {
    const { scope, made } = scopeWith(['ean_13', 'qr_code'], async () => [{ rawValue: 'EK1:0123', format: 'qr_code' }]);
    const d = await nativeQrDetector(scope);
    expect(made).toEqual([{ formats: ['qr_code'] }]);
    expect(await readQrNative(d!, {} as ImageBitmap)).toBe('EK1:0123');
  });

  test('absent, without qr_code, or failing: undefined, so the JS readers run', async () => {
    expect(await nativeQrDetector({})).toBeUndefined();
    expect(await nativeQrDetector(scopeWith(['ean_13'], async () => []).scope)).toBeUndefined();
    const failing = await nativeQrDetector(scopeWith(['qr_code'], async () => Promise.reject(new Error('NotSupportedError'))).scope);
    expect(await readQrNative(failing!, {} as ImageBitmap)).toBeUndefined();
    const empty = await nativeQrDetector(scopeWith(['qr_code'], async () => []).scope);
    expect(await readQrNative(empty!, {} as ImageBitmap)).toBeUndefined();
  });
});
