import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  InvalidInputError,
  SessionExistsError,
  SessionNotFoundError,
  SessionRequestError,
} from '../../src/client';
import { FailureType } from '../../src/domain/failures';
import { costOf } from '../../src/domain/session';
import { BUILTIN_MODELS } from '../../src/domain/models';
import { sendUpdate } from '../../src/domain/session';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { waitForValue } from '../support/wait-until';

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

const sonnet = BUILTIN_MODELS.find((m) => m.id === 'claude-sonnet-4-6')!;

describe('a session from start to close', () => {
  it('starts with its task measured, answers messages, keeps the budget and closes', async () => {
    const started = await env.baton.sessions.start({ task: 'Design a rate limiter for our public API' });
    expect(started.session_id).toMatch(/^sess_[0-9a-f]{16}$/);
    expect(started.model).toBe('claude-sonnet-4-6');
    expect(started.token_budget.total).toBe(200_000);
    // The task is in the context before anything is sent.
    expect(started.token_budget.used).toBeGreaterThan(5);
    expect(started.token_budget.available).toBe(200_000 - started.token_budget.used);
    expect(started.ui_url).toContain(`/workflows/${started.session_id}/${started.run_id}`);
    expect(started.status.status).toBe('available');

    const replies = [];
    for (const message of [
      'Which algorithm fits bursty clients?',
      'How do we store the buckets?',
      'Summarize.',
    ]) {
      replies.push(await env.baton.sessions.send(started.session_id, message));
    }
    expect(replies.map((r) => r.turn)).toEqual([1, 2, 3]);
    expect(replies[0]!.reply).toContain('Which algorithm fits bursty clients?');
    // Each turn's context fill is what the API reported: everything sent plus the reply.
    for (const r of replies) {
      expect(r.token_budget.used).toBe(r.usage.input_tokens + r.usage.output_tokens);
      expect(r.cost_usd).toBeCloseTo(costOf(r.usage, sonnet), 9);
    }
    expect(replies[2]!.token_budget.used).toBeGreaterThan(replies[0]!.token_budget.used);

    const status = await env.baton.sessions.status(started.session_id);
    expect(status).toMatchObject({
      session_id: started.session_id,
      status: 'available',
      model: 'claude-sonnet-4-6',
      context_window: 200_000,
      turns: 3,
      tokens_used: replies[2]!.token_budget.used,
      tokens_available: 200_000 - replies[2]!.token_budget.used,
      run_id: started.run_id,
      head: replies[2]!.head,
    });
    expect(status.cumulative.input_tokens).toBe(replies.reduce((s, r) => s + r.usage.input_tokens, 0));
    expect(status.cumulative.output_tokens).toBe(replies.reduce((s, r) => s + r.usage.output_tokens, 0));
    expect(status.cumulative.cost_usd).toBeCloseTo(
      replies.reduce((s, r) => s + r.cost_usd, 0),
      6,
    );
    expect(Date.parse(status.last_activity)).toBeGreaterThanOrEqual(Date.parse(status.created_at));

    // The conversation is in the store: task, then three user/assistant pairs.
    const path = await env.store.path(status.head!);
    expect(path.map((n) => n.role)).toEqual([
      'user',
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
    expect(path[0]!.meta).toMatchObject({ kind: 'task', class: 'critical' });

    const closed = await env.baton.sessions.close(started.session_id);
    expect(closed.status).toBe('closed');
    const after = await env.baton.sessions.status(started.session_id);
    expect(after.status).toBe('closed');
    expect(after.turns).toBe(3);
    await expect(env.baton.sessions.send(started.session_id, 'one more')).rejects.toThrow(/closed/);
  });

  it('lists sessions with their model and context fill', async () => {
    const { session_id } = await env.baton.sessions.start({ task: 'listed', model: 'claude-haiku-4-5' });
    await env.baton.sessions.send(session_id, 'hello');
    await expect
      .poll(async () => (await env.baton.sessions.list()).find((s) => s.session_id === session_id), {
        timeout: 10_000,
      })
      .toMatchObject({ session_id, model: 'claude-haiku-4-5', execution_status: 'RUNNING' });
  });

  it('serves concurrent sends one turn at a time, losing none', async () => {
    const { session_id } = await env.baton.sessions.start({ task: 'concurrency' });
    const results = await Promise.all(
      ['alpha', 'bravo', 'charlie', 'delta'].map((m) => env.baton.sessions.send(session_id, m)),
    );
    expect(results.map((r) => r.turn).sort()).toEqual([1, 2, 3, 4]);
    const status = await env.baton.sessions.status(session_id);
    const texts = (await env.store.path(status.head!)).filter((n) => n.role === 'user').map((n) => n.content);
    expect(JSON.stringify(texts)).toContain('alpha');
    expect(JSON.stringify(texts)).toContain('delta');
    expect(status.turns).toBe(4);
  });
});

describe('bad input leaves sessions as they were', () => {
  it('rejects empty, oversized and closed-session messages in the workflow validator', async () => {
    const { session_id } = await env.baton.sessions.start({ task: 'validator', model: 'baton-small-8k' });
    const handle = env.baton.temporal.workflow.getHandle(session_id);
    // Straight to the workflow, past the client's own checks, to prove the validator holds.
    const rejection = (message: string) =>
      handle.executeUpdate(sendUpdate, { args: [{ message }] }).then(
        () => 'accepted',
        (err: unknown) => {
          expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
          // A refusal carries baton's failure type, so callers can tell it from a failed turn.
          expect((err as WorkflowUpdateFailedError).cause).toMatchObject({
            type: FailureType.InvalidRequest,
          });
          return (err as WorkflowUpdateFailedError).cause?.message;
        },
      );
    expect(await rejection('   ')).toBe('The message is empty: send some text.');
    expect(await rejection('x'.repeat(8_000 * 4 + 8))).toMatch(
      /more than the model's whole context window \(8,000\)/,
    );
    const before = await env.baton.sessions.status(session_id);
    expect(before.turns).toBe(0);
    expect(before.head).not.toBeNull();
    // A closed session's run has completed: the update cannot reach it, and the client says why.
    await env.baton.sessions.close(session_id);
    await expect(env.baton.sessions.send(session_id, 'hi')).rejects.toThrow(
      `Session ${session_id} is closed (completed). Resume it with \`baton session resume ${session_id}\`.`,
    );
    const after = await env.baton.sessions.status(session_id);
    expect(after).toMatchObject({ turns: 0, head: before.head, status: 'closed' });
  });

  it('says clearly what is wrong with ids, models, settings and messages', async () => {
    await expect(env.baton.sessions.status('sess_doesnotexist')).rejects.toThrow(SessionNotFoundError);
    await expect(env.baton.sessions.send('sess_doesnotexist', 'hi')).rejects.toThrow(
      /No session 'sess_doesnotexist'/,
    );
    await expect(env.baton.sessions.status('../etc/passwd')).rejects.toThrow(InvalidInputError);
    await expect(env.baton.sessions.start({ id: 'a b; rm -rf /' })).rejects.toThrow(/not a valid session id/);
    await expect(env.baton.sessions.start({ model: 'gpt-4' })).rejects.toThrow(/Unknown model 'gpt-4'/);
    await expect(
      env.baton.sessions.start({ settings: { summarize_at_percent: 90, rollover_at_percent: 80 } }),
    ).rejects.toThrow(/summarize_at_percent \(90\) must be below rollover_at_percent \(80\)/);
    await expect(env.baton.sessions.send('sess_0000000000000000', '')).rejects.toThrow(/empty/);

    const { session_id } = await env.baton.sessions.start({ task: 'taken' });
    await expect(env.baton.sessions.start({ id: session_id })).rejects.toThrow(SessionExistsError);
    const status = await env.baton.sessions.status(session_id);
    expect(status.turns).toBe(0);
  });
});

describe('model errors', () => {
  it('fails a turn at once on a permanent error (400) and keeps the session usable', async () => {
    const { session_id } = await env.baton.sessions.start({ task: 'permanent errors' });
    env.model.clearRequests();
    env.model.injectFaults([{ kind: 'http', status: 400, message: 'messages: bad block', match: 'poison' }]);
    const failure = await env.baton.sessions.send(session_id, 'poison pill').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SessionRequestError);
    expect((failure as Error).message).toMatch(/Turn 1 failed: .*400/);
    // Not retried: one request reached the model.
    expect(env.model.requests.filter((r) => r.path === '/v1/messages')).toHaveLength(1);

    const before = await env.baton.sessions.status(session_id);
    expect(before.turns).toBe(0);
    const ok = await env.baton.sessions.send(session_id, 'a normal message');
    expect(ok.turn).toBe(1);
  });

  it.each([401, 403, 404, 422])('does not retry %i', async (status) => {
    const { session_id } = await env.baton.sessions.start({ task: `status ${status}` });
    env.model.clearRequests();
    env.model.injectFaults([{ kind: 'http', status, match: `fail-${status}` }]);
    await expect(env.baton.sessions.send(session_id, `fail-${status}`)).rejects.toThrow(SessionRequestError);
    expect(env.model.requests.filter((r) => r.path === '/v1/messages')).toHaveLength(1);
  });

  it('retries 429 after retry-after, 529 and 500, then answers', async () => {
    const { session_id } = await env.baton.sessions.start({ task: 'transient errors' });
    env.model.clearRequests();
    env.model.injectFaults([
      { kind: 'http', status: 429, retry_after_s: 1, match: 'flaky' },
      { kind: 'http', status: 529, match: 'flaky' },
      { kind: 'http', status: 500, match: 'flaky' },
    ]);
    const result = await env.baton.sessions.send(session_id, 'flaky request');
    expect(result.turn).toBe(1);
    const calls = env.model.requests.filter((r) => r.path === '/v1/messages');
    expect(calls.map((r) => r.status)).toEqual([429, 529, 500, 200]);
  });

  it('schedules the attempt after a 429 when retry-after says, not by its own backoff', async () => {
    const { session_id } = await env.baton.sessions.start({ task: 'rate limited' });
    const text = `rate limited ${session_id}`;
    env.model.injectFaults([{ kind: 'http', status: 429, retry_after_s: 600, match: text }]);
    const sending = env.baton.sessions.send(session_id, text).catch((e: unknown) => e);
    const handle = env.baton.temporal.workflow.getHandle(session_id);
    try {
      // Temporal holds the model call for its second attempt, with the 429 as the last failure.
      const waiting = await waitForValue(
        async () => (await handle.describe()).raw.pendingActivities?.find((a) => (a.attempt ?? 0) >= 2),
        { what: 'the model call waiting for its second attempt' },
      );
      expect(waiting.lastFailure?.applicationFailureInfo?.type).toBe(FailureType.RateLimited);
      expect(waiting.lastFailure?.message).toContain('asked to wait 600 s');
      // Scheduled (not measured) ten minutes after the 429 arrived; the policy's own backoff tops out
      // at one minute. Temporal keeps whole seconds of the schedule, hence 599.
      const calls = env.model.requests.filter((r) => r.last_user_text.includes(text));
      expect(calls.map((r) => r.status)).toEqual([429]);
      const nextAttemptMs = Number(waiting.nextAttemptScheduleTime?.seconds?.toString()) * 1000;
      expect(nextAttemptMs - Date.parse(calls[0]!.time)).toBeGreaterThanOrEqual(599_000);
    } finally {
      await handle.terminate('the test has seen the scheduled retry');
      await sending;
    }
  });

  it('recovers from a stream that breaks midway', async () => {
    const { session_id } = await env.baton.sessions.start({ task: 'mid-stream' });
    env.model.clearRequests();
    env.model.injectFaults([{ kind: 'mid_stream_error', match: 'stream me' }]);
    const result = await env.baton.sessions.send(session_id, 'stream me');
    expect(result.reply).toContain('stream me');
    expect(env.model.requests.filter((r) => r.path === '/v1/messages').length).toBe(2);
  });
});
