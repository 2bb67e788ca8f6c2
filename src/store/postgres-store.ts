/**
 * The PostgreSQL conversation store: one database shared by workers on many machines. Rows hold
 * the exact canonical bytes of each node, so reads are verified against the id just as the
 * filesystem store verifies files, and writes are idempotent inserts keyed by that id. Node rows
 * are in postgres-nodes.ts, blobs in postgres-blobs.ts, the pool and its errors in
 * postgres-connection.ts; the caches are shared with the filesystem store (node-cache.ts).
 */
import type { MessageNode, NewMessage, StoredNode } from '../domain/session';
import type { AppendResult, ConversationStore } from './conversation-store';
import { errorCode, NodeNotFoundError, StoreClosedError } from './errors';
import { NodeCache, type NodeCacheOptions } from './node-cache';
import { encodeChain, encodeNode } from './node-encoding';
import { PostgresBlobs } from './postgres-blobs';
import { FOREIGN_KEY_VIOLATION, PostgresConnection } from './postgres-connection';
import { POSTGRES_MIGRATIONS } from './postgres-migrations';
import type { MigrationResult, PostgresMigration } from './postgres-migrations';
import { PostgresNodes } from './postgres-nodes';
import { checkedNodeId, emptyRootAppendError } from './store-ids';

/** Options of {@link PostgresConversationStore.open}. */
export interface PostgresConversationStoreOptions extends NodeCacheOptions {
  /**
   * `postgres://user:password@host:port/database`, with any libpq parameter node-postgres
   * understands (`sslmode`, `application_name`, `options=-c search_path=…` to use a schema other
   * than `public`).
   */
  url: string;
  /** Most connections the pool opens (default 10). */
  poolSize?: number;
  /** Migrations to apply on open (default: baton's). Tests pass their own to check the runner. */
  migrations?: readonly PostgresMigration[];
}

/**
 * A {@link ConversationStore} in PostgreSQL (`node-postgres` pool).
 *
 * - One row per node in `baton_nodes`: `id` (the SHA-256), `parent`, and `body`, the canonical
 *   JSON bytes that hash to `id`. The schema comes from numbered migrations applied on open.
 * - Writes are `INSERT … ON CONFLICT (id)`: storing a node twice, from any number of workers at
 *   once, is a no-op. A row whose bytes are wrong is overwritten by the correct ones, which
 *   repairs it (as the filesystem store rewrites a bad file). A foreign key on `parent` keeps
 *   orphans out.
 * - Every row read is verified against its id; a row that does not match is a CorruptNodeError
 *   and is never returned. `path` walks parents with a recursive query that fetches ancestors in
 *   growing batches and stops at the first ancestor whose path is cached, so extending a
 *   conversation that was read before costs one small query.
 *
 * @example
 * const store = await PostgresConversationStore.open({ url: process.env.BATON_STORE_URL! });
 * try {
 *   const { head } = await store.append(null, messages);
 * } finally {
 *   await store.close();
 * }
 */
export class PostgresConversationStore implements ConversationStore {
  /** The database URL with its password redacted, for messages and logs. */
  readonly location: string;
  private readonly db: PostgresConnection;
  private readonly cache: NodeCache;
  private readonly nodes: PostgresNodes;
  private readonly blobs: PostgresBlobs;
  private closed = false;
  private migrated: MigrationResult = { applied: [], version: 0 };

  private constructor(options: PostgresConversationStoreOptions) {
    this.db = new PostgresConnection(options.url, options.poolSize ?? 10);
    this.location = this.db.location;
    this.cache = new NodeCache(options);
    this.nodes = new PostgresNodes(this.db, this.cache);
    this.blobs = new PostgresBlobs(this.db);
  }

