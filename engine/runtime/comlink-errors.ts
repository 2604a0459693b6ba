import * as Comlink from 'comlink';
import { EidkitError } from '../errors.ts';

interface SerialisedError {
  readonly message: string;
  readonly name: string;
  readonly stack?: string | undefined;
  readonly code?: string | undefined;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Comlink's default 'throw' handler turns every error into a bare Error, losing EidkitError's stable `code`. This one
 * keeps code and details, so a UI on the main thread can switch on `face/no-face` thrown inside the worker.
 * Call it on both sides (the worker entry and the client) before the first call.
 */
export function installErrorTransfer(): void {
  const fallback = Comlink.transferHandlers.get('throw');
  Comlink.transferHandlers.set('throw', {
    canHandle: (value: unknown): value is { value: unknown } => fallback!.canHandle(value),
    serialize(thrown: unknown): [unknown, Transferable[]] {
      const value = (thrown as { value: unknown }).value;
      const e: SerialisedError =
        value instanceof EidkitError
          ? { message: value.message, name: value.name, stack: value.stack, code: value.code, details: value.details }
          : value instanceof Error
            ? { message: value.message, name: value.name, stack: value.stack }
            : { message: String(value), name: 'Error' };
      return [e, []];
    },
    deserialize(serialised: unknown): never {
      const e = serialised as SerialisedError;
      if (e.code !== undefined) throw new EidkitError(e.code, e.message, e.details ? { ...e.details } : undefined);
      throw Object.assign(new Error(e.message), { name: e.name, stack: e.stack });
    },
  } as Comlink.TransferHandler<unknown, unknown>);
}
