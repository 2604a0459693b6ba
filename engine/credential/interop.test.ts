/**
 * Interop with independent implementations: @auth0/mdl (CBOR via cbor-x, COSE via cose-kit, chains via pkijs) and
 * @peculiar/x509 (certificates). An mdoc issued by eidkit verifies there; one issued there verifies in eidkit.
 */
import { beforeAll, describe, expect, it } from 'vitest';
// @auth0/mdl first: its @peculiar/x509 v1 loads the reflect-metadata polyfill that @peculiar/x509 v2 (tsyringe) needs.
import { Verifier, Document, DeviceResponse, MDoc } from '@auth0/mdl';
import * as x509 from '@peculiar/x509';
import { createTestIssuer, type TestIssuer } from './test-issuer.ts';
import { issueCredential } from './mdoc.ts';
import { createPresentation } from './present.ts';
import { verifyPresentation } from './verify.ts';
import { generateP256KeyPair, publicKeyPoint, webCryptoSigner } from './crypto.ts';
import { signerOf } from './issuer-keys.ts';
import { decodeCbor, encodeCbor, EmbeddedCbor, type CborMap, type CborValue } from './cbor.ts';
import { sessionTranscript } from './transcript.ts';
import { certificateToPem, parseCertificate, KeyUsage, OID } from './x509.ts';
import { localTrustList } from './trust-list.ts';
import { person } from '../../test-fixtures/credential/person.ts';
import { EID_DOC_TYPE, EID_NAMESPACE } from './model.ts';
import { bs } from './bytes.ts';

const now = new Date();
const subtle = globalThis.crypto.subtle;

describe('eidkit → @auth0/mdl and @peculiar/x509', () => {
  let issuer: TestIssuer;
  let deviceResponse: Uint8Array;
  let transcriptBytes: Uint8Array;
  let disclosedCount = 0;

  beforeAll(async () => {
    issuer = await createTestIssuer({ now });
    const device = await generateP256KeyPair(false);
    const credential = await issueCredential({
      data: { ...person, biometric_template_face: { model: 'm', version: '1', data: crypto.getRandomValues(new Uint8Array(256)) } },
      devicePublicKey: await publicKeyPoint(device.publicKey),
      documentSigner: { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) },
      signed: now,
    });
    const p = await createPresentation({ credential, disclose: 'all', deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'one-way', at: now }, embedCertificate: true });
    disclosedCount = p.disclosed.length;
    const env = decodeCbor(p.bytes) as CborValue[];
    deviceResponse = encodeCbor(env[2]!);
    const time = (env[1] as number[])[1]!;
    transcriptBytes = EmbeddedCbor.of(sessionTranscript({ kind: 'one-way', time })).raw;
  });

  it('our IACA and DS certificates parse in @peculiar/x509 with the Annex B extensions', async () => {
    const iaca = new x509.X509Certificate(bs(issuer.iaca.certificate));
    const ds = new x509.X509Certificate(bs(issuer.ds.certificate));
    expect(iaca.subject).toBe('C=CN, CN=test IACA');
    expect(ds.issuer).toBe(iaca.subject);
    expect(await ds.verify({ publicKey: iaca.publicKey, signatureOnly: true })).toBe(true);
    expect(await iaca.verify({ signatureOnly: true })).toBe(true);
    const bc = iaca.getExtension(x509.BasicConstraintsExtension)!;
    expect(bc.ca).toBe(true);
    expect(bc.critical).toBe(true);
    expect(iaca.getExtension(x509.KeyUsagesExtension)!.usages).toBe(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
    expect(ds.getExtension(x509.KeyUsagesExtension)!.usages).toBe(x509.KeyUsageFlags.digitalSignature);
    expect(ds.getExtension(x509.ExtendedKeyUsageExtension)!.usages).toEqual([OID.mdlDocumentSigner]);
    expect(Buffer.from(ds.getExtension(x509.AuthorityKeyIdentifierExtension)!.keyId!, 'hex')).toEqual(
      Buffer.from(iaca.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId, 'hex'),
    );
  });

  it('an eidkit presentation verifies in @auth0/mdl (issuer chain via pkijs, digests, device signature)', async () => {
    const verifier = new Verifier([certificateToPem(issuer.iaca.certificate)]);
    const checks: { status: string; check: string }[] = [];
    const mdoc = await verifier.verify(deviceResponse, { encodedSessionTranscript: transcriptBytes, onCheck: (c) => checks.push(c) });
    const failed = checks.filter((c) => c.status === 'FAILED');
    expect(failed).toEqual([]);
    expect(checks.some((c) => c.check === 'Device signature must be valid' && c.status === 'PASSED')).toBe(true);
    expect(checks.some((c) => c.check === 'Issuer certificate must be valid' && c.status === 'PASSED')).toBe(true);
    const digestChecks = checks.filter((c) => c.check.startsWith('The calculated digest'));
    expect(disclosedCount).toBe(13);
    expect(digestChecks.length).toBe(disclosedCount);
    const doc = mdoc.documents[0]!;
    expect(doc.docType).toBe(EID_DOC_TYPE);
    const names = doc.issuerSigned.nameSpaces[EID_NAMESPACE]!.map((i) => i.elementIdentifier);
    expect(names).toContain('biometric_template_face');
  });

  it('@auth0/mdl notices when our presentation is answered with another transcript (so the check above is real)', async () => {
    const verifier = new Verifier([certificateToPem(issuer.iaca.certificate)]);
    const other = EmbeddedCbor.of(sessionTranscript({ kind: 'one-way', time: Math.floor(now.getTime() / 1000) + 1 })).raw;
    const checks: { status: string; check: string }[] = [];
    await verifier.verify(deviceResponse, { encodedSessionTranscript: other, onCheck: (c) => checks.push(c) });
    expect(checks.find((c) => c.check === 'Device signature must be valid')!.status).toBe('FAILED');
  });
});

