/** A conversation store used after `close()`. */
export class StoreClosedError extends Error {
  override readonly name = 'StoreClosedError';

  constructor(store: string) {
    super(`The ${store} conversation store is closed. Open a new one with openConversationStore().`);
  }
}

/** True when `error` is a {@link StoreClosedError}. */
export function isStoreClosedError(error: unknown): error is StoreClosedError {
  return error instanceof StoreClosedError;
}
