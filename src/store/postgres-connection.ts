/**
 * The PostgreSQL store's connection: a node-postgres pool, and the error translation every query
 * goes through. Connection problems become StoreUnavailableError naming the database (password
 * redacted); any other error keeps its class with secrets scrubbed from its message.
 */
import { Pool } from 'pg';
import { errorCode, StoreMigrationError, StoreUnavailableError } from './errors';
import { migratePostgresSchema, type MigrationResult, type PostgresMigration } from './postgres-migrations';
import { postgresUrlSecrets, redactPostgresUrl, scrubSecrets } from './postgres-url';

/** SQLSTATE of a foreign key violation: a node whose parent is not stored. */
export const FOREIGN_KEY_VIOLATION = '23503';

/** Runs one statement of a transaction. */
export type TransactionQuery = (text: string, params: unknown[]) => Promise<unknown>;

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

/** One database: its pool, queries and transactions with errors translated. */
export class PostgresConnection {
  /** The database URL with its password redacted, for messages and logs. */
  readonly location: string;
  private readonly pool: Pool;
  private readonly secrets: string[];

  constructor(url: string, poolSize: number) {
    this.location = redactPostgresUrl(url);
    this.secrets = postgresUrlSecrets(url);
    this.pool = new Pool({
      connectionString: url.trim(),
      max: poolSize,
      connectionTimeoutMillis: 10_000,
      application_name: 'baton',
    });
    // An idle connection that the server drops emits 'error' on the pool; unhandled, that would
    // crash the worker. The pool discards that connection and the next query opens a new one.
    this.pool.on('error', () => undefined);
  }

  /**
   * Applies any missing migrations.
   * @throws StoreUnavailableError when the database cannot be reached; StoreMigrationError (naming
   *   the database) when the schema cannot be migrated.
   */
  async migrate(migrations: readonly PostgresMigration[]): Promise<MigrationResult> {
    try {
      return await migratePostgresSchema(this.pool, migrations);
    } catch (error) {
      if (error instanceof StoreMigrationError) {
        throw new StoreMigrationError(
          error.version,
          this.scrub(`${error.message} (database: ${this.location})`),
        );
      }
      throw this.translate(error);
    }
  }

  /** One statement. @throws StoreUnavailableError for connection problems. */
  async query<R extends object = Record<string, unknown>>(
    text: string,
    params: unknown[],
  ): Promise<{ rows: R[] }> {
    try {
      return await this.pool.query<R>(text, params);
    } catch (error) {
      throw this.translate(error);
    }
  }

  /** Statements in one transaction on one connection, rolled back when any fails. */
  async transaction(body: (run: TransactionQuery) => Promise<void>): Promise<void> {
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

  /** Ends the pool. */
  end(): Promise<void> {
    return this.pool.end();
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
