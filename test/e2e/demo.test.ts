/**
 * `npm run demo` as a user runs it (`tsx src/demo.ts`, the step after the bootstrap), against the
 * test run's dev server: a short session, then the sum SPEC implemented in a fresh folder by the
 * offline model's script, with real files, git and `node --test` under bubblewrap. The demo checks
 * itself: it exits 0 only when RED left failing tests and GREEN and refactor passing ones (the
 * failing case is test/integration/spec-demo.test.ts, in process, to keep this file to one run).
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { ensureBubblewrap } from '../support/bubblewrap';
import { uniqueId } from '../support/unique-id';

const REPO = path.join(__dirname, '..', '..');
let base: string;
const folders: string[] = [];

beforeAll(async () => {
  await ensureBubblewrap();
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-demo-test-'));
});

afterAll(() => {
  for (const dir of [base, ...folders]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the demo in a child process with its own state folder and task queue on the test server. */
function runDemo(
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { ANTHROPIC_API_KEY: _key, ANTHROPIC_BASE_URL: _url, ...env } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [require.resolve('tsx/cli'), path.join(REPO, 'src', 'demo.ts')],
      {
        cwd: REPO,
        env: {
          ...env,
          TEMPORAL_ADDRESS: inject('temporalAddress'),
          BATON_UI_URL: inject('temporalUiUrl'),
          BATON_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
          BATON_HOME: fs.mkdtempSync(path.join(base, 'home-')),
          BATON_TASK_QUEUE: uniqueId('demo'),
          ...extraEnv,
        },
        timeout: 170_000,
        maxBuffer: 10 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        // The demo's fresh folder, to clean up afterwards.
        const folder = /fresh folder: (\S+)/.exec(stdout)?.[1];
        if (folder) folders.push(folder);
        resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

it('implements the sum SPEC in a fresh folder: RED fails, GREEN passes, each shown and committed; exit 0', async () => {
  const demo = await runDemo();
  expect(demo.code, `${demo.stdout}\n${demo.stderr}`).toBe(0);
  const out = demo.stdout;
  // RED: the new test file, and the tests failing as required, with the failing lines.
  expect(out).toMatch(
    /phase 2\/4 red · completed[^\n]*\n {2}files {3}test\/sum\.test\.js\n {2}gate {4}tests FAIL as required/,
  );
  expect(out).toMatch(/\| # Error: Cannot find module '\.\.\/src\/sum\.js'/);
  expect(out).toMatch(/\| not ok 1 /);
  // GREEN: the code, and the tests passing.
  expect(out).toMatch(
    /phase 3\/4 green · completed[^\n]*\n {2}files {3}src\/sum\.js\n {2}gate {4}tests PASS as required/,
  );
  expect(out).toMatch(/\| # pass 2\n[^\n]*\| # fail 0/);
  expect(out).toMatch(/phase 4\/4 refactor · completed/);
  expect(out).toContain('[demo] PASSED');
  expect(out).toMatch(/median activity overhead \d+ ms over 9 calls/);

  // What the user finds in the folder the demo printed: the code, passing tests, a commit per phase.
  const [, specId, folder] = /SPEC (DEMO-SUM-\w+) in a fresh folder: (\S+)/.exec(out) ?? [];
  expect(folder).toBeDefined();
  expect(out).toContain(`Folder ${folder!}`);
  expect(() => execFileSync('node', ['--test'], { cwd: folder!, stdio: 'pipe' })).not.toThrow();
  const log = execFileSync('git', ['log', '--format=%s'], { cwd: folder!, encoding: 'utf8' });
  expect(log.trim().split('\n')).toEqual([
    `baton: SPEC ${specId!} phase 4 refactor complete`,
    `baton: SPEC ${specId!} phase 3 green complete`,
    `baton: SPEC ${specId!} phase 2 red complete`,
    'baton: the workspace as baton found it',
  ]);
}, 180_000);
