/**
 * The offline model's pure parts: request validation, the reply function, directives and the
 * stream's event sequence, without a server.
 */
import { describe, expect, it } from 'vitest';
import { countTextTokens } from '../../src/model';
import type { MessagesRequest } from '../../src/model/offline-model';
import {
  limitsFor,
  offlineMessage,
  parseDirectives,
  parseMessagesRequest,
  replyFor,
  validateFault,
} from '../../src/model/offline-model';
import { streamEvents } from '../../src/model/offline-model/stream-events';

const request = (text: string, extra: Partial<MessagesRequest> = {}): MessagesRequest => ({
  model: 'claude-haiku-4-5',
  max_tokens: 1024,
  messages: [{ role: 'user', content: text }],
  system: undefined,
  tools: undefined,
  tool_choice: undefined,
  stream: false,
  thinking: undefined,
  cache_control: undefined,
  ...extra,
});

describe('parseMessagesRequest', () => {
  const body = { model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };

  it('accepts a minimal request', () => {
    expect(parseMessagesRequest(body, 'messages')).toMatchObject({
      ok: true,
      request: { model: 'claude-haiku-4-5', stream: false },
    });
  });

  it.each([
    [{ ...body, max_tokens: 0 }, 'max_tokens: Input should be greater than or equal to 1'],
    [{ ...body, max_tokens: 1.5 }, 'max_tokens: Input should be a valid integer'],
    [
      { ...body, messages: [{ role: 'system', content: 'x' }] },
      "messages.0.role: Input should be 'user' or 'assistant'",
    ],
    [{ ...body, messages: [{ role: 'user' }] }, 'messages.0.content: Field required'],
    [
      { ...body, messages: [{ role: 'user', content: [{ type: 'text' }] }] },
      'messages.0.content.0.text: Input should be a valid string',
    ],
    [{ ...body, stream: 'yes' }, 'stream: Input should be a valid boolean'],
    [{ ...body, system: 42 }, 'system: Input should be a string or a list of text blocks'],
    [{ ...body, tools: [{}] }, 'tools.0.name: Field required'],
    [[1, 2], 'The request body must be a JSON object.'],
  ])('refuses %j', (value, message) => {
    expect(parseMessagesRequest(value, 'messages')).toEqual({ ok: false, message });
  });

  it('does not ask count_tokens for max_tokens', () => {
    const { max_tokens: _, ...withoutMax } = body;
    expect(parseMessagesRequest(withoutMax, 'count_tokens').ok).toBe(true);
  });

  it('checks max_tokens against a configured model', () => {
    const models = [
      {
        id: 'tiny',
        context_window: 1000,
        max_output_tokens: 5,
        pricing: { input_per_mtok: 0, output_per_mtok: 0, cache_write_per_mtok: 0, cache_read_per_mtok: 0 },
      },
    ];
    expect(parseMessagesRequest({ ...body, model: 'tiny' }, 'messages', models)).toMatchObject({ ok: false });
    expect(limitsFor('tiny', models)).toEqual({ context_window: 1000, max_output_tokens: 5 });
    expect(limitsFor('never-heard-of-it')).toEqual({ context_window: 200_000, max_output_tokens: undefined });
  });
});

describe('parseDirectives', () => {
  it('reads reply_tokens and use_tool', () => {
    expect(parseDirectives('a [[reply_tokens=42]] b [[use_tool=grep {"pattern":"x"}]]')).toEqual({
      replyTokens: 42,
      useTool: { name: 'grep', input: { pattern: 'x' } },
    });
  });

  it('defaults the tool input to {} and reports bad JSON', () => {
    expect(parseDirectives('[[use_tool=list]]').useTool).toEqual({ name: 'list', input: {} });
    expect(parseDirectives('[[use_tool=list {nope}]]').useTool).toMatchObject({
      name: 'list',
      problem: expect.stringContaining('not valid JSON') as string,
    });
  });

  it('reads pace_ms, capped at a minute, and keeps it out of the quoted text', () => {
    expect(parseDirectives('slowly [[pace_ms=25]]')).toEqual({ paceMs: 25 });
    expect(parseDirectives('[[pace_ms=99999999]]')).toEqual({ paceMs: 60_000 });
    expect(replyFor(request('Go slowly [[pace_ms=25]] please')).content[0]).toMatchObject({
      text: expect.stringMatching(/: "Go slowly please"$/) as string,
    });
  });

  it('finds nothing in plain text', () => {
    expect(parseDirectives('just words [[not a directive]]')).toEqual({});
  });
});

