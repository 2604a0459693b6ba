/** Minimal strength rules for the wallet PIN and the backup passphrase (checked before any key is derived). */
import { normaliseSecret } from './crypto.ts';
import { walletError } from './errors.ts';

export const MIN_PIN_LENGTH = 6;
export const MIN_PASSPHRASE_LENGTH = 10;

function isRun(s: string): boolean {
  if (!/^\d+$/.test(s)) return false;
  let up = true;
  let down = true;
  for (let i = 1; i < s.length; i++) {
    const d = s.charCodeAt(i) - s.charCodeAt(i - 1);
    if (d !== 1) up = false;
    if (d !== -1) down = false;
  }
  return up || down;
}

/**
 * A 6-digit PIN is only as strong as the gate in front of it (see the threat model): the rule here just refuses
 * the handful of PINs every attacker tries first.
 */
export function checkPin(pin: unknown): string {
  if (typeof pin !== 'string') throw walletError('wallet/weak-pin', 'The PIN must be text.');
  const p = normaliseSecret(pin);
  if ([...p].length < MIN_PIN_LENGTH) {
    throw walletError('wallet/weak-pin', `The PIN must have at least ${MIN_PIN_LENGTH} characters.`, { minLength: MIN_PIN_LENGTH });
  }
  if (new Set(p).size === 1 || isRun(p)) {
    throw walletError('wallet/weak-pin', 'That PIN is too easy to guess (repeated or consecutive digits).');
  }
  return p;
}

/**
 * A backup file may end up anywhere (cloud drive, chat), where an attacker can guess offline at PBKDF2 speed with
 * no gate and no wipe, so its passphrase must be longer than a PIN.
 */
export function checkPassphrase(passphrase: unknown): string {
  if (typeof passphrase !== 'string') throw walletError('wallet/weak-passphrase', 'The passphrase must be text.');
  const p = normaliseSecret(passphrase);
  if ([...p].length < MIN_PASSPHRASE_LENGTH || new Set(p).size < 4) {
    throw walletError(
      'wallet/weak-passphrase',
      `The backup passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters and not repeat one or two characters.`,
      { minLength: MIN_PASSPHRASE_LENGTH },
    );
  }
  return p;
}
