/// <reference lib="webworker" />
// Decodes QR codes off the main thread, so the camera preview stays smooth on slow phones. Frames arrive as
// transferred ImageBitmaps (camera, photos) or pixel buffers. The platform's BarcodeDetector reads them first where
// it exists (Android Chrome); on its misses, and everywhere else, engine/credential's ZXing-based reader and jsQR.
// Assembly of animated sequences (inflate included) and verification run here too: whatever a hostile code carries,
// its cost lands on this worker, never on the page.
import * as Comlink from 'comlink';
import {
  decodeQrRgba,
  QrAssembler,
  verifyPresentation,
  type AssemblyState,
  type StatusList,
  type TrustList,
  type VerificationReport,
  type VerifyPolicy,
} from '../engine/credential/index.ts';
import { nativeQrDetector, readQrNative } from '../engine/credential/qr-native.ts';

/** The assembler's answer, or the stable code of why the text was refused (errors lose their code over postMessage). */
export type AssembleResult = { readonly ok: true; readonly state: AssemblyState } | { readonly ok: false; readonly code: string; readonly message: string };

export interface AssemblyChannel {
  readonly name: string;
  /** The inflated-size cap (and byte budget) of this channel's assembler; the engine's default when absent. */
  readonly maxBytes?: number;
}

const VERIFY_CHANNEL: AssemblyChannel = { name: 'verify' };

export interface QrPixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

export interface QrWorkerApi {
  /** The text of the one QR code in the frame, or null when none is readable. Closes a transferred ImageBitmap. */
  decode(frame: ImageBitmap | QrPixels): Promise<string | null>;
  /**
   * Feeds one scanned text to this worker's assembler for `channel` (single codes complete at once). Each page that
   * scans has its own channel and byte cap (the verifier's presentations and trust lists: the engine's 256 KiB; the
   * desk's enrolment requests and the wallet's credentials, which carry photos: more), created on first use.
   */
  assemble(text: string, channel?: AssemblyChannel): Promise<AssembleResult>;
  /** Forgets every partly collected sequence of `channel` (default: the verifier's). */
  resetAssembly(channel?: AssemblyChannel): Promise<void>;
  /** engine/credential's verifyPresentation, run here (`now` in ms). */
  verify(bytes: Uint8Array, trust: TrustList, statusLists: readonly StatusList[], now: number, policy: VerifyPolicy): Promise<VerificationReport>;
}

const assemblers = new Map<string, QrAssembler>();
const assemblerFor = (c: AssemblyChannel): QrAssembler => {
  let a = assemblers.get(c.name);
  if (!a) assemblers.set(c.name, (a = new QrAssembler(c.maxBytes)));
  return a;
};

let canvas: OffscreenCanvas | undefined;
let ctx: OffscreenCanvasRenderingContext2D | null = null;

function pixelsOf(bitmap: ImageBitmap): QrPixels {
  if (!canvas || canvas.width !== bitmap.width || canvas.height !== bitmap.height) {
    canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    ctx = canvas.getContext('2d', { willReadFrequently: true });
  }
  if (!ctx) throw new Error('2D canvas unavailable in this worker');
  ctx.drawImage(bitmap, 0, 0);
  return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
}

const native = nativeQrDetector(self);

const api: QrWorkerApi = {
  async decode(frame) {
    const detector = await native;
    if ('close' in frame) {
      try {
        const text = detector && (await readQrNative(detector, frame));
        if (text) return text;
        const px = pixelsOf(frame);
        return decodeQrRgba(px.data, px.width, px.height) ?? null;
      } finally {
        frame.close();
      }
    }
    const text = detector && (await readQrNative(detector, new ImageData(frame.data as Uint8ClampedArray<ArrayBuffer>, frame.width, frame.height)));
    return text || (decodeQrRgba(frame.data, frame.width, frame.height) ?? null);
  },
  async assemble(text, channel = VERIFY_CHANNEL) {
    try {
      return { ok: true, state: assemblerFor(channel).add(text) };
    } catch (e) {
      const err = e as { code?: string; message?: string };
      return { ok: false, code: err.code ?? 'credential/internal', message: err.message ?? String(e) };
    }
  },
  async resetAssembly(channel = VERIFY_CHANNEL) {
    assemblers.delete(channel.name);
  },
  async verify(bytes, trust, statusLists, now, policy) {
    return verifyPresentation(bytes, trust, statusLists, new Date(now), policy);
  },
};

Comlink.expose(api);
