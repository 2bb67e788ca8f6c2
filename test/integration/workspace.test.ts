/**
 * Workspaces on a worker, for real: git repositories, the text editor on real files, and commands
 * under Debian's bubblewrap (installed by scripts/ensure-bubblewrap.sh when missing). No Temporal
 * here; test/integration/workspace-activities.test.ts runs the same through activities.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileConversationStore } from '../../src/store';
import {
  claimWorkspace,
  commitWorkspace,
  DirtyWorkspaceError,
  forkWorkspace,
  GitRepository,
  INITIAL_COMMIT_MESSAGE,
  restoreWorkspace,
  runBashTool,
  runEditorTool,
  UnknownCommitError,
  verifyWorkspace,
  WorkspaceHost,
  WorkspaceUnusableError,
} from '../../src/workspace';
import { ensureBubblewrap } from '../support/bubblewrap';
import { waitUntil } from '../support/wait-until';
import { processesWith } from '../support/workspace-checks';

let base: string;
let store: FileConversationStore;
let host: WorkspaceHost;

/** A fresh folder for one test. */
function folder(name: string): string {
  const dir = path.join(base, `${name}-${randomUUID().slice(0, 8)}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** A claimed workspace with one file committed. */
async function workspace(name: string, files: Record<string, string> = { 'README.md': '# demo\n' }) {
  const dir = folder(name);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  const claim = await claimWorkspace(host, { path: dir });
  return { dir: claim.path, claim };
}

const scope = () => `test/${randomUUID()}`;
const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-c', `safe.directory=${dir}`, ...args], { cwd: dir, encoding: 'utf8' }).trim();

beforeAll(async () => {
  await ensureBubblewrap();
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-ws-'));
  store = new FileConversationStore({ root: path.join(base, 'store') });
  host = await WorkspaceHost.create({ stateDir: path.join(base, 'state'), store });
  expect(host.sandbox.mode).toBe('bubblewrap');
});

afterAll(async () => {
  await store.close();
  fs.rmSync(base, { recursive: true, force: true });
});

describe('claiming a folder', () => {
  it('initialises a repository around existing files and commits them as found', async () => {
    const { dir, claim } = await workspace('init', { 'src/app.js': 'module.exports = 1;\n' });
    expect(claim.initialized).toBe(true);
    expect(claim.head).toMatch(/^[0-9a-f]{40}$/);
    expect(git(dir, 'log', '--format=%s|%an')).toBe(`${INITIAL_COMMIT_MESSAGE}|baton`);
    expect(git(dir, 'ls-files')).toBe('src/app.js');
    expect(claim.task_queue).toBe(host.taskQueue);
    expect(claim.sandbox.mode).toBe('bubblewrap');
  });

  it('creates a missing folder', async () => {
    const dir = path.join(folder('parent'), 'new', 'ws');
    const claim = await claimWorkspace(host, { path: dir });
    expect(fs.existsSync(path.join(dir, '.git'))).toBe(true);
    expect(claim.head).toMatch(/^[0-9a-f]{40}$/);
  });

  it('refuses a repository with uncommitted changes, naming them, unless allowed', async () => {
    const { dir } = await workspace('dirty');
    fs.writeFileSync(path.join(dir, 'README.md'), 'changed\n');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'new\n');
    const error: unknown = await claimWorkspace(host, { path: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DirtyWorkspaceError);
    expect((error as Error).message).toMatch(/uncommitted changes \(README\.md, notes\.txt\).*--allow-dirty/);
    // Nothing was changed by the refusal.
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toBe('changed\n');
    const allowed = await claimWorkspace(host, { path: dir, allow_dirty: true });
    expect(allowed.initialized).toBe(false);
    expect(git(dir, 'status', '--porcelain')).toContain('notes.txt');
  });

  it('refuses a file, a relative path and a folder inside another repository', async () => {
    const { dir } = await workspace('outer');
    fs.writeFileSync(path.join(dir, 'file.txt'), 'x');
    await expect(claimWorkspace(host, { path: path.join(dir, 'file.txt') })).rejects.toBeInstanceOf(
      WorkspaceUnusableError,
    );
    await expect(claimWorkspace(host, { path: 'relative/ws' })).rejects.toThrow(/must be absolute/);
    fs.mkdirSync(path.join(dir, 'sub'));
    await expect(claimWorkspace(host, { path: path.join(dir, 'sub') })).rejects.toThrow(
      new RegExp(`inside the git repository ${dir}\\. Use ${dir} as the workspace`),
    );
  });
});

describe('the text editor', () => {
  it('creates, views, replaces and inserts in real files', async () => {
    const { dir } = await workspace('editor');
    const s = scope();
    const call = (tool_use_id: string, input: unknown) =>
      runEditorTool(host, { path: dir, tool_use_id, input }, { scope: s });
    const created = await call('e1', {
      command: 'create',
      path: 'src/limiter.js',
      file_text: 'const a = 1;\nconst b = 2;\n',
    });
    expect(created).toMatchObject({ is_error: false, status: 'completed' });
    expect(created.content).toBe('File created successfully at: src/limiter.js (2 lines)');
    const replaced = await call('e2', {
      command: 'str_replace',
      path: `${dir}/src/limiter.js`,
      old_str: 'const b = 2;',
      new_str: 'const b = 3;',
    });
    expect(replaced.is_error).toBe(false);
    expect(replaced.content).toContain('     2\tconst b = 3;');
    await call('e3', {
      command: 'insert',
      path: 'src/limiter.js',
      insert_line: 0,
      insert_text: "'use strict';",
    });
    expect(fs.readFileSync(path.join(dir, 'src/limiter.js'), 'utf8')).toBe(
      "'use strict';\nconst a = 1;\nconst b = 3;\n",
    );
    const viewed = await call('e4', { command: 'view', path: 'src/limiter.js', view_range: [2, 3] });
    expect(viewed.content).toBe('     2\tconst a = 1;\n     3\tconst b = 3;');
    const listing = await call('e5', { command: 'view', path: '.' });
    expect(listing.content).toContain('src/limiter.js');
  });

  it('answers mistakes with errors the model can act on, changing nothing', async () => {
    const { dir } = await workspace('editor-errors', { 'a.txt': 'x\nx\n' });
    const s = scope();
    const call = (tool_use_id: string, input: unknown) =>
      runEditorTool(host, { path: dir, tool_use_id, input }, { scope: s });
    expect(
      (await call('m1', { command: 'str_replace', path: 'a.txt', old_str: 'x', new_str: 'y' })).content,
    ).toMatch(/Multiple occurrences of old_str in lines 1, 2/);
    expect(
      (await call('m2', { command: 'str_replace', path: 'a.txt', old_str: 'zzz', new_str: 'y' })).content,
    ).toMatch(/did not appear verbatim/);
    expect((await call('m3', { command: 'view', path: 'missing.txt' })).content).toMatch(/does not exist/);
    expect(
      (await call('m4', { command: 'insert', path: 'a.txt', insert_line: 9, insert_text: 'y' })).content,
    ).toMatch(/past the end of a\.txt, which has 2 lines/);
    expect((await call('m5', { command: 'create', path: 'a.txt/b', file_text: '' })).is_error).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8')).toBe('x\nx\n');
  });

  it('refuses paths that leave the workspace: .., absolute paths elsewhere, .git, and symlinks leading out', async () => {
    const { dir } = await workspace('escapes');
    const outside = folder('outside');
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'top secret');
    fs.symlinkSync(outside, path.join(dir, 'link-out'));
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'secret-link.txt'));
    fs.symlinkSync(path.join(outside, 'not-yet.txt'), path.join(dir, 'dangling.txt'));
    fs.mkdirSync(path.join(dir, 'inner'));
    fs.symlinkSync(path.join(dir, 'README.md'), path.join(dir, 'inner', 'readme-link.md'));
    const s = scope();
    const call = (tool_use_id: string, input: unknown) =>
      runEditorTool(host, { path: dir, tool_use_id, input }, { scope: s });
    const refusals: [unknown, RegExp][] = [
      [{ command: 'view', path: '../outside/secret.txt' }, /'\.\.'/],
      [{ command: 'view', path: path.join(outside, 'secret.txt') }, /outside the workspace/],
      [{ command: 'create', path: '/etc/baton-test', file_text: 'x' }, /outside the workspace/],
      [{ command: 'view', path: '.git/config' }, /inside \.git/],
      [{ command: 'view', path: 'link-out/secret.txt' }, /leads outside the workspace through a symlink/],
      [{ command: 'create', path: 'link-out/planted.txt', file_text: 'x' }, /leads outside the workspace/],
      [{ command: 'view', path: 'secret-link.txt' }, /leads outside the workspace/],
      [{ command: 'str_replace', path: 'secret-link.txt', old_str: 'top', new_str: 'no' }, /leads outside/],
      [
        { command: 'create', path: 'dangling.txt', file_text: 'x' },
        /symlink that points nowhere|leads outside/,
      ],
    ];
    for (const [input, message] of refusals) {
      const result = await call(randomUUID(), input);
      expect(result.is_error, JSON.stringify(input)).toBe(true);
      expect(result.content).toMatch(message);
    }
    expect(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
    expect(fs.readdirSync(outside)).toEqual(['secret.txt']);
    // A symlink that stays inside the workspace is fine.
    expect((await call('inside', { command: 'view', path: 'inner/readme-link.md' })).content).toContain(
      '# demo',
    );
  });
});

describe('commands in the sandbox', () => {
  it('runs in the workspace, which it can write, and nowhere else', async () => {
    const { dir } = await workspace('sandbox-fs');
    const outside = folder('sandbox-outside');
    const result = await runBashTool(
      host,
      {
        path: dir,
        tool_use_id: 'fs',
        input: {
          command: `pwd; echo made > made.txt; echo no > ${outside}/x.txt; touch /usr/baton-x; echo hook > .git/hooks/pre-commit; echo done`,
        },
      },
      { scope: scope() },
    );
    expect(result.content.split('\n')[0]).toBe(dir);
    expect(fs.readFileSync(path.join(dir, 'made.txt'), 'utf8')).toBe('made\n');
    expect(fs.existsSync(path.join(outside, 'x.txt'))).toBe(false);
    expect(fs.existsSync('/usr/baton-x')).toBe(false);
    expect(fs.existsSync(path.join(dir, '.git/hooks/pre-commit'))).toBe(false);
    expect(result.content).toMatch(/Read-only file system/);
  });

  it('cannot reach the network, even a server on the worker’s own loopback', async () => {
    let requests = 0;
    const server = http.createServer((_req, res) => {
      requests++;
      res.end('reached');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const { dir } = await workspace('network');
      const probe = `node -e "require('http').get('http://127.0.0.1:${port}', r => { console.log('reached', r.statusCode) }).on('error', e => { console.log('blocked', e.code); process.exit(3) })"`;
      const sandboxed = await runBashTool(
        host,
        { path: dir, tool_use_id: 'net', input: { command: probe } },
        { scope: scope() },
      );
      expect(sandboxed.exit_code).toBe(3);
      expect(sandboxed.content).toMatch(/blocked ECONNREFUSED/);
      expect(requests).toBe(0);
      // The same probe without the sandbox does reach the server: the refusal above is the sandbox's.
      const unsafe = await WorkspaceHost.create({
        stateDir: path.join(base, 'state-unsafe'),
        store,
        unsafeCommands: true,
      });
      const open = await runBashTool(
        unsafe,
        { path: dir, tool_use_id: 'net-open', input: { command: probe } },
        { scope: scope() },
      );
      expect(open.content).toContain('reached 200');
      expect(requests).toBe(1);
    } finally {
      server.close();
    }
  });

  it('gives commands no secret: not the worker’s keys, database URLs, tokens, nor its credential files', async () => {
    const home = folder('worker-home');
    fs.mkdirSync(path.join(home, '.ssh'));
    fs.writeFileSync(path.join(home, '.ssh', 'id_ed25519'), 'PRIVATE-KEY-MATERIAL');
    fs.writeFileSync(path.join(home, '.npmrc'), '//registry.npmjs.org/:_authToken=npm_SECRETTOKEN');
    const secrets = {
      ANTHROPIC_API_KEY: 'sk-ant-secret-1',
      BATON_ENCRYPTION_KEY: 'baton-secret-2',
      BATON_STORE_URL: 'postgres://baton:pw-secret-3@db/baton',
      DATABASE_URL: 'postgres://u:pw-secret-4@db/x',
      PGPASSWORD: 'pg-secret-5',
      GITHUB_TOKEN: 'ghp-secret-6',
      AWS_SECRET_ACCESS_KEY: 'aws-secret-7',
      MY_SERVICE_TOKEN: 'token-secret-8',
      TEMPORAL_API_KEY: 'temporal-secret-9',
    };
    const secretHost = await WorkspaceHost.create({
      stateDir: path.join(base, 'state-secrets'),
      store,
      env: { PATH: process.env.PATH, HOME: home, HARMLESS_SETTING: 'visible', ...secrets },
      // Asking for secrets by name does not let them through.
      passEnv: ['HARMLESS_SETTING', 'MY_SERVICE_TOKEN', 'DATABASE_URL'],
    });
    const { dir } = await workspace('secrets');
    const result = await runBashTool(
      secretHost,
      {
        path: dir,
        tool_use_id: 'env',
        input: {
          command: `env; cat /proc/self/environ | tr '\\0' '\\n'; cat ${home}/.ssh/id_ed25519 ${home}/.npmrc; ls -a ${home}/.ssh; echo end`,
        },
      },
      { scope: scope() },
    );
    expect(result.content).toContain('HARMLESS_SETTING=visible');
    expect(result.content).toContain('end');
    for (const [name, value] of Object.entries(secrets)) {
      expect(result.content, name).not.toContain(value);
      expect(result.content, name).not.toContain(`${name}=`);
    }
    expect(result.content).not.toContain('PRIVATE-KEY-MATERIAL');
    expect(result.content).not.toContain('npm_SECRETTOKEN');
  });

  it('kills a command that exceeds its time limit, with everything it started', async () => {
    const { dir } = await workspace('timeout');
    const marker = `${300 + Math.floor(Math.random() * 600)}.${Date.now() % 100_000}`;
    const result = await runBashTool(
      host,
      {
        path: dir,
        tool_use_id: 'slow',
        input: { command: `sleep ${marker} & echo started; sleep ${marker}` },
        timeout_ms: 1_500,
      },
      { scope: scope() },
    );
    expect(result.timed_out).toBe(true);
    expect(result.exit_code).toBeNull();
    expect(result.content).toMatch(/^started\n\[baton: the command was killed after 2 s, its time limit/);
    await waitUntil(() => processesWith(`sleep ${marker}`).length === 0, Boolean, {
      what: 'the sandboxed sleeps to be gone',
    });
  });

  it('kills a command when its call is cancelled', async () => {
    const { dir } = await workspace('cancel');
    const marker = `${300 + Math.floor(Math.random() * 600)}.${Date.now() % 100_000}`;
    const controller = new AbortController();
    const running = runBashTool(
      host,
      { path: dir, tool_use_id: 'cancel', input: { command: `touch started; sleep ${marker}` } },
      { scope: scope(), signal: controller.signal },
    );
    await waitUntil(() => fs.existsSync(path.join(dir, 'started')), Boolean, {
      what: 'the command to start',
    });
    controller.abort();
    const result = await running;
    expect(result.content).toContain('[baton: the command was cancelled.]');
    await waitUntil(() => processesWith(`sleep ${marker}`).length === 0, Boolean, {
      what: 'the sleep to be gone',
    });
  });

  it('cuts long output in the middle and keeps its end', async () => {
    const { dir } = await workspace('long-output');
    const result = await runBashTool(
      host,
      {
        path: dir,
        tool_use_id: 'long',
        input: { command: 'seq 1 200000; echo LAST-LINE' },
        max_output_chars: 5_000,
      },
      { scope: scope() },
    );
    expect(result.truncated).toBe(true);
    expect(result.content.length).toBeLessThanOrEqual(5_000);
    expect(result.content.startsWith('1\n2\n')).toBe(true);
    expect(result.content.endsWith('LAST-LINE')).toBe(true);
  });

  it('follows the session’s policy: refuses what the allow-list does not cover, and waits for approval under ask', async () => {
    const { dir } = await workspace('policy');
    const policy = { mode: 'allow_list' as const, prefixes: ['echo'] };
    const s = scope();
    const denied = await runBashTool(
      host,
      { path: dir, tool_use_id: 'p1', input: { command: 'echo ok; touch planted' }, policy },
      { scope: s },
    );
    expect(denied).toMatchObject({ status: 'refused', is_error: true });
    expect(denied.content).toMatch(/"touch planted" does not start with an allowed prefix/);
    expect(fs.existsSync(path.join(dir, 'planted'))).toBe(false);
    expect(
      (
        await runBashTool(
          host,
          { path: dir, tool_use_id: 'p2', input: { command: 'echo ok' }, policy },
          { scope: s },
        )
      ).content,
    ).toBe('ok');
    const unapproved = await runBashTool(
      host,
      { path: dir, tool_use_id: 'p3', input: { command: 'touch asked' }, policy: { mode: 'ask' } },
      { scope: s },
    );
    expect(unapproved.content).toMatch(/needs a person's approval/);
    expect(fs.existsSync(path.join(dir, 'asked'))).toBe(false);
    await runBashTool(
      host,
      {
        path: dir,
        tool_use_id: 'p4',
        input: { command: 'touch asked' },
        policy: { mode: 'ask' },
        approved: true,
      },
      { scope: s },
    );
    expect(fs.existsSync(path.join(dir, 'asked'))).toBe(true);
  });

  it('refuses commands where bubblewrap cannot run, saying how to install it or opt out', async () => {
    const missing = await WorkspaceHost.create({
      stateDir: path.join(base, 'state-nobwrap'),
      store,
      env: { PATH: process.env.PATH, BATON_BWRAP: path.join(base, 'no-such-bwrap') },
    });
    expect(missing.sandbox.mode).toBe('unavailable');
    const { dir } = await workspace('nobwrap');
    const result = await runBashTool(
      missing,
      { path: dir, tool_use_id: 'x', input: { command: 'touch ran' } },
      { scope: scope() },
    );
    expect(result).toMatchObject({ status: 'refused', is_error: true });
    expect(result.content).toMatch(/apt-get install bubblewrap.*--unsafe-commands/);
    expect(fs.existsSync(path.join(dir, 'ran'))).toBe(false);
    await expect(verifyWorkspace(missing, { path: dir, command: 'true' }, {})).rejects.toThrow(
      /apt-get install bubblewrap/,
    );
  });
});

describe('tool calls run once', () => {
  it('a tool_use_id seen before returns the recorded result without running again', async () => {
    const { dir } = await workspace('idempotent');
    const s = scope();
    const input = {
      path: dir,
      tool_use_id: 'toolu_once',
      input: { command: 'echo run >> runs.txt; wc -l < runs.txt' },
    };
    const first = await runBashTool(host, input, { scope: s });
    const second = await runBashTool(host, input, { scope: s });
    expect(first).toMatchObject({ status: 'completed', content: '1' });
    expect(second).toMatchObject({ status: 'replayed', content: '1' });
    expect(fs.readFileSync(path.join(dir, 'runs.txt'), 'utf8')).toBe('run\n');
    // Another run's call with the same id is another call.
    expect((await runBashTool(host, input, { scope: scope() })).content).toBe('2');
  });

  it('a call that started and never finished is reported as interrupted, not run again', async () => {
    const { dir } = await workspace('interrupted');
    const s = scope();
    // What a worker that died mid-call leaves behind: the call marked started, no result.
    await host.journalFor(dir).markStarted(`${s}/toolu_cut`, 'tool: bash touch ran');
    const result = await runBashTool(
      host,
      { path: dir, tool_use_id: 'toolu_cut', input: { command: 'touch ran' } },
      { scope: s },
    );
    expect(result).toMatchObject({ status: 'interrupted', is_error: true });
    expect(result.content).toMatch(/tool: bash touch ran was interrupted.*not run again/);
    expect(fs.existsSync(path.join(dir, 'ran'))).toBe(false);
  });
});

describe('checkpoints', () => {
  it('commits, restores and verifies, and a bundle recreates the workspace in another folder', async () => {
    const { dir } = await workspace('checkpoint', {
      'package.json': '{"name":"x"}\n',
      '.gitignore': 'deps/\n',
    });
    fs.writeFileSync(path.join(dir, 'sum.js'), 'module.exports = (a, b) => a + b;\n');
    const first = await commitWorkspace(host, {
      path: dir,
      message: 'baton: phase 3 green complete',
      checkpoint: true,
    });
    expect(first.changed).toBe(true);
    expect(first.files).toEqual(['sum.js']);
    expect(git(dir, 'log', '-1', '--format=%s')).toBe('baton: phase 3 green complete');
    const again = await commitWorkspace(host, { path: dir, message: 'nothing new' });
    expect(again).toEqual({ commit: first.commit, changed: false, files: [] });
    const check = 'node -e "process.exit(require(\'./sum.js\')(2, 3) === 5 ? 0 : 1)"';
    expect(await verifyWorkspace(host, { path: dir, command: check }, {})).toMatchObject({
      passed: true,
      exit_code: 0,
      timed_out: false,
    });

    fs.writeFileSync(path.join(dir, 'sum.js'), 'module.exports = () => 0;\n');
    fs.writeFileSync(path.join(dir, 'stray.txt'), 'x');
    fs.mkdirSync(path.join(dir, 'deps'));
    fs.writeFileSync(path.join(dir, 'deps', 'kept.js'), 'ignored files stay');
    const failing = await verifyWorkspace(
      host,
      { path: dir, command: `${check} || (echo "1 failed" && exit 1)` },
      {},
    );
    expect(failing).toMatchObject({ passed: false, exit_code: 1, output_tail: '1 failed' });
    const restored = await restoreWorkspace(host, { path: dir, commit: first.commit });
    expect(restored.files).toEqual(['stray.txt', 'sum.js']);
    expect(fs.readFileSync(path.join(dir, 'sum.js'), 'utf8')).toContain('a + b');
    expect(fs.existsSync(path.join(dir, 'stray.txt'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'deps', 'kept.js'))).toBe(true);

    // Another worker's disk: a new folder recreated from the bundle in the store.
    const elsewhere = path.join(folder('recreated'), 'ws');
    const claim = await claimWorkspace(host, { path: elsewhere, checkpoint: first.checkpoint! });
    expect(claim).toMatchObject({ head: first.commit, recreated: true });
    expect(fs.readFileSync(path.join(elsewhere, 'sum.js'), 'utf8')).toContain('a + b');
    expect(git(elsewhere, 'status', '--porcelain')).toBe('');
  });

  it('takes over a folder a killed worker left in the middle of a git command', async () => {
    const { dir } = await workspace('takeover');
    fs.writeFileSync(path.join(dir, 'a.txt'), 'checkpointed\n');
    const made = await commitWorkspace(host, { path: dir, message: 'baton: checkpoint', checkpoint: true });
    fs.writeFileSync(path.join(dir, 'a.txt'), 'half-written by the dead worker\n');
    // The dead worker's git left its lock behind: every later git write refuses to run while it is there.
    const lock = path.join(dir, '.git', 'index.lock');
    fs.writeFileSync(lock, '');
    const fresh = await claimWorkspace(host, { path: dir, checkpoint: made.checkpoint! }).catch(
      (e: unknown) => e,
    );
    // A lock this young may be a git command still running: it stays, and the retryable failure
    // says what is in the way.
    expect(fresh).toBeInstanceOf(Error);
    expect((fresh as Error).message).toContain('index.lock');
    expect(fs.existsSync(lock)).toBe(true);

    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, past, past);
    const claim = await claimWorkspace(host, { path: dir, checkpoint: made.checkpoint! });
    expect(claim).toMatchObject({ head: made.commit, recreated: true });
    expect(fs.existsSync(lock)).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8')).toBe('checkpointed\n');
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('restores a commit the repository lacks from its bundle, and says when neither has it', async () => {
    const { dir } = await workspace('from-bundle');
    fs.writeFileSync(path.join(dir, 'a.txt'), 'checkpointed\n');
    const made = await commitWorkspace(host, { path: dir, message: 'baton: checkpoint', checkpoint: true });
    const { dir: other } = await workspace('lacking');
    await expect(restoreWorkspace(host, { path: other, commit: made.commit })).rejects.toBeInstanceOf(
      UnknownCommitError,
    );
    const restored = await restoreWorkspace(host, {
      path: other,
      commit: made.commit,
      bundle_id: made.checkpoint!.bundle_id,
    });
    expect(restored.commit).toBe(made.commit);
    expect(fs.readFileSync(path.join(other, 'a.txt'), 'utf8')).toBe('checkpointed\n');
    expect(await new GitRepository(other).head()).toBe(made.commit);
  });

  it('puts a workspace that moved on back to its checkpoint when claimed with it', async () => {
    const { dir } = await workspace('moved-on');
    fs.writeFileSync(path.join(dir, 'a.txt'), 'one\n');
    const made = await commitWorkspace(host, { path: dir, message: 'baton: one', checkpoint: true });
    fs.writeFileSync(path.join(dir, 'a.txt'), 'half-done work of a worker that died\n');
    const claim = await claimWorkspace(host, { path: dir, checkpoint: made.checkpoint! });
    expect(claim.recreated).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8')).toBe('one\n');
  });

  it('refuses to recreate a checkpoint over a folder that holds something else, and deletes nothing', async () => {
    const { dir } = await workspace('the-workspace');
    fs.writeFileSync(path.join(dir, 'a.txt'), 'checkpointed\n');
    const made = await commitWorkspace(host, { path: dir, message: 'baton: checkpoint', checkpoint: true });
    // On the next worker's disk, the same path holds someone's files, or another project's repository.
    const plain = folder('plain-files');
    fs.writeFileSync(path.join(plain, 'notes.txt'), 'not baton’s\n');
    const plainError: unknown = await claimWorkspace(host, {
      path: plain,
      checkpoint: made.checkpoint!,
    }).catch((e: unknown) => e);
    expect(plainError).toBeInstanceOf(WorkspaceUnusableError);
    expect((plainError as Error).message).toMatch(
      /holds files outside any git repository, so it is not a copy of the workspace.*Move that folder away/,
    );
    expect(fs.readdirSync(plain)).toEqual(['notes.txt']);

    const { dir: other } = await workspace('other-project', { 'main.go': 'package main\n' });
    fs.writeFileSync(path.join(other, 'wip.go'), 'package main // unsaved\n');
    const head = git(other, 'rev-parse', 'HEAD');
    const otherError: unknown = await claimWorkspace(host, {
      path: other,
      checkpoint: made.checkpoint!,
    }).catch((e: unknown) => e);
    expect(otherError).toBeInstanceOf(WorkspaceUnusableError);
    expect((otherError as Error).message).toMatch(/is a git repository with other history/);
    expect(git(other, 'rev-parse', 'HEAD')).toBe(head);
    expect(fs.readFileSync(path.join(other, 'wip.go'), 'utf8')).toBe('package main // unsaved\n');
    expect(git(other, 'for-each-ref', 'refs/baton/')).toBe('');

    // An older copy of the workspace itself is brought forward; an empty folder is filled.
    const { dir: older } = await workspace('older-copy');
    const olderMade = await commitWorkspace(host, { path: older, message: 'baton: one', checkpoint: true });
    const copy = path.join(folder('copy'), 'ws');
    await claimWorkspace(host, { path: copy, checkpoint: olderMade.checkpoint! });
    fs.writeFileSync(path.join(older, 'b.txt'), 'two\n');
    const newer = await commitWorkspace(host, { path: older, message: 'baton: two', checkpoint: true });
    fs.writeFileSync(path.join(copy, 'half-done.txt'), 'a dead worker’s work\n');
    const claim = await claimWorkspace(host, { path: copy, checkpoint: newer.checkpoint! });
    expect(claim).toMatchObject({ head: newer.commit, recreated: true });
    expect(fs.existsSync(path.join(copy, 'half-done.txt'))).toBe(false);
    const empty = folder('empty');
    expect(await claimWorkspace(host, { path: empty, checkpoint: newer.checkpoint! })).toMatchObject({
      head: newer.commit,
      recreated: true,
    });
  });

  it('gives a fork its own worktree and branch, so two variants can differ side by side', async () => {
    const { dir, claim } = await workspace('forked');
    const a = await forkWorkspace(host, { path: dir, fork_id: 'explore-redis', commit: claim.head! });
    const b = await forkWorkspace(host, { path: dir, fork_id: 'explore-memcached', commit: claim.head! });
    expect(a.branch).toBe('baton/explore-redis');
    fs.writeFileSync(path.join(a.path, 'cache.txt'), 'redis\n');
    fs.writeFileSync(path.join(b.path, 'cache.txt'), 'memcached\n');
    const ca = await commitWorkspace(host, { path: a.path, message: 'redis variant' });
    const cb = await commitWorkspace(host, { path: b.path, message: 'memcached variant' });
    expect(ca.commit).not.toBe(cb.commit);
    expect(git(dir, 'show', `baton/explore-redis:cache.txt`)).toBe('redis');
    expect(fs.existsSync(path.join(dir, 'cache.txt'))).toBe(false);
    // Asking again returns the same worktree; a bad fork id is refused.
    expect(
      (await forkWorkspace(host, { path: dir, fork_id: 'explore-redis', commit: claim.head! })).path,
    ).toBe(a.path);
    await expect(
      forkWorkspace(host, { path: dir, fork_id: '../escape', commit: claim.head! }),
    ).rejects.toThrow(/fork_id must be/);
  });
});
