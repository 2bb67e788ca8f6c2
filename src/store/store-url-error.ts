/** A conversation store URL that this build cannot open (unknown scheme, unsupported backend, bad path). */
export class StoreUrlError extends Error {
  override readonly name = 'StoreUrlError';

  constructor(message: string) {
    super(message);
  }
}

/** True when `error` is a {@link StoreUrlError}. */
export function isStoreUrlError(error: unknown): error is StoreUrlError {
  return error instanceof StoreUrlError;
}
