// Test credentials made in Node with the engine's public credential API (a throwaway issuer), turned into what a
// verifier meets in the field: QR images (PNG files) and the verifier's trust file.
import { PNG } from 'pngjs';
import {
  createPresentation,
  createTestIssuer,
  generateP256KeyPair,
  issueCredential,
  publicKeyPoint,
  qrMatrix,
  renderQrRgba,
  setStatus,
  signStatusList,
  signerOf,
  toQrText,
  webCryptoSigner,
  type EidData,
  type TestIssuer,
} from '../../engine/credential/index.ts';
import { makeTrustBundle } from '../lib/trust-bundle.ts';
import { createTemplate } from '../../engine/face/template.ts';

export const ALICE: EidData = {
  family_name: '王',
  given_name: '丽',
  birth_date: '1990-04-12',
  sex: 2,
  nationality: 'CN',
  document_number: '11010519900412002X',
  issue_date: '2024-01-01',
  expiry_date: '2034-01-01',
  issuing_authority: 'Test City PSB',
  issuing_country: 'CN',
};

export interface Holder {
  readonly issuer: TestIssuer;
  readonly credential: Uint8Array;
  readonly deviceKey: CryptoKeyPair;
  readonly statusIndex: number;
}

export async function makeHolder(data: EidData = ALICE, statusIndex = 7): Promise<Holder> {
  const issuer = await createTestIssuer({ id: 'testcity' });
  const deviceKey = await generateP256KeyPair(false);
  const credential = await issueCredential({
    data,
    devicePublicKey: await publicKeyPoint(deviceKey.publicKey),
    documentSigner: { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) },
    status: { uri: issuer.statusUri, index: statusIndex },
  });
  return { issuer, credential, deviceKey, statusIndex };
}

export async function presentationQrText(h: Holder, disclose: readonly string[] | 'all', at = new Date()): Promise<string> {
  const p = await createPresentation({ credential: h.credential, disclose, deviceSigner: webCryptoSigner(h.deviceKey.privateKey), mode: { kind: 'one-way', at } });
  return toQrText(p.bytes);
}

export function qrPng(text: string, scale = 4): Buffer {
  const img = renderQrRgba(qrMatrix(text, 'M'), scale);
  const png = new PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length);
  return PNG.sync.write(png);
}

/** The verifier's trust file for this issuer, optionally with the holder's credential revoked. */
export async function trustFile(h: Holder, revoked = false): Promise<string> {
  let statusBytes = h.issuer.statusListBytes;
  if (revoked) {
    const state = setStatus(h.issuer.statusState, h.statusIndex, 'invalid');
    statusBytes = await signStatusList(state, { certificate: h.issuer.ds.certificate, signer: signerOf(h.issuer.ds) }, {
      issuedAt: new Date(Date.now() - 1000),
      expiresAt: new Date(Date.now() + 86_400_000),
    });
  }
  return JSON.stringify(makeTrustBundle([h.issuer.trustListKey.anchor], h.issuer.trustListBytes, [statusBytes]));
}

/**
 * A face template of today's engine (format 2, fr-feature) from a random embedding, and the same bytes as an earlier
 * engine wrote them (format 1: the same layout with format byte 1, see engine/face/template.test.ts). For screens
 * that read only the template's header; no face is behind it.
 */
export function faceTemplates(): { readonly current: Uint8Array; readonly formatOne: Uint8Array } {
  const embedding = Float32Array.from({ length: 512 }, () => Math.random() - 0.5);
  const current = createTemplate(embedding, 'fr-feature');
  const formatOne = current.slice();
  formatOne[2] = 1;
  return { current, formatOne };
}
