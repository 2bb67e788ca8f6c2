/**
 * `sessions.list` answers from Temporal's visibility store, which the whole namespace shares: the
 * answer must be this task queue's sessions, however many other workflows there are.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATON_KIND, BATON_MODEL } from '../../src/domain/visibility';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { uniqueId } from '../support/unique-id';
import { waitUntil } from '../support/wait-until';

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

/** More than the default page (50 rows) of `list`. */
const UNRELATED = 60;

describe('sessions.list', () => {
  it('finds its own sessions behind more than a page of newer, unrelated ones', async () => {
    const mine = [];
    for (const task of ['first', 'second', 'third']) {
      mine.push((await env.baton.sessions.start({ task, model: 'claude-haiku-4-5' })).session_id);
    }
    // Newer workflows that look like sessions (same kind and model) on another task queue, where
    // no worker runs them: another deployment's sessions, or another test file's.
    const elsewhere = `elsewhere-${randomUUID()}`;
    const unrelated = await Promise.all(
      Array.from({ length: UNRELATED }, () =>
        env.baton.temporal.workflow.start('sessionWorkflow', {
          taskQueue: elsewhere,
          workflowId: uniqueId('unrelated'),
          args: [],
          typedSearchAttributes: [
            { key: BATON_KIND, value: 'session' },
            { key: BATON_MODEL, value: 'claude-haiku-4-5' },
          ],
        }),
      ),
    );
    try {
      // Visibility catches up with starts a moment later; wait until it lists all of them.
      await waitUntil(
        async () => (await env.baton.temporal.workflow.count(`TaskQueue = '${elsewhere}'`)).count,
        (n) => n === UNRELATED,
        { what: `${UNRELATED} unrelated workflows in visibility` },
      );
      const listed = await waitUntil(
        () => env.baton.sessions.list(),
        (rows) => rows.length >= mine.length,
        { what: 'the three sessions in visibility' },
      );
      expect(listed.map((r) => r.session_id)).toEqual([...mine].reverse());
      expect(listed.every((r) => r.model === 'claude-haiku-4-5' && r.execution_status === 'RUNNING')).toBe(
        true,
      );

      // A limit takes the newest; a query narrows within this task queue's sessions.
      expect((await env.baton.sessions.list({ limit: 2 })).map((r) => r.session_id)).toEqual([
        mine[2],
        mine[1],
      ]);
      const one = await env.baton.sessions.list({ query: `WorkflowId = '${mine[0]}'` });
      expect(one.map((r) => r.session_id)).toEqual([mine[0]]);
    } finally {
      await Promise.all(unrelated.map((h) => h.terminate('unrelated workflows of a list test')));
    }
  });

  it('lists a session once, not once per run, after it rolls over', async () => {
    const { session_id } = await env.baton.sessions.start({
      task: 'roll over',
      settings: { rollover_history_events: 100 },
    });
    let status = await env.baton.sessions.status(session_id);
    for (let i = 1; status.rollovers.length === 0 && i <= 30; i++) {
      await env.baton.sessions.send(session_id, `message ${i}`);
      status = await env.baton.sessions.status(session_id);
    }
    expect(status.rollovers.length).toBeGreaterThanOrEqual(1);
    const runs = await waitUntil(
      async () => (await env.baton.temporal.workflow.count(`WorkflowId = '${session_id}'`)).count,
      (n) => n === status.previous_runs.length + 1,
      { what: 'every run of the session in visibility' },
    );
    expect(runs).toBeGreaterThan(1);
    const listed = await env.baton.sessions.list({ query: `WorkflowId = '${session_id}'` });
    expect(listed.map((r) => [r.session_id, r.run_id, r.execution_status])).toEqual([
      [session_id, status.run_id, 'RUNNING'],
    ]);
  });
});
