/**
 * The PostgreSQL store against a real PostgreSQL server (started for the run by
 * test/support/postgres-global-setup.ts): the shared contract, then what only SQL can do to it.
 * Each store works in its own schema, so every test starts from an empty database.
 */
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  CorruptNodeError,
  StoreMigrationError,
  StoreUnavailableError,
  migratePostgresSchema,
  nodeId,
  NodeNotFoundError,
  openConversationStore,
  POSTGRES_MIGRATIONS,
  PostgresConversationStore,
  redactPostgresUrl,
} from '../../src/store';
import type { PostgresMigration } from '../../src/store';
import { withSearchPath } from '../support/postgres';
import { describeConversationStoreContract, rootNode, textMessage } from '../support/store-contract';

const url = inject('postgresUrl');
if (!url) {
  throw new Error(
    "No PostgreSQL for this run: add 'test/support/postgres-global-setup.ts' to globalSetup in vitest.config.mts.",
  );
}
const password = new URL(url).password;
let admin: Pool;

beforeAll(() => {
  admin = new Pool({ connectionString: url, max: 2 });
});

afterAll(async () => {
  await admin.end();
});

/** A new, empty schema and the store URL that uses it. */
async function freshSchema(): Promise<{ schema: string; url: string; drop: () => Promise<void> }> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  return {
    schema,
    url: withSearchPath(url, schema),
    drop: async () => {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    },
  };
}

describeConversationStoreContract('PostgresConversationStore', async () => {
  const { url: storeUrl, drop } = await freshSchema();
  return { store: await PostgresConversationStore.open({ url: storeUrl }), cleanup: drop };
});

