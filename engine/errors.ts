/**
 * Every error the engine raises on purpose is an EidkitError with a stable `code`.
 * UIs and integrators switch on `code` (never on `message`, which is for people and may change).
 * Codes are namespaced by module: `face/no-face`, `credential/bad-cbor`, `wallet/wrong-pin`, `runtime/model-hash` ...
 */
export class EidkitError extends Error {
  override readonly name = 'EidkitError';
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: string, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
  }
}

export function isEidkitError(e: unknown, code?: string): e is EidkitError {
  return e instanceof EidkitError && (code === undefined || e.code === code);
}
