/**
 * A handoff that hands over work in a workspace, on a real dev server with a real workspace worker
 * (git, bubblewrap): the offline model follows a script in which spec-builder writes SPEC.md,
 * tdd-implementer writes a test and the code with the text editor and runs them, and doc-syncer
 * writes the README. The chain commits each agent's files, hands the commit on in the package, and
 * runs the test command after tdd-implementer; a failing run waits for a decision.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HandoffFailedError, InvalidInputError, type HandoffStatus } from '../../src/client';
import { handoffCommitMessage, handoffPackageProblems } from '../../src/domain/handoff';
import { parseOfflineScript } from '../../src/model';
import { ensureBubblewrap } from '../support/bubblewrap';
import { runCli } from '../support/run-cli';
import { createFile as create } from '../support/sum-spec';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { uniqueId } from '../support/unique-id';

const EDITOR = 'str_replace_based_edit_tool';
const TEST_FILE =
  "const test = require('node:test');\nconst assert = require('node:assert/strict');\n" +
  "const { sum } = require('../src/sum.js');\n\ntest('adds two numbers', () => {\n  assert.equal(sum(2, 3), 5);\n});\n";
const GOOD_SUM = 'function sum(a, b) {\n  return a + b;\n}\n\nmodule.exports = { sum };\n';
const BAD_SUM = 'function sum(a, b) {\n  return a - b;\n}\n\nmodule.exports = { sum };\n';

const ids = {
  passing: uniqueId('SPEC-HWS'),
  retried: uniqueId('SPEC-HWSR'),
  skipped: uniqueId('SPEC-HWSS'),
  cli: uniqueId('SPEC-HWSCLI'),
};
/** The scenarios whose tdd-implementer writes code that fails its test. */
const failing = new Set([ids.retried, ids.skipped]);

const bash = (command: string) => ({ name: 'bash', input: { command } });
const agentTurn = (agent: string, specId: string) =>
  `/You are ${agent}, agent \\d of 3 in the handoff chain for SPEC ${specId}:/`;

/** The script: every SPEC id's spec-builder and doc-syncer, and a tdd-implementer per scenario. */
function script() {
  const steps = [];
  for (const specId of Object.values(ids)) {
    steps.push(
      {
        name: `retry ${specId}`,
        // A retried tdd-implementer (its request carries guidance) fixes the code it left.
        when: {
          match: `/You are tdd-implementer, agent 2 of 3 in the handoff chain for SPEC ${specId}:[\\s\\S]*Guidance for this attempt/`,
        },
        replies: [
          {
            text: 'Fixing the sign.',
            tool_calls: [
              {
                name: EDITOR,
                input: { command: 'str_replace', path: 'src/sum.js', old_str: 'a - b', new_str: 'a + b' },
              },
            ],
          },
          { text: 'Running the tests.', tool_calls: [bash('node --test')] },
          { text: 'They pass now: {{tool_result}}' },
        ],
      },
      {
        name: `spec-builder ${specId}`,
        when: { match: agentTurn('spec-builder', specId) },
        replies: [
          {
            text: 'The refined SPEC.',
            tool_calls: [create('SPEC.md', '# Sum\n\n1. sum(2, 3) is 5.\n\nDecision: numbers only.\n')],
          },
          { text: 'SPEC.md is written.' },
        ],
      },
      {
        name: `tdd-implementer ${specId}`,
        when: { match: agentTurn('tdd-implementer', specId) },
        replies: [
          { text: 'The test first.', tool_calls: [create('test/sum.test.js', TEST_FILE)] },
          {
            text: 'Now the code.',
            tool_calls: [create('src/sum.js', failing.has(specId) ? BAD_SUM : GOOD_SUM)],
          },
          { text: 'Running the tests.', tool_calls: [bash('node --test')] },
          { text: 'Done: {{tool_result}}' },
        ],
      },
      {
        name: `doc-syncer ${specId}`,
        when: { match: agentTurn('doc-syncer', specId) },
        replies: [
          {
            text: 'The README.',
            tool_calls: [
              create('README.md', '# sum\n\n`sum(2, 3)` is `5`. Run the tests with `node --test`.\n'),
            ],
          },
          { text: 'README.md is up to date.' },
        ],
      },
    );
  }
  return { format: 'baton.offline-script', version: 1, steps };
}

