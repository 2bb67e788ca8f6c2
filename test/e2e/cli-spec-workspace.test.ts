/**
 * `baton spec run --workspace … --test-command …` end to end: the offline model follows
 * docs/examples/sum.offline-script.json (it writes the tests, then the code, in a real folder),
 * every gate runs `node --test` under bubblewrap, and the CLI prints each phase's verdict, the
 * files it changed and its commit as it happens. A folder the worker refuses (uncommitted changes)
 * makes `session start` and `spec run` fail with the worker's own words.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionStatusWithLink, SpecStatusWithLink } from '../../src/client';
import { parseOfflineScript } from '../../src/model';
import { ensureBubblewrap } from '../support/bubblewrap';
import { runCli } from '../support/run-cli';
import { SUM_SCRIPT } from '../support/sum-spec';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { uniqueId } from '../support/unique-id';
import { waitUntil } from '../support/wait-until';

let env: TestEnvironment;
let base: string;
beforeAll(async () => {
  await ensureBubblewrap();
  env = await startTestEnvironment({ workspaces: true });
  // The sum SPEC's script, and two turns that run a command (for the ask policy).
  const sum = JSON.parse(fs.readFileSync(SUM_SCRIPT, 'utf8')) as { steps: unknown[] };
  env.model.setScript(
    parseOfflineScript({
      ...sum,
      steps: [
        ...sum.steps,
        {
          when: { match: 'list the files' },
          replies: [
            { text: 'Listing.', tool_calls: [{ name: 'bash', input: { command: 'ls' } }] },
            { text: 'Here they are: {{tool_result}}' },
          ],
        },
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
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-cli-spec-ws-'));
}, 120_000);
afterAll(async () => {
  await env?.teardown();
  if (base) fs.rmSync(base, { recursive: true, force: true });
});

const specFlags = [
  '--title',
  'A sum function',
  '--req',
  'sum(a, b) adds two numbers',
  '--req',
  'anything but numbers is a TypeError',
];

/** `baton spec run` of the sum SPEC in `dir`, gated by `node --test`, phases only (no streamed text). */
function runSumSpec(specId: string, dir: string) {
  return runCli(
    ['spec', 'run', specId, ...specFlags, '--workspace', dir, '--test-command', 'node --test', '--no-stream'],
    env.cliEnv,
  );
}

