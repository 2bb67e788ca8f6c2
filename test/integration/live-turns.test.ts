/**
 * Turns as they happen, against a real dev server and the offline model: reply text streamed
 * through the session's workflow stream while the model writes it, tool calls, a retried call, a
 * reader that follows a rollover, and cancelling a turn in flight down to its HTTP request.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  droppedEventsNote,
  SessionRequestError,
  type DroppedEvents,
  type PositionedTurnEvent,
} from '../../src/client';
import { TURN_EVENTS_RETAINED_MAX, type TurnEvent } from '../../src/domain/session';
import { loadMcpConfig } from '../../src/mcp';
import { createMcpFixture, type McpFixture } from '../fixtures/mcp-fixture';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';

let env: TestEnvironment;
let fixture: McpFixture;
beforeAll(async () => {
  fixture = createMcpFixture(['testkit']);
  const { config } = await loadMcpConfig({ file: fixture.configPath, env: {} });
  env = await startTestEnvironment({ mcpServers: { ...config.servers } });
});
afterAll(async () => {
  await env?.teardown();
  fixture?.cleanup();
});

const newId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** The text a reader shows: text events, restarting a call's text when an attempt is retried. */
function shownText(events: TurnEvent[]): string {
  let text = '';
  let callStart = 0;
  for (const e of events) {
    if (e.type === 'text') text += e.text;
    if (e.type === 'attempt') text = text.slice(0, callStart);
    if (e.type === 'tool_result') callStart = text.length;
  }
  return text;
}

async function rejection(promise: Promise<unknown>): Promise<SessionRequestError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof SessionRequestError))
    throw new Error(`expected a SessionRequestError, got ${String(err)}`);
  return err;
}

