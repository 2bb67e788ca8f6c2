/**
 * The worker as the Docker image runs it, configured only by environment variables: the
 * PostgreSQL conversation store (BATON_STORE_URL), a workflow bundle prebuilt by
 * scripts/bundle-workflows.ts (BATON_WORKFLOW_BUNDLE) and payload encryption
 * (BATON_ENCRYPTION_KEY), against the real dev server and the run's PostgreSQL.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BatonClient } from '../../src/client';
import { generateEncryptionKey } from '../../src/codec';
import { startWorkerRuntime, type WorkerRuntime } from '../../src/worker/worker-runtime';
import { withSearchPath } from '../support/postgres';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');

const key = generateEncryptionKey();
const schema = `w_${randomBytes(6).toString('hex')}`;
const taskQueue = `prod-${randomBytes(6).toString('hex')}`;
let dir: string;
let admin: Pool;
let runtime: WorkerRuntime;
let running: Promise<void>;
let baton: BatonClient;
const logged: string[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-prod-worker-'));
  const bundle = path.join(dir, 'workflow-bundle.js');
  await run(
    process.execPath,
    [require.resolve('tsx/cli'), path.join(ROOT, 'scripts', 'bundle-workflows.ts'), bundle],
    {
      cwd: ROOT,
    },
  );
  admin = new Pool({ connectionString: inject('postgresUrl'), max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const env: NodeJS.ProcessEnv = {
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    BATON_TASK_QUEUE: taskQueue,
    BATON_HOME: dir,
    BATON_STORE_URL: withSearchPath(inject('postgresUrl'), schema),
    BATON_WORKFLOW_BUNDLE: bundle,
    BATON_ENCRYPTION_KEY: key,
  };
  runtime = await startWorkerRuntime(env, (line) => logged.push(line));
  running = runtime.run();
  baton = await BatonClient.connect({
    env: { TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS, BATON_TASK_QUEUE: taskQueue, BATON_ENCRYPTION_KEY: key },
  });
  await baton.waitForWorker();
}, 180_000);

afterAll(async () => {
  await baton?.close();
  if (runtime) {
    runtime.worker.shutdown();
    await running;
    await runtime.shutdown();
  }
  await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin?.end();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a worker configured like the Docker image', () => {
  it('says it encrypts, and runs a session whose content lands in PostgreSQL and not in Temporal', async () => {
    expect(logged.some((l) => /Payloads encrypted with key [0-9a-f]{8} \(AES-256-GCM\)/.test(l))).toBe(true);
    const { session_id } = await baton.sessions.start({ task: 'PROD-TASK-31: audit the ledger' });
    const { reply } = await baton.sessions.send(session_id, 'PROD-MSG-77: which accounts are stale?');
    expect(reply).toContain('PROD-MSG-77');

    // The conversation is in the store's table…
    const { rows } = await admin.query<{ body: Buffer }>(`SELECT body FROM ${schema}.baton_nodes`);
    const stored = rows.map((r) => r.body.toString('utf8')).join('\n');
    expect(stored).toContain('PROD-TASK-31');
    expect(stored).toContain('PROD-MSG-77');

    // …and Temporal's history holds only ciphertext.
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const history = await new Client({ connection }).workflow.getHandle(session_id).fetchHistory();
      const raw = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
      expect(raw.includes('PROD-TASK-31')).toBe(false);
      expect(raw.includes('PROD-MSG-77')).toBe(false);
      expect(raw.includes('binary/encrypted')).toBe(true);
    } finally {
      await connection.close();
    }
  });

  it('refuses to start with a bundle path that does not exist, naming the variable', async () => {
    await expect(
      startWorkerRuntime({
        BATON_WORKFLOW_BUNDLE: path.join(dir, 'missing.js'),
        TEMPORAL_ADDRESS: '127.0.0.1:1',
      }),
    ).rejects.toThrow(/BATON_WORKFLOW_BUNDLE names .*missing\.js, which does not exist/);
  });

  it('refuses to start with a malformed encryption key, before connecting anywhere', async () => {
    await expect(
      startWorkerRuntime({ BATON_ENCRYPTION_KEY: 'not-a-key', TEMPORAL_ADDRESS: '127.0.0.1:1' }),
    ).rejects.toThrow(/^BATON_ENCRYPTION_KEY must be a 32-byte key/);
  });
});
