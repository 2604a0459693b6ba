// Online identity checks (RP page ↔ wallet on the same phone): the request, the wallet's side (engine/wallet/online.ts)
// and verifyPresentation's web mode, against the attacks of site/docs/threat-model.md: an answer made for origin A sent
// to B, replays, stale nonces, a return URL that is not the asking site, over-asking, an answer in a query string.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { person } from '../../test-fixtures/credential/person.ts';
import { isEidkitError } from '../errors.ts';
import { answerConsent, prepareConsent, resolveRequester, webDelivery } from '../wallet/online.ts';
import { encodeCbor, decodeCbor } from './cbor.ts';
import { generateP256KeyPair, publicKeyPoint, webCryptoSigner } from './crypto.ts';
import { signerOf } from './issuer-keys.ts';
import { issueCredential } from './mdoc.ts';
import { createPresentation } from './present.ts';
import { createTestIssuer, type TestIssuer } from './test-issuer.ts';
import { toQrText } from './qr-codec.ts';
import { verifyPresentation, type VerificationReport } from './verify.ts';
import { createNonceLedger, memoryNonceStore } from './web-nonces.ts';
import { createRelyingParty } from './web-rp.ts';
import {
  createWebRequest,
  parseWebAnswer,
  parseWebRequest,
  webAnswerUrl,
  webRequestUrl,
  WEB_RESPONSE_PARAM,
  type WebRequest,
} from './web-request.ts';

const A = 'https://court.example';
const B = 'https://other.example';
const WALLET = 'https://wallet.example/share';
const template = { model: 'test-face-model', version: '1', data: crypto.getRandomValues(new Uint8Array(256)) };
const ASK = ['family_name', 'given_name', 'document_number', 'biometric_template_face'];
const failures = (r: VerificationReport) => r.checks.filter((c) => c.outcome === 'fail').map((c) => c.code);
const fragmentOf = (url: string) => new URL(url).hash;
const code = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return isEidkitError(e) ? e.code : `not-eidkit: ${String(e)}`;
  }
  return undefined;
};

