/**
 * A worker that has just started shows on its task queue's poller list only after a moment.
 * `baton dev` says it is ready only once its poller shows, and the CLI waits (a bounded while)
 * for a poller before it says that none polls.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { StartSessionResult } from '../../src/client';
import { runCli } from '../support/run-cli';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';

const address = inject('temporalAddress');
let connection: Connection;
let client: Client;
const started: TestEnvironment[] = [];

beforeAll(async () => {
  connection = await Connection.connect({ address });
  client = new Client({ connection });
});
afterAll(async () => {
  for (const env of started) await env.teardown();
  await connection?.close();
});

async function pollers(taskQueue: string): Promise<number> {
  const response = await client.workflowService.describeTaskQueue({
    namespace: 'default',
    taskQueue: { name: taskQueue },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return (response.pollers ?? []).length;
}

describe('the CLI waits a moment for a worker', () => {
  it('succeeds when the worker starts polling after the command began', async () => {
    const taskQueue = `late-${randomUUID()}`;
    const id = `late-${randomUUID().slice(0, 8)}`;
    // The command starts first and finds no poller; the worker comes up while it waits.
    const pending = runCli(['session', 'start', 'Late worker', '--id', id, '--json'], {
      TEMPORAL_ADDRESS: address,
      BATON_TASK_QUEUE: taskQueue,
      BATON_WORKER_WAIT_MS: '60000',
    });
    started.push(await startTestEnvironment({ taskQueue }));
    const run = await pending;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as StartSessionResult).session_id).toBe(id);
  });

  it('says none polls once the wait is over, naming the wait', async () => {
    const start = await runCli(['session', 'start', 'x'], {
      TEMPORAL_ADDRESS: address,
      BATON_TASK_QUEUE: 'nobody-polls-this-either',
      BATON_WORKER_WAIT_MS: '300',
    });
    expect(start.code).toBe(1);
    expect(start.stderr.trim()).toBe(
      "baton: No baton worker is polling task queue 'nobody-polls-this-either' (waited 0.3 s). " +
        'Start one with `baton dev` (or `npx tsx src/worker.ts` against your own server), then try again.',
    );
  });

  it('refuses a malformed BATON_WORKER_WAIT_MS', async () => {
    const r = await runCli(['session', 'list'], { TEMPORAL_ADDRESS: address, BATON_WORKER_WAIT_MS: 'soon' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      "baton: BATON_WORKER_WAIT_MS must be a whole number of milliseconds (0 or more), got 'soon'. Unset it for the default (3000).",
    );
  });
});

describe('baton dev', () => {
  let dev: ChildProcess | undefined;
  let home: string;

  afterAll(async () => {
    if (dev && dev.exitCode === null) {
      const exited = new Promise((resolve) => dev!.once('exit', resolve));
      dev.kill('SIGINT');
      await exited;
    }
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('says it is ready only when its poller shows, so a command right after needs no wait', async () => {
    const taskQueue = `dev-${randomUUID()}`;
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-dev-'));
    const bin = path.join(__dirname, '..', '..', 'bin', 'baton.js');
    dev = spawn(process.execPath, [bin, 'dev'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TEMPORAL_ADDRESS: address,
        BATON_TASK_QUEUE: taskQueue,
        BATON_HOME: home,
        // The run's prebuilt bundle: `baton dev` would otherwise bundle the workflows itself.
        BATON_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    dev.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const ready = await new Promise<string>((resolve, reject) => {
      dev!.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = stdout.split('\n').find((l) => l.startsWith('Ready'));
        if (line) resolve(line);
      });
      dev!.once('exit', (code) => reject(new Error(`baton dev exited (${code}): ${stderr}`)));
    });
    expect(ready).toBe(`Ready: a worker polls task queue '${taskQueue}'. Press Ctrl-C to stop.`);
    expect(stderr).toContain(`Reusing the Temporal server already running at ${address}`);

    // At the moment it says ready, the poller is listed: one look, no waiting.
    expect(await pollers(taskQueue)).toBeGreaterThan(0);
    const run = await runCli(['session', 'start', 'Right after dev', '--json'], {
      TEMPORAL_ADDRESS: address,
      BATON_TASK_QUEUE: taskQueue,
      BATON_HOME: home,
      BATON_WORKER_WAIT_MS: '0',
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    const exited = new Promise<number | null>((resolve) => dev!.once('exit', resolve));
    dev.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
