import { describe, expect, it } from 'vitest';
import { classifyMessage } from '../../src/domain/session';
import { estimateTokens, sendRequestProblem } from '../../src/domain/session';
import { newSessionId, sessionIdProblem } from '../../src/domain/session';
import { DEFAULT_SESSION_SETTINGS, resolveSessionSettings } from '../../src/domain/session';
import { renderSessionDetails } from '../../src/domain/session';
import { tokenBudget, ZERO_CUMULATIVE } from '../../src/domain/session';

describe('session ids', () => {
  it('accepts business keys and generated ids', () => {
    expect(sessionIdProblem('sess_0123abcd')).toBeUndefined();
    expect(sessionIdProblem('spec-SPEC-001')).toBeUndefined();
    expect(newSessionId(() => 0.5)).toBe('sess_8888888888888888');
    expect(sessionIdProblem(newSessionId(Math.random))).toBeUndefined();
  });
  it.each([
    '',
    '../etc/passwd',
    'a/b',
    'a b',
    'x;rm -rf',
    '$(id)',
    '`id`',
    'a..b',
    '-flag',
    'é',
    'x'.repeat(129),
  ])('rejects %j', (id) => {
    expect(sessionIdProblem(id)).toMatch(/session id/);
  });
});

describe('session settings', () => {
  it('fills in the defaults', () => {
    expect(resolveSessionSettings()).toEqual(DEFAULT_SESSION_SETTINGS);
    expect(resolveSessionSettings({ summarize_at_percent: 60 })).toMatchObject({
      summarize_at_percent: 60,
      rollover_at_percent: 85,
    });
  });
  it.each([
    [{ summarize_at_percent: 0 }, /summarize_at_percent must be a number between 0 and 100/],
    [{ rollover_at_percent: 100 }, /rollover_at_percent must be a number between 0 and 100/],
    [{ summarize_at_percent: 85, rollover_at_percent: 85 }, /must be below rollover_at_percent/],
    [{ keep_recent_turns: -1 }, /keep_recent_turns/],
    [{ max_output_tokens: 1.5 }, /max_output_tokens/],
    [{ summarize_at_percent: Number.NaN }, /summarize_at_percent/],
  ])('rejects %j', (settings, message) => {
    expect(() => resolveSessionSettings(settings)).toThrow(message);
  });
});

describe('send validation', () => {
  const open = { session_id: 's', closed: false, context_window: 1_000 };
  it('accepts an ordinary message', () => {
    expect(sendRequestProblem({ message: 'hello', class: 'critical', pin: true }, open)).toBeUndefined();
  });
  it('rejects empty, oversized, closed and malformed requests with what to do', () => {
    expect(sendRequestProblem({ message: ' \n ' }, open)).toMatch(/empty/);
    expect(sendRequestProblem({ message: 'x'.repeat(4_004) }, open)).toMatch(
      /more than the model's whole context window \(1,000\)/,
    );
    expect(sendRequestProblem({ message: 'hi' }, { ...open, closed: true })).toMatch(
      /closed. Resume it with `baton session resume s`/,
    );
    expect(sendRequestProblem({ message: 'hi', class: 'vital' as never }, open)).toMatch(
      /Unknown context class 'vital'/,
    );
    expect(sendRequestProblem(undefined, open)).toMatch(/needs a `message` string/);
  });
  it('estimates about four characters a token', () => {
    expect(estimateTokens('abcdefgh')).toBe(2);
    expect(estimateTokens('')).toBe(0);
  });
  it('estimates a message the same whether it is sent as text or as stored content blocks', () => {
    // The validator and the summarize-before-turn check see the text; the model activity sees the
    // blocks it stores. All three must agree, or a turn is judged by two different numbers.
    const text = 'How full is the context window now? '.repeat(7);
    expect(estimateTokens([{ type: 'text', text }])).toBe(estimateTokens(text));
    expect(estimateTokens(text)).toBe(Math.ceil(text.length / 4));
  });
  it('counts tool calls and tool results by their text, not their JSON wrapping', () => {
    const input = { command: 'npm test' };
    expect(
      estimateTokens([
        { type: 'tool_use', id: 'toolu_1', name: 'bash', input },
        { type: 'tool_result', tool_use_id: 'toolu_1', content: 'x'.repeat(40) },
      ]),
    ).toBe(Math.ceil(('bash'.length + JSON.stringify(input).length + 40) / 4));
    expect(estimateTokens([])).toBe(0);
  });
});

describe('classification heuristic', () => {
  const text = [{ type: 'text' as const, text: 'x' }];
  it('keeps the task and pinned messages critical', () => {
    expect(classifyMessage({ role: 'user', kind: 'task', content: text })).toBe('critical');
    expect(
      classifyMessage({ role: 'user', kind: 'message', content: text, pinned: true, explicit: 'temporary' }),
    ).toBe('critical');
  });
  it('honours an explicit class, treats tool results as temporary and dialogue as supporting', () => {
    expect(classifyMessage({ role: 'user', kind: 'message', content: text, explicit: 'temporary' })).toBe(
      'temporary',
    );
    expect(
      classifyMessage({
        role: 'user',
        kind: 'message',
        content: [{ type: 'tool_result', tool_use_id: 't', content: 'out' }],
      }),
    ).toBe('temporary');
    expect(classifyMessage({ role: 'assistant', kind: 'message', content: text })).toBe('supporting');
  });
});

describe('current details for the Temporal UI', () => {
  it('shows a context bar, tokens and cost', () => {
    const details = renderSessionDetails({
      turns: 12,
      budget: tokenBudget(50_000, 200_000),
      cumulative: { ...ZERO_CUMULATIVE, input_tokens: 1_000, output_tokens: 500, cost_usd: 0.0105 },
      status: 'available',
      previous_runs: 1,
    });
    expect(details).toContain('turn 12 · run 2');
    expect(details).toContain('`█████░░░░░░░░░░░░░░░` 25%');
    expect(details).toContain('50,000 / 200,000 tokens');
    expect(details).toContain('$0.0105');
  });
});
