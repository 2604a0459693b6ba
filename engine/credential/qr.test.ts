import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { deflateSync } from 'fflate';
import { createTestIssuer, type TestIssuer } from './test-issuer.ts';
import { issueCredential } from './mdoc.ts';
import { createPresentation } from './present.ts';
import { verifyPresentation } from './verify.ts';
import { generateP256KeyPair, publicKeyPoint, webCryptoSigner } from './crypto.ts';
import { signerOf } from './issuer-keys.ts';
import { DISCLOSURE_PRESETS } from './model.ts';
import { crc32, fromQrText, QrAssembler, QR_PREFIX, toQrFrames, toQrText } from './qr-codec.ts';
import { QR_DICTIONARY_V1 } from './qr-dictionary.ts';
import { bytesToDecimal, decimalToBytes } from './decimal.ts';
import { decodeQrRgba, qrMatrix, renderQrRgba } from './qr-image.ts';
import { measurePresentation } from './measure.ts';
import { challengeFromQr, createChallenge } from './transcript.ts';
import { sha256 } from './crypto.ts';
import { toHex } from './bytes.ts';
import { isEidkitError } from '../errors.ts';
import { person } from '../../test-fixtures/credential/person.ts';

const now = new Date();
let issuer: TestIssuer;
let device: CryptoKeyPair;
let credential: Uint8Array;
const template = { model: 'eidkit-face', version: '1', data: crypto.getRandomValues(new Uint8Array(256)) };
// Random bytes behind a JPEG marker: as incompressible as a real JPEG.
const portrait = crypto.getRandomValues(new Uint8Array(6000));
portrait.set([0xff, 0xd8]);

beforeAll(async () => {
  issuer = await createTestIssuer({ now });
  device = await generateP256KeyPair(false);
  credential = await issueCredential({
    data: { ...person, portrait, biometric_template_face: template },
    devicePublicKey: await publicKeyPoint(device.publicKey),
    documentSigner: { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) },
    status: { index: 471, uri: issuer.statusUri },
    signed: now,
  });
});

const present = (disclose: readonly string[] | 'all') =>
  createPresentation({ credential, disclose, deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'one-way', at: now } });

/** Nearest-neighbour paste of a QR image into a grey 640x480 "camera frame" at a non-integer scale. */
function cameraFrame(text: string, modulePx: number): { data: Uint8ClampedArray; width: number; height: number } {
  const m = qrMatrix(text);
  const W = 640;
  const H = 480;
  const data = new Uint8ClampedArray(W * H * 4);
  for (let i = 0; i < W * H; i++) data.set([170, 160, 150, 255], i * 4);
  const side = Math.round((m.size + 8) * modulePx);
  const ox = Math.floor((W - side) / 2);
  const oy = Math.floor((H - side) / 2);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const r = Math.floor(y / modulePx) - 4;
      const c = Math.floor(x / modulePx) - 4;
      const dark = r >= 0 && c >= 0 && r < m.size && c < m.size && m.modules[r * m.size + c] === 1;
      const v = dark ? 30 : 235;
      data.set([v, v, v, 255], ((oy + y) * W + ox + x) * 4);
    }
  }
  return { data, width: W, height: H };
}

/**
 * A hand-held camera's view of a QR: the code `heightShare` of a 640x480 frame's height, rotated `deg` about the
 * centre, resampled bilinearly (lens blur of module edges), at camera contrast (black ~28, white ~222) with sensor noise.
 */
function handHeldFrame(text: string, deg: number, noise: number, seed: number, heightShare = 0.94): { data: Uint8ClampedArray; width: number; height: number } {
  const m = qrMatrix(text);
  const W = 640;
  const H = 480;
  const side = m.size + 8;
  const dark = (r: number, c: number) => r >= 4 && c >= 4 && r < m.size + 4 && c < m.size + 4 && m.modules[(r - 4) * m.size + c - 4] === 1;
  const px = Math.floor(H * heightShare);
  const cos = Math.cos((deg * Math.PI) / 180);
  const sin = Math.sin((deg * Math.PI) / 180);
  const data = new Uint8ClampedArray(W * H * 4);
  let s = seed >>> 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let v = 107 + (56 * (x + y)) / (W + H); // a textured table behind the phone
      const dx = x + 0.5 - W / 2;
      const dy = y + 0.5 - H / 2;
      const u = ((cos * dx + sin * dy) / px + 0.5) * side - 0.5;
      const w = ((-sin * dx + cos * dy) / px + 0.5) * side - 0.5;
      if (u >= -0.5 && w >= -0.5 && u < side - 0.5 && w < side - 0.5) {
        const c0 = Math.floor(u);
        const r0 = Math.floor(w);
        const fx = u - c0;
        const fy = w - r0;
        const at = (r: number, c: number) => (dark(r, c) ? 0 : 255);
        v = (at(r0, c0) * (1 - fx) + at(r0, c0 + 1) * fx) * (1 - fy) + (at(r0 + 1, c0) * (1 - fx) + at(r0 + 1, c0 + 1) * fx) * fy;
      }
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const o = (y * W + x) * 4;
      data[o] = data[o + 1] = data[o + 2] = 28 + v * 0.76 + ((s >>> 24) / 255 - 0.5) * noise;
      data[o + 3] = 255;
    }
  }
  return { data, width: W, height: H };
}

