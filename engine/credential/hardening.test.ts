/**
 * The verifier-hardening properties (issue 14): each test builds the hostile bytes for real and fails without its
 * check. Grouped as in site/docs/threat-model.md §9.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { deflateSync } from 'fflate';
import { createTestIssuer, type TestIssuer } from './test-issuer.ts';
import { issueCredential } from './mdoc.ts';
import { createPresentation } from './present.ts';
import { requiredBinding, verifyPresentation, type VerificationReport, type VerifyPolicy } from './verify.ts';
import { generateP256KeyPair, publicKeyPoint, sha256, webCryptoSigner, type PublicKeyPoint, type Signer } from './crypto.ts';
import { signerOf } from './issuer-keys.ts';
import { decodeCbor, encodeCbor, EmbeddedCbor, Tagged, type CborMap, type CborValue } from './cbor.ts';
import { readCoseSign1, sigStructure } from './cose.ts';
import { createStatusList, openStatusList, setStatus, signStatusList, statusAt, type StatusListState } from './status-list.ts';
import { localTrustList, openTrustList, signTrustList, type TrustList } from './trust-list.ts';
import { createChallenge, sessionTranscript } from './transcript.ts';
import { DISCLOSURE_PRESETS } from './model.ts';
import { DEFAULT_MAX_INFLATED_BYTES, MAX_PENDING_PAYLOADS, QrAssembler, QR_PREFIX, toQrFrames } from './qr-codec.ts';
import { bytesToDecimal } from './decimal.ts';
import { QR_DICTIONARY_V1 } from './qr-dictionary.ts';
import { createCertificate, createDocumentSignerCertificate, Extensions, KeyUsage, OID, parseCertificate } from './x509.ts';
import { person } from '../../test-fixtures/credential/person.ts';
import { isEidkitError } from '../errors.ts';

const now = new Date();
const DAY = 86_400_000;
const NS = 'org.eidkit.eid.1';
let issuer: TestIssuer;
let device: CryptoKeyPair;
let credential: Uint8Array;
let valid: Uint8Array;

const failures = (r: VerificationReport) => r.checks.filter((c) => c.outcome === 'fail').map((c) => c.code);
const check = (r: VerificationReport, name: string) => r.checks.find((c) => c.check === name);
const verify = (b: Uint8Array | string, policy: VerifyPolicy = {}, trust: TrustList = issuer.trust) =>
  verifyPresentation(b, trust, [issuer.status], now, policy);

async function keyPair(): Promise<{ publicKey: PublicKeyPoint; signer: Signer }> {
  const pair = await generateP256KeyPair(false);
  return { publicKey: await publicKeyPoint(pair.publicKey), signer: webCryptoSigner(pair.privateKey) };
}

async function present(cred: Uint8Array, opts: { at?: Date; embed?: boolean; challenge?: Awaited<ReturnType<typeof createChallenge>>['challenge'] } = {}) {
  const p = await createPresentation({
    credential: cred,
    disclose: DISCLOSURE_PRESETS.default,
    deviceSigner: webCryptoSigner(device.privateKey),
    mode: opts.challenge ? { kind: 'two-way', challenge: opts.challenge } : { kind: 'one-way', at: opts.at ?? now },
    ...(opts.embed ? { embedCertificate: true } : {}),
  });
  return p.bytes;
}

const docOf = (env: CborValue[]) => ((env[2] as CborMap).get('documents') as CborValue[])[0] as CborMap;

/**
 * Edits the signed MSO (and optionally the disclosed items) of a presentation and signs it again with the real DS
 * key, as a trusted issuer (or a thief of its key) could. `protectedBytes` replaces the issuer's protected header.
 */
async function reissue(
  bytes: Uint8Array,
  edit: (mso: CborMap, items: EmbeddedCbor[]) => Promise<void> | void,
  protectedBytes?: Uint8Array,
): Promise<Uint8Array> {
  const env = decodeCbor(bytes) as CborValue[];
  const issuerSigned = docOf(env).get('issuerSigned') as CborMap;
  const auth = readCoseSign1(issuerSigned.get('issuerAuth')!);
  const mso = decodeCbor((decodeCbor(auth.payload!) as EmbeddedCbor).bytes) as CborMap;
  const items = (issuerSigned.get('nameSpaces') as CborMap).get(NS) as EmbeddedCbor[];
  await edit(mso, items);
  const payload = EmbeddedCbor.of(mso).raw;
  const p = protectedBytes ?? auth.protectedBytes;
  const sig = await signerOf(issuer.ds)(sigStructure(p, payload));
  issuerSigned.set('issuerAuth', [p, auth.unprotected, payload, sig]);
  return encodeCbor(env);
}

