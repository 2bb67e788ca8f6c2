import { afterAll, beforeAll, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

async function historyBytes(sessionId: string): Promise<{ bytes: number; events: number }> {
  const history = await env.baton.temporal.workflow.getHandle(sessionId).fetchHistory();
  return {
    bytes: temporal.api.history.v1.History.encode(history).finish().length,
    events: history.events?.length ?? 0,
  };
}

it('adds the same history per turn at turn 50 as at turn 5 (content lives in the store)', async () => {
  const { session_id } = await env.baton.sessions.start({ task: 'history growth' });
  const message = (turn: number) =>
    `Turn ${String(turn).padStart(3, '0')}: ${'lorem ipsum dolor sit amet '.repeat(8)}`;
  const perTurn = new Map<number, { bytes: number; events: number }>();
  let previous = await historyBytes(session_id);
  for (let turn = 1; turn <= 50; turn++) {
    await env.baton.sessions.send(session_id, message(turn));
    const now = await historyBytes(session_id);
    perTurn.set(turn, { bytes: now.bytes - previous.bytes, events: now.events - previous.events });
    previous = now;
  }
  const t5 = perTurn.get(5)!;
  const t50 = perTurn.get(50)!;
  console.log(
    `history per turn: turn 5 = ${t5.bytes} B / ${t5.events} events; turn 50 = ${t50.bytes} B / ${t50.events} events`,
  );
  const status = await env.baton.sessions.status(session_id);
  const conversationBytes = JSON.stringify(await env.store.path(status.head!)).length;
  // Flat: the same number of events, and bytes within a few percent (replies differ slightly).
  expect(t50.events).toBe(t5.events);
  expect(t50.bytes).toBeLessThan(t5.bytes * 1.1);
  // A design that shipped the conversation each turn would add at least its size per turn.
  expect(conversationBytes).toBeGreaterThan(t50.bytes * 5);
});

it('adds a flat amount of history per streamed turn too (reply text goes through the stream in batches)', async () => {
  const { session_id } = await env.baton.sessions.start({ task: 'history growth, streamed' });
  // Replies of about 300 tokens written over about a second, as a model writes: several batches.
  const message = (turn: number) =>
    `Turn ${String(turn).padStart(3, '0')}: ${'lorem ipsum dolor sit amet '.repeat(8)} [[reply_tokens=300]] [[pace_ms=20]]`;
  const perTurn: { bytes: number; events: number; batches: number }[] = [];
  let previous = await historyBytes(session_id);
  for (let turn = 1; turn <= 50; turn++) {
    let batches = 0;
    await env.baton.sessions.send(session_id, message(turn), {
      onEvent: (e) => {
        if (e.type === 'text') batches++;
      },
    });
    const now = await historyBytes(session_id);
    perTurn.push({ bytes: now.bytes - previous.bytes, events: now.events - previous.events, batches });
    previous = now;
  }
  // Batches follow the model's timing, so compare five-turn averages around turn 5 and turn 50.
  const around = (turns: typeof perTurn) => ({
    bytes: turns.reduce((t, x) => t + x.bytes, 0) / turns.length,
    events: turns.reduce((t, x) => t + x.events, 0) / turns.length,
    batches: turns.reduce((t, x) => t + x.batches, 0) / turns.length,
  });
  const early = around(perTurn.slice(2, 7));
  const late = around(perTurn.slice(45, 50));
  console.log(
    `streamed history per turn: turns 3-7 = ${Math.round(early.bytes)} B / ${early.events} events / ${early.batches} batches; ` +
      `turns 46-50 = ${Math.round(late.bytes)} B / ${late.events} events / ${late.batches} batches`,
  );
  expect(early.batches).toBeGreaterThan(1);
  expect(late.bytes).toBeLessThan(early.bytes * 1.25);
  expect(late.events).toBeLessThan(early.events * 1.25);
  const status = await env.baton.sessions.status(session_id);
  expect(status.rollovers).toEqual([]);
  const conversationBytes = JSON.stringify(await env.store.path(status.head!)).length;
  expect(conversationBytes).toBeGreaterThan(late.bytes * 5);
}, 300_000);
