/**
 * A complete throwaway issuing authority in one call — IACA, document signer, trust-list key, signed trust list and
 * status list — for integrators' tests, demos and our own test suites. Never use its keys for real credentials.
 */
import { createDocumentSigner, createIaca, createTrustListKey, signerOf, type IssuerKey } from './issuer-keys.ts';
import { createStatusList, openStatusList, signStatusList, type StatusList, type StatusListState } from './status-list.ts';
import { openTrustList, signTrustList, type TrustList, type TrustListAnchor } from './trust-list.ts';

export interface TestIssuer {
  readonly id: string;
  readonly iaca: IssuerKey;
  readonly ds: IssuerKey;
  readonly trustListKey: { readonly anchor: TrustListAnchor; readonly privateKey: CryptoKey };
  readonly trustListBytes: Uint8Array;
  readonly trust: TrustList;
  readonly statusUri: string;
  readonly statusState: StatusListState;
  readonly statusListBytes: Uint8Array;
  readonly status: StatusList;
}

const DAY = 86_400_000;

export async function createTestIssuer(opts: { readonly id?: string; readonly country?: string; readonly now?: Date } = {}): Promise<TestIssuer> {
  const now = opts.now ?? new Date();
  const id = opts.id ?? 'test';
  const country = opts.country ?? 'CN';
  const start = new Date(now.getTime() - DAY);
  const iaca = await createIaca({ subject: { country, commonName: `${id} IACA` }, notBefore: start, issuerUrl: `https://${id}.example/` });
  const ds = await createDocumentSigner({ iaca, commonName: `${id} DS 1`, notBefore: start, validDays: 400 });
  const trustListKey = await createTrustListKey(`${id}-trust-1`);
  const trustListBytes = await signTrustList(
    {
      version: 1,
      issuedAt: start,
      expiresAt: new Date(now.getTime() + 30 * DAY),
      issuers: [{ id, name: `${id} authority`, country, iaca: [iaca.certificate], documentSigners: [ds.certificate] }],
    },
    { keyId: trustListKey.anchor.keyId, signer: signerOf(trustListKey) },
  );
  const trust = await openTrustList(trustListBytes, [trustListKey.anchor]);
  const statusUri = `https://${id}.example/status/1`;
  const statusState = createStatusList(statusUri, 1024);
  const statusListBytes = await signStatusList(statusState, { certificate: ds.certificate, signer: signerOf(ds) }, {
    issuedAt: new Date(now.getTime() - 60_000),
    expiresAt: new Date(now.getTime() + DAY),
  });
  const status = await openStatusList(statusListBytes, trust);
  return { id, iaca, ds, trustListKey, trustListBytes, trust, statusUri, statusState, statusListBytes, status };
}
