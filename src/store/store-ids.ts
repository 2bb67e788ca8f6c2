/**
 * The id checks both backends make before any I/O: an id is 64 lowercase hex characters, so
 * caller-supplied text never reaches a file path or a query as anything else.
 */
import { isNodeId } from '../domain/session';
import { MAX_BLOB_BYTES } from './conversation-store';
import { BlobTooLargeError, InvalidBlobIdError, InvalidNodeIdError } from './errors';
import { sha256Hex } from './node-id';

/**
 * `id`, when it is a well-formed node id.
 * @throws InvalidNodeIdError otherwise.
 */
export function checkedNodeId(id: string): string {
  if (!isNodeId(id)) throw new InvalidNodeIdError(id);
  return id;
}

/**
 * `id`, when it is a well-formed blob id.
 * @throws InvalidBlobIdError otherwise.
 */
export function checkedBlobId(id: string): string {
  if (!isNodeId(id)) throw new InvalidBlobIdError(id);
  return id;
}

/**
 * The id a blob is stored under: the SHA-256 of its bytes.
 * @throws BlobTooLargeError above MAX_BLOB_BYTES.
 */
export function blobIdOf(bytes: Uint8Array): string {
  if (bytes.byteLength > MAX_BLOB_BYTES) throw new BlobTooLargeError(bytes.byteLength, MAX_BLOB_BYTES);
  return sha256Hex(bytes);
}

/**
 * The error for `append(null, [])`: no messages and no head leave nothing to return.
 */
export function emptyRootAppendError(): RangeError {
  return new RangeError('append(null, []) has no head to return: pass at least one message');
}
