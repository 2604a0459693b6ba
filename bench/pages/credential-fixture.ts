/// <reference lib="dom" />
// A throwaway issuing authority and one holder, made in the page before timing starts: the QR a verifier would scan.
// Only eidkit's public API is used, the same calls the issuer desk and the wallet make.
import {
  DISCLOSURE_PRESETS,
  createDocumentSigner,
  createIaca,
  createPresentation,
  createStatusList,
  createTrustListKey,
  generateP256KeyPair,
  issueCredential,
  openStatusList,
  openTrustList,
  publicKeyPoint,
  qrMatrix,
  signStatusList,
  signTrustList,
  signerOf,
  toQrText,
  webCryptoSigner,
  type EidData,
  type FaceTemplate,
  type QrMatrix,
  type StatusList,
  type TrustList,
} from '../../engine/index.ts';
import { FRAME_HEIGHT, FRAME_WIDTH } from './runtime.ts';

const DAY = 86_400_000;

const PERSON: EidData = {
  family_name: '张',
  given_name: '伟',
  birth_date: '1990-05-17',
  sex: 1,
  nationality: 'CN',
  resident_address: '上海市黄浦区人民大道 200 号',
  document_number: '310101199005170011',
  issue_date: '2024-01-10',
  expiry_date: '2034-01-10',
  issuing_authority: '上海市公安局',
  issuing_country: 'CN',
};

export interface VerifierFixture {
  readonly qrText: string;
  readonly matrix: QrMatrix;
  readonly trust: TrustList;
  readonly status: StatusList;
  /** The instant the verifier checks at: one second after the presentation was made, inside the one-way window. */
  readonly now: Date;
  readonly presentationBytes: number;
}

export async function makeVerifierFixture(template: FaceTemplate | undefined): Promise<VerifierFixture> {
  const now = new Date();
  const start = new Date(now.getTime() - DAY);
  const iaca = await createIaca({ subject: { country: 'CN', commonName: 'bench IACA' }, notBefore: start, issuerUrl: 'https://bench.example/' });
  const ds = await createDocumentSigner({ iaca, commonName: 'bench DS 1', notBefore: start, validDays: 400 });
  const tlKey = await createTrustListKey('bench-trust-1');
  const trustBytes = await signTrustList(
    {
      version: 1,
      issuedAt: start,
      expiresAt: new Date(now.getTime() + 30 * DAY),
      issuers: [{ id: 'bench', name: 'bench authority', country: 'CN', iaca: [iaca.certificate], documentSigners: [ds.certificate] }],
    },
    { keyId: tlKey.anchor.keyId, signer: signerOf(tlKey) },
  );
  const trust = await openTrustList(trustBytes, [tlKey.anchor]);
  const statusUri = 'https://bench.example/status/1';
  const statusBytes = await signStatusList(createStatusList(statusUri, 1024), { certificate: ds.certificate, signer: signerOf(ds) }, {
    issuedAt: new Date(now.getTime() - 60_000),
    expiresAt: new Date(now.getTime() + DAY),
  });
  const status = await openStatusList(statusBytes, trust);
  const device = await generateP256KeyPair(false);
  const credential = await issueCredential({
    data: { ...PERSON, ...(template ? { biometric_template_face: template } : {}) },
    devicePublicKey: await publicKeyPoint(device.publicKey),
    documentSigner: { certificate: ds.certificate, signer: signerOf(ds) },
    status: { index: 7, uri: statusUri },
  });
  const presentation = await createPresentation({
    credential,
    disclose: DISCLOSURE_PRESETS.default,
    deviceSigner: webCryptoSigner(device.privateKey),
    mode: { kind: 'one-way', at: now },
  });
  const qrText = toQrText(presentation.bytes);
  return { qrText, matrix: qrMatrix(qrText, 'M'), trust, status, now: new Date(now.getTime() + 1000), presentationBytes: presentation.bytes.length };
}

export interface CameraLook {
  /** In-plane rotation, degrees (a hand-held phone is never square to the screen). */
  readonly rotateDeg: number;
  /** Bilinear resampling (a lens and sensor blur module edges) instead of a nearest-neighbour paste. */
  readonly smooth: boolean;
  /** Peak-to-peak sensor noise, grey levels. */
  readonly noise: number;
}

/**
 * The QR frames the decode stage cycles through, from a clean axis-aligned paste to hand-held conditions; the share
 * jsQR reads is the stage's success rate.
 */
export const CAMERA_LOOKS: readonly CameraLook[] = [
  { rotateDeg: 0, smooth: false, noise: 0 },
  { rotateDeg: 0.5, smooth: false, noise: 8 },
  { rotateDeg: 1, smooth: true, noise: 8 },
  { rotateDeg: 2, smooth: false, noise: 16 },
  { rotateDeg: 2, smooth: true, noise: 16 },
  { rotateDeg: 3, smooth: true, noise: 16 },
  { rotateDeg: 4, smooth: true, noise: 24 },
  { rotateDeg: 6, smooth: true, noise: 24 },
];

export const describeLook = (l: CameraLook): string => `${l.rotateDeg}°${l.smooth ? ' smoothed' : ''}${l.noise ? ` noise ${l.noise}` : ''}`;

/**
 * The QR as a phone camera would see it in a 640x480 frame: the code filling 94 % of the frame height (as close as the
 * whole code fits), on a textured background, with a camera's reduced contrast (black 28, white ~222) and `look`.
 */
export function qrCameraFrame(m: QrMatrix, look: CameraLook, seed = 1): ImageData {
  const margin = 4;
  const side = m.size + 2 * margin;
  const code = document.createElement('canvas');
  code.width = code.height = side;
  const cctx = code.getContext('2d')!;
  cctx.fillStyle = '#fff';
  cctx.fillRect(0, 0, side, side);
  cctx.fillStyle = '#000';
  for (let r = 0; r < m.size; r++) for (let c = 0; c < m.size; c++) if (m.modules[r * m.size + c]) cctx.fillRect(c + margin, r + margin, 1, 1);

  const frame = document.createElement('canvas');
  frame.width = FRAME_WIDTH;
  frame.height = FRAME_HEIGHT;
  const ctx = frame.getContext('2d', { willReadFrequently: true })!;
  const bg = ctx.createLinearGradient(0, 0, FRAME_WIDTH, FRAME_HEIGHT);
  bg.addColorStop(0, '#6b6259');
  bg.addColorStop(1, '#a39a8f');
  ctx.fillStyle = bg;
  ctx.fillRect(0, 0, FRAME_WIDTH, FRAME_HEIGHT);
  const px = Math.floor(FRAME_HEIGHT * 0.94);
  ctx.translate(Math.floor(FRAME_WIDTH / 2), Math.floor(FRAME_HEIGHT / 2));
  ctx.rotate((look.rotateDeg * Math.PI) / 180);
  ctx.imageSmoothingEnabled = look.smooth;
  ctx.drawImage(code, -Math.floor(px / 2), -Math.floor(px / 2), px, px);
  const img = ctx.getImageData(0, 0, FRAME_WIDTH, FRAME_HEIGHT);
  let s = seed >>> 0;
  const noise = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return ((s >>> 24) / 255 - 0.5) * look.noise;
  };
  for (let i = 0; i < img.data.length; i += 4) {
    const n = noise();
    for (let k = 0; k < 3; k++) img.data[i + k] = 28 + img.data[i + k]! * 0.76 + n;
  }
  return img;
}
