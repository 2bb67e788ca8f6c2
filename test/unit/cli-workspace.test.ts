/**
 * The workspace as the client checks it and the CLI shows it, without Temporal: the options a
 * caller gives (path, policy, test command, attempts), a SPEC file's run fields, and the status
 * lines (workspace, a command waiting for permission, a phase's gate, files and commit) printed
 * from statuses built by the domain's own functions.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/client';
import { maxAttempts, specWorkspace, workspaceRequest } from '../../src/client/workspace-options';
import { formatStatus } from '../../src/cli/format';
import { formatSpecStatus } from '../../src/cli/spec-commands';
import { specFromFlags, type SpecFlags } from '../../src/cli/spec-input';
import { workspaceFromFlags } from '../../src/cli/workspace-flags';
import { formatPhaseOutcome, PhaseOutcomes } from '../../src/cli/workspace-format';
import { BUILTIN_MODELS } from '../../src/domain/models';
import { DEFAULT_SESSION_SETTINGS, initialState, sessionStatus } from '../../src/domain/session';
import { initialSpecProgress, type PhaseRecord, type SpecStatus } from '../../src/domain/spec';
import {
  decideCommand,
  gateVerdict,
  type GateExpectation,
  type HeldWorkspace,
  type VerificationResult,
} from '../../src/domain/workspace';

const refused = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    return (err as Error).message;
  }
  throw new Error('expected an InvalidInputError');
};

describe('workspace options (client)', () => {
  it('resolves a relative path against the caller’s folder and parses a policy given as text', () => {
    expect(workspaceRequest({ path: 'demo', policy: 'allow:npm test,git diff' }, '/home/me')).toEqual({
      path: '/home/me/demo',
      policy: { mode: 'allow_list', prefixes: ['npm test', 'git diff'] },
    });
    expect(workspaceRequest({ path: '/srv/repo/', allow_dirty: true, policy: 'ask' }, '/x')).toEqual({
      path: '/srv/repo',
      allow_dirty: true,
      policy: { mode: 'ask' },
    });
  });

  it('refuses bad input, saying what to give', () => {
    expect(refused(() => workspaceRequest({ path: '  ' }))).toMatch(
      /workspace path is empty: give the folder the agent works in \(--workspace <dir>\)/,
    );
    expect(refused(() => workspaceRequest({ path: '/w', policy: 'sometimes' }))).toBe(
      "Invalid command policy 'sometimes': use allow, ask, allow:<prefix>,<prefix>… (others refused) or ask-others:<prefix>,… (others asked).",
    );
    expect(refused(() => workspaceRequest({ path: '/w', policy: 'allow:npm test;rm -rf /' }))).toMatch(
      /must be one simple command such as "npm test", without operators/,
    );
    expect(
      refused(() => workspaceRequest({ path: '/w', policy: { mode: 'allow_list', prefixes: [] } })),
    ).toMatch(/^Invalid command policy: an allow_list policy needs prefixes/);
    expect(refused(() => workspaceRequest({ path: '/w', allow_dirty: 'yes' as unknown as boolean }))).toBe(
      'allow_dirty must be true or false, got "yes".',
    );
    expect(refused(() => workspaceRequest({ path: '/w', command_timeout_ms: 5 }))).toMatch(
      /command time limit must be a whole number of ms from 1,000/,
    );
    expect(refused(() => workspaceRequest({ path: '/w', worker_wait_ms: 1.5 }))).toMatch(
      /wait for the workspace's worker must be a whole number of ms from 1,000/,
    );
  });

  it('a SPEC workspace needs its test command', () => {
    expect(specWorkspace({ path: '/w', test_command: ' npm test ' })).toEqual({
      path: '/w',
      test_command: 'npm test',
    });
    expect(refused(() => specWorkspace({ path: '/w' } as never))).toMatch(
      /needs the command that runs its tests.*--test-command "<cmd>"/,
    );
    expect(refused(() => specWorkspace({ path: '/w', test_command: '' }))).toMatch(/--test-command/);
  });

  it('max_attempts is a whole number from 1 to 10', () => {
    expect(maxAttempts(1)).toBe(1);
    expect(maxAttempts(10)).toBe(10);
    for (const bad of [0, 11, 2.5, '3']) {
      expect(refused(() => maxAttempts(bad))).toMatch(/max_attempts must be a whole number from 1 to 10/);
    }
  });
});

describe('workspace flags and SPEC files (CLI)', () => {
  it('refuses workspace flags without --workspace', () => {
    expect(refused(() => workspaceFromFlags({ allowDirty: true }))).toBe(
      '--allow-dirty applies to a workspace: add --workspace <dir> (the folder the model works in), or leave it out.',
    );
    expect(refused(() => workspaceFromFlags({ testCommand: 'npm test', policy: { mode: 'ask' } }))).toMatch(
      /^--policy and --test-command apply to a workspace/,
    );
    expect(workspaceFromFlags({})).toBeUndefined();
  });

  it('takes workspace, test_command, allow_dirty, policy and max_attempts from a SPEC file; flags win', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-spec-file-'));
    const file = path.join(dir, 'spec.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        title: 'Sum',
        requirements: ['sum adds numbers'],
        workspace: 'repo',
        test_command: 'node --test',
        allow_dirty: true,
        policy: 'allow:node --test',
        max_attempts: 2,
      }),
    );
    const flags: SpecFlags = { file };
    const spec = await specFromFlags('SPEC-9', flags);
    // The run fields are not part of the SPEC the model reads.
    expect(spec).toEqual({
      spec_id: 'SPEC-9',
      title: 'Sum',
      requirements: ['sum adds numbers'],
      acceptance_criteria: [],
    });
    expect(flags).toMatchObject({
      workspace: path.join(dir, 'repo'),
      testCommand: 'node --test',
      allowDirty: true,
      policy: { mode: 'allow_list', prefixes: ['node --test'] },
      maxAttempts: 2,
    });

    const given: SpecFlags = { file, workspace: '/elsewhere', maxAttempts: 5 };
    await specFromFlags('SPEC-9', given);
    expect(given).toMatchObject({ workspace: '/elsewhere', maxAttempts: 5, testCommand: 'node --test' });
  });

  it('names the file and the field of a bad run field', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-spec-file-'));
    const write = (extra: Record<string, unknown>) => {
      const file = path.join(dir, `${Object.keys(extra)[0]}.json`);
      fs.writeFileSync(file, JSON.stringify({ title: 'T', requirements: ['r'], ...extra }));
      return file;
    };
    const message = (file: string) =>
      specFromFlags('SPEC-1', { file }).then(
        () => 'accepted',
        (err: Error) => `${err.constructor.name}: ${err.message}`,
      );
    const wsFile = write({ workspace: 3 });
    expect(await message(wsFile)).toBe(
      `InvalidInputError: ${wsFile}: workspace must be the folder the model works in, as a non-empty string.`,
    );
    const attemptsFile = write({ max_attempts: 0 });
    expect(await message(attemptsFile)).toBe(
      `InvalidInputError: ${attemptsFile}: max_attempts must be a whole number from 1 to 10 (attempts per phase before it waits for a decision), got 0.`,
    );
    const policyFile = write({ policy: 'maybe' });
    expect(await message(policyFile)).toMatch(
      new RegExp(`^InvalidInputError: ${policyFile}: Invalid command policy 'maybe'`),
    );
    const dirtyFile = write({ allow_dirty: 'yes' });
    expect(await message(dirtyFile)).toBe(
      `InvalidInputError: ${dirtyFile}: allow_dirty must be true or false.`,
    );
  });
});

const held: HeldWorkspace = {
  path: '/srv/work/limiter',
  task_queue: 'baton-workspace-host-1a2b',
  worker: '4242@host',
  sandbox: { mode: 'bubblewrap', detail: 'bubblewrap 0.11.0' },
  checkpoint: { commit: '3d1b66ed1232aa9f00c0ffee00c0ffee00c0ffee', bundle_id: 'b'.repeat(64) },
};

describe('session status with a workspace', () => {
  const model = BUILTIN_MODELS.find((m) => m.id === 'claude-sonnet-4-6')!;
  const state = initialState(
    { session_id: 'sess_ws', model, settings: DEFAULT_SESSION_SETTINGS, task: 'Fix the limiter' },
    '2026-11-30T11:00:00.000Z',
  );
  const policy = { mode: 'ask' as const };
  const command = 'npm publish';

  it('shows the folder, the worker, the sandbox, the last checkpoint and a command waiting', () => {
    const status = sessionStatus(
      {
        ...state,
        workspace: held,
        pending_permission: {
          tool_use_id: 'toolu_01',
          command,
          reason: decideCommand(policy, command).reason,
          asked_at: '2026-11-30T11:02:00.000Z',
        },
      },
      { run_id: 'run-1', status: 'busy', has_script: false },
    );
    const text = formatStatus(status);
    expect(text).toContain('  workspace   /srv/work/limiter');
    expect(text).toContain('worker 4242@host · commands run in bubblewrap (bubblewrap 0.11.0)');
    expect(text).toContain('checkpoint commit 3d1b66ed1232');
    expect(text).toContain(
      '  WAITING     permission to run `npm publish` (asked 2026-11-30T11:02:00.000Z: the session asks before every command)',
    );
    expect(text).toContain('allow: baton session allow sess_ws');
    expect(text).toContain('deny:  baton session deny sess_ws [--note "what to do instead"]');
  });

  it('says when commands run unsandboxed or cannot run, and when nothing is checkpointed yet', () => {
    const unsafe = formatStatus(
      sessionStatus(
        { ...state, workspace: { ...held, sandbox: { mode: 'unsafe', detail: 'BATON_UNSAFE_COMMANDS=1' } } },
        { run_id: 'r', status: 'available', has_script: false },
      ),
    );
    expect(unsafe).toContain('commands run WITHOUT a sandbox (--unsafe-commands): BATON_UNSAFE_COMMANDS=1');
    const { checkpoint: _none, ...fresh } = held;
    const unavailable = formatStatus(
      sessionStatus(
        {
          ...state,
          workspace: { ...fresh, sandbox: { mode: 'unavailable', detail: 'bwrap is not installed' } },
        },
        { run_id: 'r', status: 'available', has_script: false },
      ),
    );
    expect(unavailable).toContain('commands cannot run: bwrap is not installed');
    expect(unavailable).toContain('checkpoint none yet');
    expect(unavailable).not.toContain('WAITING');
  });
});

function verification(command: string, exit_code: number | null, output_tail: string): VerificationResult {
  return { command, exit_code, duration_ms: 420, output_tail, passed: exit_code === 0, timed_out: false };
}

/** The phase after a gate run, as the SPEC workflow records it: the gate, and a line in the log. */
function gated(phase: PhaseRecord, expect: GateExpectation, v: VerificationResult): PhaseRecord {
  const verdict = gateVerdict(expect, v);
  return {
    ...phase,
    gate: { expect, ok: verdict.ok, reason: verdict.reason, verification: v },
    log: [
      ...phase.log,
      `gate (tests must ${expect}): ${verdict.ok ? 'passed' : 'failed'}: ${verdict.reason}`,
    ],
  };
}

