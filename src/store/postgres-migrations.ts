/**
 * The PostgreSQL store's schema, as numbered migrations applied by a small runner. Workers on many
 * machines open the same database at once, so the runner takes an advisory lock, applies what is
 * missing in one transaction, and records each migration with a checksum of its SQL.
 */
import type { Pool, PoolClient } from 'pg';
import { sha256Hex } from './node-id';
import { StoreMigrationError } from './errors';

/** One schema change. Versions start at 1 and increase by one; a released migration never changes. */
export interface PostgresMigration {
  version: number;
  /** What it does, recorded next to the version. */
  name: string;
  /** One or more SQL statements, run inside the runner's transaction. */
  sql: string;
}

/** The table that records applied migrations. */
export const MIGRATIONS_TABLE = 'baton_schema_migrations';

/** The table that holds conversation nodes. */
export const NODES_TABLE = 'baton_nodes';

/** The table that holds blobs (git bundles of workspace checkpoints). */
export const BLOBS_TABLE = 'baton_blobs';

/**
 * baton's migrations, oldest first. Add new ones at the end; never edit one that has shipped (the
 * runner refuses to open a database whose recorded checksum differs from the code's, because the
 * schema would then not be what the code expects).
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'create baton_nodes',
    // `body` holds the exact canonical JSON bytes whose SHA-256 is `id`, so every read can be
    // verified. `parent` duplicates the body's parent so that a recursive query can walk a
    // conversation, and its foreign key makes "a node is stored only after its parent" a database
    // guarantee rather than a check-then-write race between workers.
    sql: `
      CREATE TABLE ${NODES_TABLE} (
        id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
        parent text NULL REFERENCES ${NODES_TABLE} (id),
        body bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ${NODES_TABLE}_parent_idx ON ${NODES_TABLE} (parent);
    `,
  },
  {
    version: 2,
    name: 'create baton_blobs',
    // Like nodes, a blob's id is the SHA-256 of `body`, so reads are verified.
    sql: `
      CREATE TABLE ${BLOBS_TABLE} (
        id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
        body bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
];

/**
 * Any constant works as long as every baton process uses the same one: it serializes migration
 * runners on one database ("baton" in ASCII).
 */
const MIGRATION_LOCK_KEY = '422827011950';

/** What {@link migratePostgresSchema} did. */
export interface MigrationResult {
  /** Versions applied by this call, in order (empty when the schema was already current). */
  applied: number[];
  /** The schema version after the call. */
  version: number;
}

function checksumOf(migration: PostgresMigration): string {
  return sha256Hex(migration.sql);
}

/**
 * Brings the database behind `pool` to the newest migration in `migrations`. Idempotent and safe
 * to run from many processes at once: the first one applies the missing migrations while the
 * others wait on the lock, then find nothing to do.
 *
 * @throws StoreMigrationError when the migration list is malformed, a migration fails (nothing
 *   of that run is kept), or an applied migration's checksum differs from the code's.
 */
export async function migratePostgresSchema(
  pool: Pool,
  migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS,
): Promise<MigrationResult> {
  assertWellFormed(migrations);
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query('BEGIN');
    try {
      const result = await migrateInTransaction(client, migrations);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        // The connection itself may be what failed; it is discarded below.
        failed = true;
      });
      throw error;
    }
  } finally {
    client.release(failed);
  }
}

async function migrateInTransaction(
  client: PoolClient,
  migrations: readonly PostgresMigration[],
): Promise<MigrationResult> {
  // Transaction-scoped: released by COMMIT or ROLLBACK, even if this process dies.
  await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
  await client.query(`
    CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )
  `);
  const { rows } = await client.query<{ version: number; checksum: string }>(
    `SELECT version, checksum FROM ${MIGRATIONS_TABLE} ORDER BY version`,
  );
  const recorded = new Map(rows.map((r) => [r.version, r.checksum]));
  const applied: number[] = [];
  for (const migration of migrations) {
    const checksum = checksumOf(migration);
    const existing = recorded.get(migration.version);
    if (existing !== undefined) {
      if (existing !== checksum) {
        throw new StoreMigrationError(
          migration.version,
          `Migration ${migration.version} (${migration.name}) was applied to this database with different SQL ` +
            'than this build has. A released migration must never change: add a new migration instead, ' +
            'or point BATON_STORE_URL at a database created by this build.',
        );
      }
      continue;
    }
    try {
      await client.query(migration.sql);
    } catch (error) {
      throw new StoreMigrationError(
        migration.version,
        `Migration ${migration.version} (${migration.name}) failed: ${error instanceof Error ? error.message : String(error)}. ` +
          'Nothing of this migration run was kept. Check that the database user may create tables in the schema on its search_path.',
      );
    }
    await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, name, checksum) VALUES ($1, $2, $3)`, [
      migration.version,
      migration.name,
      checksum,
    ]);
    applied.push(migration.version);
  }
  // A newer build may have added migrations: they are additive, so this build keeps working.
  const version = Math.max(0, ...recorded.keys(), ...migrations.map((m) => m.version));
  return { applied, version };
}

function assertWellFormed(migrations: readonly PostgresMigration[]): void {
  for (const [i, m] of migrations.entries()) {
    if (m.version !== i + 1) {
      throw new StoreMigrationError(
        m.version,
        `Migration versions must be 1, 2, 3… in order; position ${i + 1} holds version ${m.version}.`,
      );
    }
  }
}
