/// <reference lib="dom" />
// Peer: @vladmandic/human, its default face pipeline (BlazeFace detector → FaceMesh → faceres description), on its
// own bundled tfjs forced to the wasm backend, models and wasm served from this origin (node_modules, never a CDN).
import { Human, type Config } from '@vladmandic/human';
import { installPage, loadFrames, singleThreadWasm, tfjsWasmBytes, type StageBody } from './runtime.ts';
import type { PageInfo, StageId } from './protocol.ts';

/** Everything outside the face pipeline off; no result caching or frame skipping, so each call does the full work. */
const BASE: Partial<Config> = {
  backend: 'wasm',
  wasmPath: '/peers/tfjs-wasm/',
  modelBasePath: '/peers/human/models/',
  debug: false,
  warmup: 'none',
  cacheSensitivity: 0,
  skipAllowed: false,
  filter: { enabled: false },
  gesture: { enabled: false },
  body: { enabled: false },
  hand: { enabled: false },
  object: { enabled: false },
  segmentation: { enabled: false },
};

const face = (mesh: boolean, description: boolean): Partial<Config> => ({
  face: {
    enabled: true,
    detector: { skipFrames: 0, skipTime: 0 },
    mesh: { enabled: mesh },
    iris: { enabled: false },
    emotion: { enabled: false },
    description: { enabled: description, skipFrames: 0, skipTime: 0 },
    antispoof: { enabled: false },
    liveness: { enabled: false },
    attention: { enabled: false },
  },
});

installPage(async () => {
  const frames = await loadFrames();
  const human = new Human({ ...BASE, ...face(true, true) } as Partial<Config>);
  singleThreadWasm(human.tf as Parameters<typeof singleThreadWasm>[0]);
  await human.load();
  await human.tf.ready();
  const n = frames.faces.length;
  const run = (mesh: boolean, description: boolean): StageBody => async (i) => {
    const r = await human.detect(frames.faces[i % n]!, face(mesh, description) as Partial<Config>);
    const f = r.face[0];
    if (!f) return false;
    if (description) return (f.embedding?.length ?? 0) > 0;
    if (mesh) return (f.mesh?.length ?? 0) > 0;
    return true;
  };
  const bodies: Partial<Record<StageId, StageBody>> = {
    detect: run(false, false),
    'detect+landmarks': run(true, false),
    'detect+landmarks+embed': run(true, true),
  };
  const tf = human.tf as { getBackend(): string; backend(): unknown; getThreadsCount?(): number; env(): { getAsync(k: string): Promise<unknown> } };
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const threaded = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
  const info: PageInfo = {
    library: 'human',
    label: 'Human',
    version: human.version,
    config: [
      `new Human({ backend: 'wasm', wasmPath: '/peers/tfjs-wasm/', modelBasePath: '/peers/human/models/' }) — its bundled tfjs ${String((human.tf as { version_core?: string }).version_core ?? '')}, wasm files from node_modules/@tensorflow/tfjs-backend-wasm`,
      'face: detector blazeface (defaults: maxDetected 1, rotation off), mesh facemesh, description faceres; iris, emotion, antispoof, liveness, attention off',
      'cacheSensitivity 0, skipAllowed false, detector/description skipFrames 0 and skipTime 0 (no result reuse between calls); image filter off; body, hand, object, gesture, segmentation off; warmup none',
      'detect = mesh and description off; detect+landmarks = mesh on; detect+landmarks+embed = mesh + description (per call config)',
    ],
    backend: tf.getBackend(),
    threads: threaded ? (tf.getThreadsCount?.() ?? 1) : 1,
    simd,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    stages: Object.keys(bodies) as StageId[],
    pending: {},
    frames: n,
    facts: { frameSource: frames.source, models: human.models.loaded().join(' ') },
  };
  return { info, bodies, wasmBytes: () => tfjsWasmBytes(tf.backend()) };
});
