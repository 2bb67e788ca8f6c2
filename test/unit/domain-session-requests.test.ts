import { describe, expect, it } from 'vitest';
import {
  closedProblem,
  compactRequestProblem,
  mergeRequestProblem,
  optimizeRequestProblem,
  restoreRequestProblem,
} from '../../src/domain/session';

const open = { session_id: 'sess_a', closed: false };
const closed = { session_id: 'sess_a', closed: true };
const head = 'a'.repeat(64);

describe('session request checks', () => {
  it('refuse everything on a closed session', () => {
    expect(closedProblem(closed)).toBe('Session sess_a is closed.');
    expect(closedProblem(open)).toBeUndefined();
    expect(compactRequestProblem({}, closed)).toBe('Session sess_a is closed.');
    expect(mergeRequestProblem({ fork_session_id: 'b', fork_head: head }, closed)).toBe(
      'Session sess_a is closed.',
    );
  });

  it('check the compaction mode', () => {
    expect(compactRequestProblem(undefined, open)).toBeUndefined();
    expect(compactRequestProblem({ mode: 'aggressive' }, open)).toBeUndefined();
    expect(compactRequestProblem({ mode: 'extreme' }, open)).toBe(
      "Unknown compaction mode 'extreme': use progressive or aggressive.",
    );
    expect(compactRequestProblem({ mode: { x: 1 } }, open)).toBe(
      'Unknown compaction mode \'{"x":1}\': use progressive or aggressive.',
    );
  });

  it('name a missing checkpoint and say how to list them', () => {
    const facts = { ...open, hasCheckpoint: (c: string) => c === 'cp_1' };
    expect(restoreRequestProblem({ checkpoint: 'cp_1' }, facts)).toBeUndefined();
    expect(restoreRequestProblem({ checkpoint: 'cp_2' }, facts)).toBe(
      "No checkpoint 'cp_2' in session sess_a. List them with `baton session checkpoints sess_a`.",
    );
    expect(restoreRequestProblem({}, facts)).toMatch(/^No checkpoint 'undefined'/);
  });

  it('refuse self-merges, malformed heads and unknown strategies', () => {
    expect(mergeRequestProblem({ fork_session_id: 'sess_b', fork_head: head }, open)).toBeUndefined();
    expect(mergeRequestProblem({ fork_session_id: 'sess_a', fork_head: head }, open)).toBe(
      'Cannot merge session sess_a with itself: name a fork of it.',
    );
    expect(mergeRequestProblem({ fork_session_id: 'sess_b', fork_head: '../x' }, open)).toBe(
      "A merge needs the fork's head (a 64-character node id).",
    );
    expect(
      mergeRequestProblem({ fork_session_id: 'sess_b', fork_head: head, strategy: 'rebase' }, open),
    ).toBe("Unknown merge strategy 'rebase': use fast-forward or summary.");
  });

  it('optimize only sessions with MCP servers, with a profile and its servers', () => {
    expect(
      optimizeRequestProblem({ profile: 'docs', recommended: [] }, { ...open, hasMcp: true }),
    ).toBeUndefined();
    expect(optimizeRequestProblem({ profile: 'docs', recommended: [] }, { ...open, hasMcp: false })).toBe(
      'Session sess_a has no MCP servers to optimize.',
    );
    expect(optimizeRequestProblem({ profile: 'docs' }, { ...open, hasMcp: true })).toBe(
      'An optimize request needs a profile name and its recommended servers.',
    );
  });
});
