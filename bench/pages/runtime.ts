/// <reference lib="dom" />
// In-page side shared by every bench page: the frames, the timing loop, memory sampling and error reporting.
import type { Batch, BenchPage, PageInfo, StageId } from './protocol.ts';

export const FRAME_WIDTH = 640;
export const FRAME_HEIGHT = 480;

export interface FrameSet {
  /** Camera-like 640x480 frames of one person, the frames every library is timed on. */
  readonly faces: ImageData[];
  /** Other frames of the same person, used to enrol the template the credential carries. */
  readonly enrol: ImageData[];
  /** The same face frames as canvases, for libraries that take media elements (face-api). */
  readonly canvases: HTMLCanvasElement[];
}

interface FramesManifest {
  readonly source: string;
  readonly faces: readonly string[];
  readonly enrol: readonly string[];
}

/** Draws an image onto a 640x480 canvas, scaled to cover it (a webcam's 4:3 frame), centred. */
export function toFrame(image: ImageBitmap | HTMLCanvasElement | OffscreenCanvas): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = FRAME_WIDTH;
  canvas.height = FRAME_HEIGHT;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  const scale = Math.max(FRAME_WIDTH / image.width, FRAME_HEIGHT / image.height);
  const w = image.width * scale;
  const h = image.height * scale;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(image, (FRAME_WIDTH - w) / 2, (FRAME_HEIGHT - h) / 2, w, h);
  return canvas;
}

export function pixels(canvas: HTMLCanvasElement): ImageData {
  return canvas.getContext('2d', { willReadFrequently: true })!.getImageData(0, 0, canvas.width, canvas.height);
}

export async function loadFrames(base = './frames/'): Promise<FrameSet & { source: string }> {
  const manifest = (await (await fetch(`${base}frames.json`)).json()) as FramesManifest;
  const load = async (name: string): Promise<HTMLCanvasElement> => {
    const blob = await (await fetch(base + name)).blob();
    const bitmap = await createImageBitmap(blob);
    try {
      return toFrame(bitmap);
    } finally {
      bitmap.close();
    }
  };
  const canvases = await Promise.all(manifest.faces.map(load));
  const enrol = await Promise.all(manifest.enrol.map(load));
  return { source: manifest.source, canvases, faces: canvases.map(pixels), enrol: enrol.map(pixels) };
}

/** JS heap in use (precise with --enable-precise-memory-info, which the driver passes). */
export function jsHeap(): number {
  return (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0;
}

/**
 * A stage body: runs once on frame `i` and says whether it produced what the stage is for. Timing covers the whole
 * call, up to the result being in JS (every library here reads its tensors back before resolving). A body whose
 * timed part is only some of its work (a bomb's completing QR frame, after the frames that only buffer) returns
 * that part's time itself.
 */
export type StageBody = (i: number) => Promise<boolean | { readonly ok: boolean; readonly ms: number }>;

/** Frames cycle across batches too, so every frame gets timed however a stage's runs are split into rounds. */
let cursor = 0;

export async function timeStage(body: StageBody, runs: number, warmup: number, budgetMs: number, wasmBytes: () => number): Promise<Batch> {
  for (let i = 0; i < warmup; i++) await body(cursor++);
  const ms: number[] = [];
  let ok = 0;
  let spent = 0;
  let jsHeapPeak = jsHeap();
  for (let i = 0; i < runs && !(i >= 3 && spent > budgetMs); i++) {
    const t0 = performance.now();
    const out = await body(cursor++);
    const t = typeof out === 'boolean' ? performance.now() - t0 : out.ms;
    const good = typeof out === 'boolean' ? out : out.ok;
    ms.push(t);
    spent += t;
    if (good) ok++;
    jsHeapPeak = Math.max(jsHeapPeak, jsHeap());
  }
  return { ms, ok, jsHeapPeak, wasmBytes: wasmBytes() };
}

/** Installs a page: `setup` prepares models and inputs (untimed); stage bodies are looked up by id. */
export function installPage(setup: () => Promise<{ info: PageInfo; bodies: Partial<Record<StageId, StageBody>>; wasmBytes: () => number }>): void {
  let ready: Awaited<ReturnType<typeof setup>> | undefined;
  const page: BenchPage = {
    async setup() {
      ready = await setup();
      return ready.info;
    },
    async run(stage, runs, warmup, budgetMs) {
      const body = ready?.bodies[stage];
      if (!ready || !body) throw new Error(`stage ${stage} is not available on this page`);
      return timeStage(body, runs, warmup, budgetMs, ready.wasmBytes);
    },
  };
  window.__bench = page;
  window.addEventListener('error', (e) => (window.__benchError = String(e.error ?? e.message)));
  window.addEventListener('unhandledrejection', (e) => (window.__benchError = String(e.reason)));
}

/** Bytes of a tfjs wasm backend's linear memory (it only grows, so this is also its peak). */
export function tfjsWasmBytes(backend: unknown): number {
  const wasm = (backend as { wasm?: { HEAPU8?: Uint8Array } } | undefined)?.wasm;
  return wasm?.HEAPU8?.buffer.byteLength ?? 0;
}

/**
 * Keeps tfjs-backend-wasm on its single-threaded SIMD build. Its threaded build starts pthread workers from a Blob of
 * its own factory's source (`factory.toString()`), which fails in a bundled production build ("importScripts ...
 * failed to load") and leaves the backend hanging. On this 2-core machine tfjs would run one thread anyway. Applied to
 * every library alike.
 */
export function singleThreadWasm(tf: { env(): { set(flag: string, value: boolean): void } }): void {
  // The flag exists once tfjs-backend-wasm has been imported. A page that leaves that import to the engine (the
  // stand-in: the engine's chunk loads it) gets the same setting from the engine itself (runtime/backend.ts).
  try {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  } catch {
    // not registered yet: the engine sets it when it starts the backend
  }
}

/**
 * A fixed amount of plain JS work (no allocation, no wasm): its time tracks how much CPU the page really gets, so a
 * run on a busy machine shows it, and runs can be compared through it.
 */
export const calibration: StageBody = async () => {
  let x = 0;
  for (let i = 1; i <= 5_000_000; i++) x += Math.sqrt(i) % 7;
  return x > 0;
};