/** Adds a disclosed element and its digest (inside `reissue`). */
async function addElement(mso: CborMap, items: EmbeddedCbor[], id: number, name: string, value: CborValue): Promise<void> {
  const item = EmbeddedCbor.of(new Map<string, CborValue>([['digestID', id], ['random', new Uint8Array(16).fill(7)], ['elementIdentifier', name], ['elementValue', value]]));
  items.push(item);
  ((mso.get('valueDigests') as CborMap).get(NS) as CborMap).set(id, await sha256(item.raw));
}

beforeAll(async () => {
  issuer = await createTestIssuer({ now, id: 'sh' });
  device = await generateP256KeyPair(false);
  credential = await issueCredential({
    data: { ...person, biometric_template_face: { model: 'm', version: '1', data: crypto.getRandomValues(new Uint8Array(256)) } },
    devicePublicKey: await publicKeyPoint(device.publicKey),
    documentSigner: { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) },
    status: { index: 5, uri: issuer.statusUri },
    signed: now,
  });
  valid = await present(credential);
});

it('baseline: the unmodified presentation is valid', async () => {
  const r = await verify(valid);
  expect(r.verdict).toBe('valid');
  expect(r.elements.family_name).toBe(person.family_name);
});

describe('ISO 18013-5 Annex B certificate profiles', () => {
  const start = new Date(now.getTime() - DAY);
  const end = new Date(now.getTime() + 300 * DAY);

  /** A DS under the trusted IACA with exactly these extensions, and a presentation carrying it. */
  async function withDs(extensions: Parameters<typeof createCertificate>[0]['extensions'], times = { notBefore: start, notAfter: end }) {
    const key = await keyPair();
    const certificate = await createCertificate({
      subject: { country: 'CN', commonName: 'odd DS' },
      issuer: parseCertificate(issuer.iaca.certificate),
      publicKey: key.publicKey,
      ...times,
      extensions,
      signer: signerOf(issuer.iaca),
    });
    const cred = await issueCredential({
      data: person,
      devicePublicKey: await publicKeyPoint(device.publicKey),
      documentSigner: { certificate, signer: key.signer },
      signed: now,
      validUntil: new Date(now.getTime() + 30 * DAY),
    });
    return verify(await present(cred, { embed: true }));
  }
  const ku = Extensions.keyUsage([KeyUsage.digitalSignature]);
  const eku = Extensions.extKeyUsage([OID.mdlDocumentSigner]);

  it('a properly profiled custom DS passes (the control for the cases below)', async () => {
    expect((await withDs([ku, eku])).verdict).toBe('valid');
  });

  it.each([
    ['no keyUsage', [eku]],
    ['no mdoc EKU', [ku]],
    ['neither', []],
    ['keyUsage not critical', [Extensions.keyUsage([KeyUsage.digitalSignature], false), eku]],
    ['keyUsage without digitalSignature', [Extensions.keyUsage([KeyUsage.cRLSign]), eku]],
    ['keyUsage that also signs certificates', [Extensions.keyUsage([KeyUsage.digitalSignature, KeyUsage.keyCertSign]), eku]],
    ['another EKU only', [ku, Extensions.extKeyUsage(['1.3.6.1.5.5.7.3.4'])]],
    ['a CA', [ku, eku, Extensions.basicConstraints(true, 0)]],
    ['an unknown critical extension', [ku, eku, { oid: '1.2.3.4.5', critical: true, value: new Uint8Array([5, 0]) }]],
  ] as const)('a DS signed by the trusted IACA with %s is refused', async (_name, exts) => {
    const r = await withDs(exts);
    expect(failures(r)).toEqual(['credential/ds-profile']);
    expect(Object.keys(r.elements)).toEqual([]);
  });

  it('a DS whose validity does not nest inside its IACA validity is refused', async () => {
    const iaca = parseCertificate(issuer.iaca.certificate);
    const r = await withDs([ku, eku], { notBefore: new Date(iaca.notBefore - DAY), notAfter: end });
    expect(failures(r)).toContain('credential/ds-profile');
  });

  /** A self-signed IACA with these extensions, a correct DS under it, a credential, and a local trust list. */
  async function withIaca(extensions: Parameters<typeof createCertificate>[0]['extensions']) {
    const ik = await keyPair();
    const iacaDer = await createCertificate({
      subject: { country: 'CN', commonName: 'odd IACA' },
      publicKey: ik.publicKey,
      notBefore: start,
      notAfter: new Date(now.getTime() + 3000 * DAY),
      extensions,
      signer: ik.signer,
    });
    const dk = await keyPair();
    const dsDer = await createDocumentSignerCertificate({
      subject: { country: 'CN', commonName: 'DS under odd IACA' },
      publicKey: dk.publicKey,
      notBefore: start,
      notAfter: end,
      iaca: parseCertificate(iacaDer),
      iacaSigner: ik.signer,
    });
    const cred = await issueCredential({ data: person, devicePublicKey: await publicKeyPoint(device.publicKey), documentSigner: { certificate: dsDer, signer: dk.signer }, signed: now });
    const trust = await localTrustList([{ id: 'odd', name: 'odd', country: 'CN', iaca: [iacaDer] }], now);
    const signed = signTrustList(
      { version: 1, issuedAt: now, expiresAt: new Date(now.getTime() + DAY), issuers: [{ id: 'odd', name: 'odd', country: 'CN', iaca: [iacaDer] }] },
      { keyId: issuer.trustListKey.anchor.keyId, signer: signerOf(issuer.trustListKey) },
    )
      .then((b) => openTrustList(b, [issuer.trustListKey.anchor]))
      .then(
        () => 'opened' as const,
        (e: unknown) => e,
      );
    return { report: await verifyPresentation(await present(cred, { embed: true }), trust, [], now), signed: await signed };
  }
  const keyCertSign = Extensions.keyUsage([KeyUsage.keyCertSign, KeyUsage.cRLSign]);

  it('a properly profiled custom IACA is trusted (the control)', async () => {
    const { report, signed } = await withIaca([Extensions.basicConstraints(true, 0), keyCertSign]);
    expect(failures(report)).toEqual([]);
    expect(signed).toBe('opened');
  });

  it.each([
    ['CA without pathLenConstraint', [Extensions.basicConstraints(true), keyCertSign]],
    ['pathLenConstraint 1', [Extensions.basicConstraints(true, 1), keyCertSign]],
    ['basicConstraints not critical', [Extensions.basicConstraints(true, 0, false), keyCertSign]],
    ['no keyCertSign', [Extensions.basicConstraints(true, 0), Extensions.keyUsage([KeyUsage.cRLSign])]],
    ['keyUsage not critical', [Extensions.basicConstraints(true, 0), Extensions.keyUsage([KeyUsage.keyCertSign], false)]],
    ['no keyUsage', [Extensions.basicConstraints(true, 0)]],
    ['an unknown critical extension', [Extensions.basicConstraints(true, 0), keyCertSign, { oid: '1.2.3.4.6', critical: true, value: new Uint8Array([5, 0]) }]],
  ] as const)('an IACA with %s is no trust anchor', async (_name, exts) => {
    const { report, signed } = await withIaca(exts);
    expect(failures(report)).toEqual(['credential/ds-profile']);
    expect(Object.keys(report.elements)).toEqual([]);
    // And a signed trust list naming it does not open.
    expect(isEidkitError(signed, 'credential/bad-trust-list')).toBe(true);
  });
});

