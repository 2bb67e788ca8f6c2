/**
 * The conversation store: content-addressed message nodes (worker side only; workflows import
 * these as types).
 */
export { commonAncestor } from './common-ancestor';
export { MAX_BLOB_BYTES } from './conversation-store';
export type { AppendResult, ConversationStore } from './conversation-store';
export {
  BlobNotFoundError,
  BlobTooLargeError,
  CorruptBlobError,
  CorruptNodeError,
  InvalidBlobIdError,
  InvalidNodeError,
  InvalidNodeIdError,
  NodeNotFoundError,
  StoreClosedError,
  StoreMigrationError,
  StoreUnavailableError,
  StoreUrlError,
} from './errors';
export type { NodeNotFoundContext } from './errors';
export { FileConversationStore } from './file-store';
export type { FileConversationStoreOptions } from './file-store';
export type { StoreFileHandle, StoreFileSystem } from './file-system';
export { decodeNode, encodeChain, encodeNode } from './node-encoding';
export type { EncodedNode } from './node-encoding';
export { canonicalNodeJson, nodeId, sha256Hex } from './node-id';
export { isNodeId } from '../domain/session';
export { isMessageNode, messageNodeProblem } from './node-shape';
export { openConversationStore } from './open-store';
export type { OpenConversationStoreOptions } from './open-store';
export { BLOBS_TABLE, migratePostgresSchema, POSTGRES_MIGRATIONS } from './postgres-migrations';
export type { MigrationResult, PostgresMigration } from './postgres-migrations';
export { PostgresConversationStore } from './postgres-store';
export type { PostgresConversationStoreOptions } from './postgres-store';
export { isPostgresUrl, redactPostgresUrl } from './postgres-url';