describe('PostgresConversationStore', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A fresh schema and `count` independent stores (each with its own pool) on it. */
  async function stores(
    count: number,
  ): Promise<{ schema: string; url: string; all: PostgresConversationStore[] }> {
    const fresh = await freshSchema();
    cleanups.push(fresh.drop);
    const all = await Promise.all(
      Array.from({ length: count }, () => PostgresConversationStore.open({ url: fresh.url })),
    );
    for (const s of all) cleanups.push(() => s.close());
    return { schema: fresh.schema, url: fresh.url, all };
  }

  describe('reads verify every row against its id', () => {
    it('detects a row whose body was changed by SQL, and never returns it', async () => {
      const { schema, url: storeUrl, all } = await stores(1);
      const [writer] = all as [PostgresConversationStore];
      const { head, nodes } = await writer.append(null, [
        textMessage('hello'),
        textMessage('world', 'assistant'),
      ]);
      const root = nodes[0]!.id;
      await admin.query(
        `UPDATE ${schema}.baton_nodes SET body = convert_to(replace(convert_from(body, 'UTF8'), 'hello', 'HELLO'), 'UTF8') WHERE id = $1`,
        [root],
      );

      // A second store has nothing cached, so it reads the tampered row.
      const reader = await PostgresConversationStore.open({ url: storeUrl });
      cleanups.push(() => reader.close());
      const error: unknown = await reader.get(root).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CorruptNodeError);
      expect((error as CorruptNodeError).id).toBe(root);
      expect((error as Error).message).toMatch(/baton_nodes/);
      expect((error as Error).message).toMatch(/hash to/);
      expect((error as Error).message).not.toContain(password);
      await expect(reader.path(head)).rejects.toBeInstanceOf(CorruptNodeError);

      // Storing the node again writes the right bytes back.
      await reader.put(rootNode('hello'));
      const repaired = await PostgresConversationStore.open({ url: storeUrl });
      cleanups.push(() => repaired.close());
      expect((await repaired.path(head)).map((n) => n.id)).toEqual(nodes.map((n) => n.id));
    });

    it('detects a parent column that disagrees with the row’s content', async () => {
      const { schema, url: storeUrl, all } = await stores(1);
      const [writer] = all as [PostgresConversationStore];
      const { head } = await writer.append(null, [textMessage('a'), textMessage('b')]);
      const other = await writer.put(rootNode('elsewhere'));
      await admin.query(`UPDATE ${schema}.baton_nodes SET parent = $1 WHERE id = $2`, [other, head]);
      const reader = await PostgresConversationStore.open({ url: storeUrl });
      cleanups.push(() => reader.close());
      await expect(reader.get(head)).rejects.toThrow(/parent column/);
      await expect(reader.path(head)).rejects.toBeInstanceOf(CorruptNodeError);
    });

    it('reports a node deleted by SQL as missing, naming the head being read', async () => {
      const { schema, url: storeUrl, all } = await stores(1);
      const [writer] = all as [PostgresConversationStore];
      const { head, nodes } = await writer.append(null, [
        textMessage('x'),
        textMessage('y'),
        textMessage('z'),
      ]);
      // The foreign key protects parents; drop it as a careless operator might.
      await admin.query(`ALTER TABLE ${schema}.baton_nodes DROP CONSTRAINT baton_nodes_parent_fkey`);
      await admin.query(`DELETE FROM ${schema}.baton_nodes WHERE id = $1`, [nodes[1]!.id]);
      const reader = await PostgresConversationStore.open({ url: storeUrl });
      cleanups.push(() => reader.close());
      const error: unknown = await reader.path(head).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NodeNotFoundError);
      expect((error as NodeNotFoundError).id).toBe(nodes[1]!.id);
      expect((error as NodeNotFoundError).head).toBe(head);
    });
  });

  describe('many workers on one database', () => {
    it('stores concurrent puts of one node from two pools once', async () => {
      const { schema, all } = await stores(2);
      const [a, b] = all as [PostgresConversationStore, PostgresConversationStore];
      const node = rootNode('raced');
      const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).put(node)));
      expect(new Set(ids)).toEqual(new Set([nodeId(node)]));
      const { rows } = await admin.query(`SELECT count(*)::int AS n FROM ${schema}.baton_nodes`);
      expect(rows[0]).toEqual({ n: 1 });
      expect(await b.get(nodeId(node))).toEqual(await a.get(nodeId(node)));
    });

    it('lets two pools append the same messages concurrently, with one copy of each node', async () => {
      const { schema, all } = await stores(2);
      const [a, b] = all as [PostgresConversationStore, PostgresConversationStore];
      const messages = Array.from({ length: 10 }, (_, i) =>
        textMessage(`m${i}`, i % 2 ? 'assistant' : 'user'),
      );
      const [ra, rb] = await Promise.all([a.append(null, messages), b.append(null, messages)]);
      expect(rb.head).toBe(ra.head);
      const { rows } = await admin.query(`SELECT count(*)::int AS n FROM ${schema}.baton_nodes`);
      expect(rows[0]).toEqual({ n: 10 });
    });

    it('sees another worker’s appends after its own cached path', async () => {
      const { all } = await stores(2);
      const [a, b] = all as [PostgresConversationStore, PostgresConversationStore];
      const first = await a.append(null, [textMessage('q1'), textMessage('a1', 'assistant')]);
      expect(await a.path(first.head)).toHaveLength(2);
      const second = await b.append(first.head, [textMessage('q2'), textMessage('a2', 'assistant')]);
      expect((await a.path(second.head)).map((n) => n.content[0])).toEqual(
        ['q1', 'a1', 'q2', 'a2'].map((text) => ({ type: 'text', text })),
      );
    });

    it('reads a long conversation written in one batch back from a cold store', async () => {
      const { url: storeUrl, all } = await stores(1);
      const [writer] = all as [PostgresConversationStore];
      // More rows than one INSERT takes, so the batch is written in one transaction of chunks.
      const messages = Array.from({ length: 2_500 }, (_, i) => textMessage(`n${i}`));
      const { head, nodes } = await writer.append(null, messages);
      const reader = await PostgresConversationStore.open({ url: storeUrl });
      cleanups.push(() => reader.close());
      const path = await reader.path(head);
      expect(path.map((n) => n.id)).toEqual(nodes.map((n) => n.id));
      expect(await reader.path(nodes[1_000]!.id)).toEqual(path.slice(0, 1_001));
    });

    it('refuses an orphan without writing anything, naming the missing parent', async () => {
      const { schema, all } = await stores(1);
      const [store] = all as [PostgresConversationStore];
      const missing = nodeId(rootNode('never stored'));
      await expect(store.append(missing, [textMessage('a'), textMessage('b')])).rejects.toThrow(missing);
      const { rows } = await admin.query(`SELECT count(*)::int AS n FROM ${schema}.baton_nodes`);
      expect(rows[0]).toEqual({ n: 0 });
    });
  });

  describe('migrations', () => {
    it('creates the schema on first open and does nothing on the next', async () => {
      const { schema, url: storeUrl } = await freshSchema().then((f) => {
        cleanups.push(f.drop);
        return f;
      });
      const first = await PostgresConversationStore.open({ url: storeUrl });
      cleanups.push(() => first.close());
      expect(first.migration).toEqual({ applied: [1, 2], version: POSTGRES_MIGRATIONS.length });
      const second = await PostgresConversationStore.open({ url: storeUrl });
      cleanups.push(() => second.close());
      expect(second.migration).toEqual({ applied: [], version: POSTGRES_MIGRATIONS.length });
      const { rows } = await admin.query(
        `SELECT version, name FROM ${schema}.baton_schema_migrations ORDER BY version`,
      );
      expect(rows).toEqual([
        { version: 1, name: 'create baton_nodes' },
        { version: 2, name: 'create baton_blobs' },
      ]);
    });

    it('applies each migration once when many processes open a new database at the same time', async () => {
      const { schema, all } = await stores(6);
      expect(all.flatMap((s) => s.migration.applied).sort()).toEqual([1, 2]);
      const { rows } = await admin.query(`SELECT count(*)::int AS n FROM ${schema}.baton_schema_migrations`);
      expect(rows[0]).toEqual({ n: 2 });
    });

    it('applies a new migration to an existing database and keeps its data', async () => {
      const { schema, url: storeUrl, all } = await stores(1);
      const id = await all[0]!.put(rootNode('kept'));
      const next: PostgresMigration = {
        version: POSTGRES_MIGRATIONS.length + 1,
        name: 'add a test column',
        sql: 'ALTER TABLE baton_nodes ADD COLUMN test_note text',
      };
      const upgraded = await PostgresConversationStore.open({
        url: storeUrl,
        migrations: [...POSTGRES_MIGRATIONS, next],
      });
      cleanups.push(() => upgraded.close());
      expect(upgraded.migration).toEqual({ applied: [3], version: 3 });
      expect((await upgraded.get(id)).content).toEqual([{ type: 'text', text: 'kept' }]);
      // A build that knows only the released migrations still opens the upgraded database.
      const older = await PostgresConversationStore.open({ url: storeUrl });
      cleanups.push(() => older.close());
      expect(older.migration).toEqual({ applied: [], version: 3 });
      const { rows } = await admin.query(`SELECT version FROM ${schema}.baton_schema_migrations ORDER BY 1`);
      expect(rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
    });

    it('rolls back a failing migration entirely and says which one failed', async () => {
      const { schema, url: storeUrl } = await freshSchema().then((f) => {
        cleanups.push(f.drop);
        return f;
      });
      const broken: PostgresMigration = {
        version: POSTGRES_MIGRATIONS.length + 1,
        name: 'broken',
        sql: 'ALTER TABLE no_such_table ADD x int',
      };
      const error: unknown = await PostgresConversationStore.open({
        url: storeUrl,
        migrations: [...POSTGRES_MIGRATIONS, broken],
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreMigrationError);
      expect((error as Error).message).toMatch(/Migration 3 \(broken\) failed/);
      expect((error as Error).message).not.toContain(password);
      // The earlier migrations ran in the same transaction, so they are gone too.
      const { rows } = await admin.query(
        `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1`,
        [schema],
      );
      expect(rows[0]).toEqual({ n: 0 });
    });

    it('refuses a database where an applied migration has different SQL', async () => {
      const { url: storeUrl } = await stores(1);
      const edited = POSTGRES_MIGRATIONS.map((m) => ({ ...m, sql: `${m.sql} -- edited` }));
      const error: unknown = await PostgresConversationStore.open({
        url: storeUrl,
        migrations: edited,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreMigrationError);
      expect((error as Error).message).toMatch(/never change/);
    });

    it('can be run directly on a pool, idempotently', async () => {
      const fresh = await freshSchema();
      cleanups.push(fresh.drop);
      const pool = new Pool({ connectionString: fresh.url, max: 1 });
      cleanups.push(() => pool.end());
      expect((await migratePostgresSchema(pool)).applied).toEqual([1, 2]);
      expect((await migratePostgresSchema(pool)).applied).toEqual([]);
    });
  });

  describe('opening and closing', () => {
    it('is what openConversationStore returns for postgres:// and postgresql:// URLs', async () => {
      const fresh = await freshSchema();
      cleanups.push(fresh.drop);
      for (const scheme of ['postgres', 'postgresql']) {
        const store = await openConversationStore({
          url: fresh.url.replace(/^postgres/, scheme),
          baseDir: '/unused',
        });
        expect(store).toBeInstanceOf(PostgresConversationStore);
        const id = await store.put(rootNode(scheme));
        expect((await store.get(id)).content).toEqual([{ type: 'text', text: scheme }]);
        await store.close();
      }
    });

    it('ends its pool on close (the server sees its connections go)', async () => {
      const fresh = await freshSchema();
      cleanups.push(fresh.drop);
      const appName = `baton-close-${randomBytes(4).toString('hex')}`;
      const storeUrl = new URL(fresh.url);
      storeUrl.searchParams.set('application_name', appName);
      const store = await PostgresConversationStore.open({ url: storeUrl.href });
      await Promise.all(Array.from({ length: 5 }, (_, i) => store.put(rootNode(`c${i}`))));
      const count = async () =>
        (
          await admin.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
            [appName],
          )
        ).rows[0]?.n;
      expect(await count()).toBeGreaterThan(0);
      await store.close();
      await store.close();
      await expect.poll(count, { timeout: 5_000 }).toBe(0);
    });

    it('rejects a wrong password with StoreUnavailableError that does not show the password', async () => {
      const wrong = new URL(url);
      wrong.password = 'not-the-Pa55word';
      const error: unknown = await openConversationStore({ url: wrong.href, baseDir: '/unused' }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as StoreUnavailableError).code).toBe('28P01');
      expect((error as Error).message).toMatch(/password authentication failed/);
      expect((error as Error).message).toContain('baton:***@127.0.0.1');
      expect((error as Error).message).not.toContain('not-the-Pa55word');
      expect((error as Error).message).toMatch(/BATON_STORE_URL/);
    });

    it('says the database is unreachable, naming it without its password', async () => {
      const closed = new URL(url);
      closed.port = '1';
      closed.password = 's3cret';
      const error: unknown = await openConversationStore({ url: closed.href, baseDir: '/unused' }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as StoreUnavailableError).code).toBe('ECONNREFUSED');
      expect((error as Error).message).toContain('postgres://baton:***@127.0.0.1:1/baton_test');
      expect((error as Error).message).not.toContain('s3cret');
    });

    it('rejects a postgres: URL without a host', async () => {
      await expect(openConversationStore({ url: 'postgres:baton', baseDir: '/unused' })).rejects.toThrow(
        /postgres:\/\/user:password@host:5432\/database/,
      );
    });
  });
});

describe('redactPostgresUrl', () => {
  it.each([
    ['postgres://baton:s3cret@db:5432/baton', 'postgres://baton:***@db:5432/baton'],
    ['postgresql://baton:p%40ss@db/baton?sslmode=require', 'postgresql://baton:***@db/baton?sslmode=require'],
    ['postgres://db/baton?password=s3cret', 'postgres://db/baton?password=***'],
    ['postgres://baton@db/baton', 'postgres://baton@db/baton'],
  ])('shows %s as %s', (input, shown) => {
    expect(redactPostgresUrl(input)).toBe(shown);
  });

  it('reduces an unparseable URL to its scheme', () => {
    expect(redactPostgresUrl('postgres://ba ton:s3cret@@/')).not.toContain('s3cret');
  });
});
