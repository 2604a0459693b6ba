// Test helper: deterministic edits of RGBA images (no canvas in Node), to make bad captures from good fixtures.
import type { RgbaImage } from '../engine/runtime/frame.ts';

function blank(width: number, height: number): Uint8Array {
  return new Uint8Array(width * height * 4);
}

/** Mirror left-right. */
export function mirror(img: RgbaImage): RgbaImage {
  const out = blank(img.width, img.height);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const s = (y * img.width + x) * 4;
      const d = (y * img.width + (img.width - 1 - x)) * 4;
      for (let c = 0; c < 4; c++) out[d + c] = img.data[s + c]!;
    }
  }
  return { data: out, width: img.width, height: img.height };
}

/** Rotates the content clockwise on screen by `degrees` about the centre (bilinear, grey outside). */
export function rotate(img: RgbaImage, degrees: number): RgbaImage {
  const { width: w, height: h } = img;
  const out = blank(w, h);
  const a = (degrees * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const cx = w / 2;
  const cy = h / 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // inverse map: source = R(-a) (dest - c) + c, with y down so clockwise on screen is +a
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const sx = cos * dx + sin * dy + cx - 0.5;
      const sy = -sin * dx + cos * dy + cy - 0.5;
      const d = (y * w + x) * 4;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < 0 || y0 < 0 || x0 + 1 >= w || y0 + 1 >= h) {
        out.fill(128, d, d + 3);
        out[d + 3] = 255;
        continue;
      }
      const fx = sx - x0;
      const fy = sy - y0;
      for (let c = 0; c < 4; c++) {
        const p = (xx: number, yy: number) => img.data[(yy * w + xx) * 4 + c]!;
        out[d + c] = Math.round(p(x0, y0) * (1 - fx) * (1 - fy) + p(x0 + 1, y0) * fx * (1 - fy) + p(x0, y0 + 1) * (1 - fx) * fy + p(x0 + 1, y0 + 1) * fx * fy);
      }
    }
  }
  return { data: out, width: w, height: h };
}

/** Multiplies RGB by `gain` (clamped): < 1 darkens, > 1 burns out highlights. */
export function expose(img: RgbaImage, gain: number): RgbaImage {
  const out = Uint8Array.from(img.data);
  for (let i = 0; i < out.length; i += 4) for (let c = 0; c < 3; c++) out[i + c] = Math.min(255, Math.round(img.data[i + c]! * gain));
  return { data: out, width: img.width, height: img.height };
}

/** Box blur with a (2r+1)^2 window, applied `passes` times (three passes approximate a Gaussian). */
export function blur(img: RgbaImage, r: number, passes = 3): RgbaImage {
  let src = Uint8Array.from(img.data);
  const { width: w, height: h } = img;
  for (let p = 0; p < passes; p++) {
    for (const horizontal of [true, false]) {
      const dst = new Uint8Array(src.length);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          for (let c = 0; c < 4; c++) {
            let s = 0;
            let n = 0;
            for (let k = -r; k <= r; k++) {
              const xx = horizontal ? x + k : x;
              const yy = horizontal ? y : y + k;
              if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
              s += src[(yy * w + xx) * 4 + c]!;
              n++;
            }
            dst[(y * w + x) * 4 + c] = Math.round(s / n);
          }
        }
      }
      src = dst;
    }
  }
  return { data: src, width: w, height: h };
}

/** Places the image on a grey canvas `scale` times its size, at (fx, fy) (fractions of the free space). */
export function placeOnCanvas(img: RgbaImage, scale: number, fx = 0.5, fy = 0.5): RgbaImage {
  const w = Math.round(img.width * scale);
  const h = Math.round(img.height * scale);
  const out = blank(w, h).fill(128);
  const ox = Math.round((w - img.width) * fx);
  const oy = Math.round((h - img.height) * fy);
  for (let y = 0; y < img.height; y++) {
    out.set(img.data.subarray(y * img.width * 4, (y + 1) * img.width * 4), ((y + oy) * w + ox) * 4);
  }
  return { data: out, width: w, height: h };
}

/** Paints a black rectangle over a fraction of the image (x0, y0, x1, y1 in 0..1). */
export function cover(img: RgbaImage, x0: number, y0: number, x1: number, y1: number): RgbaImage {
  const out = Uint8Array.from(img.data);
  for (let y = Math.floor(y0 * img.height); y < Math.ceil(y1 * img.height); y++) {
    for (let x = Math.floor(x0 * img.width); x < Math.ceil(x1 * img.width); x++) {
      const d = (y * img.width + x) * 4;
      out[d] = 20;
      out[d + 1] = 20;
      out[d + 2] = 20;
    }
  }
  return { data: out, width: img.width, height: img.height };
}

/** Splits a Motion-JPEG file (concatenated JPEGs) into its frames' bytes. */
export function mjpegFrames(bytes: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let start = -1;
  for (let i = 0; i + 1 < bytes.length; i++) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd8 && start < 0) start = i;
    else if (bytes[i] === 0xff && bytes[i + 1] === 0xd9 && start >= 0) {
      frames.push(bytes.subarray(start, i + 2));
      start = -1;
      i++;
    }
  }
  return frames;
}
