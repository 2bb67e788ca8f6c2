/**
 * The worker's model catalog against the offline model's Models API: ids and lines resolved, the
 * lifecycle checked, prices added from the table, answers cached, and the table as the fallback
 * when there is no Models API to ask.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILTIN_MODELS,
  createModelRegistry,
  RetiredModelError,
  UnknownModelError,
  type ModelSpec,
} from '../../src/domain/models';
import { createAnthropicClient, ModelCatalog, OfflineModel } from '../../src/model';

const RETIRED: ModelSpec = {
  id: 'claude-sonnet-3-7',
  line: 'sonnet',
  context_window: 200_000,
  max_output_tokens: 64_000,
  lifecycle: 'retired',
  retires_at: '2026-02-19',
};
// What the Models API says about a model the price table also knows: its answer wins for the
// window and lifecycle, the table keeps the price.
const API_VIEW: ModelSpec = {
  id: 'claude-haiku-4-5',
  line: 'haiku',
  context_window: 150_000,
  max_output_tokens: 32_000,
  lifecycle: 'deprecated',
  retires_at: '2027-03-01',
  released: '2025-10-15T00:00:00Z',
};

let model: OfflineModel;
beforeAll(async () => {
  model = await OfflineModel.start({
    models: [...BUILTIN_MODELS.filter((m) => m.id !== API_VIEW.id), API_VIEW, RETIRED],
  });
});
afterAll(async () => {
  await model.stop();
});

const listCalls = () => model.requests.filter((r) => r.path === '/v1/models').length;

describe('the model catalog', () => {
  it('resolves lines and ids from the Models API, with the table’s prices', async () => {
    let now = 0;
    const catalog = new ModelCatalog({
      anthropic: createAnthropicClient({ baseURL: model.baseURL }),
      now: () => now,
    });
    const sonnet = await catalog.lookup({ model: 'sonnet' }, '2026-11-26');
    expect(sonnet).toMatchObject({
      model: { id: 'claude-sonnet-5-5', context_window: 1_000_000 },
      source: 'models_api',
      warnings: [],
    });
    expect(sonnet.summarizer.id).toBe('claude-sonnet-5-5'); // nothing cheaper is priced in the 5 family

    const haiku = await catalog.lookup({ model: 'claude-haiku-4-5' }, '2026-11-26');
    expect(haiku.model).toMatchObject({
      context_window: 150_000,
      max_output_tokens: 32_000,
      lifecycle: 'deprecated',
      released: '2025-10-15T00:00:00Z',
    });
    expect(haiku.model.pricing).toEqual(createModelRegistry().get('claude-haiku-4-5').pricing);
    expect(haiku.warnings).toEqual([
      "Model 'claude-haiku-4-5' is deprecated and retires on 1 March 2027; consider claude-haiku-5-5, the newest active haiku model (`--model haiku`).",
    ]);

    // One models.list for both lookups; asked again once the answer is an hour old.
    model.clearRequests();
    await catalog.lookup({ model: 'opus' });
    expect(listCalls()).toBe(0);
    now += 60 * 60_000 + 1;
    await catalog.lookup({ model: 'opus' });
    expect(listCalls()).toBe(1);
  });

  it('refuses retired and unknown models with what to use instead', async () => {
    const catalog = new ModelCatalog({ anthropic: createAnthropicClient({ baseURL: model.baseURL }) });
    await expect(catalog.lookup({ model: 'claude-sonnet-3-7' })).rejects.toThrow(RetiredModelError);
    await expect(catalog.lookup({ model: 'claude-sonnet-3-7' })).rejects.toThrow(
      "Model 'claude-sonnet-3-7' was retired on 19 February 2026: the API refuses requests naming it. Use claude-sonnet-5-5, the newest active sonnet model (`--model sonnet`).",
    );
    await expect(catalog.lookup({ model: 'gpt-4' })).rejects.toThrow(UnknownModelError);
    await expect(catalog.lookup({ model: 'sonnet', summarizer_model: 'claude-sonnet-3-7' })).rejects.toThrow(
      /was retired/,
    );
  });

  it('falls back to the table when there is no Models API to ask', async () => {
    const nowhere = await OfflineModel.start();
    const url = nowhere.baseURL;
    await nowhere.stop();
    const catalog = new ModelCatalog({ anthropic: createAnthropicClient({ baseURL: url }) });
    const result = await catalog.lookup({ model: 'claude-sonnet-4-6' });
    expect(result).toMatchObject({
      source: 'table',
      model: { id: 'claude-sonnet-4-6', context_window: 200_000 },
    });
    expect(result.summarizer.id).toBe('claude-haiku-4-5');
  });
});
