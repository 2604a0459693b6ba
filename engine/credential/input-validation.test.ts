// Every mistake an integrator makes calling issueCredential / createPresentation is an EidkitError with a stable code
// and a sentence saying what was expected; keys may be given as WebCrypto CryptoKeys where that is natural.
import { beforeAll, describe, expect, it } from 'vitest';
import { EidkitError } from '../errors.ts';
import { createTestIssuer, type TestIssuer } from './test-issuer.ts';
import { issueCredential, parseCredential, type IssueOptions } from './mdoc.ts';
import { createPresentation, type PresentOptions } from './present.ts';
import { generateP256KeyPair, publicKeyPoint, webCryptoSigner } from './crypto.ts';
import { signerOf, createIaca, createDocumentSigner } from './issuer-keys.ts';
import { DISCLOSURE_PRESETS, REQUIRED_ELEMENTS, type EidData } from './model.ts';
import { toQrText } from './qr-codec.ts';
import { verifyPresentation } from './verify.ts';
import { openTrustList, signTrustList } from './trust-list.ts';
import { openStatusList, signStatusList } from './status-list.ts';

const data: EidData = {
  family_name: 'Wang', given_name: 'Fang', birth_date: '1991-07-01', document_number: 'D1', issue_date: '2025-01-01',
  expiry_date: '2035-01-01', issuing_authority: 'PSB', issuing_country: 'CN',
};

async function rejects(p: Promise<unknown> | (() => unknown), code: string, message: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a throw').toBeInstanceOf(EidkitError);
  expect((caught as EidkitError).code).toBe(code);
  expect((caught as EidkitError).message).toMatch(message);
}

let issuer: TestIssuer;
let device: CryptoKeyPair;
let credential: Uint8Array;

/** issueCredential with this file's authority and holder; `o` replaces what a test varies. */
const issue = (o: Partial<IssueOptions> = {}): Promise<Uint8Array> =>
  issueCredential({ data, devicePublicKey: device.publicKey, documentSigner: { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) }, ...o });

beforeAll(async () => {
  [issuer, device] = await Promise.all([createTestIssuer(), generateP256KeyPair(false)]);
  credential = await issue({ devicePublicKey: await publicKeyPoint(device.publicKey) });
});

describe('issueCredential input', () => {
  it('a missing documentSigner says what it should be', async () => {
    await rejects(issueCredential({ data, devicePublicKey: device.publicKey } as never), 'credential/bad-input', /documentSigner: \{ certificate: .*signer/);
    await rejects(issueCredential({ data, devicePublicKey: device.publicKey, documentSigner: { certificate: issuer.ds.certificate } } as never), 'credential/bad-input', /documentSigner\.signer must be a Signer/);
    await rejects(issueCredential(undefined as never), 'credential/bad-input', /issueCredential needs/);
  });

  it('accepts P-256 CryptoKeys for devicePublicKey and the document signer, and the credential verifies', async () => {
    const bytes = await issue({ documentSigner: { certificate: issuer.ds.certificate, signer: issuer.ds.privateKey } });
    const p = await createPresentation({ credential: bytes, disclose: DISCLOSURE_PRESETS.default, deviceSigner: device.privateKey, mode: { kind: 'one-way' } });
    const report = await verifyPresentation(toQrText(p.bytes), issuer.trust, [issuer.status], new Date());
    expect(report.byCategory.issuer.every((c) => c.outcome === 'pass')).toBe(true);
    expect(report.byCategory.device[0]?.outcome).toBe('pass');
    expect(parseCredential(bytes).mso.deviceKey).toEqual(await publicKeyPoint(device.publicKey));
  });

  it('a private key as devicePublicKey, or a public key as signer, is refused by name', async () => {
    await rejects(issue({ devicePublicKey: device.privateKey }), 'credential/bad-key', /devicePublicKey must be an ECDSA public key; got a private/);
    await rejects(issue({ documentSigner: { certificate: issuer.ds.certificate, signer: device.publicKey } }), 'credential/bad-key', /documentSigner\.signer must be an ECDSA private key/);
  });

  it('names every missing required element', async () => {
    const { family_name: _f, issue_date: _i, ...partial } = data;
    await rejects(
      issue({ data: partial as EidData }),
      'credential/bad-input',
      /lacks the required elements family_name, issue_date/,
    );
    expect(REQUIRED_ELEMENTS).toEqual(['family_name', 'given_name', 'birth_date', 'document_number', 'issue_date', 'expiry_date', 'issuing_authority', 'issuing_country']);
  });

  it('issuing_country must be the document signer\'s country at issue, not only at verification', async () => {
    await rejects(
      issue({ data: { ...data, issuing_country: 'FR' } }),
      'credential/country-mismatch',
      /issuing_country is FR, but the document signer .* is for CN/,
    );
    const iaca = await createIaca({ subject: { country: 'FR', commonName: 'FR IACA' } });
    const ds = await createDocumentSigner({ iaca, commonName: 'FR DS' });
    const ok = await issue({ data: { ...data, issuing_country: 'FR' }, documentSigner: { certificate: ds.certificate, signer: signerOf(ds) } });
    expect(ok.length).toBeGreaterThan(0);
  });
});

describe('createPresentation input', () => {
  const base = (): PresentOptions => ({ credential, disclose: ['family_name'], deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'one-way' } });

  it('a missing or unknown mode says which modes exist', async () => {
    const { mode: _m, ...noMode } = base();
    await rejects(createPresentation(noMode as never), 'credential/bad-input', /needs mode: \{ kind: 'one-way' \}, \{ kind: 'two-way', challenge \}/);
    await rejects(createPresentation({ ...base(), mode: { kind: 'twoway' } as never }), 'credential/bad-input', /Unknown presentation mode "twoway"/);
    await rejects(createPresentation({ ...base(), mode: { kind: 'two-way' } as never }), 'credential/bad-input', /challengeFromQr/);
  });

  it('deviceSigner may be the private CryptoKey (non-extractable); anything else is named', async () => {
    const p = await createPresentation({ ...base(), deviceSigner: device.privateKey });
    expect(p.disclosed).toEqual(['family_name']);
    await rejects(createPresentation({ ...base(), deviceSigner: undefined as never }), 'credential/bad-input', /deviceSigner must be a Signer/);
    await rejects(createPresentation({ ...base(), deviceSigner: device.publicKey }), 'credential/bad-key', /deviceSigner must be an ECDSA private key/);
  });

  it('credential and disclose are checked before any parsing', async () => {
    await rejects(createPresentation({ ...base(), credential: 'abc' as never }), 'credential/bad-input', /credential: the credential bytes/);
    await rejects(createPresentation({ ...base(), disclose: 'default' as never }), 'credential/bad-input', /DISCLOSURE_PRESETS\.default/);
  });
});

