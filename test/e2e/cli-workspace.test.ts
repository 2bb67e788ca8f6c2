/**
 * The workspace flags of the CLI and the client, against a real dev server and worker: bad input
 * is refused with a clear message before anything starts; the path reaches the session as an
 * absolute one, with its policy; `session allow|deny` refuse when nothing waits; and a SPEC run
 * that fails reports why, in `spec run` and in `spec status`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidInputError,
  SessionNotFoundError,
  SessionRequestError,
  type SpecStatusWithLink,
} from '../../src/client';
import { definitionQuery } from '../../src/domain/session';
import { runCli } from '../support/run-cli';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { uniqueId } from '../support/unique-id';
import { waitUntil } from '../support/wait-until';

let env: TestEnvironment;
let dir: string;
beforeAll(async () => {
  env = await startTestEnvironment({ workspaces: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-cli-workspace-'));
});
afterAll(async () => {
  await env?.teardown();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const spec = (spec_id: string) => ({
  spec_id,
  title: 'Sum',
  requirements: ['sum adds numbers'],
  acceptance_criteria: [],
});
const specFlags = ['--title', 'Sum', '--req', 'sum adds numbers'];

/** Whether a workflow with this id exists on the server. */
async function exists(workflowId: string): Promise<boolean> {
  return env.baton.temporal.workflow
    .getHandle(workflowId)
    .describe()
    .then(
      () => true,
      () => false,
    );
}

describe('the client refuses a bad workspace before anything starts', () => {
  it('sessions.start', async () => {
    const id = uniqueId('sess_ws_bad');
    const cases: [unknown, RegExp][] = [
      [{ path: '' }, /workspace path is empty/],
      [
        { path: dir, policy: 'whenever' },
        /Invalid command policy 'whenever': use allow, ask, allow:<prefix>/,
      ],
      [
        { path: dir, policy: { mode: 'allow_list', prefixes: ['npm test && rm -rf /'] } },
        /one simple command/,
      ],
    ];
    for (const [workspace, message] of cases) {
      const err = await env.baton.sessions
        .start({ id, workspace: workspace as never })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as Error).message).toMatch(message);
    }
    await expect(env.baton.sessions.status(id)).rejects.toBeInstanceOf(SessionNotFoundError);
  });

  it('specs.start and handoffs.run', async () => {
    const specId = uniqueId('SPEC-WSBAD');
    const cases: [Parameters<typeof env.baton.specs.start>[1], RegExp][] = [
      [{ workspace: { path: dir } as never }, /needs the command that runs its tests.*--test-command/],
      [
        { workspace: { path: dir, test_command: 'npm test', policy: 'allow:' } },
        /Invalid command policy 'allow:'/,
      ],
      [{ max_attempts: 0 }, /max_attempts must be a whole number from 1 to 10/],
      [{ max_attempts: 11 }, /max_attempts must be a whole number from 1 to 10/],
      [{ mcp_servers: ['no spaces please'] }, /MCP server "no spaces please"/],
    ];
    for (const [options, message] of cases) {
      const err = await env.baton.specs.start(spec(specId), options).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as Error).message).toMatch(message);
    }
    expect(await exists(`spec-${specId}`)).toBe(false);

    const handoff = await env.baton.handoffs
      .run({ spec: spec(specId), workspace: { path: '', test_command: 'npm test' } })
      .catch((e: unknown) => e);
    expect(handoff).toBeInstanceOf(InvalidInputError);
    expect((handoff as Error).message).toMatch(/workspace path is empty/);
    expect(await exists(`handoff-${specId}`)).toBe(false);
  });
});