  /**
   * Connects to the database and applies any missing migrations.
   *
   * @throws StoreUnavailableError when the database cannot be reached or refuses the login (the
   *   message names it with the password redacted); StoreMigrationError when the schema cannot be
   *   migrated.
   */
  static async open(options: PostgresConversationStoreOptions): Promise<PostgresConversationStore> {
    const store = new PostgresConversationStore(options);
    try {
      store.migrated = await store.db.migrate(options.migrations ?? POSTGRES_MIGRATIONS);
      return store;
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  /** What opening this store did to the schema: the migrations it applied and the version after. */
  get migration(): MigrationResult {
    return this.migrated;
  }

  /**
   * Stores a node; a no-op when it is already stored intact.
   *
   * @throws InvalidNodeError when `node` is not a valid `MessageNode`.
   * @throws NodeNotFoundError when its parent is not stored.
   */
  async put(node: MessageNode): Promise<string> {
    this.assertOpen();
    const encoded = encodeNode(node);
    if (this.cache.hasNode(encoded.id)) return encoded.id;
    try {
      await this.nodes.insert([encoded]);
    } catch (error) {
      if (errorCode(error) === FOREIGN_KEY_VIOLATION && encoded.node.parent !== null) {
        throw new NodeNotFoundError(encoded.node.parent, { parentOf: encoded.id });
      }
      throw error;
    }
    this.cache.remember(encoded.id, encoded.node);
    return encoded.id;
  }

  /**
   * Reads one node, verifying that the row's bytes hash to `id`.
   *
   * @throws InvalidNodeIdError, NodeNotFoundError, CorruptNodeError, StoreUnavailableError.
   */
  async get(id: string): Promise<StoredNode> {
    this.assertOpen();
    checkedNodeId(id);
    const node = this.cache.node(id) ?? (await this.nodes.fetch(id));
    if (node === undefined) throw new NodeNotFoundError(id, {});
    return node;
  }

  /**
   * True when a row with this id exists (contents are verified by `get`).
   *
   * @throws InvalidNodeIdError for a malformed id.
   */
  async has(id: string): Promise<boolean> {
    this.assertOpen();
    return this.nodes.exists(checkedNodeId(id));
  }

  /**
   * Appends `messages` after `head` in one statement (or one transaction for very large batches):
   * the batch is stored whole or not at all.
   *
   * @throws InvalidNodeIdError, InvalidNodeError (nothing written), NodeNotFoundError for an
   *   unknown head, RangeError for no messages and no head.
   */
  async append(head: string | null, messages: readonly NewMessage[]): Promise<AppendResult> {
    this.assertOpen();
    if (head !== null) checkedNodeId(head);
    const chain = encodeChain(head, messages);
    const last = chain.at(-1);
    if (last === undefined) {
      if (head === null) throw emptyRootAppendError();
      if (!(await this.nodes.exists(head))) throw new NodeNotFoundError(head, {});
      return { head, nodes: [] };
    }
    try {
      await this.nodes.insert(chain);
    } catch (error) {
      // Every other parent in the chain is inserted by the same statement, so only the head can
      // be missing.
      if (errorCode(error) === FOREIGN_KEY_VIOLATION && head !== null) throw new NodeNotFoundError(head, {});
      throw error;
    }
    const nodes = chain.map((e) => e.node);
    for (const e of chain) this.cache.remember(e.id, e.node);
    this.cache.extendPath(head, last.id, nodes);
    return { head: last.id, nodes };
  }

  /**
   * The conversation from the root to `head`, root first (a frozen array, cached per head).
   *
   * @throws InvalidNodeIdError; NodeNotFoundError naming the missing id and `head`;
   *   CorruptNodeError; StoreUnavailableError.
   */
  async path(head: string): Promise<readonly StoredNode[]> {
    this.assertOpen();
    checkedNodeId(head);
    return this.cache.path(head, this.nodes.walkLoader(head));
  }

  /**
   * Nodes reachable from `head`, for export; for now the same as {@link PostgresConversationStore.path}.
   *
   * @throws as `path`.
   */
  reachable(head: string): Promise<readonly StoredNode[]> {
    return this.path(head);
  }

  /**
   * Stores bytes under their SHA-256 in `baton_blobs`; a no-op when an intact copy is there (a
   * damaged row is rewritten, as for nodes).
   *
   * @throws BlobTooLargeError above MAX_BLOB_BYTES; StoreUnavailableError.
   */
  async putBlob(bytes: Uint8Array): Promise<string> {
    this.assertOpen();
    return this.blobs.put(bytes);
  }

  /**
   * Reads a blob, verifying its bytes against the id.
   *
   * @throws InvalidBlobIdError, BlobNotFoundError, CorruptBlobError, StoreUnavailableError.
   */
  async getBlob(id: string): Promise<Uint8Array> {
    this.assertOpen();
    return this.blobs.get(id);
  }

  /** True when a blob with this id is stored. @throws InvalidBlobIdError. */
  async hasBlob(id: string): Promise<boolean> {
    this.assertOpen();
    return this.blobs.has(id);
  }

  /** Drops the caches and ends the pool; later calls throw StoreClosedError. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cache.clear();
    await this.db.end();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosedError('PostgreSQL');
  }
}
