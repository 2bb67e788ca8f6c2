import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS } from '../../src/domain/models';
import {
  DEFAULT_SESSION_SETTINGS,
  carriedOf,
  initialState,
  mergeRecordOf,
  sessionStartup,
  shortId,
  type SessionInput,
} from '../../src/domain/session';

const small = BUILTIN_MODELS.find((m) => m.id === 'baton-small-8k')!;
const input: SessionInput = {
  session_id: 'sess_startup',
  model: small,
  settings: DEFAULT_SESSION_SETTINGS,
  task: 'Write a parser.',
};

describe('sessionStartup', () => {
  it('prepares a new session with a task: the task is stored and the context measured', () => {
    expect(sessionStartup(input)).toBe('prepare');
  });

  it('defers the task to the first turn when asked and nothing else must start first', () => {
    expect(sessionStartup({ ...input, task_with_first_turn: true })).toBe('defer_task');
    // MCP servers must start before the first turn, and a fork has a head to start from.
    expect(sessionStartup({ ...input, task_with_first_turn: true, mcp_servers: ['files'] })).toBe('prepare');
    expect(sessionStartup({ ...input, task_with_first_turn: true, head: 'n1' })).toBe('prepare');
  });

  it('has nothing to do for a fork given its head and fill, without a task or servers', () => {
    const { task: _t, ...noTask } = input;
    expect(sessionStartup({ ...noTask, head: 'n1', context_tokens: 120 })).toBe('ready');
    expect(sessionStartup({ ...input, head: 'n1', context_tokens: 120 })).toBe('prepare');
    expect(sessionStartup({ ...noTask, head: 'n1' })).toBe('prepare');
  });

  it('has nothing to do for a rolled-over run: it carries head, fill and servers', () => {
    const carried = carriedOf(initialState(input, '2026-01-01T00:00:00Z'), 'run-1');
    expect(sessionStartup({ ...input, carried })).toBe('ready');
    expect(sessionStartup({ ...input, mcp_servers: ['files'], carried })).toBe('ready');
  });

  it('still defers the task in a carried run that starts before any turn succeeded', () => {
    const carried = carriedOf(initialState(input, '2026-01-01T00:00:00Z'), 'run-1');
    expect(sessionStartup({ ...input, task_with_first_turn: true, carried })).toBe('defer_task');
  });
});

describe('mergeRecordOf', () => {
  const request = { fork_session_id: 'sess_fork', fork_head: 'f9' };
  const merged = { strategy: 'summary' as const, head: 'm3' };

  it('records the fork, the strategy and both heads', () => {
    expect(mergeRecordOf(request, merged, 'm2', '2026-01-01T00:00:00Z')).toEqual({
      fork_session_id: 'sess_fork',
      fork_head: 'f9',
      strategy: 'summary',
      head_before: 'm2',
      head_after: 'm3',
      time: '2026-01-01T00:00:00Z',
    });
  });

  it("records the fork's files only when they were merged into a commit", () => {
    const files = { merged: true, commit: 'abc123', files: ['src/a.ts'] };
    expect(mergeRecordOf(request, merged, null, 't', files).workspace).toEqual({
      commit: 'abc123',
      files: ['src/a.ts'],
    });
    expect(mergeRecordOf(request, merged, null, 't', { merged: false, files: [] }).workspace).toBeUndefined();
  });
});

describe('shortId', () => {
  it('is the prefix and the first 16 hex characters of the uuid', () => {
    expect(shortId('cp', '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0')).toBe('cp_0f1e2d3c4b5a6978');
    expect(shortId('pkg', '00000000-0000-4000-8000-000000000000')).toMatch(/^pkg_[0-9a-f]{16}$/);
  });
});
