/**
 * The offline model's prompt cache, the Models API it serves and extended thinking, seen through the
 * real `@anthropic-ai/sdk` over real HTTP, as baton's worker sees them.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { BadRequestError, NotFoundError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUILTIN_MODELS, type ModelSpec } from '../../src/domain/models';
import { countMessagesTokens, createAnthropicClient, OfflineModel } from '../../src/model';
import { cacheSegments } from '../../src/model/offline-model/prompt-cache';
import { parseMessagesRequest } from '../../src/model/offline-model';

type Params = Anthropic.MessageCreateParamsNonStreaming;

const CACHE_MODEL: ModelSpec = {
  id: 'cache-test-model',
  context_window: 100_000,
  max_output_tokens: 4_000,
  min_cacheable_tokens: 1_024,
  thinking: { enabled: true, adaptive: false },
};
const RETIRED: ModelSpec = {
  id: 'claude-sonnet-3-7',
  line: 'sonnet',
  context_window: 200_000,
  max_output_tokens: 64_000,
  lifecycle: 'retired',
  retires_at: '2026-02-19',
};

let model: OfflineModel;
let client: Anthropic;

beforeAll(async () => {
  model = await OfflineModel.start({ models: [...BUILTIN_MODELS, CACHE_MODEL, RETIRED] });
  client = createAnthropicClient({ baseURL: model.baseURL });
});
afterAll(async () => {
  await model.stop();
});
beforeEach(() => {
  model.clearCache();
});

/** About `n` tokens of text (each filler word is one token). */
const words = (n: number, word = 'budget') => ` ${word}`.repeat(n).trim();
const ephemeral = (ttl?: '5m' | '1h'): Anthropic.CacheControlEphemeral =>
  ttl ? { type: 'ephemeral', ttl } : { type: 'ephemeral' };

/** A request as baton sends it: breakpoints on the system prompt and on the last message. */
function request(system: string, turns: string[], ttl?: '5m' | '1h'): Params {
  const messages: Anthropic.MessageParam[] = turns.map((text, i) => ({
    role: i % 2 === 0 ? 'user' : 'assistant',
    content: [{ type: 'text', text, ...(i === turns.length - 1 ? { cache_control: ephemeral(ttl) } : {}) }],
  }));
  return {
    model: CACHE_MODEL.id,
    max_tokens: 100,
    system: [{ type: 'text', text: system, cache_control: ephemeral(ttl) }],
    messages,
  };
}

const inputTotal = (u: Anthropic.Usage) =>
  u.input_tokens + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);

