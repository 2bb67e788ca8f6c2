/**
 * How a model call's request is shaped: cache breakpoints by Anthropic's rules, the budget note
 * after them, thinking blocks kept only for the turn in progress, and the options a session's
 * settings give each call.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import {
  appendUncachedText,
  MAX_CACHE_BREAKPOINTS,
  placeCacheBreakpoints,
} from '../../src/activities/cache-breakpoints';
import { toMessageParams } from '../../src/activities/to-message-params';
import { createModelRegistry } from '../../src/domain/models';
import type { ContentBlock, StoredNode } from '../../src/domain/session';
import {
  budgetNote,
  DEFAULT_SESSION_SETTINGS,
  modelCallOptions,
  parseBudgetNote,
  resolveSessionSettings,
  thinkingProblem,
} from '../../src/domain/session';

const registry = createModelRegistry();

let counter = 0;
function node(role: 'user' | 'assistant', content: ContentBlock[] | string): StoredNode {
  const blocks = typeof content === 'string' ? [{ type: 'text' as const, text: content }] : content;
  return {
    id: `n${++counter}`,
    parent: null,
    role,
    content: blocks,
    meta: { kind: 'message', class: 'supporting' },
  };
}
const marks = (value: unknown): number => JSON.stringify(value).split('"cache_control"').length - 1;

describe('cache breakpoints', () => {
  const tools: Anthropic.Tool[] = [
    { name: 'a', input_schema: { type: 'object' } },
    { name: 'b', input_schema: { type: 'object' } },
  ];
  const messages: Anthropic.MessageParam[] = [
    { role: 'user', content: 'first question' },
    { role: 'assistant', content: [{ type: 'text', text: 'first answer' }] },
    { role: 'user', content: [{ type: 'text', text: 'second question' }] },
  ];

  it('marks the last tool, the system prompt, the last message and where the previous request ended', () => {
    const out = placeCacheBreakpoints({ tools, system: 'Be careful.', messages }, '5m');
    expect(marks(out)).toBe(MAX_CACHE_BREAKPOINTS);
    expect(out.tools?.[1]).toMatchObject({ name: 'b', cache_control: { type: 'ephemeral' } });
    expect(out.tools?.[0]).not.toHaveProperty('cache_control');
    expect(out.system).toEqual([{ type: 'text', text: 'Be careful.', cache_control: { type: 'ephemeral' } }]);
    expect(out.messages[0]!.content).toEqual([
      { type: 'text', text: 'first question', cache_control: { type: 'ephemeral' } },
    ]);
    expect(out.messages[1]).toEqual(messages[1]);
    expect(out.messages[2]!.content).toEqual([
      { type: 'text', text: 'second question', cache_control: { type: 'ephemeral' } },
    ]);
    // The input is left as it was.
    expect(marks({ tools, messages })).toBe(0);
  });

  it('uses one TTL for every breakpoint, and never more than four', () => {
    const out = placeCacheBreakpoints({ tools, system: [{ type: 'text', text: 'x' }], messages }, '1h');
    expect(JSON.stringify(out).match(/"ttl":"1h"/g)).toHaveLength(4);
    const noTools = placeCacheBreakpoints({ messages: [{ role: 'user', content: 'only' }] }, '5m');
    expect(marks(noTools)).toBe(1);
  });

  it('never marks a thinking block', () => {
    const out = placeCacheBreakpoints(
      {
        messages: [
          { role: 'user', content: 'q' },
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'calling' },
              { type: 'thinking', thinking: 't', signature: 's' },
            ],
          },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'x', content: 'r' }] },
        ],
      },
      '5m',
    );
    expect(JSON.stringify(out.messages[1])).not.toContain('cache_control');
    expect(out.messages[2]!.content).toEqual([
      { type: 'tool_result', tool_use_id: 'x', content: 'r', cache_control: { type: 'ephemeral' } },
    ]);
  });

  it('puts the budget note after every breakpoint, in the last user message only', () => {
    const marked = placeCacheBreakpoints({ messages }, '5m');
    const withNote = appendUncachedText(marked.messages, budgetNote(1_000, 8_000));
    const last = withNote.at(-1)!.content as Anthropic.TextBlockParam[];
    expect(last.at(-1)).toEqual({ type: 'text', text: budgetNote(1_000, 8_000) });
    expect(last.at(-2)).toHaveProperty('cache_control');
    expect(appendUncachedText([{ role: 'assistant', content: 'prefill' }], 'x')).toEqual([
      { role: 'assistant', content: 'prefill' },
    ]);
  });
});

describe('the budget note', () => {
  it('says tokens used and available after the last turn, and reads back', () => {
    const note = budgetNote(12_345, 200_000);
    expect(note).toBe(
      '<context_budget>Token usage after the last turn: 12,345 / 200,000; 187,655 remaining.</context_budget>',
    );
    expect(parseBudgetNote(note)).toEqual({ used: 12_345, total: 200_000, available: 187_655 });
    expect(parseBudgetNote('Token usage: 5')).toBeUndefined();
  });
});

describe('thinking blocks in the conversation sent', () => {
  const thinking = (t: string): ContentBlock => ({ type: 'thinking', thinking: t, signature: `sig-${t}` });
  const path = [
    node('user', 'first question'),
    node('assistant', [thinking('old'), { type: 'text', text: 'first answer' }]),
    node('user', 'second question'),
    node('assistant', [
      thinking('new'),
      { type: 'text', text: 'calling' },
      { type: 'tool_use', id: 't1', name: 'x', input: {} },
    ]),
    node('user', [{ type: 'tool_result', tool_use_id: 't1', content: 'result' }]),
  ];

  it('sends back the turn in progress with its signatures and leaves earlier turns out', () => {
    const messages = toMessageParams(path);
    expect(JSON.stringify(messages[1])).not.toContain('thinking');
    expect((messages[3]!.content as Anthropic.ContentBlockParam[])[0]).toEqual({
      type: 'thinking',
      thinking: 'new',
      signature: 'sig-new',
    });
  });

  it('drops a reply that was only thinking once its turn is over', () => {
    const messages = toMessageParams([
      node('user', 'a'),
      node('assistant', [thinking('cut')]),
      node('user', 'b'),
    ]);
    expect(messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
      },
    ]);
  });
});

describe('model call options from settings', () => {
  const sonnet = registry.get('claude-sonnet-4-6');
  const haiku = registry.get('claude-haiku-4-5');

  it('turns caching and the budget note on by default', () => {
    expect(modelCallOptions(DEFAULT_SESSION_SETTINGS, sonnet)).toEqual({
      max_tokens: 4_096,
      cache_ttl: '5m',
      budget_line: true,
    });
    const off = resolveSessionSettings({ prompt_caching: false, budget_line: false });
    expect(modelCallOptions(off, sonnet)).toEqual({ max_tokens: 4_096 });
    expect(modelCallOptions(resolveSessionSettings({ cache_ttl: '1h' }), sonnet).cache_ttl).toBe('1h');
  });

  it('grows max_tokens by the thinking budget, budgeted where the model takes one and adaptive where not', () => {
    const settings = resolveSessionSettings({ thinking_budget: 2_048 });
    expect(modelCallOptions(settings, haiku)).toMatchObject({
      max_tokens: 4_096 + 2_048,
      thinking: { type: 'enabled', budget_tokens: 2_048 },
    });
    expect(modelCallOptions(settings, sonnet).thinking).toEqual({ type: 'adaptive' });
  });

  it('refuses a budget that cannot fit, and bad settings, with what to do', () => {
    expect(thinkingProblem({ thinking_budget: 2_048 }, registry.get('baton-small-8k'))).toMatch(
      /does not fit the 1,024-token output limit of baton-small-8k/,
    );
    expect(thinkingProblem({ thinking_budget: 2_048 }, haiku)).toBeUndefined();
    expect(() => resolveSessionSettings({ thinking_budget: 100 })).toThrow(/1024 or more/);
    expect(() => resolveSessionSettings({ cache_ttl: '10m' as '5m' })).toThrow(
      /cache_ttl must be '5m' or '1h'/,
    );
    expect(() =>
      resolveSessionSettings({ summarizer_model: { id: 'x', context_window: 0, max_output_tokens: 1 } }),
    ).toThrow(/summarizer_model: .*context_window/);
  });
});
