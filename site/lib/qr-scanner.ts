/**
 * QR scanning for any page: camera frames (rear camera preferred) or a photo go to the QR worker (workers/qr.worker.ts: ZXing-based reader, jsQR on its misses); each decoded text
 * is handed to the caller. Frames are dropped, never queued: the next one is grabbed only once the worker is free.
 */
import * as Comlink from 'comlink';
import type { QrWorkerApi } from '../../workers/qr.worker.ts';

/** The readers' cost grows with pixels; beyond this width a camera frame is downscaled (still ~4 px per module at v30). */
const MAX_DECODE_WIDTH = 1280;

let remote: Comlink.Remote<QrWorkerApi> | undefined;
/** The QR worker: decoding, and the assembly and verification the verifier page hands it (see workers/qr.worker.ts). */
export function qrWorker(): Comlink.Remote<QrWorkerApi> {
  remote ??= Comlink.wrap<QrWorkerApi>(new Worker(new URL('../../workers/qr.worker.ts', import.meta.url), { type: 'module', name: 'eidkit-qr' }));
  return remote;
}

/**
 * Starts the QR worker early (it is small), so the first frame does not wait for it. Resolves once the worker has
 * loaded its script and answers (a property read over comlink: a round trip, no decode), so "ready to scan" means
 * frames can be decoded, not only that the preview shows.
 */
export function warmQrWorker(): Promise<void> {
  return Promise.resolve((qrWorker() as unknown as { ready: unknown }).ready).then(() => undefined);
}

async function decodeBitmap(bitmap: ImageBitmap): Promise<string | null> {
  return qrWorker().decode(Comlink.transfer(bitmap, [bitmap]));
}

/** Decodes the QR code in a photo (file upload); null when none is readable. */
export async function decodeImage(file: Blob): Promise<string | null> {
  const probe = await createImageBitmap(file);
  const { width, height } = probe;
  // Large photos are tried downscaled first (fast, and the readers prefer it), then at full size.
  const scale = Math.min(1, 1600 / Math.max(width, height));
  if (scale < 1) {
    const small = await createImageBitmap(probe, { resizeWidth: Math.round(width * scale), resizeHeight: Math.round(height * scale), resizeQuality: 'high' });
    const text = await decodeBitmap(small);
    if (text) {
      probe.close();
      return text;
    }
  }
  return decodeBitmap(probe);
}

export type CameraErrorKind = 'denied' | 'no-camera' | 'insecure' | 'failed';

export class CameraError extends Error {
  constructor(readonly kind: CameraErrorKind, cause?: unknown) {
    super(kind, cause === undefined ? undefined : { cause });
  }
}

export interface CameraScanner {
  readonly torchSupported: boolean;
  setTorch(on: boolean): Promise<void>;
  stop(): void;
}

export async function openCamera(facingMode: 'environment' | 'user', width = 1280, height = 720): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new CameraError(isSecureContext ? 'no-camera' : 'insecure');
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: facingMode }, width: { ideal: width }, height: { ideal: height } },
    });
  } catch (e) {
    const name = (e as { name?: string }).name;
    if (name === 'NotAllowedError' || name === 'SecurityError') throw new CameraError('denied', e);
    if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'NotReadableError') throw new CameraError('no-camera', e);
    throw new CameraError('failed', e);
  }
}

/** Shows the rear camera in `video` and decodes frames until stopped. */
export async function startQrCamera(video: HTMLVideoElement, onText: (text: string) => void): Promise<CameraScanner> {
  const stream = await openCamera('environment');
  video.srcObject = stream;
  video.muted = true;
  video.playsInline = true;
  await video.play().catch(() => undefined);
  const [track] = stream.getVideoTracks();
  const caps = (track?.getCapabilities?.() ?? {}) as MediaTrackCapabilities & { torch?: boolean };
  let running = true;

  const grab = async (): Promise<void> => {
    if (!running) return;
    try {
      if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && video.videoWidth > 0) {
        const scale = Math.min(1, MAX_DECODE_WIDTH / video.videoWidth);
        const bitmap = await createImageBitmap(
          video,
          scale < 1 ? { resizeWidth: Math.round(video.videoWidth * scale), resizeHeight: Math.round(video.videoHeight * scale) } : {},
        );
        const text = await decodeBitmap(bitmap);
        if (text && running) onText(text);
      }
    } catch (e) {
      console.warn('QR frame skipped', e);
    }
    if (!running) return;
    if ('requestVideoFrameCallback' in video) video.requestVideoFrameCallback(() => void grab());
    else setTimeout(() => void grab(), 60);
  };
  void grab();

  return {
    torchSupported: caps.torch === true,
    async setTorch(on) {
      await track?.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] });
    },
    stop() {
      running = false;
      for (const t of stream.getTracks()) t.stop();
      video.srcObject = null;
    },
  };
}