let env: TestEnvironment;
const folders: string[] = [];
beforeAll(async () => {
  await ensureBubblewrap();
  env = await startTestEnvironment({ workspaces: true });
  env.model.setScript(parseOfflineScript(script()));
}, 120_000);
afterAll(async () => {
  await env?.teardown();
  for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
});

/** A project folder that is not a repository yet: baton initialises it with a first commit. */
function project(): string {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-handoff-ws-'));
  folders.push(base);
  const dir = path.join(base, 'sum');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "sum", "private": true }\n');
  return fs.realpathSync(dir);
}

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();
/** Commit subjects, newest first. */
const subjects = (dir: string) => git(dir, 'log', '--format=%s').split('\n');
/** Runs the test command the way a user would; throws (with the output) when it fails. */
const runTests = (dir: string) =>
  execFileSync('node', ['--test'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });

const spec = (spec_id: string) => ({
  spec_id,
  title: 'A sum function',
  requirements: ['sum(a, b) adds two numbers'],
  acceptance_criteria: ['sum(2, 3) is 5'],
});

async function waitingForDecision(id: string): Promise<HandoffStatus> {
  await expect
    .poll(async () => (await env.baton.handoffs.status(id)).state, { timeout: 60_000, interval: 250 })
    .toBe('awaiting_decision');
  return env.baton.handoffs.status(id);
}

