import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RgbaImage } from '../../engine/runtime/frame.ts';

/**
 * @vladmandic/face-api used as its users use it: SSD MobileNet v1 detection, 68-point landmarks, the dlib ResNet
 * descriptor on face-api's own aligned crop, Euclidean distance. Loaded through its node-wasm build, which needs the
 * @tensorflow/tfjs umbrella package (a dev dependency for this reason only). The image is padded by 50 % of its
 * longer side first, because face-api's detector misses most of LFW's tight 250x250 crops otherwise.
 */
export interface PeerEmbedder {
  readonly name: string;
  /** Descriptor of the face nearest the image centre, or undefined when none was found. */
  embed(image: RgbaImage): Promise<Float32Array | undefined>;
  /** Higher = more alike; face-api matches on Euclidean distance, so the score is its negative. */
  score(a: Float32Array, b: Float32Array): number;
}

export const PEER_PADDING = 0.5;
export const PEER_NAME = 'face-api (@vladmandic/face-api 1.7.15: SSD MobileNet v1 + 68 landmarks + dlib ResNet-34, image padded by 50 %)';

/** face-api matches on Euclidean distance; the harness wants higher = more alike, so the score is its negative. */
export function peerScore(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return -Math.sqrt(s);
}

export async function faceApiPeer(): Promise<PeerEmbedder> {
  const require = createRequire(import.meta.url);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as typeof import('@vladmandic/face-api');
  const tf = faceapi.tf as unknown as typeof import('@tensorflow/tfjs-core');
  await tf.setBackend('wasm');
  await tf.ready();
  const modelDir = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5, maxResults: 10 });
  return {
    name: PEER_NAME,
    async embed(image) {
      const pad = Math.round(Math.max(image.width, image.height) * PEER_PADDING);
      const input = tf.tidy(() => {
        const rgba = tf.tensor3d(image.data instanceof Uint8Array ? image.data : new Uint8Array(image.data), [image.height, image.width, 4], 'int32');
        const rgb = tf.slice(rgba, [0, 0, 0], [-1, -1, 3]);
        return tf.pad(rgb, [[pad, pad], [pad, pad], [0, 0]]);
      });
      try {
        const results = await faceapi
          .detectAllFaces(input as never, options)
          .withFaceLandmarks()
          .withFaceDescriptors();
        if (results.length === 0) return undefined;
        const cx = image.width / 2 + pad;
        const cy = image.height / 2 + pad;
        const d = (r: (typeof results)[number]) => {
          const b = r.detection.box;
          return Math.hypot(b.x + b.width / 2 - cx, b.y + b.height / 2 - cy);
        };
        return [...results].sort((a, b) => d(a) - d(b))[0]!.descriptor;
      } finally {
        input.dispose();
      }
    },
    score: peerScore,
  };
}
