import { describe, expect, it, inject } from 'vitest';
import {
  createPresentation,
  createTestIssuer,
  decodeQrRgba,
  DISCLOSURE_PRESETS,
  generateP256KeyPair,
  issueCredential,
  publicKeyPoint,
  qrMatrix,
  renderQrRgba,
  signerOf,
  toQrText,
  verifyPresentation,
  webCryptoSigner,
  createChallenge,
  challengeFromQr,
  emptyTrustList,
} from './index.ts';
import { person } from '../../test-fixtures/credential/person.ts';

async function pngOf(text: string): Promise<Blob> {
  const img = renderQrRgba(qrMatrix(text), 3);
  const canvas = new OffscreenCanvas(img.width, img.height);
  canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(img.data), img.width, img.height), 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}

/** Decodes a PNG the way the verify page does with an uploaded photo: bitmap → canvas → pixels → QR reader. */
async function readPng(png: Blob): Promise<string | undefined> {
  const bitmap = await createImageBitmap(png);
  const canvas = new OffscreenCanvas(640, 480);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#b0a090';
  ctx.fillRect(0, 0, 640, 480);
  // Shown in a 640x480 camera-sized frame at whole-pixel offsets. (Found while writing this: at 3 px per module on a
  // grey background, a half-pixel offset's smoothing defeated jsQR, the reader used then — camera decoding has its own bench.)
  ctx.drawImage(bitmap, Math.floor((640 - bitmap.width) / 2), Math.floor((480 - bitmap.height) / 2));
  const px = ctx.getImageData(0, 0, 640, 480);
  return decodeQrRgba(px.data, 640, 480);
}

describe('credentials in Chromium', () => {
  it('issues, presents with a non-extractable WebCrypto device key, renders a QR PNG, reads it back and verifies', async () => {
    const now = new Date();
    const issuer = await createTestIssuer({ now });
    const device = await generateP256KeyPair(false);
    expect(device.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('jwk', device.privateKey)).rejects.toBeTruthy();
    const credential = await issueCredential({
      data: { ...person, biometric_template_face: { model: 'eidkit-face', version: '1', data: crypto.getRandomValues(new Uint8Array(256)) } },
      devicePublicKey: await publicKeyPoint(device.publicKey),
      documentSigner: { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) },
      status: { index: 3, uri: issuer.statusUri },
      signed: now,
    });
    // The wallet passes a signer callback; the key itself never leaves WebCrypto.
    let signCalls = 0;
    const signer = webCryptoSigner(device.privateKey);
    const p = await createPresentation({
      credential,
      disclose: DISCLOSURE_PRESETS.default,
      deviceSigner: async (bytes) => {
        signCalls++;
        return signer(bytes);
      },
      mode: { kind: 'one-way', at: now },
    });
    expect(signCalls).toBe(1);
    const text = toQrText(p.bytes);
    expect(qrMatrix(text).version).toBeLessThanOrEqual(30);
    const png = await pngOf(text);
    expect(png.type).toBe('image/png');
    const scanned = await readPng(png);
    expect(scanned).toBe(text);
    const t0 = performance.now();
    const report = await verifyPresentation(scanned!, issuer.trust, [issuer.status], now);
    const ms = performance.now() - t0;
    expect(report.checks.filter((c) => c.outcome !== 'pass')).toEqual([]);
    expect(report.verdict).toBe('valid');
    expect(report.elements.given_name).toBe('伟');
    console.info(`verify (cold, incl. decode) in Chromium: ${ms.toFixed(1)} ms`);
  });

  it('two-way in the browser: the answer fits its challenge only', async () => {
    const now = new Date();
    const issuer = await createTestIssuer({ now });
    const device = await generateP256KeyPair(false);
    const credential = await issueCredential({
      data: person,
      devicePublicKey: await publicKeyPoint(device.publicKey),
      documentSigner: { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) },
      signed: now,
    });
    const { challenge, qrText } = await createChallenge(now.getTime());
    const scannedChallenge = challengeFromQr(await readPng(await pngOf(qrText)) ?? '');
    const p = await createPresentation({ credential, disclose: DISCLOSURE_PRESETS.ageOver18, deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'two-way', challenge: scannedChallenge } });
    expect((await verifyPresentation(p.bytes, issuer.trust, [issuer.status], now, { challenge })).verdict).toBe('valid');
    const other = (await createChallenge(now.getTime())).challenge;
    const bad = await verifyPresentation(p.bytes, issuer.trust, [issuer.status], now, { challenge: other });
    expect(bad.checks.filter((c) => c.outcome === 'fail').map((c) => c.code)).toEqual(['credential/challenge-mismatch']);
  });
});

describe.skipIf(!inject('fixturesPresent'))('ISO 18013-5 vector in Chromium (needs EIDKIT_FIXTURES)', () => {
  it('issuer signature and 6/6 digests valid at 2021-01-01, chain untrusted', async () => {
    const hex = await (await fetch('/@fs' + inject('fixtures') + '/iso18013-5/device-response-D.4.1.2.hex')).text();
    const report = await verifyPresentation(hex, emptyTrustList(), [], new Date('2021-01-01T00:00:00Z'), { docTypes: ['org.iso.18013.5.1.mDL'] });
    const by = (c: string) => report.checks.find((x) => x.check === c)!;
    expect(by('issuer.signature').outcome).toBe('pass');
    expect(by('integrity.digests').details).toMatchObject({ valid: 6, total: 6 });
    expect(by('issuer.chain').code).toBe('credential/chain-untrusted');
  });
});
