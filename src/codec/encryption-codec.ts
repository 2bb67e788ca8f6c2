/**
 * A Temporal payload codec that encrypts every payload with AES-256-GCM, so conversation content
 * (messages, replies, summaries, workflow details) is ciphertext in Temporal's history and
 * database. Only processes that hold the key (workers, clients, the codec server) see plaintext.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { METADATA_ENCODING_KEY } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { EncryptionKey, EncryptionKeyring } from './encryption-keys';
import { loadEncryptionKeyring } from './encryption-keys';
import { PayloadDecryptionError, UnknownEncryptionKeyError } from './errors';

/** The `encoding` of an encrypted payload, as Temporal's samples and tools name it. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata key that names the key a payload was encrypted with. */
export const ENCRYPTION_KEY_ID_METADATA = 'encryption-key-id';

const CIPHER = 'aes-256-gcm';

function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}
/** GCM's standard nonce size; a fresh random nonce per payload. */
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Additional authenticated data: binds the ciphertext to the key id in its metadata, so a
 * payload whose id was edited fails authentication instead of being tried with another key.
 */
function associatedData(keyId: string): Buffer {
  return Buffer.from(`baton/encryption/v1:${keyId}`, 'utf8');
}

/**
 * AES-256-GCM payload codec with key rotation.
 *
 * - `encode` serializes the whole payload (metadata and data) as protobuf and encrypts it with
 *   the current key. The result has only two metadata entries: `encoding: binary/encrypted` and
 *   `encryption-key-id`; its data is `nonce (12 bytes) ‖ ciphertext ‖ GCM tag (16 bytes)`.
 * - `decode` picks the key named by the payload's key id from the keyring (current or old), checks
 *   the tag and restores the original payload. Payloads that are not encrypted pass through
 *   unchanged, so histories written before encryption was turned on stay readable.
 *
 * @example
 * const codec = EncryptionCodec.fromEnv(process.env); // undefined when BATON_ENCRYPTION_KEY is unset
 * const client = new Client({ connection, dataConverter: { payloadCodecs: [codec] } });
 */
export class EncryptionCodec implements PayloadCodec {
  /** The key that encrypts. */
  readonly current: EncryptionKey;
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(keyring: EncryptionKeyring) {
    this.current = keyring.current;
    this.keys = keyring.keys;
  }

  /**
   * The codec for the keys in the environment, or `undefined` when `BATON_ENCRYPTION_KEY` is not
   * set.
   *
   * @throws EncryptionKeyError when the key configuration is malformed.
   */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): EncryptionCodec | undefined {
    const keyring = loadEncryptionKeyring(env);
    return keyring === undefined ? undefined : new EncryptionCodec(keyring);
  }

  /** Ids of every key this codec can decrypt with. */
  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  /** Encrypts each payload with the current key. */
  encode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve(payloads.map((p) => this.encryptOne(p)));
  }

  /**
   * Decrypts each encrypted payload; others are returned unchanged.
   *
   * @throws UnknownEncryptionKeyError when a payload names a key this process does not have.
   * @throws PayloadDecryptionError when a payload fails authentication (altered, truncated, or
   *   another key under the same id) or has no key id.
   */
  decode(payloads: Payload[]): Promise<Payload[]> {
    try {
      return Promise.resolve(payloads.map((p) => this.decryptOne(p)));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private encryptOne(payload: Payload): Payload {
    const { id, key } = this.current;
    const plaintext = temporal.api.common.v1.Payload.encode(payload).finish();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(id));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING, 'utf8'),
        [ENCRYPTION_KEY_ID_METADATA]: Buffer.from(id, 'utf8'),
      },
      data: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]),
    };
  }

  private decryptOne(payload: Payload): Payload {
    const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
    if (encoding === undefined || encoding === null || utf8(encoding) !== ENCRYPTED_ENCODING) {
      return payload;
    }
    const idBytes = payload.metadata?.[ENCRYPTION_KEY_ID_METADATA];
    if (idBytes === undefined || idBytes === null || idBytes.length === 0) {
      throw new PayloadDecryptionError(
        `An encrypted payload has no ${ENCRYPTION_KEY_ID_METADATA} metadata, so no key can be chosen to decrypt it. ` +
          'It was not written by baton, or its metadata was altered.',
      );
    }
    const keyId = utf8(idBytes);
    const key = this.keys.get(keyId);
    if (key === undefined) throw new UnknownEncryptionKeyError(keyId, this.keyIds);
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) {
      throw new PayloadDecryptionError(
        `A payload encrypted with key ${keyId} is ${data.length} bytes long, too short to hold a nonce and a tag: it was truncated.`,
        keyId,
      );
    }
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const decipher = createDecipheriv(CIPHER, key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(keyId));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new PayloadDecryptionError(
        `A payload encrypted with key ${keyId} failed authentication and was not used: its bytes were altered, ` +
          `or it was encrypted with a different key that has the same id (check ${keyId === this.current.id ? 'BATON_ENCRYPTION_KEY' : 'BATON_ENCRYPTION_KEYS_OLD'}).`,
        keyId,
      );
    }
    // The whole original payload, including any field this SDK version does not know by name.
    return temporal.api.common.v1.Payload.decode(plaintext);
  }
}
