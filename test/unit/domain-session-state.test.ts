import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS } from '../../src/domain/models';
import {
  applyCheckpoint,
  applyClose,
  applyCompaction,
  applyMerge,
  applyRestore,
  applyRollover,
  applyScriptOutput,
  applyTurn,
  checkpointOf,
  DEFAULT_SESSION_SETTINGS,
  findCheckpoint,
  initialState,
  MAX_AUTOMATIC_CHECKPOINTS,
  nextRunInput,
  resumedCarry,
  rolloverDue,
  runStatusOf,
  sessionStatus,
  type CompactionReport,
  type SessionInput,
  type SessionState,
  type Usage,
} from '../../src/domain/session';

const small = BUILTIN_MODELS.find((m) => m.id === 'baton-small-8k')!;
const input: SessionInput = {
  session_id: 'sess_state',
  model: small,
  settings: DEFAULT_SESSION_SETTINGS,
  system: 'Be brief.',
  task: 'Write a parser.',
};
const usage = (input_tokens: number, output_tokens: number): Usage => ({
  input_tokens,
  output_tokens,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
});
const stamp = (n: number) => ({
  checkpoint_id: `cp_${n}`,
  time: `2026-01-01T00:00:0${n % 10}Z`,
  run_id: 'run-1',
  event_id: n,
});
const quiet = { continue_as_new_suggested: false, events: 10, bytes: 1_000 };

function afterTurns(n: number): SessionState {
  let s = initialState(input, '2026-01-01T00:00:00Z');
  for (let i = 1; i <= n; i++) {
    s = applyTurn(s, {
      head: `h${i}`,
      context_tokens: 1_000 * i,
      usages: [usage(900 * i, 100)],
      time: `t${i}`,
    });
  }
  return s;
}

describe('SessionState transitions', () => {
  it('a fresh state takes its definition from the input and starts empty', () => {
    const s = initialState(input, '2026-01-01T00:00:00Z');
    expect(s.definition).toEqual({
      session_id: 'sess_state',
      model: small,
      settings: DEFAULT_SESSION_SETTINGS,
      system: 'Be brief.',
    });
    expect(s).toMatchObject({ head: null, turns: 0, context_tokens: 0, closed: false, checkpoints: [] });
    expect(s.created_at).toBe('2026-01-01T00:00:00Z');
  });

  it('a turn moves the head, the context fill and the cumulative totals, and leaves the old state alone', () => {
    const before = initialState(input, 't0');
    const after = applyTurn(before, {
      head: 'h1',
      context_tokens: 1_200,
      usages: [usage(1_000, 200), usage(1_100, 100)],
      time: 't1',
    });
    expect(after).toMatchObject({
      head: 'h1',
      context_tokens: 1_200,
      turns: 1,
      turns_this_run: 1,
      last_activity: 't1',
    });
    expect(after.cumulative.input_tokens).toBe(2_100);
    expect(after.cumulative.output_tokens).toBe(300);
    expect(after.cumulative.cost_usd).toBeGreaterThan(0);
    expect(before).toMatchObject({ head: null, turns: 0 });
  });

  it('a failed compaction charges the summarizer but keeps the head', () => {
    const s = afterTurns(2);
    const report = { status: 'failed', number: 1, head_after: 'h2', tokens_after: 2_000 } as CompactionReport;
    const failed = applyCompaction(s, report, usage(500, 50));
    expect(failed).toMatchObject({
      head: 'h2',
      context_tokens: 2_000,
      compactions: 0,
      last_compaction: report,
    });
    expect(failed.cumulative.input_tokens).toBe(s.cumulative.input_tokens + 500);
    const committed = applyCompaction(
      s,
      { ...report, status: 'committed', head_after: 'hc', tokens_after: 600 },
      usage(500, 50),
    );
    expect(committed).toMatchObject({ head: 'hc', context_tokens: 600, compactions: 1 });
  });

  it('checkpoints name themselves after their reason, restore rewinds the budget, not the totals', () => {
    let s = afterTurns(1);
    const first = checkpointOf(s, stamp(1), 'manual');
    s = applyCheckpoint(s, first);
    expect(first).toMatchObject({ name: 'manual-1', head: 'h1', context_tokens: 1_000, turns: 1 });
    s = applyTurn(s, { head: 'h2', context_tokens: 2_000, usages: [usage(1_800, 200)], time: 't2' });
    s = applyCheckpoint(s, checkpointOf(s, stamp(2), 'manual', 'named'));
    expect(findCheckpoint(s, 'manual-1')?.checkpoint_id).toBe('cp_1');
    expect(findCheckpoint(s, 'cp_2')?.name).toBe('named');
    expect(findCheckpoint(s, 'nope')).toBeUndefined();
    const restored = applyRestore(s, first, 't3');
    expect(restored).toMatchObject({ head: 'h1', context_tokens: 1_000, turns: 2 });
    expect(restored.cumulative).toEqual(s.cumulative);
  });

  it(`keeps every named checkpoint and only the newest ${MAX_AUTOMATIC_CHECKPOINTS} automatic ones`, () => {
    let s = afterTurns(1);
    s = applyCheckpoint(s, checkpointOf(s, stamp(0), 'manual', 'keep-me'));
    for (let i = 1; i <= MAX_AUTOMATIC_CHECKPOINTS + 5; i++) {
      s = applyCheckpoint(s, checkpointOf(s, stamp(i), 'before_compaction'));
    }
    expect(s.checkpoints).toHaveLength(MAX_AUTOMATIC_CHECKPOINTS + 1);
    expect(s.checkpoints[0]?.name).toBe('keep-me');
    expect(s.checkpoints[1]?.checkpoint_id).toBe('cp_6');
  });

  it('a merge moves the head and records itself; closing stamps the time', () => {
    const s = afterTurns(1);
    const record = {
      fork_session_id: 'sess_fork',
      fork_head: 'hf',
      strategy: 'summary' as const,
      head_before: 'h1',
      head_after: 'hm',
      time: 't9',
    };
    const merged = applyMerge(s, { head: 'hm', context_tokens: 1_500, usage: usage(300, 30) }, record);
    expect(merged).toMatchObject({
      head: 'hm',
      context_tokens: 1_500,
      merges: [record],
      last_activity: 't9',
    });
    expect(applyClose(merged, 't10')).toMatchObject({ closed: true, last_activity: 't10' });
  });
});

