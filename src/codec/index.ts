/**
 * Payload encryption: the AES-256-GCM codec, the data converter built from the environment, and
 * the codec server the Temporal UI calls to show encrypted payloads (worker and client side only).
 */
export {
  bearerMatches,
  checkCodecAccess,
  CODEC_AUTH_TOKEN_VARIABLE,
  isLoopbackHost,
  MIN_CODEC_TOKEN_LENGTH,
} from './codec-auth';
export { DEFAULT_CODEC_PORT, DEFAULT_UI_ORIGIN, startCodecServer } from './codec-server';
export type { CodecServer, CodecServerOptions } from './codec-server';
export { createDataConverter } from './data-converter';
export {
  CodecAuthConfigError,
  CodecRequestError,
  EncryptionKeyError,
  PayloadDecryptionError,
  UnknownEncryptionKeyError,
} from './errors';
export { ENCRYPTED_ENCODING, ENCRYPTION_KEY_ID_METADATA, EncryptionCodec } from './encryption-codec';
export {
  deriveKeyId,
  ENCRYPTION_KEY_ID_VARIABLE,
  ENCRYPTION_KEY_VARIABLE,
  generateEncryptionKey,
  loadEncryptionKeyring,
  OLD_ENCRYPTION_KEYS_VARIABLE,
  parseEncryptionKey,
} from './encryption-keys';
export type { EncryptionKey, EncryptionKeyring } from './encryption-keys';
export { payloadsFromJson, payloadsToJson } from './payloads-json';
export type { JsonPayload, JsonPayloads } from './payloads-json';
