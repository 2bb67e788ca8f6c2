/**
 * An encrypted payload could not be decrypted with the key its metadata names: the ciphertext
 * was altered or truncated, or it was written with a different key under the same id. The
 * payload is never used.
 */
export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
  /** The key id recorded in the payload, when it has one. */
  readonly keyId: string | undefined;

  constructor(message: string, keyId?: string) {
    super(message);
    this.keyId = keyId;
  }
}

/** True when `error` is a {@link PayloadDecryptionError}. */
export function isPayloadDecryptionError(error: unknown): error is PayloadDecryptionError {
  return error instanceof PayloadDecryptionError;
}
