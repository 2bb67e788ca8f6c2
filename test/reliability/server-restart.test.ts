/**
 * The Temporal server stops and starts again on the same SQLite file: sessions carry on where they
 * were. This file runs its own dev server (persisted to a temp SQLite file), not the shared one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, startDevServer, type DevServer } from '../../src/temporal/dev-server';
import {
  modelCalls,
  startInProcessStack,
  tempDir,
  userTexts,
  waitForCallInFlight,
  type InProcessStack,
} from '../support/reliability-harness';
import { waitUntil } from '../support/wait-until';

let workDir: string;
let dbFile: string;
let port: number;
let server: DevServer | undefined;
let stack: InProcessStack;

async function startServer(): Promise<DevServer> {
  return startDevServer({
    cliPath: inject('temporalCliPath'),
    dbFile,
    port,
    headless: true,
    logFile: path.join(workDir, 'temporal.log'),
  });
}

beforeAll(async () => {
  workDir = tempDir('baton-restart-');
  dbFile = path.join(workDir, 'temporal.db');
  port = await freePort();
  server = await startServer();
  stack = await startInProcessStack({
    address: server.address,
    workflowBundlePath: inject('workflowBundlePath'),
    label: 'restart',
  });
});

afterAll(async () => {
  await stack?.teardown();
  await server?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('a Temporal server restart (SQLite persistence)', () => {
  it('keeps sessions: the same worker reconnects by itself and the session goes on', async () => {
    const { session_id } = await stack.baton.sessions.start({ task: 'Outlive a server restart' });
    const one = await stack.baton.sessions.send(session_id, 'First message, before the restart.');
    const two = await stack.baton.sessions.send(session_id, 'Second message, before the restart.');
    expect(two.turn).toBe(2);

    const stopping = Date.now();
    await server!.stop();
    const stoppedMs = Date.now() - stopping;
    server = undefined;
    const restarting = Date.now();
    server = await startServer();
    const startedMs = Date.now() - restarting;

    // No new worker: the one from before the restart reconnects on its own.
    const answered = Date.now();
    const status = await stack.baton.sessions.status(session_id);
    const firstAnswerMs = Date.now() - answered;
    expect(stack.worker.getState()).toBe('RUNNING');
    expect(status).toMatchObject({
      session_id,
      status: 'available',
      execution_status: 'RUNNING',
      turns: 2,
      head: two.head,
      tokens_used: two.token_budget.used,
    });
    expect(status.cumulative.output_tokens).toBe(one.usage.output_tokens + two.usage.output_tokens);

    const three = await stack.baton.sessions.send(session_id, 'Third message, after the restart.');
    const recoveredMs = Date.now() - restarting;
    console.log(
      `[reliability] server stop ${(stoppedMs / 1000).toFixed(1)} s, start ${(startedMs / 1000).toFixed(1)} s, ` +
        `first status ${(firstAnswerMs / 1000).toFixed(1)} s, send answered ${(recoveredMs / 1000).toFixed(1)} s after the restart began`,
    );
    expect(three.turn).toBe(3);
    expect(await userTexts(stack.storeDir, three.head)).toEqual([
      'Outlive a server restart',
      'First message, before the restart.',
      'Second message, before the restart.',
      'Third message, after the restart.',
    ]);
    const list = await stack.baton.sessions.list();
    expect(list.map((s) => s.session_id)).toContain(session_id);
  });

  it('finishes a turn whose model call was in flight while the server restarted', async () => {
    const { session_id } = await stack.baton.sessions.start({ task: 'A turn across a restart' });
    stack.model.injectFaults([{ kind: 'delay', ms: 3_000, match: 'across the restart' }]);
    const outcome = stack.baton.sessions.send(session_id, 'A reply that arrives across the restart.').then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    await waitForCallInFlight(stack.model, 'across the restart');

    const restarting = Date.now();
    await server!.stop();
    server = undefined;
    // The model answers while the server is down: the worker keeps retrying to report the result.
    await waitUntil(
      () => modelCalls(stack.model, 'across the restart').map((r) => r.status),
      (statuses) => statuses.includes(200),
      { what: 'the model answering while the server is down' },
    );
    server = await startServer();

    const settled = await outcome;
    const recoveredMs = Date.now() - restarting;
    console.log(
      `[reliability] in-flight turn answered ${(recoveredMs / 1000).toFixed(1)} s after the server stopped`,
    );
    // The caller kept waiting through the outage (the client retries its long poll) and got the reply.
    if (!settled.ok) throw settled.error;
    expect(settled.value).toMatchObject({ turn: 1 });
    expect(settled.value.reply).toContain('A reply that arrives across the restart.');
    const status = await stack.baton.sessions.status(session_id);
    expect(status).toMatchObject({ turns: 1, head: settled.value.head, status: 'available' });
    expect(await userTexts(stack.storeDir, status.head!)).toEqual([
      'A turn across a restart',
      'A reply that arrives across the restart.',
    ]);
    expect(modelCalls(stack.model, 'across the restart').map((r) => r.status)).toEqual([200]);
  });
});
