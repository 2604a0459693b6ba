/// <reference lib="dom" />
// Peer: FacePlugin's browser SDK (faceplugin-face-recognition-js 0.0.1) as it ships: its RetinaFace-style detector
// (fr_detect.onnx, 320x240), its 68-point landmark net (fr_landmark.onnx, 64x64 gray) and its MobileFaceNet embedding
// (fr_feature.onnx, 112x112, a three-point affine crop), each an onnxruntime-web session on the wasm execution
// provider, with OpenCV.js for reading, resizing and warping the frame. Models, OpenCV.js and the ort wasm files are
// served from this origin (node_modules, never a CDN). The SDK loads its models and OpenCV.js from '../model/' and
// '../js/' relative to the page, so this page sits at the root of the bench folder.
import { env } from 'onnxruntime-web';
// @ts-expect-error: a plain JS package without types (its API as used here is typed below, `Sdk`)
import * as fp from 'faceplugin-face-recognition-js';
import { installPage, loadFrames, type StageBody } from './runtime.ts';
import type { PageInfo, StageId } from './protocol.ts';

type Session = unknown;
interface Detection {
  readonly bbox: { readonly shape: readonly number[]; readonly data: Float32Array };
  readonly size: number;
}
interface Sdk {
  load_opencv(): Promise<void>;
  loadDetectionModel(): Promise<Session>;
  loadLandmarkModel(): Promise<Session>;
  loadFeatureModel(): Promise<Session>;
  detectFace(s: Session, canvas: HTMLCanvasElement): Promise<Detection>;
  predictLandmark(s: Session, canvas: HTMLCanvasElement, bbox: Detection['bbox']): Promise<Float32Array[]>;
  extractFeature(s: Session, canvas: HTMLCanvasElement, landmarks: Float32Array[]): Promise<{ output?: { data: Float32Array } }[]>;
}
const sdk = fp as unknown as Sdk;

/** OpenCV.js calls Module._main once its wasm is compiled; the SDK's `cv` binding is set then. */
async function openCvReady(timeoutMs = 60_000): Promise<void> {
  const t0 = performance.now();
  while (!(globalThis as { cv?: { Mat?: unknown } }).cv?.Mat) {
    if (performance.now() - t0 > timeoutMs) throw new Error('faceplugin: OpenCV.js did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
}

installPage(async () => {
  // One thread (the page is not cross-origin isolated, and every library here runs single-threaded), SIMD wasm.
  env.wasm.numThreads = 1;
  env.wasm.wasmPaths = '/peers/ort/';
  await sdk.load_opencv();
  await openCvReady();
  const [detector, landmarker, embedder] = [await sdk.loadDetectionModel(), await sdk.loadLandmarkModel(), await sdk.loadFeatureModel()];
  const frames = await loadFrames();
  const n = frames.canvases.length;
  const input = (i: number): HTMLCanvasElement => frames.canvases[i % n]!;
  const detect = (i: number) => sdk.detectFace(detector, input(i));
  const bodies: Partial<Record<StageId, StageBody>> = {
    detect: async (i) => (await detect(i)).size > 0,
    'detect+landmarks': async (i) => {
      const d = await detect(i);
      return d.size > 0 && (await sdk.predictLandmark(landmarker, input(i), d.bbox)).length > 0;
    },
    'detect+landmarks+embed': async (i) => {
      const d = await detect(i);
      if (d.size === 0) return false;
      const marks = await sdk.predictLandmark(landmarker, input(i), d.bbox);
      const features = await sdk.extractFeature(embedder, input(i), marks);
      return features[0]?.output?.data.length === 512;
    },
  };
  const info: PageInfo = {
    library: 'faceplugin',
    label: 'FacePlugin SDK',
    version: '0.0.1',
    config: [
      "faceplugin-face-recognition-js 0.0.1 as shipped: load_opencv() (OpenCV.js 4.x wasm from its js/ folder), loadDetectionModel(), loadLandmarkModel(), loadFeatureModel() (its model/ folder), onnxruntime-web 1.31.1 wasm execution provider, env.wasm.numThreads = 1, ort wasm from node_modules/onnxruntime-web/dist",
      'detect = detectFace(session, canvas) (fr_detect.onnx at 320x240, confidence 0.65, every face); detect+landmarks = + predictLandmark(session, canvas, bbox) (fr_landmark.onnx, 68 points, each face); detect+landmarks+embed = + extractFeature(session, canvas, landmarks) (fr_feature.onnx, 512-d, its three-point affine crop, each face)',
    ],
    backend: 'onnxruntime-web wasm',
    threads: 1,
    simd: true,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    stages: Object.keys(bodies) as StageId[],
    pending: {},
    frames: n,
    facts: { frameSource: frames.source },
  };
  return { info, bodies, wasmBytes: () => 0 };
});
