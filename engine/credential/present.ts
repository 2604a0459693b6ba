/**
 * Holder side: build a presentation (an ISO 18013-5 DeviceResponse with only the chosen elements) signed by the device
 * key over the QR session transcript, wrapped in eidkit's versioned envelope:
 *   Envelope = [1, Handover, DeviceResponse]
 *   Handover = [1, t] (one-way, t in whole seconds) / [2, nonce] (two-way) / [3, nonce, origin] (web)
 * The web handover's origin is a label for clear diagnostics only: the verifier recomputes the transcript from the
 * origin it expects, so an answer relabelled for another origin still fails its device signature.
 */
import { EidkitError } from '../errors.ts';
import { encodeCbor, EmbeddedCbor, type CborValue } from './cbor.ts';
import { COSE_SHA256_64, CoseHeader, coseSign1ToCbor, signCoseSign1, verifyCoseSign1 } from './cose.ts';
import type { Signer } from './crypto.ts';
import { asSigner, sha256 } from './crypto.ts';
import { parseCredential, readX5chain } from './mdoc.ts';
import { deviceAuthenticationBytes, sessionTranscript, webMode, type Challenge, type PresentationMode } from './transcript.ts';

export const ENVELOPE_VERSION = 1;
export const MODE_ONE_WAY = 1;
export const MODE_TWO_WAY = 2;
export const MODE_WEB = 3;

export interface PresentOptions {
  /** The credential bytes from `issueCredential`. */
  readonly credential: Uint8Array;
  /** Element identifiers to reveal, or 'all'. Elements the credential lacks are skipped. */
  readonly disclose: readonly string[] | 'all';
  /** Signs with the holder's device key: a `Signer` returning r‖s (e.g. the wallet's `presentationSigner(id).sign`),
   * or the device's private CryptoKey itself (it may be non-extractable). */
  readonly deviceSigner: Signer | CryptoKey;
  /** one-way: bound to `at` (default now); two-way: bound to the verifier's scanned challenge; web: bound to the
   * relying party's origin (as the browser reported it, see engine/wallet/online.ts) and its request's nonce. */
  readonly mode:
    | { readonly kind: 'one-way'; readonly at?: Date }
    | { readonly kind: 'two-way'; readonly challenge: Challenge }
    | { readonly kind: 'web'; readonly origin: string; readonly nonce: Uint8Array };
  /** Embed the DS certificate instead of referencing it by thumbprint (needed when the verifier's trust list only
   * holds the IACA root). Costs ~500 bytes of QR. */
  readonly embedCertificate?: boolean;
}

export interface Presentation {
  /** The envelope (CBOR); `presentationToQr` turns it into QR text. */
  readonly bytes: Uint8Array;
  /** What was revealed, for the wallet's audit log. */
  readonly disclosed: readonly string[];
  readonly mode: PresentationMode;
}

/** x5t = [-15 (SHA-256/64), first 8 bytes of SHA-256(cert)] (RFC 9360). */
export async function certificateThumbprint(der: Uint8Array): Promise<Uint8Array> {
  return (await sha256(der)).slice(0, 8);
}

const MODE_HELP = "mode: { kind: 'one-way' }, { kind: 'two-way', challenge } (from challengeFromQr) or { kind: 'web', origin, nonce }";

function bad(message: string): never {
  throw new EidkitError('credential/bad-input', message);
}

