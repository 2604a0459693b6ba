import * as tf from '@tensorflow/tfjs-core';
import type { BlazeFaceDetector, DetectOptions } from './blazeface.ts';
import { cropPixels, resizeAlignedCorners, sampleCrop, type FrameRaster } from './crop.ts';
import { cropsAgree, FaceMeshModel, meshCropFor, meshCropFromMesh, point, type Mesh } from './facemesh.ts';
import { zoomedTemplate, type CropAlignment, type Embedder } from './embedders.ts';
import { affineFit3, invert, scaleOf, similarityFit, type Affine } from './geometry.ts';
import { eyeAspectRatio, fivePoints, interEyeDistance } from './landmarks.ts';
import { headPose, type HeadPose } from './pose.ts';
import { faceImageStats, type FaceImageStats } from './image-stats.ts';
import type { DetectedFace, Point } from './types.ts';

/** Everything the engine measures about one face in a frame. Plain data: it crosses the worker boundary as is. */
export interface FaceAnalysis {
  readonly detection: DetectedFace;
  /** 468 x (x, y, z) FaceMesh landmarks in source pixels (see landmarks.ts for named points). */
  readonly mesh: Float32Array;
  /** FaceMesh's face-presence confidence, 0..1; low for covered or partial faces. */
  readonly meshScore: number;
  readonly pose: HeadPose;
  /** Eye aspect ratios (open ~0.3, closed < 0.15). */
  readonly eyes: { readonly right: number; readonly left: number };
  /** Distance between the eye centres, in source pixels. */
  readonly eyeDistance: number;
  /** Face centre (mean of the five alignment points), in source pixels. */
  readonly centre: Point;
  readonly image: FaceImageStats;
  /** Crop -> image map of the embedding's aligned crop (of the quality-stats crop when no embedding was asked). */
  readonly alignment: Affine;
  /** L2-normalised float embedding, when requested. */
  readonly embedding?: Float32Array;
}

export interface AnalyseOptions extends DetectOptions {
  /** Compute the embedding of each face (the expensive step). Default false. */
  readonly embed?: boolean;
  /** Only the N largest faces get landmarks (and embeddings); all are still counted. Default 4. */
  readonly maxAnalysed?: number;
  /**
   * Border (fraction of the longer side) for a second detection pass when the first finds nothing: BlazeFace misses
   * faces that fill the frame, as in ID-card portraits and LFW's tight crops. 0 disables the retry.
   */
  readonly retryPadding?: number;
  /**
   * Run FaceMesh a second time on a crop recentred on the first mesh: 'auto' (default) when that crop differs from
   * the first (cropsAgree in facemesh.ts), 'always', or 'never'. See site/docs/face.md.
   */
  readonly refineMesh?: 'auto' | 'always' | 'never';
}

/**
 * Retry border for frames where the first pass found nothing. 0.5 (the face-api users' habit of padding by half) was
 * the value that recovered the lfw-dev images the default 0.1 border misses; see site/docs/face.md.
 */
export const RETRY_PADDING = 0.5;

export interface PipelineModels {
  readonly detector: BlazeFaceDetector;
  readonly mesh: FaceMeshModel;
  /** Needed only when `embed` is asked for. */
  readonly embedder?: () => Promise<Embedder>;
}

export interface FrameFaces {
  readonly width: number;
  readonly height: number;
  /** Number of faces the detector found (all of them, including those beyond `maxAnalysed`). */
  readonly detected: number;
  /** Analysed faces, largest first. */
  readonly faces: FaceAnalysis[];
}

/** Size of the aligned crop the photometric stats are measured on (the 224 crop resized by half). */
const STATS_SIZE = 112;

export async function analyseFrame(frame: FrameRaster, models: PipelineModels, options: AnalyseOptions = {}): Promise<FrameFaces> {
  const { width, height } = frame;
  let detections = await models.detector.detect(frame.pixels, options);
  const retry = options.retryPadding ?? RETRY_PADDING;
  if (detections.length === 0 && retry > 0 && options.padding === undefined) {
    detections = await models.detector.detect(frame.pixels, { ...options, padding: retry });
  }
  detections = [...detections].sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
  const analysed = detections.slice(0, options.maxAnalysed ?? 4);
  const embedder = options.embed && models.embedder ? await models.embedder() : undefined;
  const faces: FaceAnalysis[] = [];
  for (const detection of analysed) {
    const crop = meshCropFor(detection);
    let m = await models.mesh.run(frame, crop);
    const refine = options.refineMesh ?? 'auto';
    if (refine !== 'never') {
      const next = meshCropFromMesh(m.mesh);
      if (refine === 'always' || !cropsAgree(crop, next)) {
        const second = await models.mesh.run(frame, next);
        if (second.faceScore >= m.faceScore * 0.9) m = second;
      }
    }
    const statsAlignment = cropAlignment(m.mesh, STATS_ALIGNMENT, STATS_CROP);
    const stats = faceImageStats(resizeAlignedCorners(cropPixels(frame, statsAlignment, STATS_CROP), STATS_CROP, STATS_SIZE), STATS_SIZE);
    let alignment = statsAlignment;
    let embedding: Float32Array | undefined;
    if (embedder) {
      alignment = cropAlignment(m.mesh, embedder.spec.alignment, embedder.spec.size);
      const views = embeddingInput(frame, alignment, embedder.spec);
      try {
        embedding = l2normalise(await embedder.embed(views));
      } finally {
        views.dispose();
      }
    }
    faces.push(describe(detection, m.mesh, m.faceScore, stats, alignment, embedding));
  }
  return { width, height, detected: detections.length, faces };
}

