/**
 * The PostgreSQL conversation store: one database shared by workers on many machines. Rows hold
 * the exact canonical bytes of each node, so reads are verified against the id just as the
 * filesystem store verifies files, and writes are idempotent inserts keyed by that id.
 */
import { walkPath } from './path-walk';
import { LRUCache } from 'lru-cache';
import { Pool } from 'pg';
import type { MessageNode, NewMessage, StoredNode } from '../domain/session';
import { MAX_BLOB_BYTES } from './conversation-store';
import type { AppendResult, ConversationStore } from './conversation-store';
import {
  BlobNotFoundError,
  BlobTooLargeError,
  CorruptBlobError,
  CorruptNodeError,
  InvalidBlobIdError,
  InvalidNodeIdError,
  NodeNotFoundError,
  StoreClosedError,
  StoreMigrationError,
  StoreUnavailableError,
} from './errors';
import { decodeNode, encodeChain, encodeNode } from './node-encoding';
import type { EncodedNode } from './node-encoding';
import { isNodeId } from '../domain/session';
import type { NodeNotFoundContext } from './errors';
import { sha256Hex } from './node-id';
import { BLOBS_TABLE, migratePostgresSchema, NODES_TABLE, POSTGRES_MIGRATIONS } from './postgres-migrations';
import type { MigrationResult, PostgresMigration } from './postgres-migrations';
import { postgresUrlSecrets, redactPostgresUrl, scrubSecrets } from './postgres-url';

/** Options of {@link PostgresConversationStore.open}. */
export interface PostgresConversationStoreOptions {
  /**
   * `postgres://user:password@host:port/database`, with any libpq parameter node-postgres
   * understands (`sslmode`, `application_name`, `options=-c search_path=…` to use a schema other
   * than `public`).
   */
  url: string;
  /** Most connections the pool opens (default 10). */
  poolSize?: number;
  /** How many recently read or written nodes to keep in memory (default 10 000). */
  nodeCacheSize?: number;
  /**
   * Budget of the per-head path cache, counted in nodes summed over all cached paths (default
   * 250 000), as in the filesystem store.
   */
  pathCacheNodes?: number;
  /** Migrations to apply on open (default: baton's). Tests pass their own to check the runner. */
  migrations?: readonly PostgresMigration[];
}

interface NodeRow {
  id: string;
  parent: string | null;
  body: Buffer;
}

/** node-postgres puts the SQLSTATE or the socket error code in `code`. */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

const FOREIGN_KEY_VIOLATION = '23503';

/**
 * Errors that mean "the database is not there for us" rather than "this statement is wrong":
 * socket errors, SQLSTATE classes 08 (connection) and 28 (authorization), an unknown database,
 * and server shutdowns. These become StoreUnavailableError, which names the database.
 */