/** The caller's options, checked before any work, each fault named with what was expected. */
function checkPresentOptions(opts: PresentOptions): Signer {
  if (typeof opts !== 'object' || opts === null) bad('createPresentation needs { credential, disclose, deviceSigner, mode }.');
  if (!(opts.credential instanceof Uint8Array)) bad('createPresentation needs credential: the credential bytes from issueCredential (a Uint8Array).');
  const d = opts.disclose as unknown;
  if (d !== 'all' && !(Array.isArray(d) && d.every((x) => typeof x === 'string'))) {
    bad("createPresentation needs disclose: a list of element identifiers (e.g. DISCLOSURE_PRESETS.default) or 'all'.");
  }
  const mode = opts.mode as PresentOptions['mode'] | undefined;
  if (typeof mode !== 'object' || mode === null) bad(`createPresentation needs ${MODE_HELP}.`);
  if (mode.kind === 'one-way') {
    if (mode.at !== undefined && !(mode.at instanceof Date && Number.isFinite(mode.at.getTime()))) bad('mode.at must be a valid Date.');
  } else if (mode.kind === 'two-way') {
    if (typeof mode.challenge !== 'object' || mode.challenge === null || !(mode.challenge.nonce instanceof Uint8Array)) {
      bad('A two-way presentation needs mode.challenge: the verifier\'s challenge, read with challengeFromQr(text).');
    }
  } else if (mode.kind === 'web') {
    if (typeof mode.origin !== 'string' || !(mode.nonce instanceof Uint8Array)) bad('A web presentation needs mode.origin (text) and mode.nonce (bytes).');
  } else {
    bad(`Unknown presentation mode ${JSON.stringify(String((mode as { kind?: unknown }).kind))}: ${MODE_HELP}.`);
  }
  return asSigner(opts.deviceSigner, 'deviceSigner');
}

export async function createPresentation(opts: PresentOptions): Promise<Presentation> {
  const deviceSigner = checkPresentOptions(opts);
  const cred = parseCredential(opts.credential);
  const wanted = opts.disclose === 'all' ? undefined : new Set(opts.disclose);
  const nameSpaces = new Map<string, EmbeddedCbor[]>();
  const disclosed: string[] = [];
  for (const [ns, items] of cred.nameSpaces) {
    const chosen = items.filter((it) => !wanted || wanted.has(it.elementIdentifier));
    if (chosen.length === 0) continue;
    nameSpaces.set(ns, chosen.map((it) => it.bytes));
    disclosed.push(...chosen.map((it) => it.elementIdentifier));
  }
  if (disclosed.length === 0) {
    throw new EidkitError('credential/nothing-to-disclose', 'None of the chosen elements is in this credential.');
  }

  const mode: PresentationMode =
    opts.mode.kind === 'one-way'
      ? { kind: 'one-way', time: Math.floor((opts.mode.at ?? new Date()).getTime() / 1000) }
      : opts.mode.kind === 'web'
        ? await webMode(opts.mode.origin, opts.mode.nonce)
        : { kind: 'two-way', nonce: opts.mode.challenge.nonce, readerKey: opts.mode.challenge.readerKey };
  const deviceNameSpaces = EmbeddedCbor.of(new Map());
  const toSign = deviceAuthenticationBytes(sessionTranscript(mode), cred.docType, deviceNameSpaces);
  const deviceSignature = await signCoseSign1({ detached: toSign, signer: deviceSigner });
  // Catch a wallet presenting with the wrong key (e.g. a restored backup that was never re-bound) here, with a clear
  // message, rather than as a failed check on the verifier's phone.
  const self = await verifyCoseSign1(deviceSignature, cred.mso.deviceKey, toSign);
  if (!self.ok) {
    throw new EidkitError(
      'credential/wrong-device-key',
      'This credential is bound to another device key; it must be re-issued for this device before it can be shown.',
    );
  }

  const unprotected = new Map<number, CborValue>(cred.issuerAuth.unprotected as Map<number, CborValue>);
  const chain = readX5chain(unprotected.get(CoseHeader.x5chain));
  if (!opts.embedCertificate && chain) {
    unprotected.delete(CoseHeader.x5chain);
    unprotected.set(CoseHeader.x5t, [COSE_SHA256_64, await certificateThumbprint(chain[0]!)]);
  }
  const issuerAuth = coseSign1ToCbor({ ...cred.issuerAuth, unprotected });
  const deviceResponse = {
    version: '1.0',
    documents: [
      {
        docType: cred.docType,
        issuerSigned: { nameSpaces, issuerAuth },
        deviceSigned: { nameSpaces: deviceNameSpaces, deviceAuth: { deviceSignature: coseSign1ToCbor(deviceSignature) } },
      },
    ],
    status: 0,
  };
  const handover =
    mode.kind === 'one-way' ? [MODE_ONE_WAY, mode.time] : mode.kind === 'web' ? [MODE_WEB, mode.nonce, mode.origin] : [MODE_TWO_WAY, mode.nonce];
  return { bytes: encodeCbor([ENVELOPE_VERSION, handover, deviceResponse]), disclosed, mode };
}
