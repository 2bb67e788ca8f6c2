/**
 * The PostgreSQL store's nodes: one row per node in `baton_nodes`, `id` (the SHA-256), `parent`,
 * and `body`, the canonical JSON bytes that hash to `id`. Every row read is verified against its
 * id; a row that does not match is a CorruptNodeError and is never returned.
 */
import type { StoredNode } from '../domain/session';
import { CorruptNodeError, NodeNotFoundError } from './errors';
import type { NodeCache } from './node-cache';
import { decodeNode, type EncodedNode } from './node-encoding';
import type { PostgresConnection } from './postgres-connection';
import { NODES_TABLE } from './postgres-migrations';

interface NodeRow {
  id: string;
  parent: string | null;
  body: Buffer;
}

/** Rows per INSERT: far below PostgreSQL's 65 535 bind parameters (three per row). */
const INSERT_CHUNK = 1000;

/** The first walk fetches a few ancestors; each further round fetches more, up to this many. */
const FIRST_WALK_BATCH = 8;
const MAX_WALK_BATCH = 512;

/** Node rows in one database, read through the store's cache. */
export class PostgresNodes {
  constructor(
    private readonly db: PostgresConnection,
    private readonly cache: NodeCache,
  ) {}

  /** The node, verified, or undefined when there is no row. */
  async fetch(id: string): Promise<StoredNode | undefined> {
    const { rows } = await this.db.query<NodeRow>(
      `SELECT id, parent, body FROM ${NODES_TABLE} WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    return row === undefined ? undefined : this.decodeRow(row);
  }

  /** True when the node is cached or has a row (contents are verified on read). */
  async exists(id: string): Promise<boolean> {
    if (this.cache.hasNode(id)) return true;
    const { rows } = await this.db.query(`SELECT 1 FROM ${NODES_TABLE} WHERE id = $1`, [id]);
    return rows.length > 0;
  }

  /**
   * A loader for one walk from `head` to the root. Rows are fetched ahead by a recursive query in
   * growing batches, not yet verified: they only save round trips, since the walk follows each
   * verified node's own `parent`, never the rows' `parent` column.
   */
  walkLoader(head: string): (id: string) => Promise<StoredNode> {
    const fetched = new Map<string, NodeRow>();
    let batch = FIRST_WALK_BATCH;
    return async (id) => {
      const known = this.cache.node(id);
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
  }

  /**
   * Inserts nodes in order, in one statement (or one transaction for very large batches), so the
   * batch is stored whole or not at all. `ON CONFLICT` makes repeats no-ops; its `WHERE` rewrites
   * a row only when its bytes differ from the node's, which can only mean the row was damaged
   * (the id is the hash of the bytes we hold).
   */
  async insert(chain: readonly EncodedNode[]): Promise<void> {
    if (chain.length <= INSERT_CHUNK) {
      const { text, params } = insertStatement(chain);
      await this.db.query(text, params);
      return;
    }
    await this.db.transaction(async (run) => {
      for (let i = 0; i < chain.length; i += INSERT_CHUNK) {
        const { text, params } = insertStatement(chain.slice(i, i + INSERT_CHUNK));
        await run(text, params);
      }
    });
  }

  /** `id` and up to `limit - 1` of its ancestors, by the rows' `parent` column. */
  private async fetchAncestors(id: string, limit: number): Promise<NodeRow[]> {
    const { rows } = await this.db.query<NodeRow>(
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
    const location = `${NODES_TABLE} of ${this.db.location}`;
    const node = decodeNode(row.id, row.body, location);
    if (row.parent !== node.parent) {
      throw new CorruptNodeError(
        row.id,
        location,
        `its parent column (${row.parent ?? 'null'}) disagrees with its content (${node.parent ?? 'null'})`,
      );
    }
    this.cache.remember(row.id, node);
    return node;
  }
}

function insertStatement(rows: readonly EncodedNode[]): { text: string; params: unknown[] } {
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
}