describe('replyFor', () => {
  it('is a pure function of the request', () => {
    expect(replyFor(request('same'))).toEqual(replyFor(request('same')));
    expect(replyFor(request('same'))).not.toEqual(replyFor(request('different')));
  });

  it('depends on the whole conversation, not only the last message', () => {
    const a = replyFor(
      request('q', {
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: 'y' },
          { role: 'user', content: 'q' },
        ],
      }),
    );
    const b = replyFor(
      request('q', {
        messages: [
          { role: 'user', content: 'z' },
          { role: 'assistant', content: 'y' },
          { role: 'user', content: 'q' },
        ],
      }),
    );
    expect(a).not.toEqual(b);
  });

  it('leaves directives out of the quote', () => {
    const [block] = replyFor(request('hello [[reply_tokens=10]] there')).content;
    expect(block?.type === 'text' && block.text).not.toContain('[[');
  });

  it('quotes a tool error as an error', () => {
    const reply = replyFor(
      request('', {
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'x', input: {} }] },
          {
            role: 'user',
            content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ENOENT', is_error: true }],
          },
        ],
      }),
    );
    expect(reply.content[0]).toMatchObject({
      type: 'text',
      text: expect.stringMatching(/^Tool error received \(turn 2/) as string,
    });
  });

  it('reply_tokens smaller than the header cuts the header', () => {
    const [block] = replyFor(request('hi [[reply_tokens=3]]')).content;
    expect(countTextTokens(block?.type === 'text' ? block.text : '')).toBe(3);
  });
});

describe('offlineMessage and streamEvents', () => {
  it('drops a tool call that does not fit in max_tokens', () => {
    const req = request('[[use_tool=t {"a":"' + 'long '.repeat(50) + '"}]]', {
      max_tokens: 15,
      tools: [{ name: 't' }],
    });
    const message = offlineMessage(req, replyFor(req));
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.content.every((b) => b.type === 'text')).toBe(true);
    expect(message.usage.output_tokens).toBeLessThanOrEqual(15);
  });

  it('streams tool input as an empty partial_json followed by the JSON in pieces', () => {
    const req = request('[[use_tool=t {"path":"a/b/c/d/e/f/g.txt"}]]', { tools: [{ name: 't' }] });
    const events = streamEvents(offlineMessage(req, replyFor(req)));
    const partials = events
      .filter((e) => e.event === 'content_block_delta' && e.data.index === 1)
      .map((e) => (e.data.delta as { partial_json: string }).partial_json);
    expect(partials[0]).toBe('');
    expect(partials.join('')).toBe('{"path":"a/b/c/d/e/f/g.txt"}');
    expect(events.at(-2)?.data).toMatchObject({ type: 'message_delta', delta: { stop_reason: 'tool_use' } });
  });
});

describe('validateFault', () => {
  it('copies a good fault and names the bad field', () => {
    expect(validateFault({ kind: 'delay', ms: 5, times: 2, extra: 'ignored' })).toEqual({
      kind: 'delay',
      ms: 5,
      times: 2,
    });
    expect(() => validateFault({ kind: 'delay', ms: -1 })).toThrow(
      'fault.ms must be a number of milliseconds, 0 or more',
    );
    expect(() => validateFault({ kind: 'hang', times: 0 })).toThrow(
      'fault.times must be a whole number of at least 1',
    );
  });
});
