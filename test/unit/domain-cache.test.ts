/**
 * Cache figures in the domain: per call and per session, per SPEC phase, what the first turn after
 * a compaction or a rollover cost, and the summarizer's usage priced at its own rates.
 */
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS, createModelRegistry } from '../../src/domain/models';
import {
  applyCompaction,
  applyRollover,
  applyTurn,
  cacheStats,
  DEFAULT_SESSION_SETTINGS,
  initialState,
  sessionStatus,
  type CompactionReport,
  type SessionInput,
  type Usage,
} from '../../src/domain/session';
import { addPhaseUsage, type PhaseRecord } from '../../src/domain/spec';

const registry = createModelRegistry();
const sonnet = registry.get('claude-sonnet-4-6');
const haiku = registry.get('claude-haiku-4-5');

const usage = (input: number, write: number, read: number, output = 100): Usage => ({
  input_tokens: input,
  output_tokens: output,
  cache_creation_input_tokens: write,
  cache_read_input_tokens: read,
});

describe('cacheStats', () => {
  it('gives the hit rate and the input side against the same tokens uncached', () => {
    // 100 uncached at $3, 1,000 written at $3.75, 8,900 read at $0.30 (per million).
    expect(cacheStats(usage(100, 1_000, 8_900), sonnet)).toEqual({
      read_tokens: 8_900,
      write_tokens: 1_000,
      uncached_tokens: 100,
      hit_rate: 0.89,
      input_cost_usd: 0.00672,
      uncached_input_cost_usd: 0.03,
    });
  });

  it('has no cost figures without a price, and a zero hit rate without input', () => {
    const unpriced = cacheStats(usage(10, 0, 90), registry.get('claude-haiku-5-5'));
    expect(unpriced).toEqual({ read_tokens: 90, write_tokens: 0, uncached_tokens: 10, hit_rate: 0.9 });
    expect(cacheStats(usage(0, 0, 0)).hit_rate).toBe(0);
  });
});

describe('a SPEC phase', () => {
  it('adds up tokens of every kind, cost and cache figures call by call', () => {
    const phase: PhaseRecord = {
      name: 'red',
      number: 2,
      status: 'running',
      attempts: 1,
      tokens: 0,
      cost_usd: 0,
      duration_ms: 0,
      log: [],
    };
    addPhaseUsage(phase, usage(100, 3_000, 0, 200), 0.0121);
    addPhaseUsage(phase, usage(50, 300, 3_000, 200), 0.0035);
    expect(phase.tokens).toBe(100 + 3_000 + 200 + 50 + 300 + 3_000 + 200);
    expect(phase.cost_usd).toBe(0.0156);
    expect(phase.cache).toEqual({
      read_tokens: 3_000,
      write_tokens: 3_300,
      uncached_tokens: 150,
      hit_rate: 0.465,
    });
  });
});

describe('session state', () => {
  const input: SessionInput = {
    session_id: 'sess_cache',
    model: sonnet,
    settings: { ...DEFAULT_SESSION_SETTINGS, summarizer_model: haiku },
    task: 'Plan.',
  };
  const report = (number: number): CompactionReport => ({
    number,
    mode: 'progressive',
    trigger: 'manual',
    time: 't',
    status: 'committed',
    tokens_before: 5_000,
    tokens_after: 1_000,
    tokens_freed: 4_000,
    compression_ratio: 5,
    kept: 1,
    summarized: 4,
    dropped: 0,
    decisions_carried: 0,
    decisions_restored: 0,
    summarizer_calls: 1,
    head_before: 'h1',
    head_after: 'h2',
  });

  it('prices the summarizer’s calls at its own rates', () => {
    const s = applyCompaction(initialState(input, 't0'), report(1), usage(1_000_000, 0, 0, 0));
    expect(s.cumulative.cost_usd).toBe(1); // Haiku's $1 per million input, not Sonnet's $3
  });

  it('records what the first turn after a compaction and after a rollover cost, once', () => {
    let s = applyTurn(initialState(input, 't0'), {
      head: 'h1',
      context_tokens: 3_000,
      usages: [usage(100, 2_800, 0)],
      time: 't1',
    });
    s = applyCompaction(s, report(1), usage(2_000, 0, 0, 300));
    s = applyTurn(s, { head: 'h3', context_tokens: 1_300, usages: [usage(50, 1_000, 200)], time: 't2' });
    expect(s.last_compaction?.first_turn_after).toEqual({
      turn: 2,
      usage: usage(50, 1_000, 200),
      cost_usd: 0.00546,
      cache_hit_rate: 0.16,
    });
    s = applyTurn(s, { head: 'h4', context_tokens: 1_500, usages: [usage(40, 100, 1_250)], time: 't3' });
    expect(s.last_compaction?.first_turn_after?.turn).toBe(2);

    s = applyRollover(s, {
      from_run_id: 'r1',
      checkpoint_id: 'c',
      reason: 'context_fill',
      tokens_before: 1_500,
      tokens_after: 900,
      time: 't4',
    });
    const nextRun = { ...s, turns_this_run: 0 };
    const after = applyTurn(nextRun, {
      head: 'h5',
      context_tokens: 1_100,
      usages: [usage(30, 900, 0)],
      time: 't5',
    });
    expect(after.rollovers.at(-1)?.first_turn_after).toMatchObject({ turn: 4, cache_hit_rate: 0 });
  });

  it('shows the session’s cache in its status', () => {
    const s = applyTurn(initialState(input, 't0'), {
      head: 'h1',
      context_tokens: 3_000,
      usages: [usage(100, 0, 2_800)],
      time: 't1',
    });
    expect(sessionStatus(s, { run_id: 'r', status: 'available', has_script: false }).cache).toEqual(
      cacheStats(s.cumulative, sonnet),
    );
    expect(BUILTIN_MODELS).toContain(sonnet);
  });
});
