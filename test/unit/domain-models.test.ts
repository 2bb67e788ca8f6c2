/** The model registry: lines, lifecycle, prices, the summarizer's default. */
import { describe, expect, it } from 'vitest';
import {
  BUILTIN_MODELS,
  createModelRegistry,
  defaultSummarizerModel,
  familyOf,
  lifecycleWarning,
  RetiredModelError,
  type ModelSpec,
} from '../../src/domain/models';
import { addUsage, costOf, ZERO_CUMULATIVE } from '../../src/domain/session';

const registry = createModelRegistry();

describe('model lines', () => {
  it('resolves a line to its newest active model', () => {
    expect(registry.resolve('sonnet').id).toBe('claude-sonnet-5-5');
    expect(registry.resolve('opus').id).toBe('claude-opus-5-5');
    expect(registry.resolve('HAIKU').id).toBe('claude-haiku-5-5');
  });

  it('prefers the latest release date when the Models API gave one', () => {
    const models = createModelRegistry([
      {
        id: 'claude-sonnet-9',
        line: 'sonnet',
        context_window: 1000,
        max_output_tokens: 10,
        released: '2027-01-01',
      },
      {
        id: 'claude-sonnet-8',
        line: 'sonnet',
        context_window: 1000,
        max_output_tokens: 10,
        released: '2026-12-01',
      },
    ]);
    expect(models.resolve('sonnet').id).toBe('claude-sonnet-9');
  });

  it('never picks a deprecated or retired model for a line', () => {
    const models = createModelRegistry(
      [
        { id: 'a-new', line: 'x', context_window: 1000, max_output_tokens: 10, lifecycle: 'retired' },
        { id: 'a-mid', line: 'x', context_window: 1000, max_output_tokens: 10, lifecycle: 'deprecated' },
        { id: 'a-old', line: 'x', context_window: 1000, max_output_tokens: 10 },
      ],
      [],
    );
    expect(models.resolve('x').id).toBe('a-old');
  });

  it('resolves ids as they are', () => {
    expect(registry.resolve('claude-haiku-4-5').id).toBe('claude-haiku-4-5');
  });
});

describe('lifecycle', () => {
  const today = '2026-11-26';
  it('says nothing for an active model', () => {
    expect(lifecycleWarning(registry.get('claude-sonnet-4-6'), registry.models, today)).toBeUndefined();
  });

  it('warns about a deprecated model with its retirement date and the newest of its line', () => {
    expect(lifecycleWarning(registry.get('claude-sonnet-4-5'), registry.models, today)).toBe(
      "Model 'claude-sonnet-4-5' is deprecated and retires on 30 November 2026; consider claude-sonnet-5-5, " +
        'the newest active sonnet model (`--model sonnet`).',
    );
    expect(lifecycleWarning(registry.get('claude-sonnet-4-5'), registry.models, '2026-12-02')).toMatch(
      /was due to retire on 30 November 2026 and may stop answering/,
    );
  });

  it('refuses a retired model, naming the newest active one of its line', () => {
    const retired: ModelSpec = {
      id: 'claude-opus-4-1',
      line: 'opus',
      context_window: 200_000,
      max_output_tokens: 32_000,
      lifecycle: 'retired',
      retires_at: '2026-08-05',
    };
    const call = () => lifecycleWarning(retired, registry.models, today);
    expect(call).toThrow(RetiredModelError);
    expect(call).toThrow(
      "Model 'claude-opus-4-1' was retired on 5 August 2026: the API refuses requests naming it. " +
        'Use claude-opus-5-5, the newest active opus model (`--model opus`).',
    );
  });
});

describe('prices', () => {
  const usage = {
    input_tokens: 1_000,
    output_tokens: 100,
    cache_creation_input_tokens: 2_000,
    cache_read_input_tokens: 10_000,
  };

  it('prices 1-hour cache writes at their own rate', () => {
    const sonnet = registry.get('claude-sonnet-4-6');
    // 1,000×3 + 100×15 + 2,000×3.75 + 10,000×0.30 = 15,000 µ$
    expect(costOf(usage, sonnet)).toBe(0.015);
    // Half the writes to the 1-hour cache at $6: 1,000×3.75 + 1,000×6 instead of 2,000×3.75.
    expect(costOf({ ...usage, cache_creation_1h_input_tokens: 1_000 }, sonnet)).toBe(0.01725);
  });

  it('accepts a model without a price and reports its tokens as unpriced, not as free', () => {
    const haiku55 = registry.get('claude-haiku-5-5');
    expect(haiku55.pricing).toBeUndefined();
    const total = addUsage(ZERO_CUMULATIVE, usage, haiku55);
    expect(total.cost_usd).toBe(0);
    expect(total.unpriced_tokens).toBe(13_100);
    expect(
      addUsage(ZERO_CUMULATIVE, usage, registry.get('claude-haiku-4-5')).unpriced_tokens,
    ).toBeUndefined();
  });

  it('has a price for every model the SDK lists whose price Anthropic publishes', () => {
    for (const id of [
      'claude-sonnet-5-5',
      'claude-opus-5-5',
      'claude-sonnet-5',
      'claude-opus-5',
      'claude-opus-4-6',
      'claude-sonnet-4-6',
      'claude-haiku-4-5',
      'claude-opus-4-5',
      'claude-sonnet-4-5',
    ]) {
      expect(registry.get(id).pricing, id).toBeDefined();
    }
    expect(BUILTIN_MODELS.every((m) => m.max_output_tokens < m.context_window)).toBe(true);
  });
});

describe('summarizer model', () => {
  it('defaults to the next cheaper active model of the same family', () => {
    expect(familyOf('claude-opus-4-6')).toBe('claude-4');
    expect(familyOf('claude-sonnet-5-5')).toBe('claude-5');
    expect(defaultSummarizerModel(registry.get('claude-opus-4-6'), registry.models).id).toBe(
      'claude-sonnet-4-6',
    );
    expect(defaultSummarizerModel(registry.get('claude-sonnet-4-6'), registry.models).id).toBe(
      'claude-haiku-4-5',
    );
    expect(defaultSummarizerModel(registry.get('claude-opus-5-5'), registry.models).id).toBe(
      'claude-sonnet-5-5',
    );
  });

  it('keeps the session model when the registry has nothing cheaper in the family', () => {
    expect(defaultSummarizerModel(registry.get('claude-haiku-4-5'), registry.models).id).toBe(
      'claude-haiku-4-5',
    );
    expect(defaultSummarizerModel(registry.get('baton-small-8k'), registry.models).id).toBe('baton-small-8k');
  });
});