describe('SPEC phases with gates', () => {
  const failing = verification(
    'node --test',
    1,
    [
      'TAP version 13',
      '# Subtest: sum',
      'not ok 1 - sum adds two numbers',
      '  ---',
      '  error: sum is not a function',
      '  ...',
      '# tests 1',
      '# pass 0',
      '# fail 1',
    ].join('\n'),
  );
  const passing = verification('node --test', 0, 'ok 1 - sum adds two numbers\n# pass 1\n# fail 0\n');

  function specStatus(phases: PhaseRecord[]): SpecStatus {
    return {
      spec_id: 'SPEC-7',
      title: 'Sum',
      status: 'running',
      current_phase: 'green',
      phases,
      workspace: {
        path: '/srv/sum',
        test_command: 'node --test',
        worker: '4242@host',
        commit: 'abc1234567890',
      },
      checkpoints: [],
      tokens_used: 1_000,
      cost_usd: 0.01,
      context: { used: 1_000, total: 200_000, available: 199_000, position_percent: 0.5 },
      model: 'claude-sonnet-4-6',
      previous_runs: [],
    };
  }

  it('prints each gate with its verdict and the last lines of the output, the files and the commit', () => {
    const [analysis, red, green, refactor] = initialSpecProgress().phases as [
      PhaseRecord,
      PhaseRecord,
      PhaseRecord,
      PhaseRecord,
    ];
    const redDone: PhaseRecord = {
      ...gated(red, 'fail', failing),
      status: 'completed',
      attempts: 1,
      tokens: 309,
      cost_usd: 0.0014,
      duration_ms: 1_200,
      files_changed: ['test/sum.test.js'],
      commit: '3d1b66ed1232aa9f',
    };
    const greenRetrying: PhaseRecord = { ...gated(green, 'pass', failing), status: 'running', attempts: 1 };
    const text = formatSpecStatus(
      specStatus([{ ...analysis, status: 'completed' }, redDone, greenRetrying, refactor]),
    );
    expect(text).toContain(
      '  workspace /srv/sum · tests `node --test` · worker 4242@host · commit abc123456789',
    );
    expect(text).toContain('gate     tests must fail · ok · `node --test` exit 1 · 0.4s');
    expect(text).toContain('`node --test` failed (exit 1), as tests written before the code should.');
    expect(text).toContain('│   error: sum is not a function');
    expect(text).toContain('│ # fail 1');
    // Only the last six lines of the output: the whole of it is in --json.
    expect(text).not.toContain('TAP version 13');
    expect(text).not.toContain('not ok 1 - sum adds two numbers');
    expect(text).toContain('changed  1 file changed: test/sum.test.js · commit 3d1b66ed1232');
    expect(text).toContain('gate     tests must pass · NOT MET · `node --test` exit 1 · 0.4s');
    expect(text).toContain('`node --test` failed (exit 1); the tests must pass.');
  });

  it("shows a command the SPEC's session waits to run, answered on the SPEC's session id", () => {
    const text = formatSpecStatus({
      ...specStatus(initialSpecProgress().phases),
      pending_permission: {
        tool_use_id: 'toolu_02',
        command: 'npm install left-pad',
        reason: decideCommand(
          { mode: 'allow_list', prefixes: ['node --test'], otherwise: 'ask' },
          'npm install left-pad',
        ).reason,
        asked_at: '2026-11-30T11:05:00.000Z',
      },
    });
    expect(text).toContain(
      'WAITING     permission to run `npm install left-pad` (asked 2026-11-30T11:05:00.000Z: "npm install left-pad" does not start with an allowed prefix (allowed prefixes: "node --test"))',
    );
    expect(text).toContain('allow: baton session allow spec-SPEC-7');
  });

  it('reports each outcome once as the status moves on: a failed gate, then the phase', () => {
    const progress = initialSpecProgress();
    const outcomes = new PhaseOutcomes();
    const [, , green] = progress.phases;
    const first = gated({ ...green!, status: 'running', attempts: 1 }, 'pass', failing);
    const printed = (phases: PhaseRecord[]) =>
      outcomes.next(specStatus(phases)).flatMap((o) => formatPhaseOutcome(o, 4));

    const attempt1 = printed([first]);
    expect(attempt1[0]).toBe(
      '[spec] ✗ phase 3/4 green: the gate was not met; the output goes back to the model',
    );
    expect(attempt1.join('\n')).toContain('│ # fail 1');
    expect(printed([first])).toEqual([]); // polled again: nothing new
    // The model tried again within the same attempt, and the gate failed once more.
    const second = gated(first, 'pass', failing);
    expect(printed([second])[0]).toBe(
      '[spec] ✗ phase 3/4 green: the gate was not met; the output goes back to the model',
    );
    expect(printed([second])).toEqual([]);

    const done: PhaseRecord = {
      ...gated(
        { ...second, attempts: 2, tokens: 700, cost_usd: 0.0031, duration_ms: 2_500 },
        'pass',
        passing,
      ),
      status: 'completed',
      files_changed: ['src/sum.js'],
      commit: '0a1b2c3d4e5f6a7b',
    };
    // Completed, but its files not committed yet: reported once the commit is there.
    const { commit: _notYet, files_changed: _none, ...uncommitted } = done;
    expect(printed([uncommitted])).toEqual([]);
    const completed = printed([done]);
    expect(completed).toEqual([
      '[spec] ✓ phase 3/4 green completed · attempts 2 · 700 tokens · $0.0031 · 2.5s',
      '         gate     tests must pass · ok · `node --test` exit 0 · 0.4s',
      '                  `node --test` passed.',
      '                  │ ok 1 - sum adds two numbers',
      '                  │ # pass 1',
      '                  │ # fail 0',
      '         changed  1 file changed: src/sum.js · commit 0a1b2c3d4e5f',
    ]);
    expect(printed([done])).toEqual([]);
  });
});
