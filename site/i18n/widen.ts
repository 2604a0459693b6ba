/**
 * The English messages are the reference shape; every other language must provide the same keys (the compiler checks
 * it), with its own strings. Literal types are widened so a translation may say anything.
 */
export type Widen<T> = T extends string
  ? string
  : T extends (...args: infer A) => string
    ? (...args: A) => string
    : { readonly [K in keyof T]: Widen<T[K]> };
