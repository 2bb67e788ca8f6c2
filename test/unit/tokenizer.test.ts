import { countTokens, getTokenizer } from '@anthropic-ai/tokenizer';
import type * as Tokenizer from '@anthropic-ai/tokenizer';
import { describe, expect, it, vi } from 'vitest';
import {
  countBlockTokens,
  countMessagesTokens,
  countTextTokens,
  MESSAGE_OVERHEAD_TOKENS,
  truncateToTokens,
} from '../../src/model';

// The real tokenizer, watched: how often baton builds one (parsing the whole BPE rank table).
vi.mock('@anthropic-ai/tokenizer', async (importOriginal) => {
  const real = await importOriginal<typeof Tokenizer>();
  return { ...real, getTokenizer: vi.fn(real.getTokenizer) };
});

const SAMPLES = [
  'hello world',
  'The quick brown fox jumps over the lazy dog.',
  'ﬁve ｆｕｌｌｗｉｄｔｈ ①②③', // NFKC changes these
  '日本語のテキストと emoji 🎉🎉',
  'code: const x = { a: [1, 2, 3] };\n\tindented',
  '<EOT> special tokens are allowed',
];

describe('countTextTokens', () => {
  it.each(SAMPLES)('agrees with @anthropic-ai/tokenizer on %j', (text) => {
    expect(countTextTokens(text)).toBe(countTokens(text));
  });

  it('counts the empty string as 0', () => {
    expect(countTextTokens('')).toBe(0);
  });

  it('builds one tokenizer and reuses it for every count', () => {
    // The package's countTokens builds a tokenizer per call (~100 ms each); baton keeps one.
    for (let i = 0; i < 500; i++) countTextTokens(`message number ${i}`);
    truncateToTokens('one two three', 2);
    expect(vi.mocked(getTokenizer)).toHaveBeenCalledTimes(1);
  });
});

describe('truncateToTokens', () => {
  it('keeps text that already fits', () => {
    expect(truncateToTokens('hello world', 10)).toBe('hello world');
  });

  it('cuts to at most the given number of tokens, as a prefix', () => {
    const text = 'one two three four five six seven eight nine ten';
    const cut = truncateToTokens(text, 4);
    expect(countTextTokens(cut)).toBe(4);
    expect(text.startsWith(cut)).toBe(true);
  });

  it('never leaves half a multi-byte character', () => {
    const cut = truncateToTokens('🎉🎉🎉🎉🎉', 3);
    expect(cut).not.toContain('\uFFFD');
    expect(countTextTokens(cut)).toBeLessThanOrEqual(3);
  });

  it('returns the empty string for a budget of 0', () => {
    expect(truncateToTokens('hello', 0)).toBe('');
  });
});

describe('countMessagesTokens', () => {
  it('adds system, per-message overhead, content blocks and tool JSON', () => {
    const tool = { name: 'read_file', description: 'Reads a file', input_schema: { type: 'object' } };
    const total = countMessagesTokens({
      system: 'You are terse.',
      messages: [
        { role: 'user', content: 'Read a.txt' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Reading.' },
            { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'a.txt' } },
          ],
        },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'contents of a' }],
        },
      ],
      tools: [tool],
    });
    const expected =
      countTextTokens('You are terse.') +
      3 * MESSAGE_OVERHEAD_TOKENS +
      countTextTokens('Read a.txt') +
      countTextTokens('Reading.') +
      countTextTokens('read_file') +
      countTextTokens('{"path":"a.txt"}') +
      countTextTokens('contents of a') +
      countTextTokens(JSON.stringify(tool));
    expect(total).toBe(expected);
  });

  it('accepts a system prompt as text blocks and tool results as block lists', () => {
    const asString = countMessagesTokens({
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const asBlocks = countMessagesTokens({
      system: [{ text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    });
    expect(asBlocks).toBe(asString);
    expect(
      countBlockTokens({ type: 'tool_result', content: [{ type: 'text', text: 'contents of a' }] }),
    ).toBe(countTextTokens('contents of a'));
  });
});