function isConnectionError(error: unknown): boolean {
  const code = errorCode(error) ?? '';
  if (/^E[A-Z]+$/.test(code)) return true;
  if (/^(08|28)/.test(code) || code === '3D000' || /^57P0[1-3]$/.test(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(message);
}

/** Rows per INSERT: far below PostgreSQL's 65 535 bind parameters (three per row). */
const INSERT_CHUNK = 1000;

/** The first walk fetches a few ancestors; each further round fetches more, up to this many. */
const FIRST_WALK_BATCH = 8;
const MAX_WALK_BATCH = 512;

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
  private readonly pool: Pool;
  private readonly secrets: string[];
  private readonly nodes: LRUCache<string, StoredNode>;
  private readonly paths: LRUCache<string, readonly StoredNode[]>;
  private closed = false;
  private migrated: MigrationResult = { applied: [], version: 0 };

  private constructor(options: PostgresConversationStoreOptions) {
    this.location = redactPostgresUrl(options.url);
    this.secrets = postgresUrlSecrets(options.url);
    this.pool = new Pool({
      connectionString: options.url.trim(),
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 10_000,
      application_name: 'baton',
    });
    // An idle connection that the server drops emits 'error' on the pool; unhandled, that would
    // crash the worker. The pool discards that connection and the next query opens a new one.
    this.pool.on('error', () => undefined);
    this.nodes = new LRUCache({ max: options.nodeCacheSize ?? 10_000 });
    this.paths = new LRUCache({
      maxSize: options.pathCacheNodes ?? 250_000,
      sizeCalculation: (p) => Math.max(1, p.length),
    });
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
      store.migrated = await migratePostgresSchema(store.pool, options.migrations ?? POSTGRES_MIGRATIONS);
      return store;
    } catch (error) {
      await store.close();
      if (error instanceof StoreMigrationError) {
        throw new StoreMigrationError(
          error.version,
          store.scrub(`${error.message} (database: ${store.location})`),
        );
      }
      throw store.translate(error);
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
    if (this.nodes.has(encoded.id)) return encoded.id;
    try {
      await this.insert([encoded]);
    } catch (error) {
      if (errorCode(error) === FOREIGN_KEY_VIOLATION && encoded.node.parent !== null) {
        throw new NodeNotFoundError(encoded.node.parent, { parentOf: encoded.id });
      }
      throw error;
    }
    this.nodes.set(encoded.id, encoded.node);
    return encoded.id;
  }

  /**
   * Reads one node, verifying that the row's bytes hash to `id`.
   *
   * @throws InvalidNodeIdError, NodeNotFoundError, CorruptNodeError, StoreUnavailableError.
   */
  async get(id: string): Promise<StoredNode> {
    this.assertOpen();
    this.checkedId(id);
    const cached = this.nodes.get(id);
    if (cached !== undefined) return cached;
    const { rows } = await this.query<NodeRow>(`SELECT id, parent, body FROM ${NODES_TABLE} WHERE id = $1`, [
      id,
    ]);
    const row = rows[0];
    if (row === undefined) throw new NodeNotFoundError(id, {});
    return this.decodeRow(row);
  }

  /**
   * True when a row with this id exists (contents are verified by `get`).
   *
   * @throws InvalidNodeIdError for a malformed id.
   */
  async has(id: string): Promise<boolean> {
    this.assertOpen();
    this.checkedId(id);
    if (this.nodes.has(id)) return true;
    const { rows } = await this.query(`SELECT 1 FROM ${NODES_TABLE} WHERE id = $1`, [id]);
    return rows.length > 0;
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
    if (head !== null) this.checkedId(head);
    const chain = encodeChain(head, messages);
    const last = chain.at(-1);
    if (last === undefined) {
      if (head === null)
        throw new RangeError('append(null, []) has no head to return: pass at least one message');
      await this.requireNode(head, {});
      return { head, nodes: [] };
    }
    try {
      await this.insert(chain);
    } catch (error) {
      // Every other parent in the chain is inserted by the same statement, so only the head can
      // be missing.
      if (errorCode(error) === FOREIGN_KEY_VIOLATION && head !== null) throw new NodeNotFoundError(head, {});
      throw error;
    }
    const nodes = chain.map((e) => e.node);
    for (const e of chain) this.nodes.set(e.id, e.node);
    // The new head's path is the old one plus the new nodes: cache it now, so the next turn's
    // path() needs no query.
    const base = head === null ? [] : this.paths.get(head);
    if (base !== undefined) this.paths.set(last.id, Object.freeze([...base, ...nodes]));
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
    this.checkedId(head);
    const cached = this.paths.get(head);
    if (cached !== undefined) return cached;

    // Rows fetched ahead by the recursive query, not yet verified. They only save round trips:
    // the walk follows each verified node's own `parent`, never the rows' `parent` column.
    const fetched = new Map<string, NodeRow>();
    let batch = FIRST_WALK_BATCH;
    const loadNode = async (id: string): Promise<StoredNode> => {
      const known = this.nodes.get(id);
      if (known !== undefined) return known;
      let row = fetched.get(id);
      if (row === undefined) {
        for (const r of await this.fetchAncestors(id, batch)) fetched.set(r.id, r);
        batch = Math.min(batch * 4, MAX_WALK_BATCH);
        row = fetched.get(id);
        if (row === undefined) throw new NodeNotFoundError(id, { head });
      }
      fetched.delete(id);
      return this.decodeRow(row);
    };
    const result = await walkPath(head, loadNode, (id) => this.paths.get(id));
    this.paths.set(head, result);
    return result;
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
    if (bytes.byteLength > MAX_BLOB_BYTES) throw new BlobTooLargeError(bytes.byteLength, MAX_BLOB_BYTES);
    const id = sha256Hex(bytes);
    await this.query(
      `INSERT INTO ${BLOBS_TABLE} (id, body) VALUES ($1, $2)
       ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body WHERE ${BLOBS_TABLE}.body IS DISTINCT FROM EXCLUDED.body`,
      [id, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)],
    );
    return id;
  }

  /**
   * Reads a blob, verifying its bytes against the id.
   *
   * @throws InvalidBlobIdError, BlobNotFoundError, CorruptBlobError, StoreUnavailableError.
   */
  async getBlob(id: string): Promise<Uint8Array> {
    this.assertOpen();
    if (!isNodeId(id)) throw new InvalidBlobIdError(id);
    const { rows } = await this.query<{ body: Buffer }>(`SELECT body FROM ${BLOBS_TABLE} WHERE id = $1`, [
      id,
    ]);
    const body = rows[0]?.body;
    if (body === undefined) throw new BlobNotFoundError(id, this.location);
    if (sha256Hex(body) !== id) throw new CorruptBlobError(id, `${BLOBS_TABLE} of ${this.location}`);
    return body;
  }

  /** True when a blob with this id is stored. @throws InvalidBlobIdError. */
  async hasBlob(id: string): Promise<boolean> {
    this.assertOpen();
    if (!isNodeId(id)) throw new InvalidBlobIdError(id);
    const { rows } = await this.query(`SELECT 1 FROM ${BLOBS_TABLE} WHERE id = $1`, [id]);
    return rows.length > 0;
  }

  /** Drops the caches and ends the pool; later calls throw StoreClosedError. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.nodes.clear();
    this.paths.clear();
    await this.pool.end();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosedError('PostgreSQL');
  }

  private checkedId(id: string): string {
    if (!isNodeId(id)) throw new InvalidNodeIdError(id);
    return id;
  }

  private async requireNode(id: string, context: NodeNotFoundContext): Promise<void> {
    if (!(await this.has(id))) throw new NodeNotFoundError(id, context);
  }

  /** `id` and up to `limit - 1` of its ancestors, by the rows' `parent` column. */
  private async fetchAncestors(id: string, limit: number): Promise<NodeRow[]> {
    const { rows } = await this.query<NodeRow>(
      `WITH RECURSIVE chain (id, parent, body, depth) AS (
         SELECT id, parent, body, 1 FROM ${NODES_TABLE} WHERE id = $1
         UNION ALL
         SELECT n.id, n.parent, n.body, c.depth + 1
           FROM ${NODES_TABLE} n JOIN chain c ON n.id = c.parent
          WHERE c.depth < $2
       )
       SELECT id, parent, body FROM chain`,
      [id, limit],
    );
    return rows;
  }

  /** Verifies a row against its id and caches the node. */
  private decodeRow(row: NodeRow): StoredNode {
    const location = `${NODES_TABLE} of ${this.location}`;
    const node = decodeNode(row.id, row.body, location);
    if (row.parent !== node.parent) {
      throw new CorruptNodeError(
        row.id,
        location,
        `its parent column (${row.parent ?? 'null'}) disagrees with its content (${node.parent ?? 'null'})`,
      );
    }
    this.nodes.set(row.id, node);
    return node;
  }

  /**
   * Inserts nodes in order. `ON CONFLICT` makes repeats no-ops; its `WHERE` rewrites a row only
   * when its bytes differ from the node's, which can only mean the row was damaged (the id is the
   * hash of the bytes we hold).
   */
  private async insert(chain: readonly EncodedNode[]): Promise<void> {
    const statement = (rows: readonly EncodedNode[]) => {
      const params: unknown[] = [];
      const values = rows.map((e) => {
        params.push(e.id, e.node.parent, Buffer.from(e.json, 'utf8'));
        const n = params.length;
        return `($${n - 2}, $${n - 1}, $${n})`;
      });
      return {
        text: `INSERT INTO ${NODES_TABLE} (id, parent, body) VALUES ${values.join(', ')}
               ON CONFLICT (id) DO UPDATE SET parent = EXCLUDED.parent, body = EXCLUDED.body
               WHERE ${NODES_TABLE}.body IS DISTINCT FROM EXCLUDED.body
                  OR ${NODES_TABLE}.parent IS DISTINCT FROM EXCLUDED.parent`,
        params,
      };
    };
    if (chain.length <= INSERT_CHUNK) {
      const { text, params } = statement(chain);
      await this.query(text, params);
      return;
    }
    await this.transaction(async (run) => {
      for (let i = 0; i < chain.length; i += INSERT_CHUNK) {
        const { text, params } = statement(chain.slice(i, i + INSERT_CHUNK));
        await run(text, params);
      }
    });
  }

  private async query<R extends object = Record<string, unknown>>(
    text: string,
    params: unknown[],
  ): Promise<{ rows: R[] }> {
    try {
      return await this.pool.query<R>(text, params);
    } catch (error) {
      throw this.translate(error);
    }
  }

  private async transaction(
    body: (run: (text: string, params: unknown[]) => Promise<unknown>) => Promise<void>,
  ): Promise<void> {
    let client;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.translate(error);
    }
    let broken = false;
    try {
      await client.query('BEGIN');
      await body((text, params) => client.query(text, params));
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw this.translate(error);
    } finally {
      client.release(broken);
    }
  }

  /** Connection problems become StoreUnavailableError; others keep their class, scrubbed of secrets. */
  private translate(error: unknown): unknown {
    if (!(error instanceof Error)) return error;
    if (isConnectionError(error)) {
      return new StoreUnavailableError(
        this.scrub(
          `Cannot use the PostgreSQL conversation store at ${this.location}: ${error.message}. ` +
            'Check that the database is running and reachable, and that BATON_STORE_URL has the right host, port, database, user and password.',
        ),
        errorCode(error),
      );
    }
    error.message = this.scrub(error.message);
    return error;
  }

  private scrub(text: string): string {
    return scrubSecrets(text, this.secrets);
  }
}
