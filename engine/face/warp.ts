import * as tf from '@tensorflow/tfjs-core';
import { compose, scaleOf, type Affine } from './geometry.ts';

/**
 * Cuts a size x size crop out of `image` ([1, h, w, 3] float) along `cropToImage` (see geometry.ts), in one
 * tf.image.transform call: crop, rotation and scale together, bilinear, zeros outside the image.
 *
 * When one crop pixel spans more than two image pixels, point sampling would alias (a close-up selfie shrunk to
 * 192 px turns skin texture into noise), so the image is first box-filtered by an integer factor with avgPool.
 */
export function warpCrop(image: tf.Tensor4D, cropToImage: Affine, size: number): tf.Tensor4D {
  return tf.tidy(() => {
    let source = image;
    let map = cropToImage;
    const factor = Math.floor(scaleOf(cropToImage) / 1.5);
    if (factor >= 2 && image.shape[1] >= 2 * factor && image.shape[2] >= 2 * factor) {
      source = tf.avgPool(image, factor, factor, 'valid');
      map = compose([1 / factor, 0, 0, 0, 1 / factor, 0], map);
    }
    // tf.image.transform samples input index A(output index); our maps work on pixel centres (index + 0.5).
    const m = compose([1, 0, -0.5, 0, 1, -0.5], compose(map, [1, 0, 0.5, 0, 1, 0.5]));
    const transforms = tf.tensor2d([[m[0], m[1], m[2], m[3], m[4], m[5], 0, 0]]);
    return tf.image.transform(source, transforms, 'bilinear', 'constant', 0, [size, size]);
  });
}
