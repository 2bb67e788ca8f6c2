/**
 * Models as a user meets them: lines, deprecation warnings, retired and unknown models refused
 * before anything is created, models without a price, and the summarizer model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, SessionNotFoundError } from '../../src/client';
import { formatSend, formatStatus } from '../../src/cli/format';
import { BUILTIN_MODELS, type ModelSpec } from '../../src/domain/models';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';

const RETIRED: ModelSpec = {
  id: 'claude-sonnet-3-7',
  line: 'sonnet',
  context_window: 200_000,
  max_output_tokens: 64_000,
  lifecycle: 'retired',
  retires_at: '2026-02-19',
};

let env: TestEnvironment;
beforeAll(async () => {
  // The offline model serves this table as its Models API; the worker's catalog reads it there.
  env = await startTestEnvironment({ models: [...BUILTIN_MODELS, RETIRED] });
});
afterAll(async () => {
  await env?.teardown();
});

const uniqueId = (name: string) => `sess_${name}_${Date.now().toString(36)}`;

describe('choosing a model', () => {
  it('takes a line for its newest active model', async () => {
    const started = await env.baton.sessions.start({ model: 'sonnet' });
    expect(started.model).toBe('claude-sonnet-5-5');
    expect(started.token_budget.total).toBe(1_000_000);
    expect(started.warnings).toBeUndefined();
  });

  it('warns about a deprecated model with its retirement date', async () => {
    const started = await env.baton.sessions.start({ model: 'claude-sonnet-4-5' });
    expect(started.warnings).toEqual([
      expect.stringMatching(
        /^Model 'claude-sonnet-4-5' is deprecated and (retires on|was due to retire on) 30 November 2026.*claude-sonnet-5-5, the newest active sonnet model \(`--model sonnet`\)\.$/,
      ),
    ]);
  });

  it('refuses a retired model, naming the newest active one of its line, and creates nothing', async () => {
    const id = uniqueId('retired');
    const start = env.baton.sessions.start({ id, model: 'claude-sonnet-3-7' });
    await expect(start).rejects.toThrow(InvalidInputError);
    await expect(env.baton.sessions.start({ id, model: 'claude-sonnet-3-7' })).rejects.toThrow(
      "Model 'claude-sonnet-3-7' was retired on 19 February 2026: the API refuses requests naming it. Use claude-sonnet-5-5",
    );
    await expect(env.baton.sessions.status(id)).rejects.toThrow(SessionNotFoundError);
  });

  it('refuses an unknown or malformed model, listing what there is', async () => {
    await expect(env.baton.sessions.start({ model: 'claude-nonesuch' })).rejects.toThrow(
      /Unknown model 'claude-nonesuch'. Known models: .*claude-sonnet-4-6.*; or name a line for its newest active model: .*sonnet/,
    );
    await expect(env.baton.sessions.start({ model: 'claude sonnet' })).rejects.toThrow(/is not a model name/);
    await expect(env.baton.sessions.start({ summarizer_model: 'nope' })).rejects.toThrow(
      /Unknown model 'nope'/,
    );
  });

  it('runs a model without a published price and reports its cost as unknown, not as zero', async () => {
    const { session_id } = await env.baton.sessions.start({ model: 'claude-haiku-5-5' });
    const reply = await env.baton.sessions.send(session_id, 'Hello.');
    expect(reply.cost_unknown).toBe(true);
    expect(formatSend(reply)).toContain('cost unknown (no price for this model)');
    const status = await env.baton.sessions.status(session_id);
    expect(status.cumulative.unpriced_tokens).toBe(
      reply.usage.input_tokens +
        reply.usage.output_tokens +
        reply.usage.cache_creation_input_tokens +
        reply.usage.cache_read_input_tokens,
    );
    expect(formatStatus(status)).toMatch(/\+ [\d,]+ tokens of unknown cost/);
  });
});

describe('the summarizer model', () => {
  it('defaults to a cheaper model of the family, summarizes on it and prices it at its rates', async () => {
    const { session_id, status } = await env.baton.sessions.start({
      task: 'Plan the invoice migration.',
      settings: { keep_recent_turns: 1 },
    });
    expect(status.settings.summarizer_model?.id).toBe('claude-haiku-4-5');
    for (let i = 1; i <= 4; i++) await env.baton.sessions.send(session_id, `Step ${i}. [[reply_tokens=200]]`);
    const before = await env.baton.sessions.status(session_id);
    env.model.clearRequests();
    const report = await env.baton.sessions.compact(session_id);
    expect(report.status).toBe('committed');
    const summarizerCalls = env.model.requests.filter((r) => r.path === '/v1/messages');
    expect(summarizerCalls.map((r) => r.model)).toEqual(['claude-haiku-4-5']);
    // Haiku prices: $1 in, $5 out per million (the call writes no cache).
    const after = await env.baton.sessions.status(session_id);
    const u = summarizerCalls[0]!.usage!;
    const out = after.cumulative.output_tokens - before.cumulative.output_tokens;
    expect(after.cumulative.cost_usd - before.cumulative.cost_usd).toBeCloseTo(
      (u.input_tokens * 1 + out * 5) / 1e6,
      9,
    );
  });

  it('takes another one by id or line', async () => {
    const { status } = await env.baton.sessions.start({
      model: 'claude-opus-4-6',
      summarizer_model: 'haiku',
    });
    expect(status.settings.summarizer_model?.id).toBe('claude-haiku-5-5');
    const own = await env.baton.sessions.start({ model: 'claude-opus-4-6' });
    expect(own.status.settings.summarizer_model?.id).toBe('claude-sonnet-4-6');
  });
});
