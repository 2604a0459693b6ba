/** Every named hostile input of the credentials issue: each must give a failed check with the right code, never a throw. */
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from './test-issuer.ts';
import { issueCredential } from './mdoc.ts';
import { createPresentation } from './present.ts';
import { verifyPresentation, type VerificationReport } from './verify.ts';
import { generateP256KeyPair, publicKeyPoint, webCryptoSigner, type Signer } from './crypto.ts';
import { signerOf } from './issuer-keys.ts';
import { decodeCbor, encodeCbor, EmbeddedCbor, type CborMap, type CborValue } from './cbor.ts';
import { coseSign1ToCbor, readCoseSign1, sigStructure, signCoseSign1 } from './cose.ts';
import { deviceAuthenticationBytes, sessionTranscript } from './transcript.ts';
import { createStatusList, openStatusList, setStatus, signStatusList } from './status-list.ts';
import { openTrustList, signTrustList } from './trust-list.ts';
import { DISCLOSURE_PRESETS } from './model.ts';
import { toQrText } from './qr-codec.ts';
import { person } from '../../test-fixtures/credential/person.ts';
import { isEidkitError } from '../errors.ts';

const now = new Date();
const DAY = 86_400_000;
let issuer: TestIssuer;
let rogue: TestIssuer;
let device: CryptoKeyPair;
let credential: Uint8Array;
let valid: Uint8Array;

const failures = (r: VerificationReport) => r.checks.filter((c) => c.outcome === 'fail').map((c) => c.code);
const verify = (b: Uint8Array | string, opts: Parameters<typeof verifyPresentation>[4] = {}) =>
  verifyPresentation(b, issuer.trust, [issuer.status], now, opts);

/** Decodes the envelope, lets `fn` edit it, re-encodes (embedded items keep their bytes unless replaced). */
function edit(bytes: Uint8Array, fn: (doc: CborMap, env: CborValue[]) => void): Uint8Array {
  const env = decodeCbor(bytes) as CborValue[];
  const doc = ((env[2] as CborMap).get('documents') as CborValue[])[0] as CborMap;
  fn(doc, env);
  return encodeCbor(env);
}
const items = (doc: CborMap) => ((doc.get('issuerSigned') as CborMap).get('nameSpaces') as CborMap).get('org.eidkit.eid.1') as EmbeddedCbor[];
const itemMap = (e: EmbeddedCbor) => decodeCbor(e.bytes) as CborMap;

beforeAll(async () => {
  issuer = await createTestIssuer({ now, id: 'sh' });
  rogue = await createTestIssuer({ now, id: 'rogue' });
  device = await generateP256KeyPair(false);
  credential = await issueCredential({
    data: { ...person, biometric_template_face: { model: 'm', version: '1', data: crypto.getRandomValues(new Uint8Array(256)) } },
    devicePublicKey: await publicKeyPoint(device.publicKey),
    documentSigner: { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) },
    status: { index: 5, uri: issuer.statusUri },
    signed: now,
  });
  valid = (await createPresentation({ credential, disclose: DISCLOSURE_PRESETS.default, deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'one-way', at: now } })).bytes;
});

