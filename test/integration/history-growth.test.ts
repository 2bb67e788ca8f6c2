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
