/** VICAL (ISO 18013-5 Annex C) read/write, federation, rollback, and trust packages for scanning (issue 14). */
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from './test-issuer.ts';
import { issueCredential } from './mdoc.ts';
import { createPresentation } from './present.ts';
import { verifyPresentation, type VerificationReport } from './verify.ts';
import { generateP256KeyPair, publicKeyPoint, webCryptoSigner } from './crypto.ts';
import { signerOf } from './issuer-keys.ts';
import { encodeCbor, Tagged, type CborValue } from './cbor.ts';
import { sigStructure } from './cose.ts';
import { createVicalSigner, mergeTrustLists, openVical, signVical, vicalAnchorOf, VICAL_SIGNER_EKU } from './vical.ts';
import { anchorFingerprint, decodeTrustPackage, encodeTrustPackage, pinDecision, trustPackageFrames } from './trust-transfer.ts';
import { QrAssembler } from './qr-codec.ts';
import { openTrustList } from './trust-list.ts';
import { createCertificate, Extensions, KeyUsage, parseCertificate } from './x509.ts';
import { EID_DOC_TYPE } from './model.ts';
import { person } from '../../test-fixtures/credential/person.ts';
import { isEidkitError } from '../errors.ts';

const now = new Date();
const DAY = 86_400_000;
let sh: TestIssuer;
let bj: TestIssuer;
let provider: Awaited<ReturnType<typeof createVicalSigner>>;
let device: CryptoKeyPair;
const failures = (r: VerificationReport) => r.checks.filter((c) => c.outcome === 'fail').map((c) => c.code);

async function presentationBy(issuer: TestIssuer): Promise<Uint8Array> {
  const credential = await issueCredential({
    data: person,
    devicePublicKey: await publicKeyPoint(device.publicKey),
    documentSigner: { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) },
    signed: now,
  });
  // A VICAL lists IACAs only, so the DS certificate travels in the presentation.
  const p = await createPresentation({ credential, disclose: ['given_name', 'age_over_18'], deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'one-way', at: now }, embedCertificate: true });
  return p.bytes;
}

beforeAll(async () => {
  sh = await createTestIssuer({ now, id: 'sh' });
  bj = await createTestIssuer({ now, id: 'bj' });
  device = await generateP256KeyPair(false);
  provider = await createVicalSigner({ provider: 'eidkit-federation', country: 'CN', notBefore: new Date(now.getTime() - DAY) });
});