describe('hostile inputs (named cases)', () => {
  it('baseline is valid', async () => {
    expect((await verify(valid)).verdict).toBe('valid');
  });

  it('a tampered element value', async () => {
    const bad = edit(valid, (doc) => {
      const list = items(doc);
      const i = list.findIndex((e) => itemMap(e).get('elementIdentifier') === 'family_name');
      const m = itemMap(list[i]!);
      m.set('elementValue', '李');
      list[i] = EmbeddedCbor.of(m);
    });
    const r = await verify(bad);
    expect(failures(r)).toEqual(['credential/digest-mismatch']);
    expect(r.elements).toEqual({});
  });

  it('digests swapped between two elements, or one element disclosed twice', async () => {
    const swapped = edit(valid, (doc) => {
      const list = items(doc);
      const [a, b] = [itemMap(list[0]!), itemMap(list[1]!)];
      const ida = a.get('digestID')!;
      a.set('digestID', b.get('digestID')!);
      b.set('digestID', ida);
      list[0] = EmbeddedCbor.of(a);
      list[1] = EmbeddedCbor.of(b);
    });
    expect(failures(await verify(swapped))).toEqual(['credential/digest-mismatch']);
    const duplicated = edit(valid, (doc) => {
      items(doc).push(items(doc)[0]!);
    });
    expect(failures(await verify(duplicated))).toEqual(['credential/duplicate-element']);
    // The same element again under another digest ID is still a duplicate element.
    const cloned = edit(valid, (doc) => {
      const m = itemMap(items(doc)[0]!);
      m.set('digestID', 999);
      items(doc).push(EmbeddedCbor.of(m));
    });
    expect(failures(await verify(cloned))).toEqual(['credential/duplicate-element']);
    // An element smuggled in under a digest ID the MSO does not have.
    const smuggled = edit(valid, (doc) => {
      const m = itemMap(items(doc)[0]!);
      m.set('digestID', 999);
      m.set('elementIdentifier', 'age_over_21');
      m.set('elementValue', true);
      items(doc).push(EmbeddedCbor.of(m));
    });
    expect(failures(await verify(smuggled))).toEqual(['credential/digest-missing']);
  });

  it('an MSO from another credential', async () => {
    const otherDevice = await generateP256KeyPair(false);
    const other = await issueCredential({
      data: { ...person, family_name: '王' },
      devicePublicKey: await publicKeyPoint(otherDevice.publicKey),
      documentSigner: { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) },
      signed: now,
    });
    const otherAuth = ((decodeCbor(other) as CborMap).get('issuerSigned') as CborMap).get('issuerAuth')!;
    const bad = edit(valid, (doc) => {
      const unprotected = (((doc.get('issuerSigned') as CborMap).get('issuerAuth') as CborValue[])[1]) as CborMap;
      const swapped = [...(otherAuth as CborValue[])];
      swapped[1] = unprotected; // keep the x5t reference
      (doc.get('issuerSigned') as CborMap).set('issuerAuth', swapped);
    });
    const r = await verify(bad);
    const f = failures(r);
    // Whether the first problem is a wrong or an absent digest depends on the random digest IDs; none may match.
    expect(f.filter((c) => c.startsWith('credential/digest-')).length).toBe(1);
    expect(r.checks.find((c) => c.check === 'integrity.digests')!.details).toMatchObject({ valid: 0, total: 6 });
    expect(f).toContain('credential/device-signature-invalid');
  });

  it('a DS not in the trust list, and a chain to an untrusted root', async () => {
    const rogueCred = await issueCredential({
      data: person,
      devicePublicKey: await publicKeyPoint(device.publicKey),
      documentSigner: { certificate: rogue.ds.certificate, signer: signerOf(rogue.ds) },
      signed: now,
    });
    const byRef = await createPresentation({ credential: rogueCred, disclose: ['given_name'], deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'one-way', at: now } });
    expect(failures(await verify(byRef.bytes))).toEqual(['credential/ds-unknown']);
    const embedded = await createPresentation({ credential: rogueCred, disclose: ['given_name'], deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'one-way', at: now }, embedCertificate: true });
    const r = await verify(embedded.bytes);
    expect(failures(r)).toEqual(['credential/chain-untrusted']);
    expect(r.elements).toEqual({});
  });

  describe('issuer signature algorithm and key', () => {
    const resign = async (protectedHeaders: CborMap, signer: Signer): Promise<Uint8Array> => {
      const env = decodeCbor(valid) as CborValue[];
      const doc = ((env[2] as CborMap).get('documents') as CborValue[])[0] as CborMap;
      const auth = readCoseSign1((doc.get('issuerSigned') as CborMap).get('issuerAuth')!);
      const p = protectedHeaders.size ? encodeCbor(protectedHeaders) : new Uint8Array();
      const sig = await signer(sigStructure(p, auth.payload!));
      (doc.get('issuerSigned') as CborMap).set('issuerAuth', [p, auth.unprotected, auth.payload, sig]);
      return encodeCbor(env);
    };
    it('alg missing', async () => {
      expect(failures(await verify(await resign(new Map(), signerOf(issuer.ds))))).toEqual(['credential/issuer-alg-missing']);
    });
    it('alg "none" and an unknown alg', async () => {
      expect(failures(await verify(await resign(new Map([[1, 'none']]), signerOf(issuer.ds))))).toEqual(['credential/issuer-alg-unsupported']);
      expect(failures(await verify(await resign(new Map([[1, -8]]), signerOf(issuer.ds))))).toEqual(['credential/issuer-alg-unsupported']);
    });
    it('alg mismatched with the key (ES384 on a P-256 key)', async () => {
      expect(failures(await verify(await resign(new Map([[1, -35]]), signerOf(issuer.ds))))).toEqual(['credential/issuer-alg-mismatch']);
    });
    it('alg only in the unprotected header counts as missing', async () => {
      const bad = edit(await resign(new Map(), signerOf(issuer.ds)), (doc) => {
        (((doc.get('issuerSigned') as CborMap).get('issuerAuth') as CborValue[])[1] as CborMap).set(1, -7);
      });
      expect(failures(await verify(bad))).toEqual(['credential/issuer-alg-missing']);
    });
    it('a signature by the wrong key', async () => {
      expect(failures(await verify(await resign(new Map([[1, -7]]), signerOf(rogue.ds))))).toEqual(['credential/issuer-signature-invalid']);
    });
  });

  it('a device signature by another key', async () => {
    const stranger = await generateP256KeyPair(false);
    const bad = edit(valid, (doc, env) => {
      void doc;
      void env;
    });
    const env = decodeCbor(bad) as CborValue[];
    const doc = ((env[2] as CborMap).get('documents') as CborValue[])[0] as CborMap;
    const ds = doc.get('deviceSigned') as CborMap;
    const toSign = deviceAuthenticationBytes(sessionTranscript({ kind: 'one-way', time: (env[1] as number[])[1]! }), 'org.eidkit.eid.1', ds.get('nameSpaces') as EmbeddedCbor);
    const forged = await signCoseSign1({ detached: toSign, signer: webCryptoSigner(stranger.privateKey) });
    (ds.get('deviceAuth') as CborMap).set('deviceSignature', coseSign1ToCbor(forged));
    expect(failures(await verify(encodeCbor(env)))).toEqual(['credential/device-signature-invalid']);
    // And with no device authentication at all.
    const none = edit(valid, (d) => d.delete('deviceSigned'));
    expect(failures(await verify(none))).toEqual(['credential/device-auth-missing']);
  });

  it('revoked and suspended (and reinstated)', async () => {
    const publish = async (state: ReturnType<typeof createStatusList>) =>
      openStatusList(await signStatusList(state, { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) }, { issuedAt: now, expiresAt: new Date(now.getTime() + DAY) }), issuer.trust);
    const revoked = await publish(setStatus(issuer.statusState, 5, 'invalid'));
    const r1 = await verifyPresentation(valid, issuer.trust, [revoked], now);
    expect(failures(r1)).toEqual(['credential/revoked']);
    const suspended = await publish(setStatus(issuer.statusState, 5, 'suspended'));
    expect(failures(await verifyPresentation(valid, issuer.trust, [suspended], now))).toEqual(['credential/suspended']);
    const others = await publish(setStatus(setStatus(issuer.statusState, 4, 'invalid'), 6, 'suspended'));
    expect((await verifyPresentation(valid, issuer.trust, [others], now)).verdict).toBe('valid');
  });

  it('a stale or missing status list warns "status unknown", never passes silently', async () => {
    const old = await openStatusList(
      await signStatusList(issuer.statusState, { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) }, { issuedAt: new Date(now.getTime() - 20 * 3_600_000), expiresAt: new Date(now.getTime() - 3_600_000) }),
      issuer.trust,
    );
    const stale = await verifyPresentation(valid, issuer.trust, [old], now);
    expect(stale.verdict).toBe('warning');
    expect(stale.checks.find((c) => c.check === 'status.entry')).toMatchObject({ outcome: 'warn', code: 'credential/status-stale' });
    const missing = await verifyPresentation(valid, issuer.trust, [], now);
    expect(missing.checks.find((c) => c.check === 'status.entry')).toMatchObject({ outcome: 'warn', code: 'credential/status-unknown' });
    expect((await verifyPresentation(valid, issuer.trust, [], now, { requireStatus: true })).verdict).toBe('invalid');
    expect((await verifyPresentation(valid, issuer.trust, [issuer.status], now, { statusMaxAgeSeconds: 1 })).verdict).toBe('warning');
    // A stale list that says "revoked" still fails.
    const oldRevoked = await openStatusList(
      await signStatusList(setStatus(issuer.statusState, 5, 'invalid'), { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) }, { issuedAt: new Date(now.getTime() - 20 * 3_600_000), expiresAt: new Date(now.getTime() - 3_600_000) }),
      issuer.trust,
    );
    expect(failures(await verifyPresentation(valid, issuer.trust, [oldRevoked], now))).toEqual(['credential/revoked']);
  });

  it('a status list from another issuer (same uri) is not accepted for this credential', async () => {
    const key = issuer.trustListKey;
    const both = await openTrustList(
      await signTrustList(
        { version: 2, issuedAt: now, expiresAt: new Date(now.getTime() + DAY), issuers: [
          { id: 'sh', name: 'sh', country: 'CN', iaca: [issuer.iaca.certificate], documentSigners: [issuer.ds.certificate] },
          { id: 'rogue', name: 'rogue', country: 'CN', iaca: [rogue.iaca.certificate], documentSigners: [rogue.ds.certificate] },
        ] },
        { keyId: key.anchor.keyId, signer: signerOf(key) },
      ),
      [key.anchor],
    );
    const forged = await openStatusList(
      await signStatusList(createStatusList(issuer.statusUri, 16), { certificate: rogue.ds.certificate, signer: signerOf(rogue.ds) }, { issuedAt: now, expiresAt: new Date(now.getTime() + DAY) }),
      both,
    );
    expect(failures(await verifyPresentation(valid, both, [forged], now))).toEqual(['credential/status-wrong-issuer']);
  });

  it('a status list or trust list with a bad signature is refused when opened', async () => {
    const flipLast = (b: Uint8Array) => {
      const c = b.slice();
      c[c.length - 1]! ^= 1;
      return c;
    };
    await expect(openStatusList(flipLast(issuer.statusListBytes), issuer.trust)).rejects.toSatisfy((e) => isEidkitError(e, 'credential/status-list-signature'));
    await expect(openStatusList(rogue.statusListBytes, issuer.trust)).rejects.toSatisfy((e) => isEidkitError(e, 'credential/status-list-untrusted'));
    await expect(openTrustList(flipLast(issuer.trustListBytes), [issuer.trustListKey.anchor])).rejects.toSatisfy((e) => isEidkitError(e, 'credential/trust-list-signature'));
    await expect(openTrustList(issuer.trustListBytes, [rogue.trustListKey.anchor])).rejects.toSatisfy((e) => isEidkitError(e, 'credential/trust-list-untrusted'));
    // Right key id, wrong key.
    await expect(openTrustList(issuer.trustListBytes, [{ ...rogue.trustListKey.anchor, keyId: issuer.trustListKey.anchor.keyId }])).rejects.toSatisfy((e) => isEidkitError(e, 'credential/trust-list-signature'));
  });

  it('an expired trust list warns by default and fails on request', async () => {
    const later = new Date(issuer.trust.expiresAt + 1000);
    const p = await createPresentation({ credential, disclose: ['given_name'], deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'one-way', at: later } });
    const r = await verifyPresentation(p.bytes, issuer.trust, [issuer.status], later);
    expect(r.checks.find((c) => c.check === 'issuer.trust-list')).toMatchObject({ outcome: 'warn', code: 'credential/trust-list-expired' });
    expect(r.trustList!.ageSeconds).toBeGreaterThan(30 * 86400);
    const strict = await verifyPresentation(p.bytes, issuer.trust, [issuer.status], later, { expiredTrustList: 'fail' });
    expect(failures(strict)).toContain('credential/trust-list-expired');
  });

  it('the wrong document type', async () => {
    const bad = edit(valid, (doc) => doc.set('docType', 'org.iso.18013.5.1.mDL'));
    const f = failures(await verify(bad));
    expect(f).toContain('credential/wrong-doc-type');
    expect(f).toContain('credential/doc-type-mismatch');
    expect(f).toContain('credential/device-signature-invalid');
  });

  it('CBOR nested too deep, too large, with duplicate keys or invalid UTF-8', async () => {
    const deep = new Uint8Array(100_001).fill(0x81);
    deep[100_000] = 0x00;
    const r = await verify(deep);
    expect(r.checks).toEqual([expect.objectContaining({ check: 'format.decode', outcome: 'fail', code: 'credential/bad-cbor' })]);
    // A byte string claiming 4 GiB.
    expect(failures(await verify(new Uint8Array([0x5a, 0xff, 0xff, 0xff, 0xff, 1, 2, 3])))).toEqual(['credential/bad-cbor']);
    expect(failures(await verify(new Uint8Array(300_000)))).toEqual(['credential/too-large']);
    // Duplicate keys: write "versioo" then patch it into a second "version".
    const twice = edit(valid, (doc, env) => {
      void doc;
      (env[2] as CborMap).set('versioo', '1.0');
    });
    const at = findBytes(twice, new TextEncoder().encode('versioo'));
    twice[at + 6] = 'n'.charCodeAt(0);
    expect(failures(await verify(twice))).toEqual(['credential/bad-cbor']);
    // Invalid UTF-8 in the response and inside a signed element.
    const v = findBytes(valid, new TextEncoder().encode('1.0'));
    const badText = valid.slice();
    badText[v] = 0xff;
    expect(failures(await verify(badText))).toEqual(['credential/bad-cbor']);
    const name = findBytes(valid, new TextEncoder().encode('张'));
    const badElement = valid.slice();
    badElement[name + 1] = 0x28;
    expect(failures(await verify(badElement))).toEqual(['credential/bad-cbor']);
  });

  it('truncation at every byte (binary and QR text) is refused', async () => {
    for (let i = 0; i < valid.length; i++) {
      const r = await verify(valid.subarray(0, i));
      if (r.verdict !== 'invalid') throw new Error(`prefix of ${i} bytes was ${r.verdict}`);
    }
    const text = toQrText(valid);
    for (let i = 0; i < text.length; i += 1) {
      const r = await verify(text.slice(0, i));
      if (r.verdict !== 'invalid') throw new Error(`text prefix of ${i} chars was ${r.verdict}`);
    }
  });

  it('unknown envelope version and foreign QR text', async () => {
    const v2 = edit(valid, (_d, env) => {
      env[0] = 2;
    });
    expect(failures(await verify(v2))).toEqual(['credential/unknown-version']);
    expect(failures(await verify('HTTPS://EXAMPLE.COM'))).toEqual(['credential/not-eidkit-qr']);
    expect(failures(await verify(''))).toEqual(['credential/not-eidkit-qr']);
    expect(failures(await verify(new Uint8Array()))).toEqual(['credential/bad-cbor']);
  });
});

function findBytes(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('needle not found');
}
