/**
 * The keys a process encrypts and decrypts payloads with, read from the environment. One current
 * key encrypts; it and any number of old keys decrypt, each found by the id stored in the
 * payload, so keys can be rotated without losing access to existing histories.
 */
import { createHash, randomBytes } from 'node:crypto';
import { EncryptionKeyError } from './errors';

/** The current key: base64 or hex of 32 random bytes. */
export const ENCRYPTION_KEY_VARIABLE = 'BATON_ENCRYPTION_KEY';
/** Optional id of the current key; default: the first 8 hex digits of the key's SHA-256. */
export const ENCRYPTION_KEY_ID_VARIABLE = 'BATON_ENCRYPTION_KEY_ID';
/** Earlier keys, comma-separated, each `key` or `id:key`; used only to decrypt. */
export const OLD_ENCRYPTION_KEYS_VARIABLE = 'BATON_ENCRYPTION_KEYS_OLD';

/** AES-256 takes a 32-byte key. */
const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

const FORMAT =
  'a 32-byte key written as 64 hex characters or as base64 (44 characters; generate one with `openssl rand -base64 32`)';

/** A key and the id that payloads encrypted with it carry. */
export interface EncryptionKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

/** The keys of one process. */
export interface EncryptionKeyring {
  /** Encrypts new payloads. */
  current: EncryptionKey;
  /** Every key that may decrypt, by id (the current one included). */
  keys: ReadonlyMap<string, Buffer>;
}

/**
 * The default id of a key: the first 8 hex digits of its SHA-256. It identifies the key without
 * revealing anything useful about it (32 bits of a hash of 256 random bits).
 */
export function deriveKeyId(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** A new random key in the format `BATON_ENCRYPTION_KEY` takes (base64). */
export function generateEncryptionKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/**
 * Decodes a key written as 64 hex characters or as base64 (standard or URL-safe, padded or not).
 *
 * @param variable the environment variable it came from, for the error message.
 * @throws EncryptionKeyError naming `variable` and the expected format; the value is never shown.
 */
export function parseEncryptionKey(text: string, variable: string): Buffer {
  const value = text.trim();
  if (HEX_KEY.test(value)) return Buffer.from(value, 'hex');
  if (BASE64.test(value)) {
    const standard = value.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
    const bytes = Buffer.from(standard, 'base64');
    // Buffer's base64 decoder skips what it cannot read; a round trip proves every character counted.
    const canonical = bytes.toString('base64').replace(/=+$/, '') === standard;
    if (canonical && bytes.length === KEY_BYTES) return bytes;
    if (canonical) {
      throw new EncryptionKeyError(
        variable,
        `${variable} must be ${FORMAT}; the value set is base64 of ${bytes.length} bytes, not ${KEY_BYTES}.`,
      );
    }
  }
  throw new EncryptionKeyError(
    variable,
    `${variable} must be ${FORMAT}; the value set (${value.length} characters) is neither.`,
  );
}

function checkedKeyId(id: string, variable: string): string {
  if (!KEY_ID.test(id)) {
    throw new EncryptionKeyError(
      variable,
      `${variable} has the key id ${JSON.stringify(id.slice(0, 80))}: a key id is 1 to 64 letters, digits, '.', '_' or '-'.`,
    );
  }
  return id;
}

/**
 * Reads the keyring from the environment: `BATON_ENCRYPTION_KEY` (required for encryption),
 * `BATON_ENCRYPTION_KEY_ID` and `BATON_ENCRYPTION_KEYS_OLD` (optional). Returns `undefined` when
 * no key is configured at all, which means "do not encrypt".
 *
 * @throws EncryptionKeyError for a malformed key or id, for old keys or a key id without a current
 *   key, and for two different keys under one id.
 * @example
 * // BATON_ENCRYPTION_KEY=<new key>, BATON_ENCRYPTION_KEYS_OLD=<previous key>
 * const keyring = loadEncryptionKeyring(process.env); // encrypts with the new key, decrypts both
 */
export function loadEncryptionKeyring(env: NodeJS.ProcessEnv = process.env): EncryptionKeyring | undefined {
  const currentText = env[ENCRYPTION_KEY_VARIABLE]?.trim() ?? '';
  const idText = env[ENCRYPTION_KEY_ID_VARIABLE]?.trim() ?? '';
  const oldText = env[OLD_ENCRYPTION_KEYS_VARIABLE]?.trim() ?? '';
  if (currentText === '') {
    for (const [variable, text] of [
      [ENCRYPTION_KEY_ID_VARIABLE, idText],
      [OLD_ENCRYPTION_KEYS_VARIABLE, oldText],
    ] as const) {
      if (text !== '') {
        throw new EncryptionKeyError(
          ENCRYPTION_KEY_VARIABLE,
          `${variable} is set but ${ENCRYPTION_KEY_VARIABLE} is not: set ${ENCRYPTION_KEY_VARIABLE} to the current key (${FORMAT}), or unset ${variable}.`,
        );
      }
    }
    return undefined;
  }
  const key = parseEncryptionKey(currentText, ENCRYPTION_KEY_VARIABLE);
  const current: EncryptionKey = {
    id: idText === '' ? deriveKeyId(key) : checkedKeyId(idText, ENCRYPTION_KEY_ID_VARIABLE),
    key,
  };
  const keys = new Map<string, Buffer>([[current.id, key]]);
  const entries = oldText === '' ? [] : oldText.split(',').map((e) => e.trim());
  for (const [i, entry] of entries.entries()) {
    if (entry === '') continue;
    const where = `${OLD_ENCRYPTION_KEYS_VARIABLE} (entry ${i + 1})`;
    // Neither hex nor base64 uses ':', so `id:key` cannot be mistaken for a key.
    const colon = entry.indexOf(':');
    const oldKey = parseEncryptionKey(colon < 0 ? entry : entry.slice(colon + 1), where);
    const id = colon < 0 ? deriveKeyId(oldKey) : checkedKeyId(entry.slice(0, colon), where);
    const existing = keys.get(id);
    if (existing !== undefined && !existing.equals(oldKey)) {
      throw new EncryptionKeyError(
        OLD_ENCRYPTION_KEYS_VARIABLE,
        `${where} uses the key id ${id} for a different key than another entry: every key needs its own id.`,
      );
    }
    keys.set(id, oldKey);
  }
  return { current, keys };
}
