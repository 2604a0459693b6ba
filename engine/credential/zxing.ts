/**
 * The parts of @zxing/library the QR reader uses, deep-imported so bundles carry only ZXing's QR reader (~110 KB
 * minified, against ~460 KB for the package entry, which bundlers cannot tree-shake). The CommonJS build is the one
 * plain Node can load (the ESM build has extension-less imports); its default export reaches us as `ns.default` from a
 * bundler but as `ns.default.default` from Node's CommonJS interop, hence `unwrap`.
 */
import * as hybridBinarizer from '@zxing/library/cjs/core/common/HybridBinarizer.js';
import * as gridSamplerInstance from '@zxing/library/cjs/core/common/GridSamplerInstance.js';
import * as perspectiveTransform from '@zxing/library/cjs/core/common/PerspectiveTransform.js';
import * as rgbLuminanceSource from '@zxing/library/cjs/core/RGBLuminanceSource.js';
import * as decodeHintType from '@zxing/library/cjs/core/DecodeHintType.js';
import * as resultPoint from '@zxing/library/cjs/core/ResultPoint.js';
import * as finderPatternFinder from '@zxing/library/cjs/core/qrcode/detector/FinderPatternFinder.js';
import * as detector from '@zxing/library/cjs/core/qrcode/detector/Detector.js';
import * as decoder from '@zxing/library/cjs/core/qrcode/decoder/Decoder.js';
import * as version from '@zxing/library/cjs/core/qrcode/decoder/Version.js';
import * as qrCodeReader from '@zxing/library/cjs/core/qrcode/QRCodeReader.js';

export type { default as BitMatrix } from '@zxing/library/cjs/core/common/BitMatrix.js';
export type { default as FinderPattern } from '@zxing/library/cjs/core/qrcode/detector/FinderPattern.js';
export type { default as AlignmentPattern } from '@zxing/library/cjs/core/qrcode/detector/AlignmentPattern.js';

function unwrap<T>(ns: { default: T }): T {
  const d = ns.default as unknown;
  return (d !== null && typeof d === 'object' && 'default' in d ? (d as { default: T }).default : d) as T;
}

export const HybridBinarizer = unwrap(hybridBinarizer);
export const GridSamplerInstance = unwrap(gridSamplerInstance);
export const PerspectiveTransform = unwrap(perspectiveTransform);
export const RGBLuminanceSource = unwrap(rgbLuminanceSource);
export const DecodeHintType = unwrap(decodeHintType);
export const ResultPoint = unwrap(resultPoint);
export type ResultPoint = InstanceType<typeof ResultPoint>;
export const FinderPatternFinder = unwrap(finderPatternFinder);
/** The hints map ZXing's finder-pattern search takes. */
export type FinderHints = Parameters<InstanceType<typeof FinderPatternFinder>['find']>[0];
export const Detector = unwrap(detector);
export const Decoder = unwrap(decoder);
export const Version = unwrap(version);
/**
 * ZXing's reading of a clean, axis-aligned symbol (a generated PNG, a screenshot): the module grid straight from the
 * black bounding box, no finder search. Public in Java (PURE_BARCODE), a static of QRCodeReader here.
 */
const QRCodeReader = unwrap(qrCodeReader) as unknown as { extractPureBits(bits: BitMatrixValue): BitMatrixValue };
// Called on the class: the static uses `this` for its helpers.
export const extractPureBits = (bits: BitMatrixValue): BitMatrixValue => QRCodeReader.extractPureBits(bits);
type BitMatrixValue = import('@zxing/library/cjs/core/common/BitMatrix.js').default;
