/**
 * The calls that used to take several round trips take one: a session started with its first
 * message (update-with-start), a fork (no activity, the parent's fill inherited), a resume with a
 * message; a turn writes the store once, after the reply; search attributes are upserted only
 * when their published value changes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InvalidInputError, SessionExistsError, SessionRequestError } from '../../src/client';
import { cumulativeTokens, textOf } from '../../src/domain/session';
import {
  BATON_CONTEXT_PERCENT,
  BATON_TOKENS_USED,
  contextPercentAttribute,
} from '../../src/domain/visibility';
import { runCli } from '../support/run-cli';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';

const EventType = temporal.api.enums.v1.EventType;

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

const unique = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

async function events(id: string) {
  return (await env.baton.temporal.workflow.getHandle(id).fetchHistory()).events ?? [];
}

async function contextOf(head: string): Promise<string[]> {
  return (await env.store.path(head)).map((n) => textOf(n.content));
}

/** Every stored node's text, read from the store's files. */
function storedTexts(): string {
  const root = path.join(env.storeDir, 'nodes');
  return fs
    .readdirSync(root)
    .flatMap((shard) => fs.readdirSync(path.join(root, shard)).map((f) => path.join(root, shard, f)))
    .map((file) => fs.readFileSync(file, 'utf8'))
    .join('\n');
}