describe('@auth0/mdl + @peculiar/x509 → eidkit', () => {
  it('an mdoc issued and presented by @auth0/mdl with @peculiar/x509 certificates verifies in eidkit', async () => {
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const iacaKeys = (await subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
    const dsKeys = (await subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
    const deviceKeys = (await subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
    const day = 86_400_000;
    const iaca = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01a2',
      name: 'C=DE, CN=Peculiar IACA',
      notBefore: new Date(now.getTime() - day),
      notAfter: new Date(now.getTime() + 365 * day),
      keys: iacaKeys,
      signingAlgorithm: alg,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(iacaKeys.publicKey),
      ],
    });
    const ds = await x509.X509CertificateGenerator.create({
      serialNumber: '02b3',
      subject: 'C=DE, CN=Peculiar DS',
      issuer: iaca.subject,
      notBefore: new Date(now.getTime() - day),
      notAfter: new Date(now.getTime() + 300 * day),
      publicKey: dsKeys.publicKey,
      signingKey: iacaKeys.privateKey,
      signingAlgorithm: alg,
      extensions: [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([OID.mdlDocumentSigner], true),
        await x509.AuthorityKeyIdentifierExtension.create(iacaKeys.publicKey),
      ],
    });
    // Our parser reads their certificates the same way.
    const parsed = parseCertificate(new Uint8Array(ds.rawData));
    expect(parsed.subject.text).toBe('C=DE, CN=Peculiar DS');
    expect(parsed.keyUsage?.has(KeyUsage.digitalSignature)).toBe(true);
    expect(parsed.extKeyUsage).toEqual([OID.mdlDocumentSigner]);

    const deviceJwk = { ...(await subtle.exportKey('jwk', deviceKeys.privateKey)), alg: 'ES256' };
    const { d: _d, ...devicePublicJwk } = deviceJwk;
    void _d;
    const issued = await new Document(EID_DOC_TYPE)
      .addIssuerNameSpace(EID_NAMESPACE, { family_name: 'Müller', given_name: 'Erika', age_over_18: true, document_number: 'T22000129', issuing_country: 'DE' })
      .useDigestAlgorithm('SHA-256')
      .addValidityInfo({ signed: now, validFrom: now, validUntil: new Date(now.getTime() + 30 * day) })
      .addDeviceKeyInfo({ deviceKey: devicePublicJwk as never })
      .sign({ issuerPrivateKey: { ...(await subtle.exportKey('jwk', dsKeys.privateKey)), alg: 'ES256' } as never, issuerCertificate: ds.toString('pem'), alg: 'ES256' });
    const transcript: CborValue = [null, null, ['auth0-interop', 42]];
    const response = await DeviceResponse.from(new MDoc([issued]))
      .usingPresentationDefinition({
        id: 'interop',
        input_descriptors: [
          {
            id: EID_DOC_TYPE,
            format: { mso_mdoc: { alg: ['ES256'] } },
            constraints: {
              limit_disclosure: 'required',
              fields: ['family_name', 'age_over_18', 'issuing_country'].map((e) => ({ path: [`$['${EID_NAMESPACE}']['${e}']`], intent_to_retain: false })),
            },
          },
        ],
      } as never)
      .usingSessionTranscriptBytes(Buffer.from(EmbeddedCbor.of(transcript).raw))
      .authenticateWithSignature(deviceJwk as never, 'ES256')
      .sign();
    const bytes = new Uint8Array(response.encode());

    const trust = await localTrustList([{ id: 'de', name: 'Peculiar', country: 'DE', iaca: [new Uint8Array(iaca.rawData)] }], now);
    const report = await verifyPresentation(bytes, trust, [], now, { sessionTranscript: transcript });
    expect(report.checks.filter((c) => c.outcome !== 'pass')).toEqual([]);
    expect(report.verdict).toBe('valid');
    expect(report.mode).toBe('session');
    expect(report.elements).toEqual({ family_name: 'Müller', age_over_18: true, issuing_country: 'DE' });
    // Same bytes, wrong transcript → the device signature fails in eidkit too.
    const wrong = await verifyPresentation(bytes, trust, [], now, { sessionTranscript: [null, null, ['auth0-interop', 43]] });
    expect(wrong.checks.filter((c) => c.outcome === 'fail').map((c) => c.code)).toEqual(['credential/device-signature-invalid']);
    // And an issuer's signature over the MSO of an auth0 credential is checked by our code, not assumed.
    const doc = (((decodeCbor(bytes) as CborMap).get('documents') as CborValue[])[0]) as CborMap;
    const auth = (doc.get('issuerSigned') as CborMap).get('issuerAuth') as CborValue[];
    (auth[3] as Uint8Array)[5]! ^= 1;
    const tampered = await verifyPresentation(encodeCbor(rebuild(bytes, doc)), trust, [], now, { sessionTranscript: transcript });
    expect(tampered.checks.filter((c) => c.outcome === 'fail').map((c) => c.code)).toEqual(['credential/issuer-signature-invalid']);
  });
});

function rebuild(original: Uint8Array, doc: CborMap): CborValue {
  const top = decodeCbor(original) as CborMap;
  top.set('documents', [doc]);
  return top;
}