describe('rollover', () => {
  it('is due at the rollover fill, but not before a fresh run has run a turn', () => {
    const full = afterTurns(7); // 7,000 of 8,000 tokens: 87.5 %
    expect(rolloverDue(full, quiet)).toBe('context_fill');
    expect(rolloverDue({ ...full, turns_this_run: 0 }, quiet)).toBeUndefined();
    expect(rolloverDue(afterTurns(3), quiet)).toBeUndefined();
    expect(rolloverDue(applyClose(full, 't'), quiet)).toBeUndefined();
  });

  it('is due on history size, or when Temporal suggests it (even in a fresh run)', () => {
    const s = afterTurns(1);
    expect(rolloverDue(s, { ...quiet, events: DEFAULT_SESSION_SETTINGS.rollover_history_events })).toBe(
      'history_events',
    );
    expect(rolloverDue(s, { ...quiet, bytes: DEFAULT_SESSION_SETTINGS.rollover_history_bytes })).toBe(
      'history_bytes',
    );
    expect(rolloverDue({ ...s, turns_this_run: 0 }, { ...quiet, events: 1e9 })).toBeUndefined();
    expect(rolloverDue({ ...s, turns_this_run: 0 }, { ...quiet, continue_as_new_suggested: true })).toBe(
      'continue_as_new_suggested',
    );
  });

  it('the next run carries everything but the task, and a script goes on where it stopped', () => {
    let s = afterTurns(2);
    s = applyCheckpoint(s, checkpointOf(s, stamp(1), 'manual'));
    s = applyRollover(s, {
      from_run_id: 'run-1',
      checkpoint_id: 'cp_1',
      reason: 'context_fill',
      tokens_before: 2_000,
      tokens_after: 500,
      time: 't',
    });
    s = applyScriptOutput(s, { turn: 2, reply: 'done one', tokens: 10, cost_usd: 0 });
    const script = { messages: ['one', 'two'], close_when_done: true };
    const next = nextRunInput(s, 'run-1', script);
    expect(next.task).toBeUndefined();
    expect(next.head).toBe('h2');
    expect(next.script).toEqual(script);
    expect(next.carried).toMatchObject({
      turns: 2,
      previous_runs: ['run-1'],
      script_done: 1,
      rollovers: s.rollovers,
    });
    const resumed = initialState(next, 'later');
    expect(resumed).toMatchObject({
      head: 'h2',
      turns: 2,
      context_tokens: 2_000,
      turns_this_run: 0,
      script_done: 1,
    });
    expect(resumed.checkpoints).toEqual(s.checkpoints);
    expect(resumed.created_at).toBe(s.created_at);
    // Once the script is done, the next run does not carry it again.
    expect(
      nextRunInput(applyScriptOutput(s, { turn: 3, reply: 'two', tokens: 1, cost_usd: 0 }), 'run-2', script)
        .script,
    ).toBeUndefined();
  });

  it('a resume carries the last status and rewinds to a checkpoint when asked', () => {
    let s = afterTurns(3);
    const cp = checkpointOf(s, stamp(1), 'manual');
    s = applyCheckpoint(s, cp);
    const status = sessionStatus(s, { run_id: 'run-7', status: 'closed', has_script: false });
    const carried = resumedCarry(
      status,
      s.checkpoints,
      { previous_run_id: 'run-7', time: 'now' },
      { ...cp, context_tokens: 999 },
    );
    expect(carried).toMatchObject({
      turns: 3,
      context_tokens: 999,
      previous_runs: ['run-7'],
      resumed_from: { previous_run_id: 'run-7' },
    });
  });
});

describe('status view', () => {
  it('reports budget, totals and run status as a caller needs them', () => {
    const s = afterTurns(2);
    const status = sessionStatus(s, { run_id: 'run-1', status: 'available', has_script: false });
    expect(status).toMatchObject({
      session_id: 'sess_state',
      model: 'baton-small-8k',
      context_window: 8_000,
      tokens_used: 2_000,
      tokens_available: 6_000,
      position_percent: 25,
      turns: 2,
      head: 'h2',
      status: 'available',
    });
    expect(status.script_outputs).toBeUndefined();
    expect(runStatusOf({ closed: false, initialized: false, in_flight: 0 })).toBe('starting');
    expect(runStatusOf({ closed: false, initialized: true, in_flight: 1 })).toBe('busy');
    expect(runStatusOf({ closed: false, initialized: true, in_flight: 0 })).toBe('available');
    expect(runStatusOf({ closed: true, initialized: true, in_flight: 1 })).toBe('closed');
  });
});
