import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { SessionRequestError } from '../../src/client';
import { textOf } from '../../src/domain/session';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

const WINDOW = 8_000; // baton-small-8k

async function contextText(sessionId: string): Promise<string> {
  const status = await env.baton.sessions.status(sessionId);
  const path = await env.store.path(status.head!);
  return path.map((n) => textOf(n.content)).join('\n');
}

describe('a long session in a small window', () => {
  it('summarizes and rolls over again and again, never overflows, and keeps what matters', async () => {
    const { session_id } = await env.baton.sessions.start({
      task: 'Plan the storage layer of the billing service.',
      model: 'baton-small-8k',
      // History-size rollovers as well as fill ones: both must carry the session on seamlessly.
      settings: { keep_recent_turns: 2, rollover_history_events: 500 },
    });
    await env.baton.sessions.send(session_id, 'The launch codename is BLUEBIRD; remember it.', { pin: true });
    await env.baton.sessions.send(
      session_id,
      'Decision: invoices live in PostgreSQL, one schema per tenant.',
    );
    await env.baton.sessions.send(
      session_id,
      'Constraint: p99 latency of the invoice API stays under 50 ms.',
    );
    await env.baton.sessions.send(session_id, 'We could also cache invoices in Redis.', {
      class: 'critical',
    });

    const fills: number[] = [];
    const turns = 240;
    for (let i = 1; i <= turns; i++) {
      // Mostly mid-sized replies, with a long one now and then that pushes the fill past 85 %.
      const size = i % 6 === 0 ? 1_000 : 220;
      const reply = await env.baton.sessions.send(
        session_id,
        `Step ${i}: refine the plan. [[reply_tokens=${size}]]`,
      );
      fills.push(reply.token_budget.used);
    }
    // The last reply may be followed by a rollover (it runs after the reply is sent back): read the
    // session once it is idle, so its status and its checkpoints describe the same moment.
    await expect
      .poll(async () => (await env.baton.sessions.status(session_id)).status, { timeout: 60_000 })
      .toBe('available');
    const status = await env.baton.sessions.status(session_id);
    console.log(
      `context pressure: ${turns + 4} turns, ${status.compactions} compactions, ${status.rollovers.length} rollovers, ` +
        `max fill ${Math.max(...fills)} / ${WINDOW}; last compaction ${JSON.stringify(status.last_compaction)}`,
    );
    expect(status.turns).toBe(turns + 4);
    expect(Math.max(...fills)).toBeLessThanOrEqual(WINDOW);
    expect(status.compactions).toBeGreaterThanOrEqual(5);
    expect(status.rollovers.length).toBeGreaterThanOrEqual(3);
    expect(status.previous_runs).toHaveLength(status.rollovers.length);
    const byFill = status.rollovers.filter((r) => r.reason === 'context_fill');
    expect(byFill.length).toBeGreaterThanOrEqual(1);
    // A fill rollover compacts aggressively: the next run starts well below the threshold.
    for (const r of byFill) expect(r.tokens_after).toBeLessThan(r.tokens_before / 2);
    expect(status.rollovers.some((r) => r.reason === 'history_events')).toBe(true);
    // Cumulative usage survived every rollover: it is the sum over all turns, far above one window.
    expect(status.cumulative.output_tokens).toBeGreaterThan(turns * 200);

    const context = await contextText(session_id);
    expect(context).toContain('Plan the storage layer of the billing service.');
    expect(context).toContain('The launch codename is BLUEBIRD; remember it.');
    expect(context).toContain('Decision: invoices live in PostgreSQL, one schema per tenant.');
    expect(context).toContain('Constraint: p99 latency of the invoice API stays under 50 ms.');
    expect(context).toContain('We could also cache invoices in Redis.');
    // Checkpoints were taken before every compaction and rollover, across runs.
    const checkpoints = await env.baton.sessions.checkpoints(session_id);
    expect(checkpoints.filter((c) => c.reason === 'before_rollover')).toHaveLength(status.rollovers.length);
    expect(new Set(checkpoints.map((c) => c.run_id)).size).toBeGreaterThan(1);
  }, 300_000);

  it('keeps each run of a long session within its configured history size', async () => {
    const { session_id } = await env.baton.sessions.start({
      task: 'history bound',
      model: 'baton-small-8k',
      settings: { rollover_history_events: 200 },
    });
    for (let i = 1; i <= 60; i++) await env.baton.sessions.send(session_id, `message ${i}`);
    const status = await env.baton.sessions.status(session_id);
    expect(status.rollovers.length).toBeGreaterThanOrEqual(3);
    expect(status.rollovers.every((r) => r.reason === 'history_events')).toBe(true);
    const runs = [...status.previous_runs, status.run_id];
    const sizes = [];
    for (const runId of runs) {
      const history = await env.baton.temporal.workflow.getHandle(session_id, runId).fetchHistory();
      sizes.push({
        events: history.events?.length ?? 0,
        bytes: temporal.api.history.v1.History.encode(history).finish().length,
      });
    }
    console.log(`history per run (limit 200 events): ${JSON.stringify(sizes)}`);
    // The limit is checked between turns, so a run may end one turn (about 12 events) beyond it,
    // plus the rollover's own checkpoint, compaction and continue-as-new.
    for (const s of sizes) expect(s.events).toBeLessThan(200 + 40);
    const finished = sizes.slice(0, -1);
    expect(Math.max(...finished.map((s) => s.bytes))).toBeLessThan(
      2 * Math.min(...finished.map((s) => s.bytes)),
    );
  }, 120_000);

  it('answers every message sent concurrently while a rollover happens', async () => {
    const { session_id } = await env.baton.sessions.start({
      task: 'concurrent rollover',
      model: 'baton-small-8k',
      settings: { rollover_history_events: 100 },
    });
    for (let i = 1; i <= 6; i++) await env.baton.sessions.send(session_id, `warm-up ${i}`);
    env.model.clearRequests();
    const burst = Array.from({ length: 8 }, (_, i) => `burst message ${i}`);
    // Two waves: the second arrives while the rollover triggered by the first is under way.
    const first = burst.slice(0, 4).map((m) => env.baton.sessions.send(session_id, m));
    await first[0];
    const second = burst.slice(4).map((m) => env.baton.sessions.send(session_id, m));
    const results = await Promise.all([...first, ...second]);
    expect(results.map((r) => r.turn).sort((a, b) => a - b)).toEqual([7, 8, 9, 10, 11, 12, 13, 14]);
    await expect
      .poll(async () => (await env.baton.sessions.status(session_id)).rollovers.length)
      .toBeGreaterThanOrEqual(1);
    const status = await env.baton.sessions.status(session_id);
    expect(status.turns).toBe(14);
    // And the session carries on in its new run.
    expect((await env.baton.sessions.send(session_id, 'after the rollover')).turn).toBe(15);
    const seen = env.model.requests.map((r) => r.last_user_text).join('\n');
    for (const m of burst) expect(seen).toContain(m);
  }, 120_000);
});

