/**
 * SPECs and sessions that change a workspace, through the real dev server, real git and real
 * bubblewrap: each phase's gate runs the test command (RED must fail, GREEN and refactor must
 * pass), a failed gate goes back to the model with the output, a retry puts the files back to the
 * phase's start, and under the `ask` policy a command waits for a person. The offline model follows
 * scripts of tool calls, so the files and the test runs are real.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpecFailedError } from '../../src/client';
import { answerPermissionUpdate } from '../../src/domain/session';
import { loadOfflineScript, parseOfflineScript, type OfflineScript } from '../../src/model';
import { ensureBubblewrap } from '../support/bubblewrap';
import {
  RIGHT_SUM,
  SUM_SCRIPT,
  SUM_TEST,
  WRONG_SUM,
  createFile,
  redWritesTests,
  sumSpec,
} from '../support/sum-spec';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { uniqueId } from '../support/unique-id';
import { waitUntil } from '../support/wait-until';
import { gitLog, testsPass } from '../support/workspace-checks';

let env: TestEnvironment;
let sumScript: OfflineScript;
let base: string;

beforeAll(async () => {
  await ensureBubblewrap();
  env = await startTestEnvironment({ workspaces: true });
  sumScript = await loadOfflineScript(SUM_SCRIPT);
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-spec-ws-'));
}, 120_000);

afterAll(async () => {
  await env?.teardown();
  if (base) fs.rmSync(base, { recursive: true, force: true });
});

function freshFolder(name: string): string {
  const dir = path.join(base, uniqueId(name));
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * A script whose RED writes the tests, whose GREEN first writes a wrong implementation (and a
 * scratch file), and whose later attempts (after a failed gate, or a retry with guidance) write
 * the right one.
 */
function greenFailsFirst(): OfflineScript {
  return parseOfflineScript({
    format: 'baton.offline-script',
    version: 1,
    steps: [
      { when: { phase: 'analysis' }, replies: [{ text: 'Plan: tests in test/, code in src/sum.js.' }] },
      { when: { phase: 'red' }, replies: redWritesTests() },
      {
        when: { phase: 'green', match: '/The gate failed|Guidance for this attempt/' },
        replies: [
          { text: 'The right formula.', tool_calls: [createFile('src/sum.js', RIGHT_SUM)] },
          { text: 'Fixed.' },
        ],
      },
      {
        when: { phase: 'green' },
        replies: [
          {
            text: 'A first try.',
            tool_calls: [
              createFile('src/sum.js', WRONG_SUM),
              createFile('scratch.txt', 'notes of the failed try\n'),
            ],
          },
          { text: 'Done, I think.' },
        ],
      },
      { when: { phase: 'refactor' }, replies: [{ text: 'Nothing to refactor.' }] },
    ],
  });
}