describe('VICAL', () => {
  it("the engine's writer reads back: one list federates many authorities, each for its doc types", async () => {
    const bytes = await signVical(
      {
        provider: 'eidkit-federation',
        date: now,
        issueId: 3,
        nextUpdate: new Date(now.getTime() + 30 * DAY),
        entries: [
          { certificate: sh.iaca.certificate, docTypes: [EID_DOC_TYPE], issuingAuthority: 'Shanghai PSB', issuingCountry: 'CN', stateOrProvinceName: 'Shanghai' },
          { certificate: bj.iaca.certificate, docTypes: ['org.iso.18013.5.1.mDL'], issuingAuthority: 'Beijing DMV', issuingCountry: 'CN' },
        ],
      },
      provider,
    );
    const opened = await openVical(bytes, [provider.anchor], { now });
    expect(opened.provider).toBe('eidkit-federation');
    expect(opened.refused).toEqual([]);
    expect(opened.trust.version).toBe(3);
    expect(opened.trust.issuers.map((i) => [i.name, i.country, i.docTypes])).toEqual([
      ['Shanghai PSB', 'CN', [EID_DOC_TYPE]],
      ['Beijing DMV', 'CN', ['org.iso.18013.5.1.mDL']],
    ]);
    const r = await verifyPresentation(await presentationBy(sh), opened.trust, [], now);
    expect(r.verdict).toBe('valid');
    expect(r.issuer?.name).toBe('Shanghai PSB');
    // Beijing is trusted for mDLs only: its eID is refused.
    expect(failures(await verifyPresentation(await presentationBy(bj), opened.trust, [], now))).toEqual(['credential/doc-type-not-authorised']);
  });

  it('a VICAL built by hand from the CDDL of Annex C.1.7.1 reads back (extra keys, extensions, x5chain array)', async () => {
    const iaca = parseCertificate(sh.iaca.certificate);
    // Every field of the CDDL, spelled out here rather than by signVical.
    const certificateInfo = new Map<string, CborValue>([
      ['certificate', sh.iaca.certificate],
      ['serialNumber', new Tagged(2, iaca.serial)],
      ['ski', iaca.subjectKeyId!],
      ['docType', [EID_DOC_TYPE, 'org.iso.18013.5.1.mDL']],
      ['certificateProfile', ['urn:iso:std:iso:18013:-5:ed-1:iaca']],
      ['issuingAuthority', 'Shanghai PSB'],
      ['issuingCountry', 'CN'],
      ['stateOrProvinceName', 'Shanghai'],
      ['issuer', iaca.issuer.der],
      ['subject', iaca.subject.der],
      ['notBefore', new Tagged(0, new Date(iaca.notBefore).toISOString().replace('.000Z', 'Z'))],
      ['notAfter', new Tagged(0, new Date(iaca.notAfter).toISOString().replace('.000Z', 'Z'))],
      ['extensions', new Map<string, CborValue>([['org.example.note', 'kept']])],
      ['futureField', 42],
    ]);
    const vical = new Map<string, CborValue>([
      ['version', '1.0'],
      ['vicalProvider', 'Hand-made provider'],
      ['date', new Tagged(0, now.toISOString().replace(/\.\d{3}Z$/, 'Z'))],
      ['vicalIssueID', 17],
      ['nextUpdate', new Tagged(0, new Date(now.getTime() + 7 * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z'))],
      ['certificateInfos', [certificateInfo]],
      ['extensions', new Map()],
      ['otherKey', 'any'],
    ]);
    const payload = encodeCbor(vical);
    const protectedBytes = encodeCbor(new Map([[1, -7]]));
    const signature = await provider.signer(sigStructure(protectedBytes, payload));
    const bytes = encodeCbor(new Tagged(18, [protectedBytes, new Map([[33, [...provider.certificateChain]]]), payload, signature]));
    const opened = await openVical(bytes, [provider.anchor], { now });
    expect(opened.provider).toBe('Hand-made provider');
    expect(opened.trust.version).toBe(17);
    expect(opened.trust.issuers[0]).toMatchObject({ name: 'Shanghai PSB', country: 'CN', docTypes: [EID_DOC_TYPE, 'org.iso.18013.5.1.mDL'] });
    expect((await verifyPresentation(await presentationBy(sh), opened.trust, [], now)).verdict).toBe('valid');
  });

  it('refuses another signer, a signer without the VICAL EKU, rollback and a date in the future', async () => {
    const entries = [{ certificate: sh.iaca.certificate, docTypes: [EID_DOC_TYPE] }];
    const bytes = await signVical({ provider: 'p', date: now, issueId: 5, entries }, provider);
    const other = await createVicalSigner({ provider: 'other', country: 'CN', notBefore: new Date(now.getTime() - DAY) });
    await expect(openVical(bytes, [other.anchor])).rejects.toSatisfy((e) => isEidkitError(e, 'credential/trust-list-untrusted'));
    await expect(openVical(bytes, [provider.anchor], { minVersion: 6 })).rejects.toSatisfy((e) => isEidkitError(e, 'credential/trust-list-rollback'));
    await expect(openVical(bytes, [provider.anchor], { minVersion: 5 })).resolves.toBeTruthy();
    const ahead = await signVical({ provider: 'p', date: new Date(now.getTime() + 100 * DAY), issueId: 6, entries }, provider);
    await expect(openVical(ahead, [provider.anchor], { now })).rejects.toSatisfy((e) => isEidkitError(e, 'credential/trust-list-future'));
    // A signer certificate without id-mdl-kp-mdlVICAL, although certified by the pinned CA key.
    const ca = await generateP256KeyPair(false);
    const caPoint = await publicKeyPoint(ca.publicKey);
    const times = { notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + DAY) };
    const caDer = await createCertificate({ subject: { country: 'CN', commonName: 'CA' }, publicKey: caPoint, ...times, extensions: [Extensions.basicConstraints(true, 0), Extensions.keyUsage([KeyUsage.keyCertSign])], signer: webCryptoSigner(ca.privateKey) });
    const leaf = await generateP256KeyPair(false);
    const leafDer = await createCertificate({
      subject: { country: 'CN', commonName: 'not a VICAL signer' },
      issuer: parseCertificate(caDer),
      publicKey: await publicKeyPoint(leaf.publicKey),
      ...times,
      extensions: [Extensions.keyUsage([KeyUsage.digitalSignature]), Extensions.extKeyUsage(['1.0.18013.5.1.2'])],
      signer: webCryptoSigner(ca.privateKey),
    });
    const noEku = await signVical({ provider: 'p', date: now, issueId: 1, entries }, { certificateChain: [leafDer, caDer], signer: webCryptoSigner(leaf.privateKey) });
    await expect(openVical(noEku, [{ keyId: 'ca', publicKey: caPoint }])).rejects.toSatisfy((e) => isEidkitError(e, 'credential/trust-list-untrusted'));
    expect(VICAL_SIGNER_EKU).toBe('1.0.18013.5.1.8');
  });

  it('an entry whose serialNumber or ski does not match its certificate, or that is no IACA, is left out (the rest counts)', async () => {
    const good = { certificate: bj.iaca.certificate, docTypes: [EID_DOC_TYPE] };
    const bytes = await signVical({ provider: 'p', date: now, issueId: 1, entries: [good, { certificate: sh.ds.certificate, docTypes: [EID_DOC_TYPE] }] }, provider);
    const opened = await openVical(bytes, [provider.anchor]);
    expect(opened.trust.issuers).toHaveLength(1);
    expect(opened.refused).toEqual([expect.objectContaining({ reason: expect.stringMatching(/CA/) })]);
  });

  it('the key to pin on first sight is the provider CA, named by the provider; a forged chain does not open under it', async () => {
    const bytes = await signVical({ provider: 'eidkit-federation', date: now, issueId: 3, entries: [{ certificate: bj.iaca.certificate, docTypes: [EID_DOC_TYPE] }] }, provider);
    const first = vicalAnchorOf(bytes);
    expect(first.provider).toBe('eidkit-federation');
    expect(first.anchor.publicKey.point).toEqual(provider.anchor.publicKey.point);
    expect(await anchorFingerprint(first.anchor)).toBe(await anchorFingerprint({ ...provider.anchor, keyId: 'eidkit-federation' }));
    expect((await openVical(bytes, [first.anchor])).trust.version).toBe(3);
    // Another provider's VICAL under the same name offers another key: pinning says so.
    const impostor = await createVicalSigner({ provider: 'eidkit-federation', country: 'CN', notBefore: new Date(now.getTime() - DAY) });
    const forged = vicalAnchorOf(await signVical({ provider: 'eidkit-federation', date: now, issueId: 4, entries: [] }, impostor));
    expect(pinDecision(forged.anchor, [first.anchor]).kind).toBe('key-changed');
    await expect(openVical(await signVical({ provider: 'eidkit-federation', date: now, issueId: 4, entries: [] }, impostor), [first.anchor])).rejects.toSatisfy((e) =>
      isEidkitError(e, 'credential/trust-list-untrusted'),
    );
  });

  it('merges with an eidkit trust list: issuers of both sources verify', async () => {
    const v = await openVical(await signVical({ provider: 'p', date: now, issueId: 1, entries: [{ certificate: bj.iaca.certificate, docTypes: [EID_DOC_TYPE] }] }, provider), [provider.anchor]);
    const merged = mergeTrustLists([sh.trust, v.trust]);
    expect(merged.issuers.map((i) => i.name)).toEqual(['sh authority', expect.stringContaining('bj')]);
    expect((await verifyPresentation(await presentationBy(sh), merged, [], now)).verdict).not.toBe('invalid');
    expect((await verifyPresentation(await presentationBy(bj), merged, [], now)).verdict).not.toBe('invalid');
  });
});

describe('trust by scanning (trust packages)', () => {
  it('the desk’s trust QR frames reassemble into its signed list, opened with the scanned key', async () => {
    const frames = trustPackageFrames({ anchor: sh.trustListKey.anchor, trustList: sh.trustListBytes, statusLists: [sh.statusListBytes] });
    expect(frames.every((f) => f.startsWith('EIDM1:T:'))).toBe(true);
    const a = new QrAssembler();
    let done;
    for (const f of [...frames].reverse()) done = a.add(f);
    expect(done).toMatchObject({ status: 'complete', kind: 'T' });
    const pkg = decodeTrustPackage((done as { bytes: Uint8Array }).bytes);
    const trust = await openTrustList(pkg.trustList, [pkg.anchor], { now });
    expect(trust.issuers[0]!.id).toBe('sh');
    expect(pkg.statusLists).toHaveLength(1);
    // The fingerprint a person compares: 8 groups of 4 hex digits, the same for the same key.
    const fp = await anchorFingerprint(pkg.anchor);
    expect(fp).toMatch(/^([0-9A-F]{4} ){7}[0-9A-F]{4}$/);
    expect(fp).toBe(await anchorFingerprint(sh.trustListKey.anchor));
    expect(fp).not.toBe(await anchorFingerprint(bj.trustListKey.anchor));
  });

  it('pinning: known key passes, a new id asks, a known id with another key is refused', () => {
    const pinned = [sh.trustListKey.anchor];
    expect(pinDecision(sh.trustListKey.anchor, pinned)).toEqual({ kind: 'pinned' });
    expect(pinDecision(bj.trustListKey.anchor, pinned)).toEqual({ kind: 'new' });
    expect(pinDecision({ ...bj.trustListKey.anchor, keyId: sh.trustListKey.anchor.keyId }, pinned)).toMatchObject({ kind: 'key-changed' });
  });

  it('a damaged or foreign package is a typed error', () => {
    expect(() => decodeTrustPackage(encodeCbor([2, 'x']))).toThrow(expect.objectContaining({ code: 'credential/bad-trust-package' }));
    expect(() => decodeTrustPackage(new Uint8Array([0xff]))).toThrow(expect.objectContaining({ code: 'credential/bad-trust-package' }));
    const good = encodeTrustPackage({ anchor: sh.trustListKey.anchor, trustList: sh.trustListBytes, statusLists: [] });
    expect(decodeTrustPackage(good).anchor.keyId).toBe(sh.trustListKey.anchor.keyId);
  });
});
