/**
 * Prompt caching: the cost of one long session with caching (baton's default) against the same
 * session without it, measured in the same run on the offline model, whose simulated cache reports
 * reads and writes as the API does. Both sessions send the same messages and get the same replies
 * (the offline model's replies ignore cache breakpoints), so only the billing differs.
 */
import type { StartSessionOptions } from '../../src/client/sessions-client';
import { BUILTIN_MODELS, DEFAULT_MODEL_ID } from '../../src/domain/models';
import { cacheStats, type CacheStats, type CumulativeUsage } from '../../src/domain/session';
import { BENCH_TASK, userMessage } from '../messages';
import { formatInt, formatRatio, table } from '../markdown';
import { defineScenario } from '../scenario';

/** About 2,500 tokens of standing instructions, as an agent's system prompt carries. */
export const BENCH_SYSTEM_PROMPT = [
  'You are the migration planner of a billing platform. Follow these guidelines in every answer.',
  ...Array.from(
    { length: 60 },
    (_, i) =>
      `Guideline ${i + 1}: keep step ${i + 1} of the plan reversible, name the service it touches, ` +
      'state the metric that proves it worked and the threshold that triggers a rollback.',
  ),
].join('\n');

/** Reply length asked of the offline model: a typical answer of a few paragraphs. */
const REPLY_TOKENS = 300;

export interface SessionCost {
  session_id: string;
  turns: number;
  cumulative: CumulativeUsage;
  cache: CacheStats;
  /** What the first turn cost (it writes the cache) and what a later one cost (it reads it). */
  first_turn_usd: number;
  last_turn_usd: number;
}

export interface PromptCachingResult {
  model: string;
  turns: number;
  system_prompt_tokens: number;
  cached: SessionCost;
  uncached: SessionCost;
  /** Total cost with caching ÷ without. */
  cost_ratio: number;
  /** Input-side cost (uncached input, cache writes, cache reads) with caching ÷ the same input without. */
  input_cost_ratio: number;
}

export const promptCaching = defineScenario<PromptCachingResult>({
  name: 'caching',
  title: 'Prompt caching',

  async run({ stack, config, progress, signal }) {
    const turns = config.caching.turns;
    const start = (prompt_caching: boolean) =>
      stack.baton.sessions.start({
        task: BENCH_TASK,
        system: BENCH_SYSTEM_PROMPT,
        settings: { prompt_caching },
      } satisfies StartSessionOptions);
    const cached = await start(true);
    const uncached = await start(false);
    const costs = { cached: [] as number[], uncached: [] as number[] };
    for (let turn = 1; turn <= turns; turn++) {
      signal.throwIfAborted();
      const text = `${userMessage(0, turn)} [[reply_tokens=${REPLY_TOKENS}]]`;
      const a = await stack.baton.sessions.send(cached.session_id, text);
      const b = await stack.baton.sessions.send(uncached.session_id, text);
      if (a.reply !== b.reply) throw new Error(`turn ${turn}: the two sessions got different replies`);
      costs.cached.push(a.cost_usd);
      costs.uncached.push(b.cost_usd);
      if (turn % 25 === 0) progress(`caching: ${turn}/${turns} turns`);
    }
    const model = BUILTIN_MODELS.find((m) => m.id === DEFAULT_MODEL_ID)!;
    const summary = async (id: string, perTurn: number[]): Promise<SessionCost> => {
      const status = await stack.baton.sessions.status(id);
      await stack.baton.sessions.close(id);
      return {
        session_id: id,
        turns: status.turns,
        cumulative: status.cumulative,
        cache: cacheStats(status.cumulative, model),
        first_turn_usd: perTurn[0] ?? 0,
        last_turn_usd: perTurn.at(-1) ?? 0,
      };
    };
    const withCache = await summary(cached.session_id, costs.cached);
    const without = await summary(uncached.session_id, costs.uncached);
    return {
      model: model.id,
      turns,
      system_prompt_tokens: cached.token_budget.used,
      cached: withCache,
      uncached: without,
      cost_ratio: withCache.cumulative.cost_usd / without.cumulative.cost_usd,
      input_cost_ratio: (withCache.cache.input_cost_usd ?? 0) / (without.cache.input_cost_usd ?? 1),
    };
  },

  markdown(r) {
    const usd = (x: number | undefined) => (x === undefined ? '–' : `$${x.toFixed(4)}`);
    const row = (name: string, s: SessionCost) => [
      name,
      formatInt(s.cumulative.input_tokens),
      formatInt(s.cumulative.cache_creation_input_tokens),
      formatInt(s.cumulative.cache_read_input_tokens),
      `${(s.cache.hit_rate * 100).toFixed(1)} %`,
      usd(s.cache.input_cost_usd),
      usd(s.cumulative.cost_usd),
      `${usd(s.first_turn_usd)} / ${usd(s.last_turn_usd)}`,
    ];
    return [
      table(
        [
          '',
          'uncached input',
          'cache writes',
          'cache reads',
          'hit rate',
          'input cost',
          'total cost',
          'first / last turn',
        ],
        [row('with prompt caching', r.cached), row('without', r.uncached)],
      ),
      '',
      `One ${r.turns}-turn session on ${r.model} (a ${formatInt(r.system_prompt_tokens)}-token system prompt and task, ` +
        `replies of about ${REPLY_TOKENS} tokens), run twice side by side with the same messages and replies. With ` +
        `caching it costs ${formatRatio(r.cost_ratio)} as much in all and ${formatRatio(r.input_cost_ratio)} as much on the ` +
        'input side (the offline model simulates the cache and reports it as the API does: reads at 0.1×, 5-minute writes at 1.25× the input price).',
    ];
  },
});