describe('online identity check', () => {
  let issuer: TestIssuer;
  let device: CryptoKeyPair;
  let credential: Uint8Array;

  beforeAll(async () => {
    issuer = await createTestIssuer();
    device = await generateP256KeyPair(false);
    credential = await issueCredential({
      data: { ...person, biometric_template_face: template },
      devicePublicKey: await publicKeyPoint(device.publicKey),
      documentSigner: { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) },
      status: { index: 3, uri: issuer.statusUri },
    });
  });

  /** The whole round trip as the two pages do it, with a clock. */
  async function roundTrip(opts: { origin?: string; referrer?: string; elements?: string[] } = {}) {
    let t = Date.now();
    const store = memoryNonceStore();
    const rp = createRelyingParty({ walletUrl: WALLET, trust: issuer.trust, statusLists: [issuer.status], origin: opts.origin ?? A, store, now: () => t });
    const made = rp.request({ elements: opts.elements ?? ASK, purpose: 'File a case', returnUrl: `${opts.origin ?? A}/file?case=new` });
    const consent = prepareConsent(fragmentOf(made.url), { referrer: opts.referrer ?? `${opts.origin ?? A}/` });
    const p = await answerConsent(consent, credential, webCryptoSigner(device.privateKey));
    const delivery = webDelivery(consent, { kind: 'response', bytes: p.bytes });
    if (delivery.kind !== 'redirect') throw new Error('expected a redirect');
    return { rp, made, consent, p, url: delivery.url, advance: (ms: number) => (t += ms), store };
  }

  it('round trip: the RP on A asks, the wallet answers A, A verifies origin + nonce and gets exactly what it asked', async () => {
    const { rp, url, consent } = await roundTrip();
    expect(consent.origin).toBe(A);
    expect(consent.elements).toEqual(ASK);
    const result = await rp.receive(fragmentOf(url));
    expect(result.kind, JSON.stringify(result.kind !== 'refused' && failures(result.report))).toBe('verified');
    if (result.kind !== 'verified') return;
    expect(result.report.mode).toBe('web');
    expect(result.report.origin).toBe(A);
    expect(Object.keys(result.elements).sort()).toEqual([...ASK].sort());
    expect(result.elements['family_name']).toBe(person.family_name);
    expect(result.report.checks.find((c) => c.check === 'freshness.nonce')?.outcome).toBe('pass');
    expect(result.report.checks.find((c) => c.check === 'device.signature')?.outcome).toBe('pass');
  });

  it('an answer made for origin A is refused by B (origin-mismatch), even relabelled as made for B', async () => {
    const { p } = await roundTrip();
    const env = decodeCbor(p.bytes) as unknown[];
    const nonce = (env[1] as unknown[])[1] as Uint8Array;
    // B knows the nonce (a relay: B made the request itself and sent the victim to the wallet with it).
    const ledgerB = createNonceLedger();
    ledgerB.issue(nonce, Date.now());
    const atB = await verifyPresentation(p.bytes, issuer.trust, [issuer.status], new Date(), { web: { origin: B, nonces: ledgerB } });
    expect(atB.verdict).toBe('invalid');
    expect(failures(atB)).toContain('credential/origin-mismatch');
    // Relabelled [3, nonce, B]: the transcript is rebuilt from B, so the device signature (made over A) fails.
    const relabelled = encodeCbor([env[0], [3, nonce, B], env[2]] as never);
    const ledgerB2 = createNonceLedger();
    ledgerB2.issue(nonce, Date.now());
    const atB2 = await verifyPresentation(relabelled, issuer.trust, [issuer.status], new Date(), { web: { origin: B, nonces: ledgerB2 } });
    expect(atB2.verdict).toBe('invalid');
    expect(failures(atB2)).toEqual(['credential/device-signature-invalid']);
  });

  it('a replayed answer is refused (each nonce passes once), with a stable code', async () => {
    const { rp, url } = await roundTrip();
    expect((await rp.receive(fragmentOf(url))).kind).toBe('verified');
    const again = await rp.receive(fragmentOf(url));
    expect(again.kind).toBe('invalid');
    if (again.kind === 'invalid') expect(again.code).toBe('credential/nonce-replayed');
  });

  it('a stale nonce is refused (the request is older than the RP accepts), then stays refused', async () => {
    const { rp, url, advance } = await roundTrip();
    advance(301_000);
    const stale = await rp.receive(fragmentOf(url));
    expect(stale.kind === 'invalid' && stale.code).toBe('credential/nonce-expired');
    const later = await rp.receive(fragmentOf(url));
    expect(later.kind).toBe('invalid');
  });

  it('an answer to a request this RP never made is refused (nonce-unknown)', async () => {
    const { p } = await roundTrip();
    const r = await verifyPresentation(p.bytes, issuer.trust, [issuer.status], new Date(), { web: { origin: A, nonces: createNonceLedger() } });
    expect(failures(r)).toEqual(['credential/nonce-unknown']);
  });

  it('web mode takes no QR presentation (one-way or two-way): a screenshot is no answer to a site', async () => {
    const qr = await createPresentation({ credential, disclose: ASK, deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'one-way' } });
    const r = await verifyPresentation(toQrText(qr.bytes), issuer.trust, [issuer.status], new Date(), { web: { origin: A, nonces: createNonceLedger() } });
    expect(failures(r)).toContain('credential/wrong-mode');
    // …and a QR verifier takes no web answer it cannot check.
    const { p } = await roundTrip();
    const atCounter = await verifyPresentation(p.bytes, issuer.trust, [issuer.status], new Date());
    expect(failures(atCounter)).toContain('credential/no-web-session');
  });

  it('the wallet refuses a request whose return URL is not the site the browser says is asking', () => {
    const req = createWebRequest({ elements: ASK, returnUrl: `${A}/back`, nonce: new Uint8Array(16).fill(1) });
    const url = webRequestUrl(WALLET, req);
    expect(code(() => prepareConsent(fragmentOf(url), { referrer: `${B}/phish` }))).toBe('wallet/requester-mismatch');
    expect(code(() => prepareConsent(fragmentOf(url), { referrer: '' }))).toBe('wallet/requester-unknown');
    expect(code(() => prepareConsent(fragmentOf(url), { referrer: 'not a url' }))).toBe('wallet/requester-unknown');
    // Same host, another port or scheme, is another origin.
    expect(code(() => prepareConsent(fragmentOf(url), { referrer: 'https://court.example:8443/' }))).toBe('wallet/requester-mismatch');
    expect(code(() => prepareConsent(fragmentOf(url), { referrer: 'http://court.example/' }))).toBe('wallet/requester-mismatch');
    // Post-message mode: the opener must answer the hello, from the same origin.
    const pm = createWebRequest({ elements: ASK, returnUrl: `${A}/back`, responseMode: 'post-message' });
    const pmUrl = webRequestUrl(WALLET, pm);
    expect(code(() => prepareConsent(fragmentOf(pmUrl), { referrer: `${A}/`, openerOrigin: null }))).toBe('wallet/requester-unknown');
    expect(code(() => prepareConsent(fragmentOf(pmUrl), { referrer: `${A}/`, openerOrigin: B }))).toBe('wallet/requester-mismatch');
    expect(prepareConsent(fragmentOf(pmUrl), { referrer: `${A}/`, openerOrigin: A }).origin).toBe(A);
    expect(resolveRequester(req, { referrer: `${A}/any/page?x=1` })).toBe(A);
  });

  it('the wallet refuses malformed and hostile requests with wallet/bad-request', () => {
    const ok = createWebRequest({ elements: ASK, returnUrl: `${A}/back` });
    const wire = (patch: Record<string, unknown>) => {
      const base = JSON.parse(Buffer.from(fragmentOf(webRequestUrl(WALLET, ok)).slice('#eidkit-request='.length), 'base64url').toString());
      return `#eidkit-request=${Buffer.from(JSON.stringify({ ...base, ...patch })).toString('base64url')}`;
    };
    const ev = { referrer: `${A}/` };
    for (const patch of [
      { elements: ['family_name', 'password'] },
      { elements: [] },
      { elements: ['family_name', 'family_name'] },
      { returnUrl: 'javascript:alert(1)' },
      { returnUrl: 'http://court.example/back' },
      { returnUrl: `${A}/back#x` },
      { returnUrl: 'https://user:pw@court.example/back' },
      { nonce: 'AAAA' },
      { v: 2 },
      { purpose: 'x'.repeat(201) },
      { purpose: 'Pay\u202eyap' },
      { responseMode: 'query' },
      { extra: 1 },
    ]) {
      expect(code(() => prepareConsent(wire(patch), ev)), JSON.stringify(patch)).toBe('wallet/bad-request');
    }
    expect(code(() => prepareConsent('#eidkit-request=%%%', ev))).toBe('wallet/bad-request');
    expect(code(() => prepareConsent(`#eidkit-request=${'A'.repeat(9000)}`, ev))).toBe('wallet/bad-request');
  });

  it('a request for more elements than the consent screen showed is impossible', async () => {
    const asked = ['family_name', 'document_number'];
    const { consent, p, rp, url } = await roundTrip({ elements: asked });
    // The consent is frozen; nothing can add to what the holder saw.
    expect(Object.isFrozen(consent)).toBe(true);
    expect(Object.isFrozen(consent.elements)).toBe(true);
    expect(() => (consent.elements as string[]).push('biometric_template_face')).toThrow();
    expect([...p.disclosed].sort()).toEqual([...asked].sort());
    const result = await rp.receive(fragmentOf(url));
    expect(result.kind === 'verified' && Object.keys(result.elements).sort()).toEqual([...asked].sort());
    // An answer with more than this RP asked (a wallet that over-shares) is refused by the RP as well.
    const t = Date.now();
    const rp2 = createRelyingParty({ walletUrl: WALLET, trust: issuer.trust, statusLists: [issuer.status], origin: A, store: memoryNonceStore(), now: () => t });
    const made = rp2.request({ elements: ['family_name'], returnUrl: `${A}/x` });
    const over = await createPresentation({
      credential,
      disclose: ['family_name', 'birth_date'],
      deviceSigner: webCryptoSigner(device.privateKey),
      mode: { kind: 'web', origin: A, nonce: made.request.nonce },
    });
    const r2 = await rp2.receive(webAnswerUrl(`${A}/x`, { kind: 'response', bytes: over.bytes }).split('#')[1]!);
    expect(r2.kind === 'invalid' && r2.code).toBe('web/unrequested-elements');
  });

  it('an answer is never put in a query string, whatever the return URL', async () => {
    const { url } = await roundTrip();
    const u = new URL(url);
    expect(u.search).toBe('?case=new');
    expect(u.hash.startsWith(`#${WEB_RESPONSE_PARAM}=`)).toBe(true);
    const bytes = crypto.getRandomValues(new Uint8Array(64));
    fc.assert(
      fc.property(fc.webPath(), fc.webQueryParameters(), (path, query) => {
        const ret = `${A}/${path.replace(/^\//, '')}${query ? `?${query}` : ''}`;
        let before: URL;
        try {
          before = new URL(ret);
          if (before.hash) return true;
        } catch {
          return true;
        }
        const out = new URL(webAnswerUrl(ret, { kind: 'response', bytes }));
        return out.search === before.search && out.pathname === before.pathname && out.origin === A && !out.search.includes(WEB_RESPONSE_PARAM) && out.hash.length > 1;
      }),
      { numRuns: 300 },
    );
    // …and the wallet's delivery goes to the consent's origin only.
    const req: WebRequest = createWebRequest({ elements: ['family_name'], returnUrl: `${A}/r`, responseMode: 'post-message' });
    const consent = prepareConsent(fragmentOf(webRequestUrl(WALLET, req)), { referrer: `${A}/`, openerOrigin: A });
    const d = webDelivery(consent, { kind: 'error', code: 'declined' });
    expect(d).toEqual({ kind: 'post-message', targetOrigin: A, message: { type: 'eidkit-web-response', payload: 'eidkit-error=declined' } });
  });

  it('refusals come back as stable codes; an answer fragment is strictly parsed', async () => {
    const rp = createRelyingParty({ walletUrl: WALLET, trust: issuer.trust, origin: A, store: memoryNonceStore() });
    expect(await rp.receive('#eidkit-error=declined')).toEqual({ kind: 'refused', code: 'web/declined' });
    expect(code(() => parseWebAnswer('#eidkit-error=whatever'))).toBe('credential/bad-web-request');
    expect(code(() => parseWebAnswer('#eidkit-error=declined&eidkit-response=AA'))).toBe('credential/bad-web-request');
    expect(parseWebAnswer('#section-2')).toBeUndefined();
    const garbage = await rp.receive('#eidkit-response=AAAA');
    expect(garbage.kind === 'invalid' && garbage.report.checks[0]!.check).toBe('format.decode');
  });

  it('request and answer sizes (printed for the note)', async () => {
    const { made, url } = await roundTrip();
    const full = await roundTrip({ elements: ['family_name', 'given_name', 'document_number'] });
    console.info(
      `web sizes: request URL ${made.url.length} chars (fragment ${fragmentOf(made.url).length}); answer with face template ${url.length} chars ` +
        `(envelope ${(await roundTrip()).p.bytes.length} B); answer without template ${full.url.length} chars`,
    );
    expect(parseWebRequest(fragmentOf(made.url)).elements).toEqual(ASK);
  });
});
