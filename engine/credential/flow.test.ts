import { beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from './test-issuer.ts';
import { issueCredential, parseCredential } from './mdoc.ts';
import { createPresentation } from './present.ts';
import { verifyPresentation, type VerificationReport } from './verify.ts';
import { generateP256KeyPair, publicKeyPoint, webCryptoSigner } from './crypto.ts';
import { signerOf } from './issuer-keys.ts';
import { createChallenge } from './transcript.ts';
import { toQrText } from './qr-codec.ts';
import { DISCLOSURE_PRESETS } from './model.ts';
import { person } from '../../test-fixtures/credential/person.ts';
import { localTrustList } from './trust-list.ts';
import { isEidkitError } from '../errors.ts';


const template = { model: 'test-face-model', version: '1', data: crypto.getRandomValues(new Uint8Array(256)) };
const check = (r: VerificationReport, name: string) => r.checks.find((c) => c.check === name);
const failures = (r: VerificationReport) => r.checks.filter((c) => c.outcome === 'fail').map((c) => c.code);

describe('issue → present → verify', () => {
  let issuer: TestIssuer;
  let device: CryptoKeyPair;
  let credential: Uint8Array;
  const now = new Date();

  beforeAll(async () => {
    issuer = await createTestIssuer({ now });
    device = await generateP256KeyPair(false);
    credential = await issueCredential({
      data: { ...person, biometric_template_face: template },
      devicePublicKey: await publicKeyPoint(device.publicKey),
      documentSigner: { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) },
      status: { index: 7, uri: issuer.statusUri },
      ageThresholds: [65, 18, 16],
    });
  });

  it('the device key is really non-extractable', () => {
    expect(device.privateKey.extractable).toBe(false);
  });

  it('issues a credential holding every element, derived ages and the status entry', () => {
    const c = parseCredential(credential);
    const ids = c.nameSpaces.get('org.eidkit.eid.1')!.map((i) => i.elementIdentifier);
    expect(ids).toEqual([
      'family_name', 'given_name', 'birth_date', 'age_over_16', 'age_over_18', 'age_over_65', 'sex', 'nationality',
      'resident_address', 'document_number', 'issue_date', 'expiry_date', 'issuing_authority', 'issuing_country',
      'biometric_template_face',
    ]);
    const values = Object.fromEntries(c.nameSpaces.get('org.eidkit.eid.1')!.map((i) => [i.elementIdentifier, i.elementValue]));
    expect(values.age_over_18).toBe(true);
    expect(values.age_over_65).toBe(false);
    expect(values.age_over_16).toBe(true);
    expect(c.mso.status).toEqual({ index: 7, uri: issuer.statusUri });
    expect(new Set(c.nameSpaces.get('org.eidkit.eid.1')!.map((i) => i.digestID)).size).toBe(ids.length);
  });

  it('one-way default presentation is valid and reveals only the chosen elements', async () => {
    const p = await createPresentation({ credential, disclose: DISCLOSURE_PRESETS.default, deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'one-way', at: now } });
    const report = await verifyPresentation(toQrText(p.bytes), issuer.trust, [issuer.status], now);
    expect(failures(report)).toEqual([]);
    expect(report.verdict).toBe('valid');
    expect(report.mode).toBe('one-way');
    expect(report.issuer?.id).toBe('test');
    expect(Object.keys(report.elements).sort()).toEqual([...DISCLOSURE_PRESETS.default].sort());
    expect(report.elements.family_name).toBe('张');
    expect((report.elements.biometric_template_face as { data: Uint8Array }).data).toEqual(template.data);
    // Undisclosed values are not in the bytes at all.
    const hay = new TextDecoder('latin1').decode(p.bytes);
    expect(hay).not.toContain('birth_date');
    expect(hay).not.toContain(new TextDecoder('latin1').decode(new TextEncoder().encode('人民大道')));
    // Every category reported.
    for (const cat of ['format', 'issuer', 'device', 'integrity', 'validity', 'status', 'freshness'] as const) {
      expect(report.byCategory[cat].length, cat).toBeGreaterThan(0);
    }
  });

  it('age-over-18-only is far smaller than the default', async () => {
    const signer = webCryptoSigner(device.privateKey);
    const small = await createPresentation({ credential, disclose: DISCLOSURE_PRESETS.ageOver18, deviceSigner: signer, mode: { kind: 'one-way', at: now } });
    const big = await createPresentation({ credential, disclose: DISCLOSURE_PRESETS.default, deviceSigner: signer, mode: { kind: 'one-way', at: now } });
    expect(small.disclosed).toEqual(['age_over_18']);
    const report = await verifyPresentation(small.bytes, issuer.trust, [issuer.status], now);
    expect(report.verdict).toBe('valid');
    expect(report.elements).toEqual({ age_over_18: true });
    expect(toQrText(small.bytes).length).toBeLessThan(toQrText(big.bytes).length - 400);
  });

  it('one-way: stale beyond the window, accepted inside it, future times refused', async () => {
    const p = await createPresentation({ credential, disclose: ['given_name'], deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'one-way', at: now } });
    const at = (s: number) => new Date(now.getTime() + s * 1000);
    expect((await verifyPresentation(p.bytes, issuer.trust, [issuer.status], at(59))).verdict).toBe('valid');
    const stale = await verifyPresentation(p.bytes, issuer.trust, [issuer.status], at(61));
    expect(failures(stale)).toEqual(['credential/stale']);
    const ahead = await createPresentation({ credential, disclose: ['given_name'], deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'one-way', at: at(600) } });
    expect((await verifyPresentation(ahead.bytes, issuer.trust, [issuer.status], at(575))).verdict).toBe('valid');
    const early = await verifyPresentation(ahead.bytes, issuer.trust, [issuer.status], at(480));
    expect(failures(early)).toEqual(['credential/from-future']);
    const custom = await verifyPresentation(p.bytes, issuer.trust, [issuer.status], at(100), { windowSeconds: 120 });
    expect(custom.verdict).toBe('valid');
  });

  it('one-way: changing the claimed time breaks the device signature (no replay with a new time)', async () => {
    const p = await createPresentation({ credential, disclose: ['given_name'], deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'one-way', at: new Date(now.getTime() - 600_000) } });
    const { decodeCbor, encodeCbor } = await import('./cbor.ts');
    const env = decodeCbor(p.bytes) as unknown[];
    (env[1] as number[])[1] = Math.floor(now.getTime() / 1000);
    const report = await verifyPresentation(encodeCbor(env as never), issuer.trust, [issuer.status], now);
    expect(failures(report)).toEqual(['credential/device-signature-invalid']);
  });

  it('two-way: valid for its challenge, rejected for another or without one', async () => {
    const { challenge } = await createChallenge(now.getTime());
    const other = (await createChallenge(now.getTime())).challenge;
    const p = await createPresentation({ credential, disclose: 'all', deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'two-way', challenge } });
    const ok = await verifyPresentation(p.bytes, issuer.trust, [issuer.status], now, { challenge });
    expect(failures(ok)).toEqual([]);
    expect(ok.verdict).toBe('valid');
    expect(ok.mode).toBe('two-way');
    expect(Object.keys(ok.elements)).toContain('resident_address');
    expect(failures(await verifyPresentation(p.bytes, issuer.trust, [issuer.status], now, { challenge: other }))).toContain('credential/challenge-mismatch');
    expect(failures(await verifyPresentation(p.bytes, issuer.trust, [issuer.status], now))).toContain('credential/no-challenge');
    // Same nonce but another reader key: the transcript differs, so the device signature fails.
    const sameNonce = { ...other, nonce: challenge.nonce };
    expect(failures(await verifyPresentation(p.bytes, issuer.trust, [issuer.status], now, { challenge: sameNonce }))).toEqual(['credential/device-signature-invalid']);
    // A verifier that demands two-way refuses a one-way QR.
    const oneWay = await createPresentation({ credential, disclose: ['given_name'], deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'one-way', at: now } });
    expect(failures(await verifyPresentation(oneWay.bytes, issuer.trust, [issuer.status], now, { mode: 'two-way', challenge }))).toContain('credential/wrong-mode');
    // Challenge too old.
    const late = new Date(now.getTime() + 301_000);
    expect(failures(await verifyPresentation(p.bytes, issuer.trust, [issuer.status], late, { challenge }))).toContain('credential/challenge-expired');
  });

  it('a device signature by another key is rejected, and the wallet refuses to present with it', async () => {
    const stranger = await generateP256KeyPair(false);
    await expect(
      createPresentation({ credential, disclose: ['given_name'], deviceSigner: webCryptoSigner(stranger.privateKey), mode: { kind: 'one-way', at: now } }),
    ).rejects.toSatisfy((e: unknown) => isEidkitError(e, 'credential/wrong-device-key'));
  });

  it('embedding the DS certificate verifies against a trust list holding only the IACA', async () => {
    const p = await createPresentation({ credential, disclose: ['given_name'], deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'one-way', at: now }, embedCertificate: true });
    const rootsOnly = await localTrustList([{ id: 'test', name: 'test authority', country: 'CN', iaca: [issuer.iaca.certificate] }], now);
    const report = await verifyPresentation(p.bytes, rootsOnly, [], now);
    expect(failures(report)).toEqual([]);
    expect(report.verdict).toBe('warning'); // no status list loaded: status unknown
    expect(check(report, 'status.entry')).toMatchObject({ outcome: 'warn', code: 'credential/status-unknown' });
    // The referenced form needs the DS in the list.
    const q = await createPresentation({ credential, disclose: ['given_name'], deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'one-way', at: now } });
    expect(failures(await verifyPresentation(q.bytes, rootsOnly, [], now))).toContain('credential/ds-unknown');
  });

  it('an invalid "now" is refused rather than making time checks pass', async () => {
    const p = await createPresentation({ credential, disclose: ['given_name'], deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'one-way', at: now } });
    const r = await verifyPresentation(p.bytes, issuer.trust, [issuer.status], new Date('not a date'));
    expect(r.verdict).toBe('invalid');
    expect(failures(r)).toEqual(['credential/bad-time']);
  });

  it('expired and not-yet-valid credentials fail', async () => {
    const p = await createPresentation({ credential, disclose: ['given_name'], deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'one-way', at: now } });
    const c = parseCredential(credential);
    const after = new Date(c.mso.validUntil + 1000);
    const r1 = await verifyPresentation(p.bytes, issuer.trust, [issuer.status], after, { windowSeconds: 1e10 });
    expect(failures(r1)).toContain('credential/expired');
    const later = await issueCredential({
      data: person,
      devicePublicKey: await publicKeyPoint(device.publicKey),
      documentSigner: { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) },
      signed: now,
      validFrom: new Date(now.getTime() + 86_400_000),
    });
    const q = await createPresentation({ credential: later, disclose: ['given_name'], deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'one-way', at: now } });
    const r2 = await verifyPresentation(q.bytes, issuer.trust, [issuer.status], now);
    expect(failures(r2)).toEqual(['credential/not-yet-valid']);
  });
});
