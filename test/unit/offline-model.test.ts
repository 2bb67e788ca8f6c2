/**
 * The offline model seen through the real `@anthropic-ai/sdk`, over real HTTP on a random port.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { BadRequestError, NotFoundError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { countMessagesTokens, countTextTokens, createAnthropicClient, OfflineModel } from '../../src/model';

type Params = Anthropic.MessageCreateParamsNonStreaming;

let model: OfflineModel;
let client: Anthropic;

beforeAll(async () => {
  model = await OfflineModel.start({ port: 0 });
  client = createAnthropicClient({ baseURL: model.baseURL });
});

afterAll(async () => {
  await model.stop();
});

beforeEach(() => {
  model.clearFaults();
  model.clearRequests();
});

const ask = (text: string, extra: Partial<Params> = {}): Params => ({
  model: 'claude-haiku-4-5',
  max_tokens: 1024,
  messages: [{ role: 'user', content: text }],
  ...extra,
});

const textOf = (message: Anthropic.Message): string =>
  message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');

describe('POST /v1/messages (JSON)', () => {
  it('answers with a deterministic text reply that quotes the user and names the turn', async () => {
    const reply = await client.messages.create(ask('What is the capital of France?'));
    expect(reply.type).toBe('message');
    expect(reply.role).toBe('assistant');
    expect(reply.model).toBe('claude-haiku-4-5');
    expect(reply.stop_reason).toBe('end_turn');
    expect(textOf(reply)).toMatch(
      /^Offline reply to turn 1, digest [0-9a-f]{8}: "What is the capital of France\?"$/,
    );
    expect(reply._request_id).toMatch(/^req_offline_\d+$/);
  });

  it('reports usage from the shared tokenizer', async () => {
    const params = ask('Count my tokens, please.', {
      system: 'You are a counting assistant.',
      tools: [
        { name: 'noop', description: 'Does nothing', input_schema: { type: 'object', properties: {} } },
      ],
    });
    const reply = await client.messages.create(params);
    expect(reply.usage.input_tokens).toBe(countMessagesTokens(params));
    expect(reply.usage.output_tokens).toBe(countTextTokens(textOf(reply)));
    expect(reply.usage.cache_creation_input_tokens).toBe(0);
    expect(reply.usage.cache_read_input_tokens).toBe(0);
  });

  it('gives the same reply to the same request and a different one to a different conversation', async () => {
    const first = await client.messages.create(ask('Same question'));
    const again = await client.messages.create(ask('Same question'));
    expect(again.content).toEqual(first.content);
    expect(again.id).toBe(first.id);

    const otherHistory = await client.messages.create({
      ...ask('Same question'),
      messages: [
        { role: 'user', content: 'Earlier words' },
        { role: 'assistant', content: 'Earlier reply' },
        { role: 'user', content: 'Same question' },
      ],
    });
    expect(textOf(otherHistory)).not.toBe(textOf(first));
    expect(textOf(otherHistory)).toContain('turn 2');
  });

  it('cuts a long excerpt of the user text', async () => {
    const reply = await client.messages.create(ask('x'.repeat(500)));
    expect(textOf(reply)).toContain(`"${'x'.repeat(80)}…"`);
  });
});

describe('POST /v1/messages (streaming)', () => {
  it('streams a message that finalMessage() assembles into the JSON reply', async () => {
    const params = ask('Stream this, please, in several deltas so that chunking is exercised.');
    const json = await client.messages.create(params);
    const stream = client.messages.stream(params);
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    const final = await stream.finalMessage();
    expect(final.content).toEqual(json.content);
    expect(final.usage).toMatchObject(json.usage);
    expect(final.stop_reason).toBe('end_turn');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(textOf(json));
  });

  it('sends the events in the order the API does', async () => {
    const stream = await client.messages.create({ ...ask('order please'), stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types[0]).toBe('message_start');
    expect(types[1]).toBe('content_block_start');
    expect(types.slice(2, -3).every((t) => t === 'content_block_delta')).toBe(true);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
  });

  it('sends a ping after the first content block starts (the SDK hides it)', async () => {
    const res = await fetch(`${model.baseURL}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...ask('ping?'), stream: true }),
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('request-id')).toMatch(/^req_offline_\d+$/);
    const names = [...(await res.text()).matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(names.slice(0, 3)).toEqual(['message_start', 'content_block_start', 'ping']);
  });
});

describe('directives', () => {
  it('[[reply_tokens=N]] makes the reply N tokens long', async () => {
    const reply = await client.messages.create(ask('Fill the window [[reply_tokens=500]]'));
    expect(reply.usage.output_tokens).toBe(500);
    expect(countTextTokens(textOf(reply))).toBe(500);
    expect(reply.stop_reason).toBe('end_turn');
    const again = await client.messages.create(ask('Fill the window [[reply_tokens=500]]'));
    expect(textOf(again)).toBe(textOf(reply));
  });

  it('cuts a reply longer than max_tokens and stops with max_tokens', async () => {
    const params = ask('Say a lot [[reply_tokens=5000]]', { max_tokens: 50 });
    const reply = await client.messages.create(params);
    expect(reply.stop_reason).toBe('max_tokens');
    expect(reply.usage.output_tokens).toBe(50);
    expect(countTextTokens(textOf(reply))).toBe(50);
    const streamed = await client.messages.stream(params).finalMessage();
    expect(streamed.stop_reason).toBe('max_tokens');
    expect(streamed.usage.output_tokens).toBe(50);
    expect(streamed.content).toEqual(reply.content);
  });

  const tools: Anthropic.Tool[] = [
    {
      name: 'read_file',
      description: 'Reads a file',
      input_schema: { type: 'object', properties: { path: { type: 'string' } } },
    },
  ];

  it('[[use_tool=NAME {json}]] calls an offered tool', async () => {
    const params = ask('Please [[use_tool=read_file {"path":"notes/a.txt","lines":[[1,2]]}]]', { tools });
    const reply = await client.messages.create(params);
    expect(reply.stop_reason).toBe('tool_use');
    const call = reply.content[1];
    expect(call).toMatchObject({
      type: 'tool_use',
      name: 'read_file',
      input: { path: 'notes/a.txt', lines: [[1, 2]] },
    });
    expect(call?.type === 'tool_use' && call.id).toMatch(/^toolu_offline_[0-9a-f]{20}$/);
    expect(reply.usage.output_tokens).toBe(
      countTextTokens(textOf(reply)) +
        countTextTokens('read_file') +
        countTextTokens(JSON.stringify(call?.type === 'tool_use' ? call.input : {})),
    );

    const streamed = await client.messages.stream(params).finalMessage();
    expect(streamed.content).toEqual(reply.content);
    expect(streamed.stop_reason).toBe('tool_use');
  });

  it('quotes the start of a tool result sent back', async () => {
    const first = await client.messages.create(ask('[[use_tool=read_file {"path":"a.txt"}]]', { tools }));
    const call = first.content.find((b) => b.type === 'tool_use');
    if (call?.type !== 'tool_use') throw new Error('expected a tool call');
    const reply = await client.messages.create({
      ...ask(''),
      tools,
      messages: [
        { role: 'user', content: '[[use_tool=read_file {"path":"a.txt"}]]' },
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: call.id, content: 'The file says hello.' }],
        },
      ],
    });
    expect(reply.stop_reason).toBe('end_turn');
    expect(textOf(reply)).toMatch(
      /^Tool result received \(turn 2, digest [0-9a-f]{8}\): "The file says hello\."$/,
    );
  });

  it('explains instead of calling a tool the request does not offer', async () => {
    const reply = await client.messages.create(ask('[[use_tool=delete_everything]]', { tools }));
    expect(reply.stop_reason).toBe('end_turn');
    expect(textOf(reply)).toContain('Cannot call tool delete_everything');
    expect(textOf(reply)).toContain('only read_file');
  });
});

describe('POST /v1/messages/count_tokens', () => {
  it('counts like the usage of a real reply', async () => {
    const params = ask('How many tokens is this?', { system: 'Be exact.' });
    const { input_tokens } = await client.messages.countTokens({
      model: params.model,
      messages: params.messages,
      system: 'Be exact.',
    });
    expect(input_tokens).toBe(countMessagesTokens(params));
    const reply = await client.messages.create(params);
    expect(reply.usage.input_tokens).toBe(input_tokens);
  });
});

describe('request validation', () => {
  const expectBadRequest = async (body: unknown, message: string | RegExp): Promise<void> => {
    const err = await client.messages.create(body as Params).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    const bad = err as BadRequestError;
    expect(bad.status).toBe(400);
    expect(bad.type).toBe('invalid_request_error');
    expect(bad.requestID).toMatch(/^req_offline_\d+$/);
    expect(bad.apiMessage).toMatch(message);
  };

  it('refuses a request without messages', async () => {
    await expectBadRequest({ model: 'claude-haiku-4-5', max_tokens: 10 }, 'messages: Field required');
  });

  it('refuses an empty message list', async () => {
    await expectBadRequest({ ...ask('x'), messages: [] }, 'messages: at least one message is required');
  });

  it('refuses a request without max_tokens', async () => {
    await expectBadRequest(
      { model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'x' }] },
      'max_tokens: Field required',
    );
  });

  it('refuses a request without model', async () => {
    await expectBadRequest(
      { max_tokens: 10, messages: [{ role: 'user', content: 'x' }] },
      'model: Field required',
    );
  });

  it('refuses a conversation that starts with the assistant', async () => {
    await expectBadRequest(
      {
        ...ask('x'),
        messages: [
          { role: 'assistant', content: 'hi' },
          { role: 'user', content: 'x' },
        ],
      },
      'messages: first message must use the "user" role',
    );
  });

  it('refuses max_tokens above the model output limit', async () => {
    await expectBadRequest(
      ask('x', { model: 'baton-small-8k', max_tokens: 5000 }),
      'max_tokens: 5000 > 1024, which is the maximum allowed number of output tokens for baton-small-8k',
    );
  });

  it('refuses a prompt longer than the context window', async () => {
    const params = ask('word '.repeat(9000), { model: 'baton-small-8k', max_tokens: 100 });
    const tokens = countMessagesTokens(params);
    await expectBadRequest(params, `prompt is too long: ${tokens} tokens > 8000 maximum`);
  });

  it('gives unknown models a 200,000-token window', async () => {
    const reply = await client.messages.create(
      ask('word '.repeat(9000), { model: 'my-own-model', max_tokens: 100 }),
    );
    expect(reply.model).toBe('my-own-model');
  });

  it('refuses a body that is not JSON', async () => {
    const res = await fetch(`${model.baseURL}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model": ',
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      type: string;
      error: { type: string; message: string };
      request_id: string;
    };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/^The request body is not valid JSON/);
    expect(body.request_id).toBe(res.headers.get('request-id'));
  });

  it('refuses a body over 32 MB with 413 request_too_large', async () => {
    const res = await fetch(`${model.baseURL}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ask('x'.repeat(33 * 1024 * 1024))),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { type: 'request_too_large' } });
  });

  it('enforces the limits of configured models', async () => {
    const tiny = {
      id: 'tiny-model',
      context_window: 50,
      max_output_tokens: 10,
      pricing: { input_per_mtok: 0, output_per_mtok: 0, cache_write_per_mtok: 0, cache_read_per_mtok: 0 },
    };
    const own = await OfflineModel.start({ models: [tiny] });
    try {
      const ownClient = createAnthropicClient({ baseURL: own.baseURL });
      const err = await ownClient.messages
        .create(ask('word '.repeat(60), { model: 'tiny-model', max_tokens: 10 }))
        .catch((e: unknown) => e);
      expect((err as BadRequestError).apiMessage).toMatch(/^prompt is too long: \d+ tokens > 50 maximum$/);
    } finally {
      await own.stop();
    }
  });

  it('answers unknown paths with an Anthropic-shaped 404', async () => {
    const err = await client.beta.files.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).type).toBe('not_found_error');
  });
});

describe('the request log', () => {
  it('records each API request', async () => {
    await client.messages.create(ask('first entry'));
    await client.messages.stream(ask('second entry')).finalMessage();
    await client.messages.countTokens({
      model: 'claude-haiku-4-5',
      messages: [{ role: 'user', content: 'count me' }],
    });
    const [first, second, third] = model.requests;
    expect(model.requests).toHaveLength(3);
    expect(first).toMatchObject({
      path: '/v1/messages',
      model: 'claude-haiku-4-5',
      stream: false,
      last_user_text: 'first entry',
      message_count: 1,
      status: 200,
      fault: null,
    });
    expect(first?.request_id).toMatch(/^req_offline_\d+$/);
    expect(Date.parse(first?.time ?? '')).not.toBeNaN();
    expect(second).toMatchObject({ stream: true, last_user_text: 'second entry', status: 200 });
    expect(third).toMatchObject({
      path: '/v1/messages/count_tokens',
      model: 'claude-haiku-4-5',
      status: 200,
    });
  });

  it('records when a streamed reply began, and a client that went away before its end', async () => {
    const before = Date.now();
    await client.messages.stream(ask('quick [[reply_tokens=20]]')).finalMessage();
    const abort = new AbortController();
    const slow = client.messages.stream(ask('slow [[reply_tokens=400]] [[pace_ms=50]]'), {
      signal: abort.signal,
    });
    const firstText = new Promise((resolve) => slow.once('text', resolve));
    await firstText;
    abort.abort();
    await slow.finalMessage().catch(() => undefined);
    await expect.poll(() => model.requests[1]?.aborted_by_client).toBe(true);
    const [quick, cut] = model.requests;
    expect(quick).toMatchObject({ aborted_by_client: false, status: 200 });
    expect(quick!.first_delta_at_ms).toBeGreaterThanOrEqual(before);
    expect(cut!.first_delta_at_ms).toBeGreaterThanOrEqual(quick!.first_delta_at_ms!);
  });

  it('records refused requests with their status', async () => {
    await client.messages.create({ ...ask('x'), messages: [] }).catch(() => undefined);
    expect(model.requests).toMatchObject([{ status: 400, message_count: 0, model: null }]);
  });
});
