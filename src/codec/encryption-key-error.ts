/**
 * The encryption key configuration (`BATON_ENCRYPTION_KEY`, `BATON_ENCRYPTION_KEY_ID`,
 * `BATON_ENCRYPTION_KEYS_OLD`) is malformed. The message names the variable and the expected
 * format, and never repeats the key.
 */
export class EncryptionKeyError extends Error {
  override readonly name = 'EncryptionKeyError';
  /** The environment variable that is wrong. */
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(message);
    this.variable = variable;
  }
}

/** True when `error` is an {@link EncryptionKeyError}. */
export function isEncryptionKeyError(error: unknown): error is EncryptionKeyError {
  return error instanceof EncryptionKeyError;
}
