/**
 * Optional unlock with a passkey through the WebAuthn PRF extension: the platform authenticator (fingerprint, face
 * unlock, screen lock) evaluates an HMAC under a secret that never leaves it, and the 32-byte output wraps the
 * wallet's data key. Unlike the PIN, that secret cannot be brute-forced from a copy of the browser profile.
 *
 * Feature detection first (PublicKeyCredential.getClientCapabilities()['extension:prf']); even where the browser
 * supports PRF, the chosen authenticator may not, which only registration reveals (`prf.enabled`). The PIN always
 * stays as the fallback: losing the passkey never locks the citizen out.
 *
 * Biometrics stay inside the authenticator: the wallet sees only the PRF bytes, never a fingerprint or a face.
 */
import { bufferSource, randomBytes } from './bytes.ts';
import { walletError } from './errors.ts';

export type PasskeySupport = 'available' | 'unavailable' | 'unknown';

export async function passkeyPrfSupport(): Promise<PasskeySupport> {
  if (typeof PublicKeyCredential === 'undefined' || typeof navigator === 'undefined' || !navigator.credentials) {
    return 'unavailable';
  }
  const getCaps = (PublicKeyCredential as { getClientCapabilities?: () => Promise<Record<string, boolean>> })
    .getClientCapabilities;
  if (typeof getCaps !== 'function') return 'unknown';
  try {
    const caps = await getCaps.call(PublicKeyCredential);
    if ('extension:prf' in caps) return caps['extension:prf'] ? 'available' : 'unavailable';
  } catch {
    // fall through: capability query itself unsupported
  }
  return 'unknown';
}

export interface PasskeyRegistration {
  readonly credentialId: Uint8Array;
  readonly rpId: string | null;
}

export interface CeremonyOptions {
  /**
   * How long the browser waits for the authenticator (WebAuthn `timeout`). Default 60 s. Without a usable
   * authenticator (passkey deleted, security key unplugged) browsers wait this long before failing.
   */
  readonly timeoutMs?: number;
  /** Abort from the UI, e.g. a "use PIN instead" button. */
  readonly signal?: AbortSignal;
}

export interface RegisterOptions extends CeremonyOptions {
  /** Relying party id; defaults to the page's host. */
  readonly rpId?: string;
  readonly rpName?: string;
  readonly userName?: string;
}

export const DEFAULT_PASSKEY_TIMEOUT_MS = 60_000;

function failed(e: unknown, what: string): never {
  const name = e instanceof DOMException ? e.name : 'Error';
  throw walletError('wallet/passkey-failed', `The passkey ${what} did not complete (${name}). Use your PIN instead.`, { name }, e);
}

export async function registerPrfPasskey(salt: Uint8Array, opts: RegisterOptions = {}): Promise<{
  registration: PasskeyRegistration;
  output: Uint8Array;
}> {
  if ((await passkeyPrfSupport()) === 'unavailable') {
    throw walletError('wallet/passkey-unavailable', 'This browser cannot unlock the wallet with a passkey. Keep using your PIN.');
  }
  let cred: PublicKeyCredential;
  try {
    const created = await navigator.credentials.create({
      ...(opts.signal ? { signal: opts.signal } : {}),
      publicKey: {
        timeout: opts.timeoutMs ?? DEFAULT_PASSKEY_TIMEOUT_MS,
        rp: { name: opts.rpName ?? 'eidkit wallet', ...(opts.rpId ? { id: opts.rpId } : {}) },
        user: { id: randomBytes(16), name: opts.userName ?? 'eidkit wallet', displayName: opts.userName ?? 'eidkit wallet' },
        challenge: randomBytes(32), // no server: nothing verifies the attestation, the PRF output is what we use
        pubKeyCredParams: [
          { type: 'public-key', alg: -7 },
          { type: 'public-key', alg: -257 },
        ],
        authenticatorSelection: { userVerification: 'required', residentKey: 'preferred' },
        attestation: 'none',
        extensions: { prf: { eval: { first: bufferSource(salt) } } },
      },
    });
    if (!(created instanceof PublicKeyCredential)) throw new DOMException('no credential', 'NotAllowedError');
    cred = created;
  } catch (e) {
    failed(e, 'registration');
  }
  const ext = cred.getClientExtensionResults().prf;
  if (!ext?.enabled) {
    throw walletError('wallet/passkey-unavailable', 'This authenticator does not support the PRF extension. Keep using your PIN.');
  }
  const registration: PasskeyRegistration = { credentialId: new Uint8Array(cred.rawId), rpId: opts.rpId ?? null };
  // Some authenticators already answer the PRF at creation; the others need one assertion.
  const first = ext.results?.first;
  const output = first ? toBytes(first) : await evaluatePrf(registration, salt, opts);
  return { registration, output };
}

export async function evaluatePrf(
  reg: PasskeyRegistration,
  salt: Uint8Array,
  opts: CeremonyOptions = {},
): Promise<Uint8Array> {
  let cred: PublicKeyCredential;
  try {
    const got = await navigator.credentials.get({
      ...(opts.signal ? { signal: opts.signal } : {}),
      publicKey: {
        timeout: opts.timeoutMs ?? DEFAULT_PASSKEY_TIMEOUT_MS,
        challenge: randomBytes(32),
        ...(reg.rpId ? { rpId: reg.rpId } : {}),
        allowCredentials: [{ type: 'public-key', id: bufferSource(reg.credentialId) }],
        userVerification: 'required',
        extensions: { prf: { eval: { first: bufferSource(salt) } } },
      },
    });
    if (!(got instanceof PublicKeyCredential)) throw new DOMException('no credential', 'NotAllowedError');
    cred = got;
  } catch (e) {
    failed(e, 'check');
  }
  const first = cred.getClientExtensionResults().prf?.results?.first;
  if (!first) {
    throw walletError('wallet/passkey-unavailable', 'The passkey did not return a PRF result. Use your PIN instead.');
  }
  return toBytes(first);
}

function toBytes(b: BufferSource): Uint8Array {
  return b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength).slice();
}
