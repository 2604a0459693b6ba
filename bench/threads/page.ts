/// <reference lib="dom" />
// The wasm-threads bench page: the published face worker (dist/workers/face.worker.js, tfjs bundled inside) hosting
// the engine with the thread count from the query string, on a cross-origin isolated page, timed on one fixture photo.
import { createFaceEngine } from '../../engine/index.ts';

const params = new URLSearchParams(location.search);
const threads = Number(params.get('threads') ?? '1');
const runs = Number(params.get('runs') ?? '30');

async function main(): Promise<unknown> {
  const photo = await createImageBitmap(await (await fetch('/photo.jpg')).blob());
  const canvas = new OffscreenCanvas(photo.width, photo.height);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(photo, 0, 0);
  const pixels = ctx.getImageData(0, 0, photo.width, photo.height);
  const frame = () => ({ data: new Uint8ClampedArray(pixels.data), width: pixels.width, height: pixels.height });
  const faces = createFaceEngine({ worker: new Worker('/face.worker.js', { type: 'module' }), models: '/models/', backend: { prefer: 'wasm', threads } });
  const info = await faces.ready();
  const time = async (run: () => Promise<unknown>): Promise<number[]> => {
    for (let i = 0; i < 3; i++) await run(); // warm-up: kernels compiled, models loaded
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await run();
      ms.push(performance.now() - t0);
    }
    return ms;
  };
  const detect = await time(() => faces.detectFaces(frame()));
  const embed = await time(() => faces.analyse(frame(), { embed: true, maxAnalysed: 1 }));
  await faces.dispose();
  return { info, detect, embed, cores: navigator.hardwareConcurrency, isolated: crossOriginIsolated };
}

main().then(
  (r) => Object.assign(window, { benchResult: r }),
  (e: unknown) => Object.assign(window, { benchResult: { error: String(e) } }),
);
