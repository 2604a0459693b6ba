export type Point = readonly [x: number, y: number];

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** BlazeFace's six keypoints, named from the subject's point of view (their right eye is on the image's left). */
export interface FaceKeypoints {
  readonly rightEye: Point;
  readonly leftEye: Point;
  readonly noseTip: Point;
  readonly mouth: Point;
  readonly rightEar: Point;
  readonly leftEar: Point;
}

/** One detected face, in the pixel coordinates of the image that was passed in. */
export interface DetectedFace {
  readonly box: Box;
  /** Detector confidence, 0..1. */
  readonly score: number;
  readonly keypoints: FaceKeypoints;
}