describe('the simulated prompt cache', () => {
  const system = `You are a careful planner. ${words(1_500, 'context')}`;

  it('writes the prefix on the first call and reads it on the next, as the API reports it', async () => {
    const first = request(system, ['Plan the migration.']);
    const a = await client.messages.create(first);
    expect(a.usage.cache_read_input_tokens).toBe(0);
    expect(a.usage.cache_creation_input_tokens).toBe(countMessagesTokens(first));
    expect(a.usage.input_tokens).toBe(0);
    expect(a.usage.cache_creation?.ephemeral_5m_input_tokens).toBe(a.usage.cache_creation_input_tokens);

    const second = request(system, ['Plan the migration.', 'Start with the schema.', 'Then what?']);
    const b = await client.messages.create(second);
    expect(b.usage.cache_read_input_tokens).toBe(countMessagesTokens(first));
    expect(b.usage.cache_creation_input_tokens).toBe(
      countMessagesTokens(second) - countMessagesTokens(first),
    );
    expect(inputTotal(b.usage)).toBe(countMessagesTokens(second));
  });

  it('reads the same prefix when a block lists its fields in another order, and again after that', async () => {
    const first = request(system, ['Plan the migration.']);
    await client.messages.create(first);
    const reordered: Params = {
      ...first,
      system: [{ cache_control: ephemeral(), text: system, type: 'text' }],
      messages: [{ content: [{ text: 'Plan the migration.', type: 'text' }], role: 'user' }],
    };
    // The second call hashes the reordered blocks; the third finds them among the hashes already made.
    for (let i = 0; i < 2; i++) {
      const again = await client.messages.create({ ...reordered, cache_control: ephemeral() });
      expect(again.usage.cache_read_input_tokens).toBe(countMessagesTokens(first));
      expect(again.usage.input_tokens).toBe(0);
    }
  });

  it('misses everything after a changed system prompt', async () => {
    await client.messages.create(request(system, ['Plan the migration.']));
    const changed = await client.messages.create(request(`${system} Be terse.`, ['Plan the migration.']));
    expect(changed.usage.cache_read_input_tokens).toBe(0);
    expect(changed.usage.cache_creation_input_tokens).toBeGreaterThan(1_024);
  });

  it("caches nothing below the model's minimum cacheable length", async () => {
    const short = request('Be brief.', ['Hello there.']);
    const a = await client.messages.create(short);
    const b = await client.messages.create(short);
    for (const r of [a, b]) {
      expect(r.usage.cache_creation_input_tokens).toBe(0);
      expect(r.usage.cache_read_input_tokens).toBe(0);
      expect(r.usage.input_tokens).toBe(countMessagesTokens(short));
    }
  });

  it('forgets a 5-minute entry unused for longer than 5 minutes, keeps a 1-hour one, and refreshes on use', async () => {
    const five = request(system, ['Five-minute entry.']);
    await client.messages.create(five);
    model.advanceClock(4 * 60_000);
    expect((await client.messages.create(five)).usage.cache_read_input_tokens).toBeGreaterThan(0);
    // Read 4 minutes in, so it lives until 9 minutes; at 8 minutes it is still there.
    model.advanceClock(4 * 60_000);
    expect((await client.messages.create(five)).usage.cache_read_input_tokens).toBeGreaterThan(0);
    model.advanceClock(5 * 60_000 + 1);
    const expired = await client.messages.create(five);
    expect(expired.usage.cache_read_input_tokens).toBe(0);
    expect(expired.usage.cache_creation_input_tokens).toBe(countMessagesTokens(five));

    model.clearCache(); // the 5-minute entry of the same system prompt would be read otherwise
    const hour = request(system, ['One-hour entry.'], '1h');
    const written = await client.messages.create(hour);
    expect(written.usage.cache_creation?.ephemeral_1h_input_tokens).toBe(countMessagesTokens(hour));
    model.advanceClock(30 * 60_000);
    expect((await client.messages.create(hour)).usage.cache_read_input_tokens).toBe(
      countMessagesTokens(hour),
    );
  });

  it('finds an earlier entry only within 20 blocks of a breakpoint', async () => {
    const base = request(system, ['a']);
    await client.messages.create(base);
    const blocks = (n: number): Params => ({
      ...base,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            ...Array.from({ length: n }, (_, i) => ({ type: 'text' as const, text: `b${i}` })),
            { type: 'text', text: 'end', cache_control: ephemeral() },
          ],
        },
      ],
    });
    // 'a' and 19 more blocks up to the breakpoint: within reach.
    expect((await client.messages.create(blocks(18))).usage.cache_read_input_tokens).toBe(
      countMessagesTokens(base),
    );
    model.clearCache();
    await client.messages.create(base);
    // Too far back: only the system prompt's own entry is found, not the one ending at 'a'.
    const far = (await client.messages.create(blocks(25))).usage.cache_read_input_tokens ?? 0;
    expect(far).toBeGreaterThan(1_024);
    expect(far).toBeLessThan(countMessagesTokens(base));
  });

  it('splits every request exactly as count_tokens counts it', () => {
    const parsed = parseMessagesRequest(
      {
        ...request(system, ['x', 'y', 'z']),
        tools: [{ name: 't', input_schema: { type: 'object' }, cache_control: ephemeral() }],
      },
      'messages',
    );
    if (!parsed.ok) throw new Error(parsed.message);
    const segments = cacheSegments(parsed.request);
    expect(segments.at(-1)?.prefix).toBe(countMessagesTokens(parsed.request));
  });

  it('refuses more than four breakpoints, and a 1-hour one after a 5-minute one, like the API', async () => {
    const five: Params = {
      ...request(system, ['a']),
      messages: [
        {
          role: 'user',
          content: ['1', '2', '3', '4'].map((t) => ({
            type: 'text' as const,
            text: t,
            cache_control: ephemeral(),
          })),
        },
      ],
    };
    const err = await client.messages.create(five).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).message).toMatch(
      /A maximum of 4 blocks with cache_control may be provided. Found 5./,
    );

    const mixed: Params = {
      ...request(system, ['a'], '1h'),
      system: [{ type: 'text', text: system, cache_control: ephemeral('5m') }],
    };
    const order = await client.messages.create(mixed).catch((e: unknown) => e);
    expect((order as BadRequestError).message).toMatch(/ttl '1h' may not come after one with ttl '5m'/);
  });

  it('logs what each request read and wrote', async () => {
    model.clearRequests();
    await client.messages.create(request(system, ['logged']));
    expect(model.requests.at(-1)?.usage).toMatchObject({ cache_read_input_tokens: 0, input_tokens: 0 });
  });
});

