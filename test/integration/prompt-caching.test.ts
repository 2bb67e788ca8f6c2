/**
 * Prompt caching in real sessions, against the offline model's simulated cache: what each turn
 * reads and writes, what changes the prefix, what the cost report says; the budget note the model
 * is given; and thinking blocks that travel back with their signatures during a tool call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatStatus } from '../../src/cli/format';
import type { SendResult, Usage } from '../../src/domain/session';
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

/** Standing instructions of about 2,700 tokens, like an agent's system prompt. */
const SYSTEM = [
  'You are the migration planner of a billing platform.',
  ...Array.from(
    { length: 90 },
    (_, i) =>
      `Guideline ${i + 1}: keep step ${i + 1} reversible, name the service it touches, the metric that ` +
      'proves it worked and the threshold that triggers a rollback.',
  ),
].join('\n');

const allInput = (u: Usage) => u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens;
const turn = (i: number, size = 200) =>
  `Step ${i}: what comes next, and what could go wrong? [[reply_tokens=${size}]]`;

describe('a steady conversation', () => {
  it('reads each turn everything before it from the cache: ≥ 80 % of 30 turns, input at ≤ 1/3 the price', async () => {
    const unique = `run ${Date.now()}`; // a system prompt of its own, so no other test's cache helps
    const { session_id } = await env.baton.sessions.start({
      task: 'Plan the invoice migration.',
      system: `${SYSTEM}\n(${unique})`,
    });
    const replies: SendResult[] = [];
    for (let i = 1; i <= 30; i++) replies.push(await env.baton.sessions.send(session_id, turn(i)));

    // Turn 1 writes the prefix; every later turn reads exactly what the one before it read and wrote.
    expect(replies[0]!.usage.cache_read_input_tokens).toBe(0);
    expect(replies[0]!.usage.cache_creation_input_tokens).toBeGreaterThan(2_048);
    for (let i = 1; i < replies.length; i++) {
      const before = replies[i - 1]!.usage;
      expect(replies[i]!.usage.cache_read_input_tokens).toBe(
        before.cache_read_input_tokens + before.cache_creation_input_tokens,
      );
      // What is not read is the previous reply, the new message and the budget note.
      expect(replies[i]!.usage.input_tokens).toBeLessThan(60);
    }

    const status = await env.baton.sessions.status(session_id);
    const cache = status.cache!;
    const c = status.cumulative;
    expect(cache.read_tokens).toBe(c.cache_read_input_tokens);
    expect(cache.hit_rate).toBeCloseTo(
      c.cache_read_input_tokens /
        (c.input_tokens + c.cache_creation_input_tokens + c.cache_read_input_tokens),
      3,
    );
    console.log(
      `30-turn conversation on ${status.model}: ${c.cache_read_input_tokens} of ` +
        `${c.input_tokens + c.cache_creation_input_tokens + c.cache_read_input_tokens} input tokens read from the cache ` +
        `(hit rate ${(cache.hit_rate * 100).toFixed(1)} %); input side $${cache.input_cost_usd} vs ` +
        `$${cache.uncached_input_cost_usd} uncached (${((cache.input_cost_usd! / cache.uncached_input_cost_usd!) * 100).toFixed(1)} %)`,
    );
    expect(cache.hit_rate).toBeGreaterThanOrEqual(0.8);
    expect(cache.input_cost_usd!).toBeLessThanOrEqual(cache.uncached_input_cost_usd! / 3);
    expect(formatStatus(status)).toMatch(
      new RegExp(
        `cache +hit rate ${(cache.hit_rate * 100).toFixed(1)}% · [\\d,]+ read / [\\d,]+ written · input \\$`,
      ),
    );
  });

  it('pays full price for every token when caching is off, with the same replies', async () => {
    const system = `${SYSTEM}\n(off ${Date.now()})`;
    const on = await env.baton.sessions.start({ task: 'Plan.', system });
    const off = await env.baton.sessions.start({
      task: 'Plan.',
      system,
      settings: { prompt_caching: false },
    });
    for (let i = 1; i <= 3; i++) {
      const a = await env.baton.sessions.send(on.session_id, turn(i));
      const b = await env.baton.sessions.send(off.session_id, turn(i));
      expect(b.reply).toBe(a.reply);
      expect(b.usage.cache_read_input_tokens + b.usage.cache_creation_input_tokens).toBe(0);
      expect(allInput(b.usage)).toBe(allInput(a.usage));
      if (i > 1) expect(b.cost_usd).toBeGreaterThan(a.cost_usd);
    }
    expect((await env.baton.sessions.status(off.session_id)).cache!.hit_rate).toBe(0);
  });
});