function folder(name: string): string {
  const dir = path.join(base, uniqueId(name));
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

describe('baton spec run --workspace --test-command', () => {
  it('prints each phase as it ends: the gate, the last lines of the tests, the files and the commit', async () => {
    const specId = uniqueId('SPEC-CLISUM');
    const dir = folder('sum');
    const run = await runSumSpec(specId, dir);
    expect(run.code).toBe(0);
    const live = run.stderr;
    expect(live).toMatch(
      /\[spec\] ✓ phase 1\/4 analysis completed · attempts 1 · [\d,]+ tokens · \$\d+\.\d{4}/,
    );
    expect(live).toMatch(/\[spec\] ✓ phase 2\/4 red completed · attempts 1 · [\d,]+ tokens · \$\d+\.\d{4}/);
    expect(live).toMatch(/gate {5}tests must fail · ok · `node --test` exit 1 · \d+\.\ds/);
    expect(live).toContain('`node --test` failed (exit 1), as tests written before the code should.');
    expect(live).toMatch(/changed {2}1 file changed: test\/sum\.test\.js · commit [0-9a-f]{12}/);
    expect(live).toMatch(/\[spec\] ✓ phase 3\/4 green completed/);
    expect(live).toMatch(/gate {5}tests must pass · ok · `node --test` exit 0 · \d+\.\ds/);
    expect(live).toMatch(/changed {2}1 file changed: src\/sum\.js · commit [0-9a-f]{12}/);
    expect(live).toMatch(/\[spec\] ✓ phase 4\/4 refactor completed/);
    // The lines under each gate are the end of the test run's real output.
    expect(live).toMatch(/│ .*# pass 2/);

    // The final status says the same, and names the folder and its test command.
    expect(run.stdout).toContain(`SPEC ${specId} · A sum function · completed`);
    expect(run.stdout).toMatch(
      new RegExp(`workspace ${dir.replaceAll('/', '\\/')}.* · tests \`node --test\``),
    );

    const status = JSON.parse(
      (await runCli(['spec', 'status', specId, '--json'], env.cliEnv)).stdout,
    ) as SpecStatusWithLink;
    const [, red, green] = status.phases;
    expect(red?.gate).toMatchObject({
      expect: 'fail',
      ok: true,
      verification: { command: 'node --test', passed: false },
    });
    expect(green?.gate).toMatchObject({
      expect: 'pass',
      ok: true,
      verification: { exit_code: 0, passed: true },
    });
    expect(green?.files_changed).toEqual(['src/sum.js']);
    // The commit it names is the folder's, as git shows it.
    const log = execFileSync('git', ['log', '--format=%H'], { cwd: dir, encoding: 'utf8' }).split('\n');
    expect(log).toContain(green?.commit);
  });
});

describe('a folder the worker refuses', () => {
  function dirtyRepo(): string {
    const dir = folder('dirty');
    execFileSync('git', ['init', '-q'], { cwd: dir });
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not committed\n');
    return dir;
  }

  it('spec run exits 1 with the worker’s reason and what to do', async () => {
    const specId = uniqueId('SPEC-DIRTY');
    const dir = dirtyRepo();
    const run = await runSumSpec(specId, dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `baton: SPEC ${specId} failed (DirtyWorkspace): The workspace ${fs.realpathSync(dir)} has uncommitted changes (notes.txt). ` +
        'Commit or stash them first, or pass --allow-dirty',
    );
    expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('not committed\n');
  });

  it('session start exits 1 with the worker’s reason; --allow-dirty takes the folder as it is', async () => {
    const dir = dirtyRepo();
    const id = uniqueId('sess_dirty');
    const refused = await runCli(['session', 'start', '--id', id, '--workspace', dir], env.cliEnv);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toMatch(
      new RegExp(
        `^baton: Session ${id} could not start: The workspace ${fs.realpathSync(dir).replaceAll('/', '\\/')} has uncommitted changes \\(notes\\.txt\\)\\. Commit or stash them first, or pass --allow-dirty`,
      ),
    );

    const accepted = uniqueId('sess_dirty_ok');
    const started = await runCli(
      ['session', 'start', '--id', accepted, '--workspace', dir, '--allow-dirty'],
      env.cliEnv,
    );
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    const status = await runCli(['session', 'status', accepted], env.cliEnv);
    expect(status.stdout).toContain(`  workspace   ${fs.realpathSync(dir)}`);
    expect(status.stdout).toMatch(/worker .* · commands run in bubblewrap/);
  });
});

describe('baton session allow | deny under --policy ask', () => {
  it('shows the command waiting, runs it once allowed, and tells the model why when denied', async () => {
    const dir = folder('ask');
    fs.writeFileSync(path.join(dir, 'keep.txt'), 'precious\n');
    const id = uniqueId('sess_ask');
    const started = await runCli(
      ['session', 'start', '--id', id, '--workspace', dir, '--allow-dirty', '--policy', 'ask'],
      env.cliEnv,
    );
    expect(started.code).toBe(0);

    const waitingFor = (command: string) =>
      waitUntil(
        async () =>
          JSON.parse(
            (await runCli(['session', 'status', id, '--json'], env.cliEnv)).stdout,
          ) as SessionStatusWithLink,
        (s) => s.pending_permission?.command === command,
        { what: `${command} to wait for permission` },
      );

    const listing = runCli(['session', 'send', id, 'Please list the files', '--no-stream'], env.cliEnv);
    await waitingFor('ls');
    const status = await runCli(['session', 'status', id], env.cliEnv);
    expect(status.stdout).toMatch(
      /WAITING {5}permission to run `ls` \(asked .*: the session asks before every command\)/,
    );
    expect(status.stdout).toContain(`allow: baton session allow ${id}`);
    const allowed = await runCli(['session', 'allow', id], env.cliEnv);
    expect(allowed.stderr).toBe('');
    expect(allowed.stdout).toContain(`Allowed: the command waiting in ${id} runs now.`);
    const listed = await listing;
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('keep.txt');

    const cleaning = runCli(['session', 'send', id, 'clean up the folder', '--no-stream'], env.cliEnv);
    await waitingFor('rm keep.txt');
    const denied = await runCli(['session', 'deny', id, '--note', 'keep it, it is precious'], env.cliEnv);
    expect(denied.code).toBe(0);
    expect(denied.stdout).toContain(
      `Denied: the command waiting in ${id} does not run; the model is told what to do instead.`,
    );
    const cleaned = await cleaning;
    expect(cleaned.stdout).toContain('keep it, it is precious');
    expect(fs.readFileSync(path.join(dir, 'keep.txt'), 'utf8')).toBe('precious\n');
    expect((await runCli(['session', 'status', id], env.cliEnv)).stdout).not.toContain('WAITING');
  });
});