describe('trust and status lists: arguments named', () => {
  it('openTrustList / openStatusList say what their arguments are', async () => {
    await rejects(openTrustList('bytes' as never, [issuer.trustListKey.anchor]), 'credential/bad-input', /openTrustList's first argument .* must be bytes/);
    await rejects(openTrustList(issuer.trustListBytes, issuer.trustListKey.anchor as never), 'credential/bad-input', /pinned anchors .* \[anchorFromJson\(json\)\]/);
    await rejects(openStatusList(issuer.statusListBytes, undefined as never), 'credential/bad-input', /opened trust list as its second argument \(from openTrustList\)/);
    expect((await openStatusList(issuer.statusListBytes, issuer.trust)).uri).toBe(issuer.statusUri);
  });

  it('signTrustList / signStatusList take CryptoKeys as signers and name a missing argument', async () => {
    const now = new Date();
    const later = new Date(now.getTime() + 86_400_000);
    const bytes = await signTrustList(
      { version: 2, issuedAt: now, expiresAt: later, issuers: [{ id: 'x', name: 'X', country: 'CN', iaca: [issuer.iaca.certificate] }] },
      { keyId: issuer.trustListKey.anchor.keyId, signer: issuer.trustListKey.privateKey },
    );
    expect((await openTrustList(bytes, [issuer.trustListKey.anchor])).version).toBe(2);
    await rejects(signTrustList({ version: 1, issuedAt: now, expiresAt: later, issuers: [] }, undefined as never), 'credential/bad-input', /trust-list key \{ keyId, signer \}/);
    await rejects(signTrustList({ version: 1, issuedAt: 'today' as never, expiresAt: later, issuers: [] }, { keyId: 'k', signer: issuer.trustListKey.privateKey }), 'credential/bad-input', /issuedAt must be a valid Date/);
    const status = await signStatusList(issuer.statusState, { certificate: issuer.ds.certificate, signer: issuer.ds.privateKey }, { issuedAt: now, expiresAt: later });
    expect((await openStatusList(status, issuer.trust)).uri).toBe(issuer.statusUri);
    await rejects(signStatusList(issuer.statusState, { certificate: issuer.ds.certificate, signer: issuer.ds.privateKey }, undefined as never), 'credential/bad-input', /\{ issuedAt, expiresAt \}/);
  });
});