describe('a SPEC with a workspace', () => {
  it('passes every gate: RED leaves failing tests, GREEN passing ones, each phase committed', async () => {
    env.model.setScript(sumScript);
    const id = uniqueId('SPEC-WS');
    const dir = freshFolder('sum');
    await env.baton.specs.start(sumSpec(id), { workspace: { path: dir, test_command: 'node --test' } });
    const result = await env.baton.specs.result(id);

    expect(result.status).toBe('completed');
    const [analysis, red, green, refactor] = result.phases;
    expect(analysis?.gate).toBeUndefined();
    expect(red?.gate).toMatchObject({ expect: 'fail', ok: true, verification: { passed: false } });
    expect(red?.gate?.verification.output_tail).toMatch(/# fail [1-9]/);
    expect(red?.files_changed).toEqual(['test/sum.test.js']);
    expect(green?.gate).toMatchObject({ expect: 'pass', ok: true, verification: { exit_code: 0 } });
    expect(green?.files_changed).toEqual(['src/sum.js']);
    expect(refactor?.gate?.ok).toBe(true);
    expect(result.workspace).toMatchObject({ path: fs.realpathSync(dir), test_command: 'node --test' });
    expect(result.workspace?.commit).toBe(refactor?.commit);
    // What the user finds in the folder: passing tests and a commit per phase boundary.
    expect(testsPass(dir)).toBe(true);
    const log = gitLog(dir);
    expect(log).toContain(`baton: SPEC ${id} phase 2 red complete`);
    expect(log).toContain(`baton: SPEC ${id} phase 3 green complete`);
    // Analysis changes no file, so it adds no commit.
    expect(log).not.toContain(`baton: SPEC ${id} phase 1 analysis complete`);
    // The model got the editor and bash tools, and was told the gate.
    const red1 = env.model.requests.find((r) => r.last_user_text.includes(`SPEC ${id} · phase 2/4 RED`));
    expect(red1?.last_user_text).toContain('passes only if the test command FAILS');
  });

  it('sends a failed GREEN gate back to the model with the test output, and passes on the next attempt', async () => {
    env.model.setScript(greenFailsFirst());
    const id = uniqueId('SPEC-WS-RETRY');
    const dir = freshFolder('green-twice');
    await env.baton.specs.start(sumSpec(id), { workspace: { path: dir, test_command: 'node --test' } });
    const result = await env.baton.specs.result(id);

    expect(result.status).toBe('completed');
    const green = result.phases[2]!;
    // One attempt of the phase, in which the gate ran twice: the failed run went back to the model.
    expect(green).toMatchObject({ attempts: 1, gate_runs: 2 });
    expect(green.log.filter((l) => l.startsWith('gate'))).toEqual([
      expect.stringMatching(/^gate \(tests must pass\): failed/),
      expect.stringMatching(/^gate \(tests must pass\): passed/),
    ]);
    const feedback = env.model.requests.find(
      (r) => r.last_user_text.includes(`SPEC ${id}`) && r.last_user_text.includes('The gate failed'),
    );
    expect(feedback?.last_user_text).toMatch(/attempt 2 of 3/);
    expect(feedback?.last_user_text).toMatch(/# fail [1-9]/);
    expect(testsPass(dir)).toBe(true);
  });

  it('refuses a RED whose tests already pass and feeds it back; the next attempt leaves them failing', async () => {
    env.model.setScript(
      parseOfflineScript({
        format: 'baton.offline-script',
        version: 1,
        steps: [
          { when: { phase: 'analysis' }, replies: [{ text: 'Plan.' }] },
          {
            when: { phase: 'red', match: 'The gate failed' },
            replies: [
              {
                text: 'Right, no implementation in RED.',
                tool_calls: [{ name: 'bash', input: { command: 'rm src/sum.js' } }],
              },
              { text: 'Removed.' },
            ],
          },
          {
            when: { phase: 'red' },
            replies: [
              {
                text: 'Tests and, too early, the code.',
                tool_calls: [createFile('test/sum.test.js', SUM_TEST), createFile('src/sum.js', RIGHT_SUM)],
              },
              { text: 'Done.' },
            ],
          },
          {
            when: { phase: 'green' },
            replies: [
              { text: 'The code.', tool_calls: [createFile('src/sum.js', RIGHT_SUM)] },
              { text: 'Done.' },
            ],
          },
          { when: { phase: 'refactor' }, replies: [{ text: 'Nothing to refactor.' }] },
        ],
      }),
    );
    const id = uniqueId('SPEC-WS-RED');
    const dir = freshFolder('red-passes');
    await env.baton.specs.start(sumSpec(id), { workspace: { path: dir, test_command: 'node --test' } });
    const result = await env.baton.specs.result(id);

    expect(result.status).toBe('completed');
    const red = result.phases[1]!;
    expect(red.log.filter((l) => l.startsWith('gate'))).toEqual([
      expect.stringMatching(
        /^gate \(tests must fail\): failed: `node --test` passed, but this phase must leave failing tests/,
      ),
      expect.stringMatching(/^gate \(tests must fail\): passed/),
    ]);
    expect(red.gate).toMatchObject({ expect: 'fail', ok: true, verification: { passed: false } });
    // RED leaves only the tests; the code comes in GREEN.
    expect(red.files_changed).toEqual(['test/sum.test.js']);
    expect(result.phases[2]!.files_changed).toEqual(['src/sum.js']);
    const feedback = env.model.requests.find(
      (r) =>
        r.last_user_text.includes(`SPEC ${id} · phase 2/4 RED`) &&
        r.last_user_text.includes('The gate failed'),
    );
    expect(feedback?.last_user_text).toMatch(/must leave failing tests/);
  });

  it('waits for a decision after its last attempt; a retry puts the files back to the phase start', async () => {
    env.model.setScript(greenFailsFirst());
    const id = uniqueId('SPEC-WS-DECIDE');
    const dir = freshFolder('green-decide');
    await env.baton.specs.start(sumSpec(id), {
      workspace: { path: dir, test_command: 'node --test' },
      max_attempts: 1,
    });
    await expect
      .poll(async () => (await env.baton.specs.status(id)).status, { timeout: 60_000 })
      .toBe('awaiting_decision');
    const waiting = await env.baton.specs.status(id);
    expect(waiting.failure).toMatchObject({ phase: 'green' });
    expect(waiting.failure?.error).toMatch(
      /^After 1 attempt: `node --test` failed \(exit 1\); the tests must pass/,
    );
    // The failed attempt's files are still there for the user to look at.
    expect(fs.existsSync(path.join(dir, 'scratch.txt'))).toBe(true);

    await env.baton.specs.retry(id, 'use the right formula');
    const result = await env.baton.specs.result(id);
    expect(result.status).toBe('completed');
    // Restored to GREEN's start before the new attempt: the failed try's scratch file is gone.
    expect(fs.existsSync(path.join(dir, 'scratch.txt'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'src', 'sum.js'), 'utf8')).toBe(RIGHT_SUM);
    expect(testsPass(dir)).toBe(true);
  });

  it('implements an approved plan in a fresh conversation (restart): the files follow, every gate holds', async () => {
    env.model.setScript(sumScript);
    const id = uniqueId('SPEC-WS-RESTART');
    const dir = freshFolder('restart');
    fs.writeFileSync(path.join(dir, 'README.md'), '# sum\n');
    await env.baton.specs.start(sumSpec(id), {
      workspace: { path: dir, test_command: 'node --test' },
      approve: true,
    });
    const waiting = await waitUntil(
      () => env.baton.specs.status(id),
      (s) => s.status === 'awaiting_approval',
      { what: `the plan of ${id} waiting` },
    );
    // The plan waits on the folder as the analysis left it: nothing written yet.
    expect(waiting.approval?.plan).toBeTruthy();
    expect(fs.existsSync(path.join(dir, 'test'))).toBe(false);
    await env.baton.specs.restart(id);
    const result = await env.baton.specs.result(id);

    expect(result.status).toBe('completed');
    expect(result.phases.map((p) => p.gate?.ok)).toEqual([undefined, true, true, true]);
    expect(result.phases[1]?.files_changed).toEqual(['test/sum.test.js']);
    expect(result.phases[2]?.files_changed).toEqual(['src/sum.js']);
    expect(testsPass(dir)).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toBe('# sum\n');
    const log = gitLog(dir);
    expect(log).toContain(`baton: SPEC ${id} phase 2 red complete`);
    expect(log).toContain(`baton: SPEC ${id} phase 3 green complete`);
  });

  it('refuses a folder with uncommitted changes, with a clear error, and changes nothing', async () => {
    const dir = freshFolder('dirty');
    execFileSync('git', ['init', '-q'], { cwd: dir });
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'work in progress\n');
    const id = uniqueId('SPEC-WS-DIRTY');
    await env.baton.specs.start(sumSpec(id), { workspace: { path: dir, test_command: 'node --test' } });
    const failed = await env.baton.specs.result(id).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failed).toBeInstanceOf(SpecFailedError);
    expect((failed as SpecFailedError).type).toBe('DirtyWorkspace');
    expect((failed as SpecFailedError).message).toMatch(/uncommitted changes \(notes\.txt\).*--allow-dirty/);
    expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('work in progress\n');
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf8' })).toContain(
      'notes.txt',
    );
  });
});

