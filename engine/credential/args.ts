/** Argument checks for the credential API's entry points: each names the argument and what it should be. */
import { EidkitError } from '../errors.ts';

export function badInput(message: string): never {
  throw new EidkitError('credential/bad-input', message);
}

export function needBytes(v: unknown, what: string): asserts v is Uint8Array {
  if (!(v instanceof Uint8Array)) badInput(`${what} must be bytes (a Uint8Array), not ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}.`);
}

export function needDate(v: unknown, what: string): asserts v is Date {
  if (!(v instanceof Date) || !Number.isFinite(v.getTime())) badInput(`${what} must be a valid Date.`);
}

export function needObject<T>(v: T, message: string): asserts v is T & object {
  if (typeof v !== 'object' || v === null) badInput(message);
}