describe('policy cannot be downgraded', () => {
  it('a supplied challenge accepts only a two-way answer to it, whatever mode says', async () => {
    const { challenge } = await createChallenge(now.getTime());
    // The verifier showed a challenge and left mode at its default: a one-way code is not an answer.
    const r = await verify(valid, { challenge });
    expect(failures(r)).toEqual(['credential/wrong-mode']);
    expect(Object.keys(r.elements)).toEqual([]);
    expect(failures(await verify(valid, { challenge, mode: 'any' }))).toEqual(['credential/wrong-mode']);
    // The real answer passes.
    expect((await verify(await present(credential, { challenge }), { challenge })).verdict).toBe('valid');
    expect(requiredBinding({ challenge })).toEqual({ kind: 'two-way' });
  });

  it('a supplied session transcript accepts only a session-bound DeviceResponse', async () => {
    const transcript = sessionTranscript({ kind: 'one-way', time: Math.floor(now.getTime() / 1000) });
    const r = await verify(valid, { sessionTranscript: transcript });
    expect(failures(r)).toEqual(['credential/wrong-mode']);
    // The same response unwrapped from its envelope, with its transcript, is accepted in session mode.
    const bare = encodeCbor((decodeCbor(valid) as CborValue[])[2]!);
    const ok = await verify(bare, { sessionTranscript: transcript });
    expect(ok.verdict).toBe('valid');
    expect(ok.mode).toBe('session');
  });

  it('contradictory policies are refused, not resolved in the weaker direction', async () => {
    const { challenge } = await createChallenge(now.getTime());
    expect(failures(await verify(valid, { challenge, mode: 'one-way' }))).toEqual(['credential/bad-policy']);
    expect(failures(await verify(valid, { sessionTranscript: null, mode: 'one-way' }))).toEqual(['credential/bad-policy']);
    expect(failures(await verify(valid, { challenge, sessionTranscript: null }))).toEqual(['credential/bad-policy']);
  });
});