describe('compaction on demand and its failure cases', () => {
  it('reports a measured compaction and carries decisions through ten of them', async () => {
    const { session_id } = await env.baton.sessions.start({
      task: 'repeated compaction',
      model: 'baton-small-8k',
      settings: { keep_recent_turns: 1, summarize_at_percent: 90, rollover_at_percent: 95 },
    });
    await env.baton.sessions.send(session_id, 'Decision: the retry budget is three attempts.', {
      class: 'supporting',
    });
    const reports = [];
    for (let round = 1; round <= 10; round++) {
      for (let i = 0; i < 3; i++)
        await env.baton.sessions.send(session_id, `round ${round} note ${i} [[reply_tokens=120]]`);
      reports.push(await env.baton.sessions.compact(session_id));
    }
    expect(reports.every((r) => r.status === 'committed')).toBe(true);
    const first = reports[0]!;
    expect(first.tokens_after).toBeLessThan(first.tokens_before);
    expect(first.tokens_freed).toBe(first.tokens_before - first.tokens_after);
    expect(first.compression_ratio).toBeCloseTo(first.tokens_before / first.tokens_after, 1);
    expect(first.summarized).toBeGreaterThan(0);
    expect(first.kept).toBeGreaterThan(0);
    expect(first.decisions_carried).toBeGreaterThanOrEqual(1);
    // Summarized (it was tagged supporting), yet its decision line is carried verbatim each time.
    expect(await contextText(session_id)).toContain('Decision: the retry budget is three attempts.');
    const status = await env.baton.sessions.status(session_id);
    expect(status.compactions).toBe(10);
    expect(status.last_compaction).toMatchObject({ number: 10, status: 'committed', trigger: 'manual' });
    // The old heads remain in the store: the first compaction's input is still readable.
    expect((await env.store.path(first.head_before!)).length).toBeGreaterThan(3);
  }, 120_000);

  it('counts what the summarizer used in the session’s cumulative tokens and cost', async () => {
    const { session_id } = await env.baton.sessions.start({
      task: 'summarizer cost',
      model: 'baton-small-8k',
      settings: { keep_recent_turns: 1, summarize_at_percent: 90, rollover_at_percent: 95 },
    });
    for (let i = 0; i < 4; i++) await env.baton.sessions.send(session_id, `note ${i} [[reply_tokens=200]]`);
    const before = await env.baton.sessions.status(session_id);
    env.model.clearRequests();
    const report = await env.baton.sessions.compact(session_id);
    expect(report.status).toBe('committed');
    const after = await env.baton.sessions.status(session_id);
    const summarizerCalls = env.model.requests.filter((r) => r.path === '/v1/messages');
    expect(summarizerCalls).toHaveLength(report.summarizer_calls);
    expect(after.turns).toBe(before.turns);
    expect(after.cumulative.input_tokens).toBeGreaterThan(before.cumulative.input_tokens);
    expect(after.cumulative.output_tokens).toBeGreaterThan(before.cumulative.output_tokens);
    expect(after.cumulative.cost_usd).toBeGreaterThan(before.cumulative.cost_usd);
  }, 60_000);

  it('summarizes in chunks when the history does not fit the summarizer window', async () => {
    const { session_id } = await env.baton.sessions.start({
      task: 'chunked summary',
      model: 'baton-small-8k',
      settings: { keep_recent_turns: 1, summarize_at_percent: 95, rollover_at_percent: 99 },
    });
    for (let i = 0; i < 9; i++)
      await env.baton.sessions.send(session_id, `chapter ${i} [[reply_tokens=650]]`);
    const report = await env.baton.sessions.compact(session_id);
    expect(report.status).toBe('committed');
    expect(report.summarizer_calls).toBeGreaterThanOrEqual(2);
    expect(report.tokens_after).toBeLessThan(report.tokens_before / 2);
  }, 120_000);

  it('commits nothing when summarization fails, and says so', async () => {
    const { session_id } = await env.baton.sessions.start({
      task: 'failing summary',
      model: 'baton-small-8k',
    });
    for (let i = 0; i < 8; i++) await env.baton.sessions.send(session_id, `note ${i} [[reply_tokens=100]]`);
    const before = await env.baton.sessions.status(session_id);
    env.model.injectFaults([
      { kind: 'http', status: 400, message: 'summarizer refused', match: 'Conversation to fold in' },
    ]);
    const failure = await env.baton.sessions.compact(session_id).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SessionRequestError);
    expect((failure as Error).message).toMatch(
      /Compaction failed; the session kept its context as it was\..*summarizer refused/,
    );
    const after = await env.baton.sessions.status(session_id);
    expect(after.head).toBe(before.head);
    expect(after.tokens_used).toBe(before.tokens_used);
    expect(after.last_compaction).toMatchObject({ status: 'failed', head_after: before.head });
    expect(after.last_compaction?.error).toMatch(/summarizer refused/);
    // Still usable.
    expect((await env.baton.sessions.send(session_id, 'still here?')).turn).toBe(9);
  }, 60_000);

  it('refuses a request that cannot fit the window, says what to do, and stays usable', async () => {
    const { session_id } = await env.baton.sessions.start({
      task: 'overflow',
      model: 'baton-small-8k',
      // Thresholds out of the way, so nothing compacts before the turn.
      settings: { summarize_at_percent: 98, rollover_at_percent: 99 },
    });
    for (let i = 0; i < 6; i++) await env.baton.sessions.send(session_id, `part ${i} [[reply_tokens=900]]`);
    const before = await env.baton.sessions.status(session_id);
    env.model.clearRequests();
    const failure = await env.baton.sessions
      .send(session_id, 'word '.repeat(1_700))
      .catch((e: unknown) => e as Error);
    expect(failure).toBeInstanceOf(SessionRequestError);
    expect((failure as SessionRequestError).type).toBe('ContextOverflow');
    expect((failure as Error).message).toMatch(
      /Turn 7 failed: The request is [\d]+ tokens and the reply may take 1024 more, beyond the 8000-token window of baton-small-8k\. Compact the session/,
    );
    // Refused before anything was sent to the model.
    expect(env.model.requests.filter((r) => r.path === '/v1/messages')).toHaveLength(0);
    const after = await env.baton.sessions.status(session_id);
    expect(after).toMatchObject({ turns: before.turns, head: before.head, tokens_used: before.tokens_used });
    await env.baton.sessions.compact(session_id);
    expect((await env.baton.sessions.send(session_id, 'short again')).turn).toBe(7);
  }, 60_000);

  it('rejects an unknown compaction mode and a bad checkpoint name', async () => {
    const { session_id } = await env.baton.sessions.start({ task: 'bad compact input' });
    await expect(env.baton.sessions.compact(session_id, { mode: 'extreme' as never })).rejects.toThrow(
      /Unknown compaction mode 'extreme'/,
    );
    await expect(env.baton.sessions.checkpoint(session_id, { name: '../x' })).rejects.toThrow(
      /not a valid checkpoint name/,
    );
  });
});
