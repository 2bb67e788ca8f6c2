/**
 * The data converter baton's clients and workers share. It is a function of the environment so
 * that every process configured with the same keys reads what the others wrote.
 */
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './encryption-codec';

/**
 * `{ payloadCodecs: [EncryptionCodec] }` when `BATON_ENCRYPTION_KEY` is set, `undefined`
 * otherwise (Temporal's default converter, unencrypted). Pass the result to
 * `BatonClient.connect({ dataConverter })` and `createBatonWorker({ dataConverter })`; both
 * already call this with their environment when not given one.
 *
 * @throws EncryptionKeyError when the key variables are malformed (see `loadEncryptionKeyring`).
 * @example
 * const dataConverter = createDataConverter(process.env);
 * const client = new Client({ connection, ...(dataConverter ? { dataConverter } : {}) });
 */
export function createDataConverter(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const codec = EncryptionCodec.fromEnv(env);
  return codec === undefined ? undefined : { payloadCodecs: [codec] };
}