describe('status lists', () => {
  const publish = async (state: StatusListState, issuedAt: Date, by = issuer, trust = issuer.trust) =>
    openStatusList(
      await signStatusList(state, { certificate: by.ds.certificate, signer: signerOf(by.ds) }, { issuedAt, expiresAt: new Date(issuedAt.getTime() + DAY) }),
      trust,
    );

  it('an index at or beyond 2^31 on a 1,024-entry list is out of range (no 32-bit wrap onto a real entry)', async () => {
    const list = await publish(createStatusList(issuer.statusUri, 1024), new Date(now.getTime() - 60_000));
    for (const index of [2 ** 31 + 5, 2 ** 32 + 5, 2 ** 53 - 1, 1024, 1027]) {
      const cred = await issueCredential({
        data: person,
        devicePublicKey: await publicKeyPoint(device.publicKey),
        documentSigner: { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) },
        status: { index, uri: issuer.statusUri },
        signed: now,
      });
      const r = await verifyPresentation(await present(cred), issuer.trust, [list], now);
      expect(check(r, 'status.entry'), `index ${index}`).toMatchObject({ outcome: 'warn', code: 'credential/status-unknown' });
      expect(statusAt(list, index)).toBeUndefined();
    }
    expect(statusAt(list, 1023)).toBe(0);
  });

  it('among several lists for one URI the newest wins, in any order', async () => {
    const older = await publish(issuer.statusState, new Date(now.getTime() - 2 * 3_600_000));
    const newer = await publish(setStatus(issuer.statusState, 5, 'invalid'), new Date(now.getTime() - 60_000));
    expect(failures(await verifyPresentation(valid, issuer.trust, [older, newer], now))).toEqual(['credential/revoked']);
    expect(failures(await verifyPresentation(valid, issuer.trust, [newer, older], now))).toEqual(['credential/revoked']);
    // And reinstated by a later one.
    const reinstated = await publish(issuer.statusState, new Date(now.getTime() - 1_000));
    expect((await verifyPresentation(valid, issuer.trust, [newer, reinstated, older], now)).verdict).toBe('valid');
  });

  it("a hostile trust file's status list, filed under the issuer's id, cannot un-revoke a credential", async () => {
    // The attacker's own authority and trust list, which files its IACA under the id "sh" of the real issuer.
    const evil = await createTestIssuer({ now, id: 'evil' });
    const hostileTrust = await openTrustList(
      await signTrustList(
        { version: 99, issuedAt: now, expiresAt: new Date(now.getTime() + DAY), issuers: [{ id: 'sh', name: 'sh authority', country: 'CN', iaca: [evil.iaca.certificate] }] },
        { keyId: evil.trustListKey.anchor.keyId, signer: signerOf(evil.trustListKey) },
      ),
      [evil.trustListKey.anchor],
    );
    const allValid = await publish(createStatusList(issuer.statusUri, 1024), now, evil, hostileTrust);
    expect(allValid.issuer.id).toBe('sh');
    const revoked = await publish(setStatus(issuer.statusState, 5, 'invalid'), new Date(now.getTime() - 60_000));
    // The hostile list is newer and comes first; it is still not bound to the credential's IACA.
    expect(failures(await verifyPresentation(valid, issuer.trust, [allValid, revoked], now))).toEqual(['credential/revoked']);
    expect(failures(await verifyPresentation(valid, issuer.trust, [allValid], now))).toEqual(['credential/status-wrong-issuer']);
  });

  it('a status list signed by another signer under the same IACA, or named by the trust list, counts', async () => {
    const { createDocumentSigner } = await import('./issuer-keys.ts');
    const signer2 = await createDocumentSigner({ iaca: issuer.iaca, commonName: 'sh status signer', notBefore: new Date(now.getTime() - DAY) });
    const list = await openStatusList(
      await signStatusList(setStatus(issuer.statusState, 5, 'invalid'), { certificate: signer2.certificate, signer: signerOf(signer2) }, { issuedAt: now, expiresAt: new Date(now.getTime() + DAY) }),
      issuer.trust,
    );
    expect(failures(await verifyPresentation(valid, issuer.trust, [list], now))).toEqual(['credential/revoked']);
  });

  it('lists dated in the future are refused', async () => {
    const ahead = new Date(now.getTime() + 365 * DAY);
    const futureBytes = await signStatusList(issuer.statusState, { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) }, { issuedAt: new Date(now.getTime() + 200 * DAY), expiresAt: ahead });
    await expect(openStatusList(futureBytes, issuer.trust, { now })).rejects.toSatisfy((e) => isEidkitError(e, 'credential/status-list-future'));
    // Opened without a clock, verification still refuses it: it cannot outrank today's "revoked".
    const future = await openStatusList(futureBytes, issuer.trust);
    const revoked = await publish(setStatus(issuer.statusState, 5, 'invalid'), new Date(now.getTime() - 60_000));
    expect(failures(await verifyPresentation(valid, issuer.trust, [future, revoked], now))).toEqual(['credential/revoked']);
    expect(check(await verifyPresentation(valid, issuer.trust, [future], now), 'status.entry')).toMatchObject({ outcome: 'warn', code: 'credential/status-list-future' });
  });

  it('trust lists dated in the future, or older than one accepted before, are refused', async () => {
    const key = { keyId: issuer.trustListKey.anchor.keyId, signer: signerOf(issuer.trustListKey) };
    const issuers = [{ id: 'sh', name: 'sh', country: 'CN', iaca: [issuer.iaca.certificate], documentSigners: [issuer.ds.certificate] }];
    const ahead = await signTrustList({ version: 7, issuedAt: new Date(now.getTime() + 365 * DAY), expiresAt: new Date(now.getTime() + 400 * DAY), issuers }, key);
    await expect(openTrustList(ahead, [issuer.trustListKey.anchor], { now })).rejects.toSatisfy((e) => isEidkitError(e, 'credential/trust-list-future'));
    const opened = await openTrustList(ahead, [issuer.trustListKey.anchor]);
    expect(failures(await verifyPresentation(valid, opened, [issuer.status], now))).toEqual(['credential/trust-list-future']);
    await expect(openTrustList(issuer.trustListBytes, [issuer.trustListKey.anchor], { now, minVersion: 2 })).rejects.toSatisfy((e) =>
      isEidkitError(e, 'credential/trust-list-rollback'),
    );
    await expect(openTrustList(issuer.trustListBytes, [issuer.trustListKey.anchor], { now, minVersion: 1 })).resolves.toBeTruthy();
  });
});

