import { describe, expect, it, inject } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCbor, EmbeddedCbor } from './cbor.ts';
import { fromHex } from './bytes.ts';
import { readIssuerSigned, credentialElements } from './mdoc.ts';
import { verifyPresentation } from './verify.ts';
import { emptyTrustList } from './trust-list.ts';
import { sha256 } from './crypto.ts';

describe.skipIf(!inject('fixturesPresent'))('ISO 18013-5 Annex D.4.1.2 device response (needs EIDKIT_FIXTURES)', () => {
  const load = (): Uint8Array =>
    fromHex(readFileSync(join(inject('fixtures'), 'iso18013-5/device-response-D.4.1.2.hex'), 'utf8'));
  const policy = { docTypes: ['org.iso.18013.5.1.mDL'] };

  it('parses to the facts its README lists', async () => {
    const top = decodeCbor(load()) as Map<string, unknown>;
    expect(top.get('status')).toBe(0);
    const docs = top.get('documents') as Map<string, unknown>[];
    expect(docs).toHaveLength(1);
    expect(docs[0]!.get('docType')).toBe('org.iso.18013.5.1.mDL');
    const signed = readIssuerSigned(docs[0]!.get('issuerSigned') as never);
    const items = signed.nameSpaces.get('org.iso.18013.5.1')!;
    expect(items.map((i) => [i.elementIdentifier, i.digestID])).toEqual([
      ['family_name', 0],
      ['issue_date', 3],
      ['expiry_date', 4],
      ['document_number', 7],
      ['portrait', 8],
      ['driving_privileges', 9],
    ]);
    const el = credentialElements(signed);
    expect(el.family_name).toBe('Doe');
    expect(el.issue_date).toBe('2019-10-20');
    expect(el.expiry_date).toBe('2024-10-20');
    expect(el.document_number).toBe('123456789');
    expect((el.portrait as Uint8Array).length).toBe(1042);
    expect((el.portrait as Uint8Array)[0]).toBe(0xff);
    expect((el.driving_privileges as { vehicle_category_code: string }[]).map((d) => d.vehicle_category_code)).toEqual(['A', 'B']);
    expect(signed.issuerAuth.protectedHeaders.get(1)).toBe(-7);
    expect(signed.dsCertificate!.subject.text).toBe('CN=utopia ds, C=US');
    expect(signed.dsCertificate!.issuer.text).toBe('CN=utopia iaca, C=US');
    expect(new Date(signed.dsCertificate!.notBefore).toISOString()).toBe('2020-10-01T00:00:00.000Z');
    expect(new Date(signed.dsCertificate!.notAfter).toISOString()).toBe('2021-10-01T00:00:00.000Z');
    expect(new Date(signed.mso.signed).toISOString()).toBe('2020-10-01T13:30:02.000Z');
    expect(new Date(signed.mso.validFrom).toISOString()).toBe('2020-10-01T13:30:02.000Z');
    expect(new Date(signed.mso.validUntil).toISOString()).toBe('2021-10-01T13:30:02.000Z');
    // Digests are taken over the tag-24 bytes exactly as received.
    for (const it of items) {
      expect(it.bytes).toBeInstanceOf(EmbeddedCbor);
      expect(await sha256(it.bytes.raw)).toEqual(signed.mso.valueDigests.get('org.iso.18013.5.1')!.get(it.digestID));
    }
  });

  it('at 2021-01-01: issuer signature and 6/6 digests valid, chain untrusted, deviceMac not checkable', async () => {
    const report = await verifyPresentation(load(), emptyTrustList(), [], new Date('2021-01-01T00:00:00Z'), policy);
    const by = (check: string) => report.checks.find((c) => c.check === check)!;
    expect(by('format.decode').outcome).toBe('pass');
    expect(by('issuer.signature').outcome).toBe('pass');
    expect(by('integrity.digests')).toMatchObject({ outcome: 'pass', details: { valid: 6, total: 6 } });
    expect(by('issuer.chain')).toMatchObject({ outcome: 'fail', code: 'credential/chain-untrusted' });
    expect(by('validity.mso').outcome).toBe('pass');
    expect(by('validity.ds-certificate').outcome).toBe('pass');
    expect(by('device.signature')).toMatchObject({ outcome: 'fail', code: 'credential/device-mac-not-checkable' });
    expect(report.verdict).toBe('invalid');
    // An untrusted issuer's data is not handed out as verified.
    expect(report.elements).toEqual({});
  });

  it('today: reported expired', async () => {
    const report = await verifyPresentation(load(), emptyTrustList(), [], new Date(), policy);
    expect(report.checks.find((c) => c.check === 'validity.mso')).toMatchObject({ outcome: 'fail', code: 'credential/expired' });
    expect(report.checks.find((c) => c.check === 'validity.ds-certificate')).toMatchObject({ outcome: 'fail', code: 'credential/certificate-expired' });
    expect(report.verdict).toBe('invalid');
  });

  it('is refused as the wrong document type by an eID verifier', async () => {
    const report = await verifyPresentation(load(), emptyTrustList(), [], new Date('2021-01-01T00:00:00Z'));
    expect(report.checks.find((c) => c.check === 'format.doc-type')).toMatchObject({ outcome: 'fail', code: 'credential/wrong-doc-type' });
  });
});