describe('a session with a workspace', () => {
  it('under the ask policy, a command waits for the user and runs once allowed', async () => {
    env.model.setScript(
      parseOfflineScript({
        format: 'baton.offline-script',
        version: 1,
        steps: [
          {
            when: { match: 'list the files' },
            replies: [
              { text: 'Listing.', tool_calls: [{ name: 'bash', input: { command: 'ls -a' } }] },
              { text: 'Here they are: {{tool_result}}' },
            ],
          },
        ],
      }),
    );
    const dir = freshFolder('ask');
    fs.writeFileSync(path.join(dir, 'hello.txt'), 'hi\n');
    const { session_id } = await env.baton.sessions.start({
      task: 'Look after this folder',
      workspace: { path: dir, allow_dirty: true, policy: { mode: 'ask' } },
    });
    const reply = env.baton.sessions.send(session_id, 'Please list the files');
    await expect
      .poll(async () => (await env.baton.sessions.status(session_id)).pending_permission?.command, {
        timeout: 30_000,
      })
      .toBe('ls -a');
    const handle = env.baton.temporal.workflow.getHandle(session_id);
    await handle.executeUpdate(answerPermissionUpdate, { args: [{ approve: true }] });
    const result = await reply;
    expect(result.reply).toContain('hello.txt');
    expect(result.tool_calls?.[0]).toMatchObject({
      server: 'workspace',
      tool: 'bash ls -a',
      is_error: false,
    });
    expect((await env.baton.sessions.status(session_id)).pending_permission).toBeUndefined();
  });

  it('a denied command is not run, and the model hears why', async () => {
    env.model.setScript(
      parseOfflineScript({
        format: 'baton.offline-script',
        version: 1,
        steps: [
          {
            when: { match: 'clean up' },
            replies: [
              { text: 'Removing.', tool_calls: [{ name: 'bash', input: { command: 'rm keep.txt' } }] },
              { text: 'Result: {{tool_result}}' },
            ],
          },
        ],
      }),
    );
    const dir = freshFolder('deny');
    fs.writeFileSync(path.join(dir, 'keep.txt'), 'precious\n');
    const { session_id } = await env.baton.sessions.start({
      workspace: { path: dir, allow_dirty: true, policy: { mode: 'ask' } },
    });
    const reply = env.baton.sessions.send(session_id, 'clean up the folder');
    await expect
      .poll(async () => (await env.baton.sessions.status(session_id)).pending_permission?.command, {
        timeout: 30_000,
      })
      .toBe('rm keep.txt');
    const handle = env.baton.temporal.workflow.getHandle(session_id);
    await handle.executeUpdate(answerPermissionUpdate, { args: [{ approve: false, note: 'keep it' }] });
    const result = await reply;
    expect(result.reply).toContain('did not allow');
    expect(result.reply).toContain('keep it');
    expect(fs.readFileSync(path.join(dir, 'keep.txt'), 'utf8')).toBe('precious\n');
  });

  it('refuses an answer when no command waits, and a session without a workspace has none', async () => {
    const { session_id } = await env.baton.sessions.start({ task: 'No folder here' });
    const handle = env.baton.temporal.workflow.getHandle(session_id);
    const refused = await handle.executeUpdate(answerPermissionUpdate, { args: [{ approve: true }] }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect((refused as Error | undefined)?.cause).toBeInstanceOf(Error);
    expect(((refused as Error).cause as Error).message).toMatch(/No command is waiting for permission/);
    expect((await env.baton.sessions.status(session_id)).workspace).toBeUndefined();
  });
});

describe('forks of a session with a workspace', () => {
  it('explore tries two implementations side by side in worktrees; merge brings the chosen one back', async () => {
    env.model.setScript(
      parseOfflineScript({
        format: 'baton.offline-script',
        version: 1,
        steps: [
          {
            when: { match: 'the tests' },
            replies: [
              { text: 'Tests.', tool_calls: [createFile('test/sum.test.js', SUM_TEST)] },
              { text: 'Done.' },
            ],
          },
          {
            when: { match: 'try the wrong way' },
            replies: [
              { text: 'Subtracting.', tool_calls: [createFile('src/sum.js', WRONG_SUM)] },
              { text: 'Done.' },
            ],
          },
          {
            when: { match: 'try the right way' },
            replies: [
              { text: 'Adding.', tool_calls: [createFile('src/sum.js', RIGHT_SUM)] },
              { text: 'Done.' },
            ],
          },
        ],
      }),
    );
    const dir = freshFolder('explore');
    const { session_id } = await env.baton.sessions.start({ workspace: { path: dir } });
    await env.baton.sessions.send(session_id, 'Write the tests');
    const explored = await env.baton.sessions.explore(session_id, ['try the wrong way', 'try the right way']);
    expect(explored.variants.map((v) => v.error)).toEqual([undefined, undefined]);
    const [wrong, right] = await Promise.all(
      explored.variants.map((v) => env.baton.sessions.status(v.session_id)),
    );
    // Each fork works in a worktree of its own, on a branch of its own, beside the parent's folder.
    const folders = [wrong!.workspace!.path, right!.workspace!.path];
    expect(new Set([...folders, fs.realpathSync(dir)]).size).toBe(3);
    expect(fs.readFileSync(path.join(folders[0]!, 'src', 'sum.js'), 'utf8')).toBe(WRONG_SUM);
    expect(fs.readFileSync(path.join(folders[1]!, 'src', 'sum.js'), 'utf8')).toBe(RIGHT_SUM);
    expect(testsPass(folders[0]!)).toBe(false);
    expect(testsPass(folders[1]!)).toBe(true);
    // The parent's folder has neither yet.
    expect(fs.existsSync(path.join(dir, 'src', 'sum.js'))).toBe(false);

    const merged = await env.baton.sessions.merge(session_id, explored.variants[1]!.session_id);
    expect(merged.merge.workspace?.files).toContain('src/sum.js');
    expect(fs.readFileSync(path.join(dir, 'src', 'sum.js'), 'utf8')).toBe(RIGHT_SUM);
    expect(testsPass(dir)).toBe(true);
  });
});

describe('a SPEC reply cut off at the output limit', () => {
  const cutScript = (continuations: 'end' | 'always-cut') =>
    parseOfflineScript({
      format: 'baton.offline-script',
      version: 1,
      steps: [
        {
          when: { phase: 'analysis', match: 'Continue exactly where you stopped' },
          replies: [
            continuations === 'end'
              ? { text: ' and the second half of the plan.' }
              : { text: ' still more', stop_reason: 'max_tokens' },
          ],
        },
        {
          when: { phase: 'analysis' },
          replies: [{ text: 'The first half of the plan', stop_reason: 'max_tokens' }],
        },
      ],
    });

  it('is continued, and the phase keeps the whole reply', async () => {
    env.model.setScript(cutScript('end'));
    const id = uniqueId('SPEC-CUT');
    await env.baton.specs.start(sumSpec(id));
    const result = await env.baton.specs.result(id);
    const analysis = result.phases[0]!;
    expect(analysis.status).toBe('completed');
    expect(analysis.output).toBe('The first half of the plan and the second half of the plan.');
    expect(analysis.log).toContain('reply cut off at the output limit: continued (1 of 3)');
  });

  it('fails the phase clearly when it is still cut off after three continuations', async () => {
    env.model.setScript(cutScript('always-cut'));
    const id = uniqueId('SPEC-CUT-FAIL');
    await env.baton.specs.start(sumSpec(id));
    await expect
      .poll(async () => (await env.baton.specs.status(id)).status, { timeout: 30_000 })
      .toBe('awaiting_decision');
    const status = await env.baton.specs.status(id);
    expect(status.failure?.phase).toBe('analysis');
    expect(status.failure?.error).toMatch(
      /still cut off at the [\d,]+-token output limit after 3 continuations.*--max-output/,
    );
    await env.baton.specs.abort(id);
  });
});