describe('hostile input', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])('digestAlgorithm "%s" is refused, not a crash', async (name) => {
    const bad = await reissue(valid, (mso) => void mso.set('digestAlgorithm', name));
    const r = await verify(bad);
    expect(failures(r)).toEqual(['credential/digest-algorithm']);
    expect(r.checks.some((c) => c.code === 'credential/internal')).toBe(false);
    // The later checks still ran.
    expect(check(r, 'device.signature')?.outcome).toBe('pass');
  });

  it('a "__proto__" element is a plain key: the returned elements have no prototype to set', async () => {
    const bad = await reissue(valid, (mso, items) => addElement(mso, items, 900, '__proto__', new Map([['polluted', true]])));
    const r = await verify(bad);
    expect(r.verdict).toBe('valid');
    expect(Object.getPrototypeOf(r.elements)).toBeNull();
    expect((r.elements as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.hasOwn(r.elements, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(r.elements['__proto__'])).toBeNull();
    // Inherited names are not there either.
    expect('toString' in r.elements).toBe(false);
  });

  it('a calendar-invalid date is refused (MSO validity and a full-date element)', async () => {
    // The 31st of the next 30-day month at least 40 days ahead: Date.parse would roll it over to the 1st.
    const d = new Date(now.getTime() + 40 * DAY);
    d.setUTCDate(1);
    while (![3, 5, 8, 10].includes(d.getUTCMonth())) d.setUTCMonth(d.getUTCMonth() + 1);
    const day31 = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-31T00:00:00Z`;
    const badUntil = await reissue(valid, (mso) => void (mso.get('validityInfo') as CborMap).set('validUntil', new Tagged(0, day31)));
    expect(failures(await verify(badUntil))).toEqual(['credential/bad-mdoc']);
    const badBirth = await reissue(valid, (mso, items) => addElement(mso, items, 901, 'birth_date', new Tagged(1004, '1990-02-30')));
    const r = await verify(badBirth);
    expect(failures(r)).toEqual(['credential/bad-element']);
    // Feb 29 in a leap year is a real date.
    const leap = await reissue(valid, (mso, items) => addElement(mso, items, 902, 'birth_date', new Tagged(1004, '1992-02-29')));
    expect((await verify(leap)).elements.birth_date).toBe('1992-02-29');
  });

  it('a non-integer alg (the float -7.0) is refused', async () => {
    // {1: -7.0} with the float in float64 form: a1 01 fb c01c000000000000
    const floatAlg = new Uint8Array([0xa1, 0x01, 0xfb, 0xc0, 0x1c, 0, 0, 0, 0, 0, 0]);
    expect(decodeCbor(floatAlg)).toEqual(new Map([[1, -7]]));
    const bad = await reissue(valid, () => undefined, floatAlg);
    const r = await verify(bad);
    expect(failures(r)).toEqual(['credential/bad-cbor']);
    expect(check(r, 'format.decode')?.message).toMatch(/floating-point/);
    // The same header with the integer -7 passes.
    expect((await verify(await reissue(valid, () => undefined, encodeCbor(new Map([[1, -7]]))))).verdict).toBe('valid');
  });

  it('an unknown crit header is refused; a crit naming understood headers is not', async () => {
    const unknownCrit = encodeCbor(new Map<number, CborValue>([[1, -7], [2, [99]], [99, 'must understand']]));
    expect(failures(await verify(await reissue(valid, () => undefined, unknownCrit)))).toEqual(['credential/bad-cose']);
    const critAbsent = encodeCbor(new Map<number, CborValue>([[1, -7], [2, [4]]]));
    expect(failures(await verify(await reissue(valid, () => undefined, critAbsent)))).toEqual(['credential/bad-cose']);
    const emptyCrit = encodeCbor(new Map<number, CborValue>([[1, -7], [2, []]]));
    expect(failures(await verify(await reissue(valid, () => undefined, emptyCrit)))).toEqual(['credential/bad-cose']);
    const understood = encodeCbor(new Map<number, CborValue>([[1, -7], [2, [1]]]));
    expect((await verify(await reissue(valid, () => undefined, understood))).verdict).toBe('valid');
  });

  it('high-S issuer signatures are accepted (ECDSA malleability gives no new credential; see threat model)', async () => {
    const n = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
    const env = decodeCbor(valid) as CborValue[];
    const auth = (docOf(env).get('issuerSigned') as CborMap).get('issuerAuth') as CborValue[];
    const sig = auth[3] as Uint8Array;
    const s = BigInt('0x' + Buffer.from(sig.subarray(32)).toString('hex'));
    const flipped = new Uint8Array(64);
    flipped.set(sig.subarray(0, 32));
    flipped.set(Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex'), 32);
    auth[3] = flipped;
    const r = await verify(encodeCbor(env));
    expect(r.verdict).toBe('valid');
  });
});

describe('invalid means nothing to show', () => {
  it('an invalid report returns no elements even when every digest matched a trusted signature', async () => {
    const stale = await present(credential, { at: new Date(now.getTime() - 120_000) });
    const r = await verify(stale);
    expect(failures(r)).toEqual(['credential/stale']);
    expect(check(r, 'integrity.digests')?.outcome).toBe('pass');
    expect(Object.keys(r.elements)).toEqual([]);
    // A warning (status unknown) still shows the data.
    const warn = await verifyPresentation(valid, issuer.trust, [], now);
    expect(warn.verdict).toBe('warning');
    expect(warn.elements.family_name).toBe(person.family_name);
  });
});

describe('issuer API', () => {
  it('refuses an off-curve device key', async () => {
    const real = await publicKeyPoint(device.publicKey);
    const off = real.point.slice();
    off[64]! ^= 1; // same x, wrong y: not on P-256
    await expect(
      issueCredential({ data: person, devicePublicKey: { curve: 'P-256', point: off }, documentSigner: { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) } }),
    ).rejects.toSatisfy((e) => isEidkitError(e, 'credential/bad-key'));
    await expect(
      issueCredential({ data: person, devicePublicKey: { curve: 'P-256', point: new Uint8Array(65).fill(0).fill(4, 0, 1) }, documentSigner: { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) } }),
    ).rejects.toSatisfy((e) => isEidkitError(e, 'credential/bad-key'));
  });
});

describe('QR assembly and inflate', () => {
  /** Frames of `packed` (already deflated bytes) as the wire carries them. */
  function framesOf(packed: Uint8Array, chunk: number, id: string): string[] {
    const total = Math.ceil(packed.length / chunk);
    return Array.from({ length: total }, (_, i) => `EIDM1:P:${i + 1}/${total}:${id}:${bytesToDecimal(packed.subarray(i * chunk, (i + 1) * chunk))}`);
  }
  const crcHex = async (b: Uint8Array) => (await import('./qr-codec.ts')).crc32(b).toString(16).toUpperCase().padStart(8, '0');

  it('a deflate bomb stops at the byte cap with too-large, without reading the rest of the stream', async () => {
    // 7 KB of deflate (the most a QR sequence frame carries) expanding to ~7 MB, followed by garbage: a decoder that
    // inflates everything before judging the size ends in bad-deflate; one that stops at the cap says too-large.
    const bomb = deflateSync(new Uint8Array(7_000_000), { level: 9, dictionary: QR_DICTIONARY_V1 });
    const corrupted = bomb.slice();
    corrupted.fill(0xff, Math.floor(corrupted.length / 2));
    const single = QR_PREFIX + bytesToDecimal(corrupted);
    expect(single.length).toBeLessThan(20_000);
    const r = await verify(single);
    expect(failures(r)).toEqual(['credential/too-large']);
    const a = new QrAssembler();
    const frames = framesOf(corrupted, 400, await crcHex(corrupted));
    let error: unknown;
    for (const f of frames) {
      try {
        a.add(f);
      } catch (e) {
        error = e;
      }
    }
    expect(isEidkitError(error, 'credential/too-large')).toBe(true);
  });

  it('a bomb damaged just past where it crosses the cap is too-large; damaged before that, bad-deflate', async () => {
    const { inflateCapped } = await import('./inflate.ts');
    const bomb = deflateSync(new Uint8Array(50_000_000), { level: 9 });
    const cap = 256 * 1024;
    // Zeros deflate at ~1030:1, so the cap is crossed within the first ~260 bytes of input.
    const damagedAt = (at: number) => {
      const b = bomb.slice(0, 4_000);
      b.fill(0xff, at);
      return b;
    };
    const code = (input: Uint8Array) => {
      try {
        inflateCapped(input, { maxBytes: cap });
        return 'ok';
      } catch (e) {
        return (e as { code?: string }).code;
      }
    };
    for (const at of [400, 700, 1_200, 3_000]) expect(code(damagedAt(at)), `damaged at ${at}`).toBe('credential/too-large');
    expect(code(damagedAt(100))).toBe('credential/bad-deflate');
    // A genuine payload near the cap still inflates whole.
    const data = crypto.getRandomValues(new Uint8Array(60_000));
    const big = new Uint8Array(cap - 10);
    for (let i = 0; i < big.length; i += data.length) big.set(data.subarray(0, Math.min(data.length, big.length - i)), i);
    expect(inflateCapped(deflateSync(big, { level: 6 }), { maxBytes: cap })).toEqual(big);
  });

  it('a status list whose bit string is a zlib bomb is refused as too-large', async () => {
    const { zlibSync } = await import('fflate');
    const { coseSign1ToCbor, signCoseSign1, CoseHeader } = await import('./cose.ts');
    // 195 KB of zlib that inflates to 200 MB, in an otherwise well-formed, properly signed status list.
    const claims = new Map<number, CborValue>([
      [2, issuer.statusUri],
      [6, Math.floor(now.getTime() / 1000) - 60],
      [4, Math.floor(now.getTime() / 1000) + 3600],
      [65533, new Map<string, CborValue>([['bits', 2], ['lst', zlibSync(new Uint8Array(200_000_000), { level: 9 })]])],
    ]);
    const signed = await signCoseSign1({ payload: encodeCbor(claims), protectedHeaders: new Map([[16, 'application/statuslist+cwt']]), unprotected: new Map([[CoseHeader.x5chain, issuer.ds.certificate]]), signer: signerOf(issuer.ds) });
    await expect(openStatusList(encodeCbor(coseSign1ToCbor(signed)), issuer.trust)).rejects.toSatisfy((e) => isEidkitError(e, 'credential/too-large'));
  });

  it('one byte budget for the whole assembler: buffered frames past the cap are refused', async () => {
    const a = new QrAssembler(10_000);
    const junk = crypto.getRandomValues(new Uint8Array(30_000));
    const frames = framesOf(junk, 2_000, 'ABCDEF01');
    let error: unknown;
    let accepted = 0;
    for (const f of frames) {
      try {
        a.add(f);
        accepted++;
      } catch (e) {
        error = e;
        break;
      }
    }
    expect(isEidkitError(error, 'credential/too-large')).toBe(true);
    expect(accepted).toBeLessThanOrEqual(5);
    // Several payloads at once share the budget: older ones give way, the total never exceeds it.
    const b = new QrAssembler(10_000);
    for (let p = 0; p < 10; p++) b.add(framesOf(junk.subarray(p * 3000, p * 3000 + 4000), 2_000, `0000000${p}`)[0]!);
    expect(b.pendingCount).toBeLessThanOrEqual(5);
  });

  it('junk frame ids cannot crowd a genuine sequence out', async () => {
    const big = await createPresentation({ credential, disclose: 'all', deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'one-way', at: now }, embedCertificate: true });
    const frames = toQrFrames(big.bytes, { chunkBytes: 200 });
    expect(frames.length).toBeGreaterThan(4);
    const a = new QrAssembler();
    a.add(frames[0]!);
    a.add(frames[1]!);
    // A flood of single junk frames, each with a new id (more than there are slots).
    for (let i = 0; i < 5 * MAX_PENDING_PAYLOADS; i++) {
      const id = i.toString(16).toUpperCase().padStart(8, '0');
      expect(a.add(`EIDM1:P:1/3:${id}:${bytesToDecimal(new Uint8Array([i & 255, 1, 2]))}`).status).toBe('partial');
    }
    let last;
    for (const f of frames.slice(2)) last = a.add(f);
    expect(last).toMatchObject({ status: 'complete' });
    const r = await verify((last as { bytes: Uint8Array }).bytes);
    expect(r.verdict).toBe('valid');
    expect(DEFAULT_MAX_INFLATED_BYTES).toBe(256 * 1024);
  });
});