describe('what changes the cached prefix', () => {
  it('a changed system prompt misses everything; the same one is read even by another session', async () => {
    const system = `${SYSTEM}\n(shared ${Date.now()})`;
    const a = await env.baton.sessions.start({ task: 'Plan the invoice migration.', system });
    const first = await env.baton.sessions.send(a.session_id, turn(1));
    expect(first.usage.cache_read_input_tokens).toBe(0);

    const b = await env.baton.sessions.start({ task: 'Plan the invoice migration.', system });
    const same = await env.baton.sessions.send(b.session_id, turn(1));
    expect(same.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);

    const c = await env.baton.sessions.start({
      task: 'Plan the invoice migration.',
      system: `${system} Be terse.`,
    });
    const changed = await env.baton.sessions.send(c.session_id, turn(1));
    expect(changed.usage.cache_read_input_tokens).toBe(0);
    expect(changed.usage.cache_creation_input_tokens).toBeGreaterThan(2_048);
  });

  it('after a compaction only the system prompt is read, the report says what that turn cost, and the next turn hits again', async () => {
    const { session_id } = await env.baton.sessions.start({
      task: 'Plan the invoice migration.',
      system: `${SYSTEM}\n(compaction ${Date.now()})`,
      settings: { keep_recent_turns: 1 },
    });
    let last: SendResult | undefined;
    for (let i = 1; i <= 6; i++) last = await env.baton.sessions.send(session_id, turn(i, 300));
    const report = await env.baton.sessions.compact(session_id);
    expect(report.status).toBe('committed');

    const first = await env.baton.sessions.send(session_id, turn(7));
    // The conversation was rewritten: the tools-and-system entry is all that matches.
    expect(first.usage.cache_read_input_tokens).toBeGreaterThan(2_048);
    expect(first.usage.cache_read_input_tokens).toBeLessThan(last!.usage.cache_read_input_tokens);
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(0);
    const status = await env.baton.sessions.status(session_id);
    expect(status.last_compaction?.first_turn_after).toEqual({
      turn: 7,
      usage: first.usage,
      cost_usd: first.cost_usd,
      cache_hit_rate: Math.round((first.usage.cache_read_input_tokens / allInput(first.usage)) * 1000) / 1000,
    });
    const second = await env.baton.sessions.send(session_id, turn(8));
    expect(second.usage.cache_read_input_tokens).toBe(
      first.usage.cache_read_input_tokens + first.usage.cache_creation_input_tokens,
    );
  });

  it('an entry unused past its TTL is gone; a 1-hour entry outlives a 5-minute pause', async () => {
    const system = `${SYSTEM}\n(ttl ${Date.now()})`;
    const short = await env.baton.sessions.start({ task: 'Plan.', system });
    const long = await env.baton.sessions.start({
      task: 'Plan.',
      system: `${system} (1h)`,
      settings: { cache_ttl: '1h' },
    });
    await env.baton.sessions.send(short.session_id, turn(1));
    const longFirst = await env.baton.sessions.send(long.session_id, turn(1));
    expect(longFirst.usage.cache_creation_1h_input_tokens).toBe(longFirst.usage.cache_creation_input_tokens);

    env.model.advanceClock(6 * 60_000);
    const expired = await env.baton.sessions.send(short.session_id, turn(2));
    expect(expired.usage.cache_read_input_tokens).toBe(0);
    expect(expired.usage.cache_creation_input_tokens).toBeGreaterThan(2_048);
    const kept = await env.baton.sessions.send(long.session_id, turn(2));
    expect(kept.usage.cache_read_input_tokens).toBe(longFirst.usage.cache_creation_input_tokens);
    // 1-hour writes are billed at 2 × input instead of 1.25 ×.
    expect(kept.usage.cache_creation_1h_input_tokens).toBe(kept.usage.cache_creation_input_tokens);
  });

  it('caches nothing while the prefix is below the model’s minimum (2,048 tokens on claude-sonnet-4-6)', async () => {
    const { session_id } = await env.baton.sessions.start({ task: `Short chat ${Date.now()}.` });
    for (let i = 1; i <= 3; i++) {
      const r = await env.baton.sessions.send(session_id, `Hello ${i}.`);
      expect(r.usage.cache_read_input_tokens).toBe(0);
      expect(r.usage.cache_creation_input_tokens).toBe(0);
      expect(r.token_budget.used).toBeLessThan(2_048);
    }
  });
});

