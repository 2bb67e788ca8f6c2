/**
 * The conversation store contract. Nodes are immutable and addressed by the hash of their
 * content, so every backend (filesystem, PostgreSQL) returns the same ids for the same content
 * and any cache keyed by id or head never goes stale.
 */
import type { MessageNode, NewMessage, StoredNode } from '../domain/session';

/** The largest blob a store keeps: 256 MiB, far above a source repository's bundle. */
export const MAX_BLOB_BYTES = 256 * 1024 * 1024;

/** The result of {@link ConversationStore.append}. */
export interface AppendResult {
  /** The id of the last appended node (the new head). */
  head: string;
  /** The appended nodes, oldest first. */
  nodes: StoredNode[];
}

/**
 * A content-addressed store of conversation nodes. Every backend runs the shared contract suite
 * in `test/support/store-contract.ts`.
 *
 * Ids given to any method are checked before any I/O: a value that is not 64 lowercase hex
 * characters throws `InvalidNodeIdError`. Every method throws `StoreClosedError` after
 * {@link ConversationStore.close}. Returned nodes are deeply frozen.
 */
export interface ConversationStore {
  /**
   * Stores a node and returns its id; idempotent (same content → same id, no error on repeat).
   *
   * @throws InvalidNodeError when `node` is not a valid `MessageNode`.
   * @throws NodeNotFoundError when `node.parent` is not in the store (a store never holds a node
   *   whose conversation cannot be read back).
   */
  put(node: MessageNode): Promise<string>;

  /**
   * Reads one node, verifying that its stored bytes hash to `id`.
   *
   * @throws NodeNotFoundError when there is no such node.
   * @throws CorruptNodeError when the stored bytes do not match the id; the node is never returned.
   */
  get(id: string): Promise<StoredNode>;

  /** True when a node with this id is stored (its contents are verified by `get`, not here). */
  has(id: string): Promise<boolean>;

  /**
   * Appends `messages` after `head` (`null` starts a new root), each message the parent of the
   * next, and returns the new head with the stored nodes. The whole batch is validated before
   * anything is written. With no messages, returns `head` unchanged.
   *
   * @throws InvalidNodeError naming the first invalid message (nothing is written).
   * @throws NodeNotFoundError when `head` is not in the store.
   * @throws RangeError when `head` is `null` and `messages` is empty (there would be no head).
   */
  append(head: string | null, messages: readonly NewMessage[]): Promise<AppendResult>;

  /**
   * The conversation from the root to `head`, root first. Cached per head (nodes are immutable).
   *
   * @throws NodeNotFoundError naming the missing id and `head` when any node on the way is missing.
   * @throws CorruptNodeError when any node on the way is corrupt.
   */
  path(head: string): Promise<readonly StoredNode[]>;

  /**
   * Nodes reachable from `head`, for export, parents before children. For now the same as
   * {@link ConversationStore.path}: nodes named in `meta.merged_from` are not followed yet.
   *
   * @throws NodeNotFoundError, CorruptNodeError as for `path`.
   */
  reachable(head: string): Promise<readonly StoredNode[]>;

  /**
   * Stores opaque bytes (a git bundle of a workspace checkpoint) under their SHA-256 and returns
   * it; idempotent. Blobs live beside the nodes, so every worker that shares the store can read
   * them.
   *
   * @throws BlobTooLargeError above {@link MAX_BLOB_BYTES}.
   */
  putBlob(bytes: Uint8Array): Promise<string>;

  /**
   * Reads a blob, verifying that its bytes hash to `id`.
   *
   * @throws InvalidBlobIdError, BlobNotFoundError, CorruptBlobError.
   */
  getBlob(id: string): Promise<Uint8Array>;

  /** True when a blob with this id is stored. @throws InvalidBlobIdError. */
  hasBlob(id: string): Promise<boolean>;

  /** Releases the backend's resources; idempotent. */
  close(): Promise<void>;
}