/** The embedder's batch: the aligned crop and, when the model averages it with its mirror image, that image too. */
function embeddingInput(frame: FrameRaster, alignment: Affine, spec: Embedder['spec']): tf.Tensor4D {
  const { size } = spec;
  const views = spec.mirror ? 2 : 1;
  const data = new Float32Array(views * size * size * 3);
  sampleCrop(frame, alignment, size, data, 0);
  if (spec.mirror) sampleCrop(frame, alignment, size, data, size * size * 3, { mirror: true });
  return tf.tensor4d(data, [views, size, size, 3]);
}

/**
 * The photometric quality stats (brightness, contrast, blur) are measured on one fixed crop whatever the embedding
 * model: a loose 224 crop (ArcFace's five points shrunk by 1.5, showing brow to chin and cheek to cheek) resized to
 * 112. The gate thresholds in quality.ts were calibrated on exactly this crop, so they must not move when the
 * embedding model (and its own crop) changes.
 */
const STATS_ALIGNMENT: CropAlignment = { kind: 'five-points', points: zoomedTemplate(1.5) };
const STATS_CROP = 224;

/** The crop -> image map that puts the face's landmarks where `alignment` wants them in a size x size crop. */
export function cropAlignment(mesh: Mesh, alignment: CropAlignment, size: number): Affine {
  let from: Point[];
  if (alignment.kind === 'mesh') from = alignment.indices.map((i) => point(mesh, i));
  else {
    const p = fivePoints(mesh);
    from = [p.rightEye, p.leftEye, p.noseTip, p.mouthRight, p.mouthLeft];
  }
  const to = alignment.points.map(([x, y]) => [x * size, y * size] as Point);
  if (alignment.kind === 'three-points-affine') return invert(affineFit3(from.slice(0, 3), to));
  return invert(similarityFit(from, to));
}

function describe(
  detection: DetectedFace,
  mesh: Mesh,
  meshScore: number,
  image: FaceImageStats,
  alignment: Affine,
  embedding: Float32Array | undefined,
): FaceAnalysis {
  const p = fivePoints(mesh);
  const pts = [p.rightEye, p.leftEye, p.noseTip, p.mouthRight, p.mouthLeft];
  const centre: Point = [pts.reduce((s, q) => s + q[0], 0) / 5, pts.reduce((s, q) => s + q[1], 0) / 5];
  return {
    detection,
    mesh,
    meshScore,
    pose: headPose(mesh),
    eyes: { right: eyeAspectRatio(mesh, 'right'), left: eyeAspectRatio(mesh, 'left') },
    eyeDistance: interEyeDistance(mesh),
    centre,
    image,
    alignment,
    ...(embedding ? { embedding } : {}),
  };
}

export function l2normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  const out = new Float32Array(v.length);
  if (!(n > 0)) return out;
  for (let i = 0; i < v.length; i++) out[i] = v[i]! / n;
  return out;
}

/** Pixels of source image per pixel of the aligned crop: above ~2 the crop is upsampled from a small face. */
export function cropScale(alignment: Affine): number {
  return scaleOf(alignment);
}

/**
 * Maps results computed on a downscaled copy of a frame back into the caller's pixels (frameToTensor shrinks huge
 * frames before any model runs). Only positions and lengths change; angles and ratios do not.
 */
export function scaleFrameFaces(frame: FrameFaces, s: number, width: number, height: number): FrameFaces {
  if (s === 1) return { ...frame, width, height };
  return { ...frame, width, height, faces: frame.faces.map((f) => scaleFace(f, s)) };
}

export function scaleDetection(d: DetectedFace, s: number): DetectedFace {
  const p = (q: Point): Point => [q[0] * s, q[1] * s];
  const k = d.keypoints;
  return {
    score: d.score,
    box: { x: d.box.x * s, y: d.box.y * s, width: d.box.width * s, height: d.box.height * s },
    keypoints: { rightEye: p(k.rightEye), leftEye: p(k.leftEye), noseTip: p(k.noseTip), mouth: p(k.mouth), rightEar: p(k.rightEar), leftEar: p(k.leftEar) },
  };
}

function scaleFace(f: FaceAnalysis, s: number): FaceAnalysis {
  const a = f.alignment;
  return {
    ...f,
    detection: scaleDetection(f.detection, s),
    mesh: f.mesh.map((v) => v * s),
    eyeDistance: f.eyeDistance * s,
    centre: [f.centre[0] * s, f.centre[1] * s],
    alignment: [a[0] * s, a[1] * s, a[2] * s, a[3] * s, a[4] * s, a[5] * s],
  };
}