describe('the budget note', () => {
  it('tells the model, after the cached prefix, the tokens used and available after the last turn', async () => {
    const started = await env.baton.sessions.start({ task: 'Budget note.', system: SYSTEM });
    env.model.clearRequests();
    const one = await env.baton.sessions.send(started.session_id, 'First.');
    const two = await env.baton.sessions.send(started.session_id, 'Second.');
    const notes = env.model.requests.filter((r) => r.path === '/v1/messages').map((r) => r.budget_note);
    expect(notes).toEqual([
      { used: started.token_budget.used, total: 200_000, available: started.token_budget.available },
      { used: one.token_budget.used, total: 200_000, available: one.token_budget.available },
    ]);
    // The note is not part of what the user said, nor of what is stored.
    expect(one.reply).toMatch(/"First\."$/);
    const stored = await env.store.path(two.head);
    expect(JSON.stringify(stored)).not.toContain('context_budget>');

    const quiet = await env.baton.sessions.start({ task: 'No note.', settings: { budget_line: false } });
    env.model.clearRequests();
    await env.baton.sessions.send(quiet.session_id, 'Hi.');
    expect(env.model.requests.at(-1)?.budget_note).toBeUndefined();
  });
});

describe('extended thinking', () => {
  it('keeps thinking blocks with their signatures, sends them back during the tool call, and counts them', async () => {
    const { session_id } = await env.baton.sessions.start({
      task: 'Think, then look it up.',
      model: 'claude-haiku-4-5',
      mcp_servers: ['testkit'],
      settings: { thinking_budget: 2_048 },
    });
    const reply = await env.baton.sessions.send(
      session_id,
      'Which process are you? [[use_tool=testkit__pid]]',
    );
    // The second call (after the tool result) is accepted only with the first call's thinking,
    // signature intact, at the start of the assistant message.
    expect(reply.tool_calls).toEqual([
      expect.objectContaining({ server: 'testkit', tool: 'pid', is_error: false }),
    ]);
    expect(reply.stop_reason).toBe('end_turn');
    expect(reply.usage.thinking_tokens).toBeGreaterThan(0);
    const stored = await env.store.path(reply.head);
    const thoughts = stored.flatMap((n) => n.content.flatMap((b) => (b.type === 'thinking' ? [b] : [])));
    expect(thoughts.length).toBe(2);
    for (const t of thoughts) expect(t.signature).toMatch(/^[A-Za-z0-9+/=]{20,}$/);

    const next = await env.baton.sessions.send(session_id, 'Thanks.');
    expect(next.turn).toBe(2);
    const status = await env.baton.sessions.status(session_id);
    expect(status.cumulative.thinking_tokens).toBe(
      (reply.usage.thinking_tokens ?? 0) + (next.usage.thinking_tokens ?? 0),
    );
  });

  it('refuses a budget the model cannot take, creating nothing', async () => {
    await expect(
      env.baton.sessions.start({
        id: `sess_think_${Date.now()}`,
        model: 'baton-small-8k',
        settings: { thinking_budget: 2_048 },
      }),
    ).rejects.toThrow(/does not fit the 1,024-token output limit of baton-small-8k/);
  });
});