describe('a session started with its first message', () => {
  it('answers in the same call: the start and the message share the first workflow task', async () => {
    const id = unique('sess_uws');
    const started = await env.baton.sessions.start({
      id,
      task: 'Plan the move',
      message: 'Where do we start?',
    });
    expect(started.reply.turn).toBe(1);
    expect(started.reply.run_id).toBe(started.run_id);
    expect(started.token_budget).toEqual(started.reply.token_budget);
    // The model saw the task first, then the message.
    expect(await contextOf(started.reply.head)).toEqual([
      'Plan the move',
      'Where do we start?',
      started.reply.reply,
    ]);

    const history = await events(id);
    const firstTaskCompleted = history.find(
      (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    );
    const accepted = history.find(
      (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
    );
    expect(accepted?.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name).toBe(
      'send',
    );
    // Accepted among the first workflow task's commands (after the patch markers a new run records,
    // each with its TemporalChangeVersion upsert), not in a later task.
    const tasksCompletedBefore = history.filter(
      (e) =>
        e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED &&
        Number(e.eventId) < Number(accepted?.eventId),
    );
    expect(tasksCompletedBefore).toEqual([firstTaskCompleted]);
    // The task went to the model with the message: one activity, two workflow tasks before the reply.
    const count = (type: temporal.api.enums.v1.EventType) =>
      history.filter((e) => e.eventType === type).length;
    expect(count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).toBe(1);
    expect(count(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)).toBe(2);
    expect(await env.baton.sessions.status(id)).toMatchObject({ turns: 1, head: started.reply.head });
  });

  it('refuses a taken id and an empty first message, changing nothing', async () => {
    const id = unique('sess_taken');
    await env.baton.sessions.start({ id, task: 'first' });
    await expect(env.baton.sessions.start({ id, task: 'second', message: 'hello' })).rejects.toThrow(
      SessionExistsError,
    );
    expect(await env.baton.sessions.status(id)).toMatchObject({ turns: 0 });

    const fresh = unique('sess_empty');
    await expect(env.baton.sessions.start({ id: fresh, message: '   ' })).rejects.toThrow(InvalidInputError);
    await expect(env.baton.temporal.workflow.getHandle(fresh).describe()).rejects.toThrow();
  });

  it('exists when its first turn fails, and says so', async () => {
    const id = unique('sess_firstfail');
    env.model.injectFaults([{ kind: 'http', status: 400, message: 'bad block', match: 'first-poison' }]);
    const failure = await env.baton.sessions
      .start({ id, task: 'failing start', message: 'first-poison' })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SessionRequestError);
    expect((failure as Error).message).toMatch(
      new RegExp(`Session ${id} started, but its first turn failed`),
    );
    const retry = await env.baton.sessions.send(id, 'a normal message');
    expect(retry.turn).toBe(1);
    // The task, still unsent, goes with the next message.
    expect(await contextOf(retry.head)).toEqual(['failing start', 'a normal message', retry.reply]);
  });

  it('works from the CLI with --message', async () => {
    const id = unique('sess_climsg');
    const run = await runCli(
      ['session', 'start', 'CLI task', '--id', id, '--message', 'first words'],
      env.cliEnv,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Session ${id} started`);
    expect(run.stdout).toMatch(/── turn 1 · /);
  });
});

describe('a fork', () => {
  it('starts at its parent head with its parent fill, without an activity', async () => {
    const parent = await env.baton.sessions.start({
      task: 'parent of a cheap fork',
      message: 'shared history',
    });
    const parentStatus = await env.baton.sessions.status(parent.session_id);
    const fork = await env.baton.sessions.fork(parent.session_id);
    expect(fork.status.head).toBe(parentStatus.head);
    expect(fork.status.tokens_used).toBe(parentStatus.tokens_used);
    const history = await events(fork.session_id);
    expect(history.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).toEqual([]);
    expect(history.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)).toHaveLength(
      1,
    );

    const reply = await env.baton.sessions.send(fork.session_id, 'fork only');
    expect(reply.turn).toBe(1);
    expect(await contextOf(reply.head)).toEqual([
      'parent of a cheap fork',
      'shared history',
      parent.reply.reply,
      'fork only',
      reply.reply,
    ]);
  });

  it('and a new session take their first message without a describe first: the client made them', async () => {
    const parent = await env.baton.sessions.start({ task: 'no describe before a first send' });
    const fork = await env.baton.sessions.fork(parent.session_id);
    const describeCall = vi.spyOn(env.baton.temporal.workflowService, 'describeWorkflowExecution');
    try {
      await env.baton.sessions.send(parent.session_id, 'first of the parent');
      const reply = await env.baton.sessions.send(fork.session_id, 'first of the fork');
      expect(reply.turn).toBe(1);
      expect(describeCall).not.toHaveBeenCalled();
    } finally {
      describeCall.mockRestore();
    }
  });
});

describe('a resumed session given a message', () => {
  it('starts its new run and answers in one call', async () => {
    const { session_id } = await env.baton.sessions.start({ task: 'resume in one call', message: 'one' });
    await env.baton.sessions.close(session_id);
    const resumed = await env.baton.sessions.resume(session_id, { message: 'two' });
    expect(resumed.resumed).toBe(true);
    expect(resumed.reply?.turn).toBe(2);
    expect(resumed.reply?.run_id).toBe(resumed.run_id);
    const history =
      (await env.baton.temporal.workflow.getHandle(session_id, resumed.run_id).fetchHistory()).events ?? [];
    const accepted = history.find(
      (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
    );
    expect(accepted?.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name).toBe(
      'send',
    );
  });
});

describe('a turn', () => {
  it('stores its message and reply once, after the reply: a failed turn stores nothing', async () => {
    const { session_id } = await env.baton.sessions.start({ task: 'one write per turn' });
    const marker = `unstored-${randomUUID()}`;
    env.model.injectFaults([{ kind: 'http', status: 400, message: 'bad block', match: marker }]);
    await expect(env.baton.sessions.send(session_id, marker)).rejects.toThrow(SessionRequestError);
    expect(storedTexts()).not.toContain(marker);

    const kept = `stored-${randomUUID()}`;
    const reply = await env.baton.sessions.send(session_id, kept);
    expect(await contextOf(reply.head)).toEqual(['one write per turn', kept, reply.reply]);
  });
});

describe('search attributes', () => {
  it('follow the session in steps, upserted only when the published value changes', async () => {
    const { session_id } = await env.baton.sessions.start({ task: 'visible in steps' });
    const turns = 12;
    for (let i = 1; i <= turns; i++) await env.baton.sessions.send(session_id, `message ${i}`);
    const status = await env.baton.sessions.status(session_id);
    const attributes = (await env.baton.temporal.workflow.getHandle(session_id).describe())
      .typedSearchAttributes;
    // Tokens: exact when written, so never above the true count, and in its power of ten.
    const tokens = cumulativeTokens(status.cumulative);
    const published = attributes.get(BATON_TOKENS_USED) ?? 0;
    expect(published).toBeGreaterThan(0);
    expect(published).toBeLessThanOrEqual(tokens);
    expect(String(published).length).toBe(String(tokens).length);
    expect(attributes.get(BATON_CONTEXT_PERCENT)).toBe(contextPercentAttribute(status.position_percent));
    // Replaying the upserts from the values the run started with: each one changes something.
    const history = await events(session_id);
    const values = new Map<string, unknown>();
    const apply = (fields: Record<string, temporal.api.common.v1.IPayload> | null | undefined) => {
      let changed = false;
      for (const [name, payload] of Object.entries(fields ?? {})) {
        const value = JSON.stringify(defaultPayloadConverter.fromPayload(payload));
        if (values.get(name) !== value) changed = true;
        values.set(name, value);
      }
      return changed;
    };
    apply(history[0]?.workflowExecutionStartedEventAttributes?.searchAttributes?.indexedFields);
    const upserts = history.filter(
      (e) => e.eventType === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
    );
    expect(upserts.length).toBeGreaterThan(0);
    expect(upserts.length).toBeLessThan(turns / 2);
    for (const upsert of upserts) {
      expect(
        apply(upsert.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields),
      ).toBe(true);
    }
  });
});