describe('baton session start --workspace', () => {
  it('sends the folder as an absolute path, with its policy', async () => {
    const id = uniqueId('sess_ws');
    const folder = fs.mkdtempSync(path.join(dir, 'repo-'));
    const r = await runCli(
      [
        'session',
        'start',
        'Tidy the repository',
        '--id',
        id,
        '--workspace',
        path.relative(process.cwd(), folder),
        '--policy',
        'allow:npm test,git diff',
        '--json',
      ],
      env.cliEnv,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const definition = await env.baton.temporal.workflow.getHandle(id).query(definitionQuery);
    expect(definition.workspace).toEqual({
      path: folder,
      policy: { mode: 'allow_list', prefixes: ['npm test', 'git diff'] },
    });
  });

  it('refuses workspace flags without a workspace, and a bad policy, starting nothing', async () => {
    const id = uniqueId('sess_ws_flags');
    const dirty = await runCli(['session', 'start', '--id', id, '--allow-dirty'], env.cliEnv);
    expect(dirty.code).toBe(1);
    expect(dirty.stderr.trim()).toBe(
      'baton: --allow-dirty applies to a workspace: add --workspace <dir> (the folder the model works in), or leave it out.',
    );
    const policy = await runCli(
      ['session', 'start', '--id', id, '--workspace', dir, '--policy', 'sometimes'],
      env.cliEnv,
    );
    expect(policy.code).toBe(1);
    expect(policy.stderr).toMatch(
      /option '--policy <policy>' argument 'sometimes' is invalid\. Invalid command policy 'sometimes': use allow, ask/,
    );
    expect(await exists(id)).toBe(false);
  });
});

describe('baton spec run --workspace', () => {
  it('refuses a workspace without a test command, and attempts out of range, starting nothing', async () => {
    const specId = uniqueId('SPEC-WSCLI');
    const noTests = await runCli(['spec', 'run', specId, ...specFlags, '--workspace', dir], env.cliEnv);
    expect(noTests.code).toBe(1);
    expect(noTests.stderr).toMatch(
      /^baton: A workspace for a SPEC or a handoff needs the command that runs its tests \(it decides each SPEC phase, and must pass after tdd-implementer\): give --test-command "<cmd>"/,
    );
    const attempts = await runCli(
      [
        'spec',
        'run',
        specId,
        ...specFlags,
        '--workspace',
        dir,
        '--test-command',
        'npm test',
        '--max-attempts',
        '11',
      ],
      env.cliEnv,
    );
    expect(attempts.code).toBe(1);
    expect(attempts.stderr).toMatch(/--max-attempts.*expected a whole number from 1 to 10, got '11'/);
    const stray = await runCli(
      ['spec', 'run', specId, ...specFlags, '--test-command', 'npm test'],
      env.cliEnv,
    );
    expect(stray.code).toBe(1);
    expect(stray.stderr).toMatch(/--test-command applies to a workspace: add --workspace <dir>/);
    expect(await exists(`spec-${specId}`)).toBe(false);
  });

  it('reports why a run failed, in spec run and in spec status, with exit code 1', async () => {
    const specId = uniqueId('SPEC-RUNFAIL');
    // A request the API refuses outright, and nobody to decide: the run fails after 1 s.
    env.model.injectFaults([{ kind: 'http', status: 400, match: `SPEC ${specId} · phase 1/4` }]);
    const run = await runCli(
      ['spec', 'run', specId, ...specFlags, '--decision-timeout', '1s', '--no-stream'],
      env.cliEnv,
    );
    // spec run stops at the decision the phase waits for.
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAILED {4}phase analysis: /);

    const failed = await waitUntil(
      async () =>
        JSON.parse(
          (await runCli(['spec', 'status', specId, '--json'], env.cliEnv)).stdout,
        ) as SpecStatusWithLink,
      (s) => s.execution_status === 'FAILED',
      { what: `${specId} to fail` },
    );
    expect(failed.error).toEqual({
      type: 'SpecDecisionTimeout',
      message: expect.stringMatching(
        new RegExp(`^Phase analysis of SPEC ${specId} failed .* no retry, skip or abort came within 1 s\\.$`),
      ) as unknown,
    });
    const human = await runCli(['spec', 'status', specId], env.cliEnv);
    expect(human.stdout).toContain(
      `RUN FAILED (SpecDecisionTimeout): Phase analysis of SPEC ${specId} failed`,
    );
  });
});

describe('baton handoff run --workspace', () => {
  it('hands the workspace to the chain as an absolute path with its test command', async () => {
    const input = await env.baton.handoffs.prepare({
      spec: spec(uniqueId('SPEC-HWS')),
      workspace: { path: path.relative(process.cwd(), dir), test_command: 'node --test', policy: 'ask' },
    });
    expect(input.workspace).toEqual({ path: dir, test_command: 'node --test', policy: { mode: 'ask' } });
  });

  it('gives --mcp servers to the whole chain (every agent gets them besides its own), and refuses a bad name', async () => {
    const input = await env.baton.handoffs.prepare({
      spec: spec(uniqueId('SPEC-HMCP')),
      mcp_servers: ['memory', 'memory'],
    });
    expect(input.mcp_servers).toEqual(['memory']);
    // The default agents name none of their own.
    expect(input.agents.map((a) => a.mcp_servers)).toEqual(input.agents.map(() => undefined));
    const err = await env.baton.handoffs
      .prepare({ spec: spec(uniqueId('SPEC-HMCP')), mcp_servers: ['bad name'] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as Error).message).toMatch(/^MCP server "bad name": /);
  });

  it('refuses a workspace without a test command, and max_attempts from a SPEC file', async () => {
    const specId = uniqueId('SPEC-HWSCLI');
    const noTests = await runCli(['handoff', 'run', specId, ...specFlags, '--workspace', dir], env.cliEnv);
    expect(noTests.code).toBe(1);
    expect(noTests.stderr).toMatch(
      /^baton: A workspace for a SPEC or a handoff needs the command that runs its tests/,
    );
    const file = path.join(dir, `${specId}.json`);
    fs.writeFileSync(file, JSON.stringify({ title: 'Sum', requirements: ['sum adds'], max_attempts: 2 }));
    const attempts = await runCli(['handoff', 'run', specId, '--file', file], env.cliEnv);
    expect(attempts.code).toBe(1);
    expect(attempts.stderr.trim()).toBe(
      `baton: max_attempts (in ${file}) applies to \`baton spec run\`, not to a handoff: leave it out.`,
    );
    expect(await exists(`handoff-${specId}`)).toBe(false);
  });
});

describe('baton session allow | deny', () => {
  it('say so when no command is waiting, and refuse an empty note', async () => {
    const id = uniqueId('sess_perm');
    await env.baton.sessions.start({ id });
    const allow = await runCli(['session', 'allow', id], env.cliEnv);
    expect(allow.code).toBe(1);
    expect(allow.stderr.trim()).toBe(
      `baton: No command is waiting for permission in session ${id}; \`baton session status ${id}\` shows what it is doing.`,
    );
    const err = await env.baton.sessions.answerPermission(id, { approve: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionRequestError);
    expect((err as SessionRequestError).type).toBe('InvalidRequest');

    const note = await runCli(['session', 'deny', id, '--note', ' '], env.cliEnv);
    expect(note.code).toBe(1);
    expect(note.stderr.trim()).toBe(
      'baton: The note is empty: say what the model should do instead, or leave it out.',
    );
    const unknown = await runCli(['session', 'deny', uniqueId('sess_nobody')], env.cliEnv);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^baton: No session 'sess_nobody-[0-9a-f]+'\. List sessions/);
  });
});
