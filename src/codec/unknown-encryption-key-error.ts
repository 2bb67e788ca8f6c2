/**
 * A payload was encrypted with a key id that this process has no key for: it runs with a
 * different `BATON_ENCRYPTION_KEY`, or the key that wrote the payload was rotated out without
 * being kept in `BATON_ENCRYPTION_KEYS_OLD`.
 */
export class UnknownEncryptionKeyError extends Error {
  override readonly name = 'UnknownEncryptionKeyError';
  /** The key id recorded in the payload's metadata. */
  readonly keyId: string;
  /** The key ids this process does have. */
  readonly knownKeyIds: readonly string[];

  constructor(keyId: string, knownKeyIds: readonly string[]) {
    super(
      `payload was encrypted with key ${keyId}, which this process does not have ` +
        `(it has ${knownKeyIds.length === 0 ? 'no keys' : `key${knownKeyIds.length > 1 ? 's' : ''} ${knownKeyIds.join(', ')}`}). ` +
        `Set BATON_ENCRYPTION_KEY to the key with id ${keyId}, or add it to BATON_ENCRYPTION_KEYS_OLD if it was rotated out.`,
    );
    this.keyId = keyId;
    this.knownKeyIds = knownKeyIds;
  }
}

/** True when `error` is an {@link UnknownEncryptionKeyError}. */
export function isUnknownEncryptionKeyError(error: unknown): error is UnknownEncryptionKeyError {
  return error instanceof UnknownEncryptionKeyError;
}
