import { BatonError } from '../domain/errors';

/**
 * The encryption key configuration (`BATON_ENCRYPTION_KEY`, `BATON_ENCRYPTION_KEY_ID`,
 * `BATON_ENCRYPTION_KEYS_OLD`) is malformed. The message names the variable and the expected
 * format, and never repeats the key.
 */
export class EncryptionKeyError extends BatonError {
  /** The environment variable that is wrong. */
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(message);
    this.variable = variable;
  }
}

/**
 * A payload was encrypted with a key id that this process has no key for: it runs with a
 * different `BATON_ENCRYPTION_KEY`, or the key that wrote the payload was rotated out without
 * being kept in `BATON_ENCRYPTION_KEYS_OLD`.
 */
export class UnknownEncryptionKeyError extends BatonError {
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

/**
 * An encrypted payload could not be decrypted with the key its metadata names: the ciphertext
 * was altered or truncated, or it was written with a different key under the same id. The
 * payload is never used.
 */
export class PayloadDecryptionError extends BatonError {
  /** The key id recorded in the payload, when it has one. */
  readonly keyId: string | undefined;

  constructor(message: string, keyId?: string) {
    super(message);
    this.keyId = keyId;
  }
}

/**
 * A request the codec server refuses: not a valid `{ payloads: [...] }` body (the Payloads
 * protobuf as JSON, bytes in base64), or too large. Answered with `status` and this message.
 */
export class CodecRequestError extends BatonError {
  constructor(
    message: string,
    /** The HTTP status the codec server answers with. */
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * The codec server's access settings are unsafe or malformed: listening beyond loopback without a
 * bearer token, or a token too short to resist guessing. The message says what to set; it never
 * repeats the token.
 */
export class CodecAuthConfigError extends BatonError {}
