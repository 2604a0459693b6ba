/**
 * The wallet never imports the credential module; this test checks the two fit together as integrators will use
 * them: a wallet device key in an issued mdoc, the wallet's signer (raw r||s) inside the COSE device signature,
 * the verifier's report, and the audit record.
 */
import { describe, expect, test } from 'vitest';
import {
  DISCLOSURE_PRESETS,
  createPresentation,
  createTestIssuer,
  issueCredential,
  parseCredential,
  signerOf,
  toQrText,
  verifyPresentation,
} from '../credential/index.ts';
import { person } from '../../test-fixtures/credential/person.ts';
import type { CredentialMeta } from './records.ts';
import { deviceKeyId } from './device-keys.ts';
import { PIN, open, rejection, uniqueName } from './testing/helpers.ts';

describe('wallet × credential module', () => {
  test('issue for a wallet key, store, present with the wallet signer, verify, log', async () => {
    const now = new Date();
    const issuer = await createTestIssuer({ now });
    const w = await open(uniqueName('interop'));
    await w.setup(PIN);
    const key = await w.createDeviceKey();
    const bytes = await issueCredential({
      data: person,
      devicePublicKey: key.point,
      documentSigner: { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) },
      status: { index: 42, uri: issuer.statusUri },
    });
    const parsed = parseCredential(bytes);
    expect(parsed.mso.deviceKey.point).toEqual(key.raw);
    expect(await deviceKeyId(parsed.mso.deviceKey.point)).toBe(key.keyId); // find the wallet key from an MSO
    const meta: CredentialMeta = {
      id: person.document_number as string,
      docType: parsed.docType,
      label: `${String(person.family_name)}${String(person.given_name)}`,
      issuer: 'test authority',
      validFrom: new Date(parsed.mso.validFrom).toISOString(),
      validUntil: new Date(parsed.mso.validUntil).toISOString(),
      statusIndex: parsed.mso.status?.index ?? null,
      statusList: parsed.mso.status?.uri ?? null,
    };
    await w.addCredential({ bytes, meta, keyId: key.keyId });

    const stored = await w.getCredential(meta.id);
    const signer = await w.presentationSigner(meta.id);
    const p = await createPresentation({
      credential: stored.bytes,
      disclose: DISCLOSURE_PRESETS.ageOver18,
      deviceSigner: signer.sign,
      mode: { kind: 'one-way', at: now },
    });
    const report = await verifyPresentation(toQrText(p.bytes), issuer.trust, [issuer.status], now);
    expect(report.checks.filter((c) => c.outcome === 'fail')).toEqual([]);
    expect(report.verdict).toBe('valid');
    expect(report.elements).toEqual({ age_over_18: true });

    const entry = await w.recordPresentation({ credentialId: meta.id, disclosed: p.disclosed, mode: 'one-way' });
    expect(entry.disclosed).toEqual(['age_over_18']);

    // Another wallet key cannot stand in for this credential's key.
    const other = await w.createDeviceKey();
    const { sign: otherSign } = await w.enrolmentSigner(other.keyId);
    const forged = await rejection(
      createPresentation({ credential: stored.bytes, disclose: ['age_over_18'], deviceSigner: otherSign, mode: { kind: 'one-way', at: now } }),
    );
    expect(forged.code).toBe('credential/wrong-device-key');

    // Locked wallet: the signer refuses, so no presentation can be made.
    w.lock();
    const refused = await rejection(
      createPresentation({ credential: stored.bytes, disclose: ['age_over_18'], deviceSigner: signer.sign, mode: { kind: 'one-way', at: now } }),
    );
    expect(refused.code).toBe('wallet/locked');
    w.close();
  });
});
