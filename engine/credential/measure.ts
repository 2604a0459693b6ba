/** Where the bytes of a presentation go — so the next cut of the QR budget is obvious. */
import { decodeCbor, encodeCbor, EmbeddedCbor, type CborMap, type CborValue } from './cbor.ts';
import { compress, QR_PREFIX } from './qr-codec.ts';
import { bytesToDecimal } from './decimal.ts';
import { qrMatrix } from './qr-image.ts';
import { readCoseSign1 } from './cose.ts';

export interface PresentationSize {
  /** The CBOR envelope, uncompressed. */
  readonly envelopeBytes: number;
  readonly compressedBytes: number;
  readonly qrChars: number;
  /** Smallest QR version at level M (undefined if it does not fit version 40). */
  readonly qrVersion: number | undefined;
  /** Uncompressed bytes per part. */
  readonly parts: {
    readonly msoTotal: number;
    readonly msoDigests: number;
    readonly msoDeviceKey: number;
    readonly msoOther: number;
    readonly issuerSignature: number;
    readonly issuerHeaders: number;
    readonly deviceSignature: number;
    readonly template: number;
    readonly portrait: number;
    readonly otherElements: number;
    readonly structure: number;
  };
  readonly elements: Readonly<Record<string, number>>;
}

const len = (v: CborValue): number => encodeCbor(v).length;

export function measurePresentation(envelope: Uint8Array): PresentationSize {
  const env = decodeCbor(envelope) as CborValue[];
  const resp = env[2] as CborMap;
  const doc = (resp.get('documents') as CborValue[])[0] as CborMap;
  const issuerSigned = doc.get('issuerSigned') as CborMap;
  const auth = readCoseSign1(issuerSigned.get('issuerAuth')!);
  const mso = decodeCbor((decodeCbor(auth.payload!) as EmbeddedCbor).bytes) as CborMap;
  const msoTotal = auth.payload!.length;
  const msoDigests = len(mso.get('valueDigests')!);
  const msoDeviceKey = len(mso.get('deviceKeyInfo')!);
  const devAuth = (doc.get('deviceSigned') as CborMap).get('deviceAuth') as CborMap;
  const deviceSignature = len(devAuth);
  const elements: Record<string, number> = {};
  let template = 0;
  let portrait = 0;
  let other = 0;
  for (const items of (issuerSigned.get('nameSpaces') as CborMap).values()) {
    for (const it of items as EmbeddedCbor[]) {
      const m = decodeCbor(it.bytes) as CborMap;
      const id = m.get('elementIdentifier') as string;
      elements[id] = it.raw.length;
      if (id === 'biometric_template_face') template += it.raw.length;
      else if (id === 'portrait') portrait += it.raw.length;
      else other += it.raw.length;
    }
  }
  const issuerSignature = auth.signature.length + 2;
  const issuerHeaders = auth.protectedBytes.length + 1 + len(auth.unprotected);
  const compressed = compress(envelope);
  const text = QR_PREFIX + bytesToDecimal(compressed);
  let qrVersion: number | undefined;
  try {
    qrVersion = qrMatrix(text).version;
  } catch {
    qrVersion = undefined;
  }
  const accounted = msoTotal + issuerSignature + issuerHeaders + deviceSignature + template + portrait + other;
  return {
    envelopeBytes: envelope.length,
    compressedBytes: compressed.length,
    qrChars: text.length,
    qrVersion,
    parts: {
      msoTotal,
      msoDigests,
      msoDeviceKey,
      msoOther: msoTotal - msoDigests - msoDeviceKey,
      issuerSignature,
      issuerHeaders,
      deviceSignature,
      template,
      portrait,
      otherElements: other,
      structure: envelope.length - accounted,
    },
    elements,
  };
}
