/**
 * The conversation store: content-addressed message nodes (worker side only; workflows import
 * these as types).
 */
export { commonAncestor } from './common-ancestor';
export type { AppendResult, ConversationStore } from './conversation-store';
export { CorruptNodeError, isCorruptNodeError } from './corrupt-node-error';
export { FileConversationStore } from './file-store';
export type { FileConversationStoreOptions, StoreFileHandle, StoreFileSystem } from './file-store';
export { InvalidNodeError, isInvalidNodeError } from './invalid-node-error';
export { InvalidNodeIdError, isInvalidNodeIdError } from './invalid-node-id-error';
export { decodeNode, encodeChain, encodeNode } from './node-encoding';
export type { EncodedNode } from './node-encoding';
export { canonicalNodeJson, isNodeId, nodeId, sha256Hex } from './node-id';
export { isNodeNotFoundError, NodeNotFoundError } from './node-not-found-error';
export type { NodeNotFoundContext } from './node-not-found-error';
export { isMessageNode, messageNodeProblem } from './node-shape';
export { openConversationStore } from './open-store';
export type { OpenConversationStoreOptions } from './open-store';
export { migratePostgresSchema, POSTGRES_MIGRATIONS } from './postgres-migrations';
export type { MigrationResult, PostgresMigration } from './postgres-migrations';
export { PostgresConversationStore } from './postgres-store';
export type { PostgresConversationStoreOptions } from './postgres-store';
export { isPostgresUrl, redactPostgresUrl } from './postgres-url';
export { isStoreClosedError, StoreClosedError } from './store-closed-error';
export { isStoreMigrationError, StoreMigrationError } from './store-migration-error';
export { isStoreUnavailableError, StoreUnavailableError } from './store-unavailable-error';
export { isStoreUrlError, StoreUrlError } from './store-url-error';