describe('streamed sends', () => {
  it('pass the reply on piece by piece while the model writes it, then the end of the turn', async () => {
    const { session_id } = await env.baton.sessions.start({ id: newId('live'), task: 'stream' });
    const events: TurnEvent[] = [];
    // About 1,600 characters at 15 ms a delta: more than a second of writing, so several batches.
    const result = await env.baton.sessions.send(
      session_id,
      'Write it out. [[reply_tokens=400]] [[pace_ms=15]]',
      {
        onEvent: (e) => events.push(e),
      },
    );
    expect(events[0]).toMatchObject({ type: 'turn_started', turn: 1 });
    expect(events.at(-1)).toEqual({
      type: 'turn_ended',
      outcome: 'completed',
      turn: 1,
      request_id: events[0]!.request_id,
    });
    expect(events.every((e) => e.request_id === events[0]!.request_id && e.turn === 1)).toBe(true);
    const texts = events.filter((e) => e.type === 'text');
    expect(texts.length).toBeGreaterThan(1);
    expect(shownText(events)).toBe(result.reply);
    // Batched: far fewer batches than the model's deltas (24 characters each).
    expect(texts.length).toBeLessThan(result.reply.length / 24 / 4);
  });

  it('shows tool calls and their results as they happen', async () => {
    const { session_id } = await env.baton.sessions.start({
      id: newId('live-tool'),
      task: 'tools',
      mcp_servers: ['testkit'],
    });
    const events: TurnEvent[] = [];
    const result = await env.baton.sessions.send(
      session_id,
      'Echo it. [[use_tool=testkit__echo {"text":"streamed tool"}]]',
      { onEvent: (e) => events.push(e) },
    );
    const kinds = events.map((e) => e.type);
    expect(kinds[0]).toBe('turn_started');
    expect(kinds.indexOf('tool_call')).toBeGreaterThan(kinds.indexOf('text'));
    expect(kinds.indexOf('tool_result')).toBeGreaterThan(kinds.indexOf('tool_call'));
    expect(kinds.lastIndexOf('text')).toBeGreaterThan(kinds.indexOf('tool_result'));
    expect(events.find((e) => e.type === 'tool_call')).toMatchObject({
      name: 'testkit__echo',
      input: { text: 'streamed tool' },
    });
    expect(events.find((e) => e.type === 'tool_result')).toMatchObject({
      name: 'testkit__echo',
      is_error: false,
    });
    expect(shownText(events).endsWith(result.reply)).toBe(true);
    expect(result.tool_calls).toHaveLength(1);
  });

  it('says when a model call is retried, and the retried text replaces the broken one', async () => {
    const { session_id } = await env.baton.sessions.start({ id: newId('live-retry'), task: 'retry' });
    env.model.injectFaults([{ kind: 'mid_stream_error', match: 'break once' }]);
    const events: TurnEvent[] = [];
    const result = await env.baton.sessions.send(session_id, 'Please break once. [[reply_tokens=60]]', {
      onEvent: (e) => events.push(e),
    });
    expect(events.filter((e) => e.type === 'attempt')).toEqual([
      expect.objectContaining({ type: 'attempt', attempt: 2 }),
    ]);
    expect(shownText(events)).toBe(result.reply);
  });

  it('leaves a send without a listener unstreamed, as before', async () => {
    const { session_id } = await env.baton.sessions.start({ id: newId('live-quiet'), task: 'quiet' });
    const reader = await env.baton.sessions.events(session_id);
    const seen: TurnEvent[] = [];
    const reading = (async () => {
      for await (const e of reader!.events()) seen.push(e);
    })();
    await env.baton.sessions.send(session_id, 'Nothing streams. [[reply_tokens=50]]');
    const streamed = env.baton.sessions.send(session_id, 'This one does.', { onEvent: () => undefined });
    await streamed;
    await expect.poll(() => seen.some((e) => e.type === 'turn_ended')).toBe(true);
    reader!.close();
    await reading;
    // Only the streamed turn (turn 2) reached the stream.
    expect(new Set(seen.map((e) => e.turn))).toEqual(new Set([2]));
  });

  it('are all still there for a reader that fell behind a burst of quick turns', async () => {
    // A SPEC's phases on a fast model: several turns end before a slow reader polls again.
    const { session_id } = await env.baton.sessions.start({ id: newId('live-burst'), task: 'burst' });
    const from = (await env.baton.sessions.events(session_id))!.offset;
    const replies: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const r = await env.baton.sessions.send(session_id, `Burst ${i}. [[reply_tokens=40]]`, {
        onEvent: () => undefined,
      });
      replies.push(r.reply);
    }
    // Only now does this reader start, from where the burst began.
    const reader = (await env.baton.sessions.events(session_id, { from }))!;
    const seen: TurnEvent[] = [];
    const reading = (async () => {
      for await (const e of reader.events()) seen.push(e);
    })();
    await expect.poll(() => seen.some((e) => e.type === 'turn_ended' && e.turn === 5)).toBe(true);
    reader.close();
    await reading;
    for (const [i, reply] of replies.entries()) {
      const turn = seen.filter((e) => e.turn === i + 1);
      expect(turn[0], `turn ${i + 1}`).toMatchObject({ type: 'turn_started' });
      expect(turn.at(-1), `turn ${i + 1}`).toMatchObject({ type: 'turn_ended', outcome: 'completed' });
      expect(shownText(turn), `turn ${i + 1}`).toBe(reply);
    }
  });

  it('that a reader missed because the stream dropped them are reported, and reading goes on', async () => {
    // More quick turns than the stream keeps: the oldest turns' events are gone when this reader starts.
    const { session_id } = await env.baton.sessions.start({ id: newId('live-dropped'), task: 'many turns' });
    const from = (await env.baton.sessions.events(session_id))!.offset;
    const turns = TURN_EVENTS_RETAINED_MAX + 3;
    for (let i = 1; i <= turns; i++) {
      await env.baton.sessions.send(session_id, `Quick ${i}.`, { onEvent: () => undefined });
    }
    const reader = (await env.baton.sessions.events(session_id, { from }))!;
    const dropped: DroppedEvents[] = [];
    const seen: PositionedTurnEvent[] = [];
    const reading = (async () => {
      for await (const e of reader.events({ onDropped: (d) => dropped.push(d) })) seen.push(e);
    })();
    await expect.poll(() => seen.some((e) => e.type === 'turn_ended' && e.turn === turns)).toBe(true);
    reader.close();
    await reading;
    // One gap, from where the reader asked to where the kept events begin; then every turn kept is whole.
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ from, to: seen[0]!.offset, count: seen[0]!.offset - from });
    expect(seen[0]).toMatchObject({ type: 'turn_started' });
    const keptTurns = new Set(seen.map((e) => e.turn));
    expect(keptTurns.size).toBe(TURN_EVENTS_RETAINED_MAX);
    expect(keptTurns.has(1)).toBe(false);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.offset).toBe(seen[i - 1]!.offset + 1);
    expect(droppedEventsNote(dropped[0]!)).toMatch(
      new RegExp(`^${dropped[0]!.count} turn events were dropped .*offsets ${from}–${seen[0]!.offset - 1}`),
    );
  });

  it('are read by a watcher that follows the session through rollovers', async () => {
    // A run rolls over once its history reaches 100 events: a few streamed turns.
    const { session_id } = await env.baton.sessions.start({
      id: newId('live-roll'),
      task: 'roll over',
      settings: { rollover_history_events: 100 },
    });
    const reader = await env.baton.sessions.events(session_id);
    expect(reader).toBeDefined();
    const seen: TurnEvent[] = [];
    const reading = (async () => {
      for await (const e of reader!.events()) seen.push(e);
    })();
    const replies = new Map<number, string>();
    for (let i = 1; ; i++) {
      expect(i).toBeLessThanOrEqual(40);
      const r = await env.baton.sessions.send(session_id, `Step ${i}. [[reply_tokens=80]] [[pace_ms=5]]`, {
        onEvent: () => undefined,
      });
      replies.set(r.turn, r.reply);
      const status = await env.baton.sessions.status(session_id);
      if (status.rollovers.length >= 2) break;
    }
    // One more turn once the second rollover's new run is serving.
    await expect
      .poll(async () => (await env.baton.sessions.status(session_id)).previous_runs.length)
      .toBeGreaterThanOrEqual(2);
    const last = await env.baton.sessions.send(session_id, 'After the rollovers.', {
      onEvent: () => undefined,
    });
    replies.set(last.turn, last.reply);
    await expect
      .poll(() => seen.some((e) => e.type === 'turn_ended' && e.turn === last.turn), { timeout: 20_000 })
      .toBe(true);
    reader!.close();
    await reading;
    const status = await env.baton.sessions.status(session_id);
    expect(status.previous_runs.length).toBeGreaterThanOrEqual(2);
    for (const [turn, reply] of replies) {
      expect(shownText(seen.filter((e) => e.turn === turn)), `turn ${turn}`).toBe(reply);
    }
  });
});

