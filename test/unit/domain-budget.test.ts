import { describe, expect, it } from 'vitest';
import {
  addUsage,
  contextFill,
  costOf,
  cumulativeTokens,
  tokenBudget,
  ZERO_CUMULATIVE,
} from '../../src/domain/session';
import {
  BUILTIN_MODELS,
  createModelRegistry,
  DEFAULT_MODEL_ID,
  validateModelSpec,
} from '../../src/domain/models';
import type { Usage } from '../../src/domain/session';
import { normalizeUsage } from '../../src/domain/session';

const registry = createModelRegistry();
const sonnet = registry.get('claude-sonnet-4-6');
const usage = (input: number, output: number, cacheWrite = 0, cacheRead = 0): Usage => ({
  input_tokens: input,
  output_tokens: output,
  cache_creation_input_tokens: cacheWrite,
  cache_read_input_tokens: cacheRead,
});

describe('context fill', () => {
  it('counts everything the model saw plus what it wrote', () => {
    expect(contextFill(usage(1_000, 200, 300, 4_000))).toBe(5_500);
  });
});

describe('token budget', () => {
  it('reports used, available and position with one decimal', () => {
    expect(tokenBudget(50_000, 200_000)).toEqual({
      total: 200_000,
      used: 50_000,
      available: 150_000,
      position_percent: 25,
    });
    expect(tokenBudget(1, 3).position_percent).toBe(33.3);
  });
  it('never reports negative availability when the window is overfull', () => {
    expect(tokenBudget(210_000, 200_000)).toMatchObject({ available: 0, position_percent: 105 });
  });
});

describe('cost', () => {
  it('prices each kind of token at its own rate', () => {
    // Sonnet: $3 in, $15 out, $3.75 cache write, $0.30 cache read per million.
    expect(costOf(usage(1_000_000, 0), sonnet)).toBe(3);
    expect(costOf(usage(0, 1_000_000), sonnet)).toBe(15);
    expect(costOf(usage(0, 0, 1_000_000), sonnet)).toBe(3.75);
    expect(costOf(usage(0, 0, 0, 1_000_000), sonnet)).toBe(0.3);
    expect(costOf(usage(1_234, 567), sonnet)).toBeCloseTo((1_234 * 3 + 567 * 15) / 1e6, 9);
  });

  it('accumulates usage and cost across calls without float noise', () => {
    let total = ZERO_CUMULATIVE;
    for (let i = 0; i < 10; i++) total = addUsage(total, usage(100, 10, 5, 1_000), sonnet);
    expect(total).toMatchObject({
      input_tokens: 1_000,
      output_tokens: 100,
      cache_creation_input_tokens: 50,
      cache_read_input_tokens: 10_000,
    });
    // (100×3 + 10×15 + 5×3.75 + 1,000×0.30) / 1e6 = $0.00076875 a call.
    expect(total.cost_usd).toBe(0.0076875);
    expect(cumulativeTokens(total)).toBe(11_150);
  });

  it('normalises the API usage object with null cache fields', () => {
    expect(
      normalizeUsage({
        input_tokens: 3,
        output_tokens: 4,
        cache_creation_input_tokens: null,
        cache_read_input_tokens: null,
      }),
    ).toEqual(usage(3, 4));
  });
});

describe('model registry', () => {
  it('holds built-in models that pass the checks a configured model must pass', () => {
    for (const m of BUILTIN_MODELS) expect(validateModelSpec(m)).toEqual(m);
    expect(registry.get(DEFAULT_MODEL_ID)).toEqual(BUILTIN_MODELS.find((m) => m.id === DEFAULT_MODEL_ID));
  });

  it('adds and overrides models from configuration', () => {
    const custom = createModelRegistry([
      {
        id: 'tiny',
        context_window: 4_000,
        max_output_tokens: 512,
        pricing: { input_per_mtok: 1, output_per_mtok: 2, cache_write_per_mtok: 1, cache_read_per_mtok: 0.1 },
      },
      {
        id: 'claude-haiku-4-5',
        context_window: 100_000,
        max_output_tokens: 8_000,
        pricing: {
          input_per_mtok: 1,
          output_per_mtok: 5,
          cache_write_per_mtok: 1.25,
          cache_read_per_mtok: 0.1,
        },
      },
    ]);
    expect(custom.get('tiny').context_window).toBe(4_000);
    expect(custom.get('claude-haiku-4-5').context_window).toBe(100_000);
  });

  it('names the known models when one is missing', () => {
    expect(() => registry.get('gpt-4')).toThrow(/Unknown model 'gpt-4'. Known models: .*claude-sonnet-4-6, /);
    expect(() => registry.resolve('gpt-4')).toThrow(/or name a line for its newest active model: .*sonnet/);
  });

  it.each([
    [{}, /'id'/],
    [{ id: '../x', context_window: 1, max_output_tokens: 1 }, /'id'/],
    [
      { id: 'm', context_window: 0, max_output_tokens: 1 },
      /'context_window' must be a positive whole number/,
    ],
    [{ id: 'm', context_window: 100, max_output_tokens: 100 }, /'max_output_tokens' must be smaller/],
    [
      { id: 'm', context_window: 100, max_output_tokens: 10, pricing: 'cheap' },
      /'pricing' must be an object/,
    ],
    [{ id: 'm', context_window: 100, max_output_tokens: 10, lifecycle: 'gone' }, /'lifecycle' must be/],
    [
      { id: 'm', context_window: 100, max_output_tokens: 10, retires_at: 'soon' },
      /'retires_at' must be an ISO date/,
    ],
    [
      { id: 'm', context_window: 100, max_output_tokens: 10, pricing: { input_per_mtok: -1 } },
      /pricing.input_per_mtok/,
    ],
  ])('rejects a bad definition %#', (def, message) => {
    expect(() => createModelRegistry([def])).toThrow(message);
  });
});