describe('QR transport', () => {
  it('the v1 dictionary is frozen (it is part of the wire format)', async () => {
    expect(QR_DICTIONARY_V1.length).toBeGreaterThan(1000);
    expect(toHex(await sha256(QR_DICTIONARY_V1))).toBe(FROZEN_DICTIONARY_SHA256);
  });

  it('decimal payload round-trips, keeps leading zero bytes and rejects damage', () => {
    for (const b of [new Uint8Array(), new Uint8Array([0, 0, 1]), crypto.getRandomValues(new Uint8Array(999))]) {
      expect(decimalToBytes(bytesToDecimal(b))).toEqual(b);
    }
    expect(() => decimalToBytes('0123')).toThrow();
    expect(() => decimalToBytes('12a')).toThrow();
    const bad = (s: string) => { try { decimalToBytes(s); return false; } catch (e) { return isEidkitError(e); } };
    expect(bad('9'.repeat(20_001))).toBe(true);
    expect(bad('3')).toBe(true); // hex "3": no sentinel
  });

  it('default presentation fits one QR of version ≤ 30 at level M, and the reader reads it from a 640x480 frame', async () => {
    const p = await present(DISCLOSURE_PRESETS.default);
    const text = toQrText(p.bytes);
    const m = qrMatrix(text, 'M');
    expect(m.version).toBeLessThanOrEqual(30);
    const size = measurePresentation(p.bytes);
    expect(size.qrVersion).toBe(m.version);
    expect(size.parts.template).toBeGreaterThan(256);
    const frame = cameraFrame(text, 3.3);
    expect(decodeQrRgba(frame.data, frame.width, frame.height)).toBe(text);
    const report = await verifyPresentation(text, issuer.trust, [issuer.status], now);
    expect(report.checks.filter((c) => c.outcome !== 'pass')).toEqual([]);
    expect(report.verdict).toBe('valid');
  });

  it('reads the default presentation from hand-held 640x480 frames (rotated, blurred, noisy, ~3.3 px per module)', async () => {
    const real = toQrText((await present(DISCLOSURE_PRESETS.default)).bytes);
    // Whether a frame reads depends a little on the symbol's content (where finder-like runs fall in the data area), and
    // a presentation's content is random (keys, signatures), which made this test pass or fail by chance. The frames
    // carry fixed content of the default presentation's length and kind (decimal digits after the prefix) instead:
    // the same symbol version, the same frames, every run.
    let seed = 1;
    const digits = Array.from({ length: real.length - QR_PREFIX.length }, () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return String((seed >>> 16) % 10);
    }).join('');
    const text = QR_PREFIX + digits;
    expect(qrMatrix(text).size).toBe(qrMatrix(real).size);
    // At this pitch one module-size estimate often misjudges the symbol size by ±4 modules; the reader tries the
    // neighbouring sizes.
    const looks = [
      [1, 8],
      [2, 16],
      [3, 16],
      [4, 24],
      [6, 24],
    ] as const;
    const read = looks.map(([deg, noise], k) => {
      const f = handHeldFrame(text, deg, noise, k + 1);
      return decodeQrRgba(f.data, f.width, f.height) === text;
    });
    expect(read.filter(Boolean).length).toBeGreaterThanOrEqual(4);
  });

  it('a clean frame whose finder-based sampling fails is still read (an `eidkit present --frames` PNG that did)', () => {
    // Frame 7 of 11 of an animated presentation made by the CLI test with a random portrait; the finder triple's grid
    // failed its checksum here (in ZXing's own QRCodeReader too), about one frame in 500.
    const png = PNG.sync.read(readFileSync(fileURLToPath(new URL('../../test-fixtures/qr/pure-frame-finders-misread.png', import.meta.url))));
    const text = decodeQrRgba(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
    expect(text?.startsWith('EIDM1:P:7/11:')).toBe(true);
  });

  it('unreadable pixels give undefined; pixels that do not match the size are a typed error', () => {
    const blank = new Uint8ClampedArray(640 * 480 * 4).fill(200);
    expect(decodeQrRgba(blank, 640, 480)).toBeUndefined();
    const noise = new Uint8ClampedArray(320 * 240 * 4).map((_, i) => (Math.imul(i + 1, 2654435761) >>> 24) & 0xff);
    expect(decodeQrRgba(noise, 320, 240)).toBeUndefined();
    // A code cut in half: finder patterns present, the rest missing.
    const img = renderQrRgba(qrMatrix('EID1:' + '1234567890'.repeat(30)), 3);
    const half = img.data.slice(0, img.width * 4 * Math.floor(img.height / 2));
    expect(decodeQrRgba(half, img.width, Math.floor(img.height / 2))).toBeUndefined();
    let err: unknown;
    try {
      decodeQrRgba(blank, 641, 480);
    } catch (e) {
      err = e;
    }
    expect(isEidkitError(err, 'credential/bad-image')).toBe(true);
  });

  it('age over 18 only is far smaller (≤ version 25)', async () => {
    const text = toQrText((await present(DISCLOSURE_PRESETS.ageOver18)).bytes);
    expect(qrMatrix(text).version).toBeLessThanOrEqual(25);
    const img = renderQrRgba(qrMatrix(text), 3);
    expect(decodeQrRgba(img.data, img.width, img.height)).toBe(text);
  });

  it('a large presentation (with portrait) goes as frames assembled in any order with progress', async () => {
    const p = await present('all');
    expect(p.disclosed).toContain('portrait');
    const frames = toQrFrames(p.bytes);
    expect(frames.length).toBeGreaterThan(5);
    for (const f of frames) expect(qrMatrix(f).version).toBeLessThanOrEqual(20);
    const order = frames.map((_, i) => i).sort(() => Math.random() - 0.5);
    const a = new QrAssembler();
    const seen: number[] = [];
    let done: Uint8Array | undefined;
    // A frame from another (refreshed) presentation in between must not disturb the assembly.
    const other = toQrFrames((await present(DISCLOSURE_PRESETS.default)).bytes, { chunkBytes: 300 });
    a.add(other[0]!);
    for (const [k, i] of order.entries()) {
      if (k === 2) expect(a.add(frames[order[0]!]!)).toMatchObject({ status: 'partial', received: 2 }); // duplicate
      const s = a.add(frames[i]!);
      if (s.status === 'partial') {
        seen.push(s.received);
        expect(s.total).toBe(frames.length);
      } else done = s.bytes;
    }
    expect(seen).toEqual([...Array(frames.length - 1).keys()].map((i) => i + 1));
    expect(done).toEqual(p.bytes);
    const report = await verifyPresentation(done!, issuer.trust, [issuer.status], now);
    expect(report.verdict).toBe('valid');
    expect((report.elements.portrait as Uint8Array).length).toBe(portrait.length);
    // One frame rendered and read back.
    const img = renderQrRgba(qrMatrix(frames[0]!), 3);
    expect(decodeQrRgba(img.data, img.width, img.height)).toBe(frames[0]);
  });

  it('frames with a forged checksum or header are refused', async () => {
    const frames = toQrFrames(new TextEncoder().encode('hello frames '.repeat(200)), { kind: 'X', chunkBytes: 50 });
    const a = new QrAssembler();
    const forged = frames.map((f) => f.replace(/:([0-9A-F]{8}):/, ':00000000:'));
    let err: unknown;
    try {
      for (const f of forged) a.add(f);
    } catch (e) {
      err = e;
    }
    expect(isEidkitError(err, 'credential/bad-frame')).toBe(true);
    expect(() => a.add('EIDM1:X:0/3:ABCDEF01:123')).toThrow();
    expect(() => a.add('EIDM1:X:4/3:ABCDEF01:123')).toThrow();
    expect(() => a.add('HELLO')).toThrow();
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('a decompression bomb is refused before it is inflated past the cap', async () => {
    const bomb = deflateSync(new Uint8Array(5_000_000), { level: 9, dictionary: QR_DICTIONARY_V1 });
    const text = QR_PREFIX + bytesToDecimal(bomb);
    let err: unknown;
    try {
      fromQrText(text);
    } catch (e) {
      err = e;
    }
    expect(isEidkitError(err, 'credential/too-large')).toBe(true);
    const report = await verifyPresentation(text, issuer.trust, [issuer.status], now);
    expect(report.verdict).toBe('invalid');
    expect(report.checks[0]).toMatchObject({ check: 'format.decode', outcome: 'fail', code: 'credential/too-large' });
  });

  it('two-way challenge QR round-trips', async () => {
    const { challenge, qrText } = await createChallenge(now.getTime());
    expect(qrMatrix(qrText).version).toBeLessThanOrEqual(8);
    const back = challengeFromQr(qrText);
    expect(back.nonce).toEqual(challenge.nonce);
    expect(back.readerKey.point).toEqual(challenge.readerKey.point);
    expect(back.createdAt).toBe(Math.floor(challenge.createdAt / 1000) * 1000);
    expect(() => challengeFromQr('EID1:123')).toThrow();
  });
});

const FROZEN_DICTIONARY_SHA256 = '6b3502894938ce437f141d5a031dc2e37439c2b58bc0470eea56acb18764e991';