describe('a handoff chain with a workspace', () => {
  it('leaves passing tests in the workspace, a commit per agent, and packages that carry the commits', async () => {
    const dir = project();
    const specId = ids.passing;
    const result = await env.baton.handoffs.run({
      spec: spec(specId),
      workspace: { path: dir, test_command: 'node --test' },
    });
    expect(result.state).toBe('completed');
    expect(result.workspace).toMatchObject({ path: dir, test_command: 'node --test' });

    // Each agent changed what its role says, and its commit holds exactly that.
    const [builder, implementer, docs] = result.agents;
    expect(builder!.workspace!.files_changed).toEqual(['SPEC.md']);
    expect([...implementer!.workspace!.files_changed].sort()).toEqual(['src/sum.js', 'test/sum.test.js']);
    expect(docs!.workspace!.files_changed).toEqual(['README.md']);
    // The implementer's step was checked by running the tests.
    expect(implementer!.workspace!.tests).toMatchObject({
      command: 'node --test',
      passed: true,
      exit_code: 0,
    });
    expect(builder!.workspace!.tests).toBeUndefined();

    // The workspace has a commit per agent on top of the first one, and nothing uncommitted.
    expect(subjects(dir)).toEqual([
      handoffCommitMessage(specId, 3, 3, 'doc-syncer'),
      handoffCommitMessage(specId, 2, 3, 'tdd-implementer'),
      handoffCommitMessage(specId, 1, 3, 'spec-builder'),
      expect.any(String) as string,
    ]);
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(docs!.workspace!.commit);
    expect(git(dir, 'rev-parse', 'HEAD~1')).toBe(implementer!.workspace!.commit);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    expect(result.workspace!.commit).toBe(docs!.workspace!.commit);

    // The test command passes in the folder, as the user would run it.
    expect(runTests(dir)).toMatch(/# pass 1/);

    // Each package carries the sender's commit, its bundle and the files it changed.
    for (const [i, pkg] of result.packages.entries()) {
      const sender = result.agents[i]!;
      expect(handoffPackageProblems(pkg)).toEqual([]);
      expect(pkg.workspace).toEqual({
        path: dir,
        commit: sender.workspace!.commit,
        bundle_id: sender.workspace!.bundle_id,
        files_changed: sender.workspace!.files_changed,
      });
      // The bundle is in the store: another worker can recreate the files from it.
      expect((await env.store.getBlob(pkg.workspace!.bundle_id)).byteLength).toBeGreaterThan(0);
    }

    // The receiving agent's first message names the commit and the files it starts from.
    const received = env.model.requests.find((r) =>
      r.last_user_text.startsWith(
        `You are tdd-implementer, agent 2 of 3 in the handoff chain for SPEC ${specId}:`,
      ),
    );
    expect(received?.last_user_text).toContain(
      `at commit ${builder!.workspace!.commit.slice(0, 12)} (${builder!.workspace!.commit}); files changed by spec-builder: SPEC.md.`,
    );
    expect(received?.last_user_text).toContain('The test command is `node --test`.');

    // Each agent's session held the workspace, and its status says where.
    const child = await env.baton.sessions.status(implementer!.session_id);
    expect(child.workspace).toMatchObject({ path: dir });
  });

  it('waits for a decision when the tests fail after tdd-implementer, and a retry builds on the files', async () => {
    const dir = project();
    const specId = ids.retried;
    await env.baton.handoffs.run({
      spec: spec(specId),
      workspace: { path: dir, test_command: 'node --test' },
      wait: false,
    });
    const waiting = await waitingForDecision(specId);
    expect(waiting.failure).toMatchObject({
      index: 2,
      agent: 'tdd-implementer',
      choices: ['retry', 'skip', 'abort'],
      tests: { command: 'node --test', passed: false, exit_code: 1 },
    });
    // The error is the test output: what failed and why.
    expect(waiting.failure!.error).toMatch(
      /^tdd-implementer left failing tests: `node --test` failed \(exit 1\)/,
    );
    expect(waiting.failure!.error).toMatch(/not ok|fail/);
    // Nothing of the failed step was committed; its files are there for a retry to fix.
    expect(subjects(dir)[0]).toBe(handoffCommitMessage(specId, 1, 3, 'spec-builder'));
    expect(fs.readFileSync(path.join(dir, 'src', 'sum.js'), 'utf8')).toContain('a - b');
    expect(() => runTests(dir)).toThrow();

    await env.baton.handoffs.retry(specId, 'add, do not subtract');
    const result = await env.baton.handoffs.result(specId);
    expect(result.state).toBe('completed');
    expect(result.agents.map((a) => a.agent)).toEqual(['spec-builder', 'tdd-implementer', 'doc-syncer']);
    expect(result.agents[1]!.workspace!.tests).toMatchObject({ passed: true });
    // The retried agent was told what the tests said.
    const retried = env.model.requests
      .filter((r) => r.last_user_text.includes(`Guidance for this attempt: add, do not subtract`))
      .at(-1);
    expect(retried?.last_user_text).toContain(
      'Your previous attempt failed: tdd-implementer left failing tests',
    );
    // One commit per agent, the fixed code in the implementer's, and the tests pass.
    expect(subjects(dir).slice(0, 3)).toEqual([
      handoffCommitMessage(specId, 3, 3, 'doc-syncer'),
      handoffCommitMessage(specId, 2, 3, 'tdd-implementer'),
      handoffCommitMessage(specId, 1, 3, 'spec-builder'),
    ]);
    expect(runTests(dir)).toMatch(/# pass 1/);
  });

  it('puts the files back to the last handed-on commit when the failing agent is skipped', async () => {
    const dir = project();
    const specId = ids.skipped;
    await env.baton.handoffs.run({
      spec: spec(specId),
      workspace: { path: dir, test_command: 'node --test' },
      wait: false,
    });
    await waitingForDecision(specId);
    await env.baton.handoffs.skip(specId);
    const result = await env.baton.handoffs.result(specId);
    expect(result.skipped).toEqual([{ index: 2, agent: 'tdd-implementer' }]);
    const [builder, docs] = result.agents;
    // doc-syncer started from spec-builder's commit: the skipped agent's files are gone.
    expect(result.packages.at(-1)!.workspace!.commit).toBe(builder!.workspace!.commit);
    expect(fs.existsSync(path.join(dir, 'src', 'sum.js'))).toBe(false);
    expect(subjects(dir).slice(0, 2)).toEqual([
      handoffCommitMessage(specId, 3, 3, 'doc-syncer'),
      handoffCommitMessage(specId, 1, 3, 'spec-builder'),
    ]);
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(docs!.workspace!.commit);
  });

  it('refuses a workspace without a test command or with a bad policy before starting', async () => {
    const specId = uniqueId('SPEC-HWSBAD');
    await expect(
      env.baton.handoffs.run({
        spec: spec(specId),
        workspace: { path: '/tmp/x', test_command: '' },
      }),
    ).rejects.toThrow(/A workspace for a SPEC or a handoff needs the command that runs its tests/);
    await expect(
      env.baton.handoffs.run({
        spec: spec(specId),
        workspace: { path: '/tmp/x', test_command: 'node --test', policy: { mode: 'sometimes' } as never },
      }),
    ).rejects.toThrow(InvalidInputError);
    await expect(env.baton.handoffs.status(specId)).rejects.toThrow(`No handoff 'handoff-${specId}'`);
  });

  it('fails before any agent runs when the folder has uncommitted changes, and leaves them alone', async () => {
    const dir = project();
    const who = ['-c', 'user.name=Test', '-c', 'user.email=test@example.com'];
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, ...who, 'commit', '-q', '-m', 'start');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine\n');
    const specId = uniqueId('SPEC-HWSDIRTY');
    const err = await env.baton.handoffs
      .run({ spec: spec(specId), workspace: { path: dir, test_command: 'node --test' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HandoffFailedError);
    expect((err as HandoffFailedError).type).toBe('InvalidHandoffInput');
    expect((err as Error).message).toMatch(
      new RegExp(
        `The workspace ${dir} cannot be used; no agent ran\\. .*uncommitted changes \\(notes\\.txt\\).*--allow-dirty`,
      ),
    );
    const status = await env.baton.handoffs.status(specId);
    expect(status).toMatchObject({ state: 'failed', agents: [], current: null });
    await expect(
      env.baton.temporal.workflow.getHandle(`handoff-${specId}-1-spec-builder`).describe(),
    ).rejects.toThrow(WorkflowNotFoundError);
    // The user's change is still there, uncommitted.
    expect(subjects(dir)).toEqual(['start']);
    expect(git(dir, 'status', '--porcelain')).toBe('?? notes.txt');
  });

  it('runs from the CLI with --workspace and --test-command, printing each commit and the test run', async () => {
    const dir = project();
    const specId = ids.cli;
    const run = await runCli(
      [
        'handoff',
        'run',
        specId,
        ...['--title', 'A sum function', '--req', 'sum(a, b) adds two numbers'],
        ...['--workspace', dir, '--test-command', 'node --test'],
      ],
      env.cliEnv,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const commits = git(dir, 'log', '--format=%H', '-3').split('\n').reverse();
    expect(run.stdout).toMatch(
      new RegExp(
        `^✓ 2/3 tdd-implementer · .* · commit ${commits[1]!.slice(0, 12)} · \`node --test\` passed$`,
        'm',
      ),
    );
    expect(run.stdout).toMatch(
      new RegExp(
        `^→ package pkg_[0-9a-f]{16} spec-builder → tdd-implementer \\(valid\\) · checkpoint \\S+ at [0-9a-f]{12} · commit ${commits[0]!.slice(0, 12)} \\(1 file\\(s\\) changed\\)$`,
        'm',
      ),
    );
    expect(run.stdout).toContain(
      `Workspace ${dir} (tests: node --test) · at commit ${commits[2]!.slice(0, 12)}`,
    );
    expect(run.stdout).toContain(
      `  tdd-implementer: commit ${commits[1]!.slice(0, 12)} · 2 file(s) changed · tests passed`,
    );
    expect(runTests(dir)).toMatch(/# pass 1/);

    // One flag without the other is refused before anything starts.
    const alone = await runCli(
      ['handoff', 'run', uniqueId('SPEC-HWSCLI'), '--title', 'x', '--req', 'y', '--workspace', dir],
      env.cliEnv,
    );
    expect(alone.code).toBe(1);
    expect(alone.stderr).toMatch(/needs the command that runs its tests .*--test-command "<cmd>"/);
  });
});
