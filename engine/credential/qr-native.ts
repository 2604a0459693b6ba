/**
 * The platform's own QR reader where there is one: the Shape Detection API's `BarcodeDetector` (Chrome on Android,
 * where it runs on the phone's native barcode stack in a few ms). Where it is missing (desktop Linux, Firefox, most
 * of Safari), does not list `qr_code`, throws, or finds nothing, the caller falls back to our ZXing-based reader and
 * jsQR (qr-image.ts), so a miss costs one native call, never a wrong answer.
 */

export interface BarcodeDetectorLike {
  detect(image: ImageBitmapSource): Promise<readonly { readonly rawValue: string; readonly format?: string }[]>;
}

interface BarcodeDetectorClass {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats?(): Promise<string[]>;
}

/** A QR-only BarcodeDetector of `scope` (the worker's or page's global), or undefined where there is none. */
export async function nativeQrDetector(scope: object = globalThis): Promise<BarcodeDetectorLike | undefined> {
  const Ctor = (scope as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (typeof Ctor !== 'function') return undefined;
  try {
    const formats = (await Ctor.getSupportedFormats?.()) ?? [];
    if (!formats.includes('qr_code')) return undefined;
    return new Ctor({ formats: ['qr_code'] });
  } catch {
    return undefined;
  }
}

/** The text of the first QR code the native detector reads in `image`, or undefined (none found, or it failed). */
export async function readQrNative(detector: BarcodeDetectorLike, image: ImageBitmapSource): Promise<string | undefined> {
  try {
    const found = await detector.detect(image);
    return found.find((b) => (b.format ?? 'qr_code') === 'qr_code' && b.rawValue)?.rawValue;
  } catch {
    return undefined;
  }
}
