/// <reference lib="dom" />
// Peer: @vladmandic/face-api (face-api.js), detector (SSD MobileNet v1 or the tiny detector, from ?detector=) + 68-point
// landmarks + the dlib ResNet recognition net, on its own bundled tfjs forced to the wasm backend; models and wasm are
// served from this origin (node_modules, never a CDN).
import * as faceapi from '@vladmandic/face-api';
import { installPage, loadFrames, singleThreadWasm, tfjsWasmBytes, type StageBody } from './runtime.ts';
import type { PageInfo, StageId } from './protocol.ts';

const MODELS = '/peers/face-api/model/';

installPage(async () => {
  const tiny = new URLSearchParams(location.search).get('detector') === 'tiny';
  const tf = faceapi.tf as unknown as {
    setWasmPaths(p: string): void;
    setBackend(b: string): Promise<boolean>;
    ready(): Promise<void>;
    getBackend(): string;
    backend(): unknown;
    getThreadsCount?(): number;
    env(): { getAsync(k: string): Promise<unknown> };
    version_core?: string;
  };
  singleThreadWasm(tf as unknown as Parameters<typeof singleThreadWasm>[0]);
  tf.setWasmPaths('/peers/tfjs-wasm/');
  if (!(await tf.setBackend('wasm'))) throw new Error('face-api: the wasm backend did not start');
  await tf.ready();
  await Promise.all([
    tiny ? faceapi.nets.tinyFaceDetector.loadFromUri(MODELS) : faceapi.nets.ssdMobilenetv1.loadFromUri(MODELS),
    faceapi.nets.faceLandmark68Net.loadFromUri(MODELS),
    faceapi.nets.faceRecognitionNet.loadFromUri(MODELS),
  ]);
  const options = tiny ? new faceapi.TinyFaceDetectorOptions() : new faceapi.SsdMobilenetv1Options();
  const frames = await loadFrames();
  // face-api takes media elements or tensors, not ImageData: it gets the same frames as canvases.
  const n = frames.canvases.length;
  const input = (i: number): HTMLCanvasElement => frames.canvases[i % n]!;
  const bodies: Partial<Record<StageId, StageBody>> = {
    detect: async (i) => (await faceapi.detectAllFaces(input(i), options)).length > 0,
    'detect+landmarks': async (i) => (await faceapi.detectAllFaces(input(i), options).withFaceLandmarks()).length > 0,
    'detect+landmarks+embed': async (i) => {
      const r = await faceapi.detectAllFaces(input(i), options).withFaceLandmarks().withFaceDescriptors();
      return r.length > 0 && r[0]!.descriptor.length === 128;
    },
  };
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const threaded = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
  const detector = tiny ? 'TinyFaceDetector (TinyFaceDetectorOptions defaults: inputSize 416, scoreThreshold 0.5)' : 'SsdMobilenetv1 (SsdMobilenetv1Options defaults: minConfidence 0.5, maxResults 100)';
  const info: PageInfo = {
    library: tiny ? 'face-api-tiny' : 'face-api-ssd',
    label: tiny ? 'face-api (tiny)' : 'face-api (SSD)',
    version: faceapi.version,
    config: [
      `faceapi.tf.setWasmPaths('/peers/tfjs-wasm/'); setBackend('wasm') — its bundled tfjs ${tf.version_core ?? ''}, wasm files from node_modules/@tensorflow/tfjs-backend-wasm`,
      `nets loaded with loadFromUri('${MODELS}') (node_modules/@vladmandic/face-api/model): ${detector}, faceLandmark68Net (full 68-point), faceRecognitionNet (dlib ResNet-34, 150 px, 128-d)`,
      `detect = detectAllFaces(canvas, options); detect+landmarks = .withFaceLandmarks(); detect+landmarks+embed = .withFaceLandmarks().withFaceDescriptors()`,
    ],
    backend: tf.getBackend(),
    threads: threaded ? (tf.getThreadsCount?.() ?? 1) : 1,
    simd,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    stages: Object.keys(bodies) as StageId[],
    pending: {},
    frames: n,
    facts: { frameSource: frames.source },
  };
  return { info, bodies, wasmBytes: () => tfjsWasmBytes(tf.backend()) };
});