describe('GET /v1/models', () => {
  it("lists the table newest first, active and deprecated by default, with the API's fields", async () => {
    const ids: string[] = [];
    for await (const info of client.models.list({ limit: 5 })) ids.push(info.id);
    expect(ids[0]).toBe('claude-fable-5-2');
    expect(ids).toContain('claude-sonnet-4-5');
    expect(ids).not.toContain(RETIRED.id);
    const page = await client.models.list({ lifecycle: ['retired'] });
    expect(page.data.map((m) => m.id)).toEqual([RETIRED.id]);
  });

  it('describes one model: window, output limit, lifecycle, line and thinking', async () => {
    const info = await client.models.retrieve('claude-sonnet-4-5');
    expect(info).toMatchObject({
      id: 'claude-sonnet-4-5',
      display_name: 'Claude Sonnet 4.5',
      lifecycle: 'deprecated',
      line: 'sonnet',
      max_input_tokens: 200_000,
      max_tokens: 64_000,
      retires_at: '2026-11-30',
      capabilities: { thinking: { supported: true, types: { enabled: { supported: true } } } },
    });
  });

  it('answers 404 for an unknown model', async () => {
    const err = await client.models.retrieve('claude-nonesuch').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
  });
});

describe('extended thinking', () => {
  const thinking = { type: 'enabled' as const, budget_tokens: 1_024 };
  const tool: Anthropic.Tool = { name: 'lookup', input_schema: { type: 'object', properties: {} } };

  it('thinks first, signs its thinking, and counts it in the output', async () => {
    const reply = await client.messages
      .stream({
        model: CACHE_MODEL.id,
        max_tokens: 2_000,
        thinking,
        messages: [{ role: 'user', content: 'Why?' }],
      })
      .finalMessage();
    const [first, second] = reply.content;
    expect(first?.type).toBe('thinking');
    expect(second?.type).toBe('text');
    if (first?.type !== 'thinking') throw new Error('no thinking');
    expect(first.signature).not.toBe('');
    expect(reply.usage.output_tokens_details?.thinking_tokens).toBeGreaterThan(0);
    expect(reply.usage.output_tokens).toBeGreaterThan(reply.usage.output_tokens_details!.thinking_tokens);
  });

  it('takes its thinking back during a tool call only with the signature intact and in first place', async () => {
    const ask: Anthropic.MessageParam = { role: 'user', content: 'Look it up. [[use_tool=lookup]]' };
    const call = await client.messages.create({
      model: CACHE_MODEL.id,
      max_tokens: 2_000,
      thinking,
      tools: [tool],
      messages: [ask],
    });
    expect(call.stop_reason).toBe('tool_use');
    const use = call.content.find((b) => b.type === 'tool_use')!;
    const result: Anthropic.MessageParam = {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: use.id, content: '42' }],
    };
    const next = (content: Anthropic.ContentBlockParam[]) =>
      client.messages.create({
        model: CACHE_MODEL.id,
        max_tokens: 2_000,
        thinking,
        tools: [tool],
        messages: [ask, { role: 'assistant', content }, result],
      });

    const ok = await next(call.content);
    expect(ok.stop_reason).toBe('end_turn');

    const withoutThinking = await next(
      call.content.filter((b) => b.type !== 'thinking') as Anthropic.ContentBlockParam[],
    ).catch((e: unknown) => e);
    expect((withoutThinking as BadRequestError).message).toMatch(/must start with a thinking block/);

    const tampered = call.content.map((b) =>
      b.type === 'thinking' ? { ...b, thinking: `${b.thinking} (edited)` } : b,
    );
    const bad = await next(tampered as Anthropic.ContentBlockParam[]).catch((e: unknown) => e);
    expect((bad as BadRequestError).message).toMatch(/Invalid `signature` in `thinking` block/);
  });

  it('checks the budget like the API', async () => {
    const err = await client.messages
      .create({
        model: CACHE_MODEL.id,
        max_tokens: 1_000,
        thinking,
        messages: [{ role: 'user', content: 'x' }],
      })
      .catch((e: unknown) => e);
    expect((err as BadRequestError).message).toMatch(
      /`max_tokens` must be greater than `thinking.budget_tokens`/,
    );
  });
});
