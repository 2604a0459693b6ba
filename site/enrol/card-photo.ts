/**
 * ID-card photos on the phone: downscaled JPEGs for the request, and the card's portrait found by the face engine
 * (its template is compared with the live face; a small crop of it becomes the credential's portrait).
 */
import { PORTRAIT_POLICY } from '../../engine/face/index.ts';
import { faceEngine } from '../lib/face.ts';

/** The credential's portrait must stay under the credential module's 64 KB; this lands near 10 KB. */
const PORTRAIT_SIDE = 240;

export async function jpegOf(source: ImageBitmap, maxSide: number, quality: number, crop?: { x: number; y: number; width: number; height: number }): Promise<Uint8Array> {
  const c = crop ?? { x: 0, y: 0, width: source.width, height: source.height };
  const scale = Math.min(1, maxSide / Math.max(c.width, c.height));
  const canvas = new OffscreenCanvas(Math.max(1, Math.round(c.width * scale)), Math.max(1, Math.round(c.height * scale)));
  const g = canvas.getContext('2d')!;
  g.drawImage(source, c.x, c.y, c.width, c.height, 0, 0, canvas.width, canvas.height);
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
  return new Uint8Array(await blob.arrayBuffer());
}

export interface CardPortrait {
  /** Face template of the card's portrait. */
  readonly template: Uint8Array;
  /** A small JPEG crop around the face, for the credential. */
  readonly portrait: Uint8Array;
}

/** Finds the portrait on the card photo; undefined when there is no usable face on it. */
export async function cardPortrait(file: Blob): Promise<CardPortrait | undefined> {
  const face = await faceEngine();
  const forCrop = await createImageBitmap(file);
  const forEngine = await createImageBitmap(forCrop);
  try {
    const result = await face.template(forEngine, { policy: PORTRAIT_POLICY });
    const found = result.analysis.faces[0]?.detection.box;
    if (!result.template || !found) return undefined;
    // Boxes are in the pixels the engine analysed (it downscales large photos); map them back to the photo.
    const k = forCrop.width / result.analysis.width;
    const box = { x: found.x * k, y: found.y * k, width: found.width * k, height: found.height * k };
    // Portrait framing: the face box grown to show hair and chin, as on the card.
    const side = Math.max(box.width, box.height) * 1.8;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const x = Math.max(0, cx - side / 2);
    const y = Math.max(0, cy - side * 0.55);
    const crop = { x, y, width: Math.min(side, forCrop.width - x), height: Math.min(side * 1.2, forCrop.height - y) };
    return { template: result.template, portrait: await jpegOf(forCrop, PORTRAIT_SIDE, 0.8, crop) };
  } finally {
    forCrop.close();
  }
}