describe('cancelling a turn', () => {
  it('aborts the model call and leaves the session as it was before the turn', async () => {
    const { session_id } = await env.baton.sessions.start({ id: newId('cancel'), task: 'cancel me' });
    await env.baton.sessions.send(session_id, 'A first, ordinary turn.');
    const before = await env.baton.sessions.status(session_id);

    const events: TurnEvent[] = [];
    // A minute of writing unless it is cancelled.
    const sending = env.baton.sessions.send(
      session_id,
      'Write slowly, to be cancelled. [[reply_tokens=600]] [[pace_ms=400]]',
      { onEvent: (e) => events.push(e) },
    );
    const failed = rejection(sending);
    await expect.poll(() => events.some((e) => e.type === 'text'), { timeout: 20_000 }).toBe(true);
    const cancelled = await env.baton.sessions.cancel(session_id);
    expect(cancelled).toEqual({ cancelled: true, turn: 2 });
    const err = await failed;
    expect(err.type).toBe('TurnCancelled');
    expect(err.message).toBe('Turn 2 was cancelled; the session is as it was before it.');
    expect(events.at(-1)).toMatchObject({ type: 'turn_ended', outcome: 'cancelled', turn: 2 });

    // The cancellation reached the HTTP request: the model saw its client go away mid-reply.
    await expect
      .poll(
        () => env.model.requests.find((r) => r.last_user_text.includes('to be cancelled'))?.aborted_by_client,
        {
          timeout: 15_000,
        },
      )
      .toBe(true);

    const after = await env.baton.sessions.status(session_id);
    expect(after).toMatchObject({
      status: 'available',
      turns: before.turns,
      head: before.head,
      tokens_used: before.tokens_used,
      cumulative: before.cumulative,
    });
    const next = await env.baton.sessions.send(session_id, 'Still usable?');
    expect(next.turn).toBe(2);
    expect(next.reply).toContain('Still usable?');
    // The cancelled message is not in the conversation the model sees from now on.
    const conversation = JSON.stringify(await env.store.path(next.head));
    expect(conversation).toContain('A first, ordinary turn.');
    expect(conversation).not.toContain('to be cancelled');
  });

  it('cancels a named send before its turn starts, without calling the model', async () => {
    const { session_id } = await env.baton.sessions.start({ id: newId('cancel-early'), task: 'early' });
    const requestId = `req_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    expect(await env.baton.sessions.cancel(session_id, { request_id: requestId })).toEqual({
      cancelled: false,
      pending: true,
    });
    const calls = env.model.requests.length;
    const err = await rejection(
      env.baton.sessions.send(session_id, 'Never runs.', { request_id: requestId }),
    );
    expect(err.type).toBe('TurnCancelled');
    expect(env.model.requests.length).toBe(calls);
    expect((await env.baton.sessions.status(session_id)).turns).toBe(0);
  });

  it('answers that nothing was cancelled when no turn runs, and refuses a malformed request id', async () => {
    const { session_id } = await env.baton.sessions.start({ id: newId('cancel-idle'), task: 'idle' });
    expect(await env.baton.sessions.cancel(session_id)).toEqual({ cancelled: false });
    await expect(env.baton.sessions.cancel(session_id, { request_id: 'no spaces!' })).rejects.toThrow(
      'A request id is 1 to 64 letters, digits, `_` or `-`.',
    );
    await expect(env.baton.sessions.send(session_id, 'hi', { request_id: '../x' })).rejects.toThrow(
      'A request id is 1 to 64 letters, digits, `_` or `-`.',
    );
    expect((await env.baton.sessions.status(session_id)).turns).toBe(0);
  });
});
