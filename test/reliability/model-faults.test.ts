/**
 * Model faults through whole sessions, beyond what session-lifecycle.test.ts covers (400/401/403/
 * 404/422 are not retried; 429 with retry-after, 529, 500 and one broken stream recover):
 * a hanging call, a malformed body, transient errors that never stop, and what the user reads
 * when a permanent error fails a turn. Every fault goes over real HTTP to the offline model.
 *
 * The worker's Anthropic client runs with a 3-second request timeout here. With the default (the
 * SDK's 10 minutes, and the activity's 10-minute start-to-close timeout) a hanging call blocks its
 * session for 10 minutes: the activity keeps heartbeating while it waits, so the 30 s heartbeat
 * timeout, which catches dead workers, never fires for a live worker stuck on a silent socket.
 */
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { FailureType, SessionRequestError } from '../../src/client';
import { modelCalls, startInProcessStack, type InProcessStack } from '../support/reliability-harness';

const MODEL_TIMEOUT_MS = 3_000;

let stack: InProcessStack;
beforeAll(async () => {
  stack = await startInProcessStack({
    address: inject('temporalAddress'),
    workflowBundlePath: inject('workflowBundlePath'),
    label: 'faults',
    modelTimeoutMs: MODEL_TIMEOUT_MS,
  });
});
afterAll(async () => {
  await stack?.teardown();
});

/** Status and injected fault of each model call containing `text`, oldest first. */
const callsOf = (text: string) => modelCalls(stack.model, text).map((r) => [r.status, r.fault]);

describe.concurrent('transient model faults recover', () => {
  it('a call that hangs times out on the client and is retried', async ({ expect }) => {
    const { session_id } = await stack.baton.sessions.start({ task: 'hang' });
    stack.model.injectFaults([{ kind: 'hang', match: 'silent model' }]);
    const started = Date.now();
    const result = await stack.baton.sessions.send(session_id, 'Answer even if the model goes silent model.');
    const elapsed = Date.now() - started;
    console.log(
      `[reliability] hanging call recovered in ${(elapsed / 1000).toFixed(1)} s (client timeout ${MODEL_TIMEOUT_MS / 1000} s)`,
    );
    expect(result.turn).toBe(1);
    expect(result.reply).toContain('Answer even if the model goes silent model.');
    // The hung request was abandoned by the client when its timeout fired (499), then retried to
    // completion.
    expect(callsOf('silent model')).toEqual([
      [499, 'hang'],
      [200, null],
    ]);
    expect((await stack.baton.sessions.status(session_id)).turns).toBe(1);
  });

  it('a 200 response whose body is not valid JSON is retried', async ({ expect }) => {
    const { session_id } = await stack.baton.sessions.start({ task: 'malformed' });
    stack.model.injectFaults([{ kind: 'malformed_body', match: 'garbled body' }]);
    const result = await stack.baton.sessions.send(session_id, 'Survive a garbled body.');
    expect(result.turn).toBe(1);
    expect(result.reply).toContain('Survive a garbled body.');
    expect(callsOf('garbled body')).toEqual([
      [200, 'malformed_body'],
      [200, null],
    ]);
  });

  it('a stream that breaks twice, after a 429 with retry-after, still answers', async ({ expect }) => {
    const { session_id } = await stack.baton.sessions.start({ task: 'mixed' });
    stack.model.injectFaults([
      { kind: 'http', status: 429, retry_after_s: 2, match: 'mixed faults' },
      { kind: 'mid_stream_error', times: 2, match: 'mixed faults' },
    ]);
    const result = await stack.baton.sessions.send(session_id, 'One reply through mixed faults.');
    expect(result.reply).toContain('One reply through mixed faults.');
    const calls = modelCalls(stack.model, 'mixed faults');
    expect(calls.map((r) => [r.status, r.fault])).toEqual([
      [429, 'http'],
      [200, 'mid_stream_error'],
      [200, 'mid_stream_error'],
      [200, null],
    ]);
    // That the wait after the 429 is the one retry-after asked for is in session-lifecycle.test.ts.
  });
});

describe.concurrent('faults that do not go away fail the turn clearly; the session stays usable', () => {
  it.for([
    [
      401,
      FailureType.AuthenticationFailed,
      'The Anthropic API rejected the key (401 authentication_error): check ANTHROPIC_API_KEY.',
    ],
    [
      403,
      FailureType.PermissionDenied,
      "The Anthropic API refused the key access (403 permission_error: no access here): check that the key's workspace may use this model and feature.",
    ],
    [
      404,
      FailureType.ModelNotFound,
      'The Anthropic API did not find what was asked for (404 not_found_error: no access here): check the model id and ANTHROPIC_BASE_URL.',
    ],
    [
      422,
      FailureType.InvalidModelRequest,
      'The Anthropic API could not process the request (422 invalid_request_error: no access here): fix the request; sending it again will not help.',
    ],
  ] as const)(
    '%i: one call, then the turn fails saying what to do',
    async ([status, type, message], { expect }) => {
      const { session_id } = await stack.baton.sessions.start({ task: `permanent ${status}` });
      const before = await stack.baton.sessions.status(session_id);
      const text = `refused-${status}`;
      stack.model.injectFaults([{ kind: 'http', status, message: 'no access here', match: text }]);

      const failure = await stack.baton.sessions
        .send(session_id, `Please, ${text}.`)
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(SessionRequestError);
      expect((failure as Error).message).toBe(`Turn 1 failed: ${message}`);
      expect((failure as SessionRequestError).type).toBe(type);
      expect(callsOf(text)).toEqual([[status, 'http']]);

      const after = await stack.baton.sessions.status(session_id);
      expect(after).toMatchObject({ status: 'available', turns: 0, head: before.head });
      const ok = await stack.baton.sessions.send(session_id, `Again, ${text}.`);
      expect(ok.turn).toBe(1);
    },
  );

  it('a transient fault that persists fails the turn once the retries are spent', async ({ expect }) => {
    const { session_id } = await stack.baton.sessions.start({ task: 'overloaded for good' });
    const before = await stack.baton.sessions.status(session_id);
    stack.model.injectFaults([{ kind: 'http', status: 529, times: 6, match: 'always overloaded' }]);
    const started = Date.now();
    const failure = await stack.baton.sessions
      .send(session_id, 'This is always overloaded.')
      .catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    console.log(`[reliability] a persistent 529 failed the turn after ${(elapsed / 1000).toFixed(1)} s`);

    expect(failure).toBeInstanceOf(SessionRequestError);
    // The activity said what happened; the workflow, once, that the retries ran out.
    expect((failure as Error).message).toBe(
      "Turn 1 failed: The Anthropic API is overloaded (529 overloaded_error). Temporal's retries ran out; try again later.",
    );
    expect((failure as SessionRequestError).type).toBe(FailureType.ApiOverloaded);
    // The retry policy's six attempts, backing off 1, 2, 4, 8 and 16 s.
    expect(callsOf('always overloaded')).toEqual(Array.from({ length: 6 }, () => [529, 'http']));
    expect(await stack.baton.sessions.status(session_id)).toMatchObject({ turns: 0, head: before.head });
    expect((await stack.baton.sessions.send(session_id, 'Are you back?')).turn).toBe(1);
  }, 90_000);
});
