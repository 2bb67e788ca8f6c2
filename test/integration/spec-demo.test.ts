/**
 * The demo's SPEC part (`runSpecDemo`) on the test worker: it must see and say when a gate does
 * not hold, so that `npm run demo` exits 1 instead of printing a success it did not have. The
 * offline script's GREEN writes a wrong `sum`; the gate fails every attempt, the demo aborts the
 * SPEC and reports the failing phase with the test output. (The passing run is
 * test/e2e/demo.test.ts, through the real `src/demo.ts`.)
 */
import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runSpecDemo } from '../../src/demo/spec-demo';
import { parseOfflineScript } from '../../src/model';
import { ensureBubblewrap } from '../support/bubblewrap';
import { SUM_ADDS_TEST, WRONG_SUM, createFile, redWritesTests } from '../support/sum-spec';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { uniqueId } from '../support/unique-id';

let env: TestEnvironment;
const folders: string[] = [];

beforeAll(async () => {
  await ensureBubblewrap();
  env = await startTestEnvironment({ workspaces: true });
}, 120_000);

afterAll(async () => {
  await env?.teardown();
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
});

it('reports a GREEN gate that does not hold: the SPEC is aborted, the outcome names the phase and the output', async () => {
  env.model.setScript(
    parseOfflineScript({
      format: 'baton.offline-script',
      version: 1,
      steps: [
        { when: { phase: 'analysis' }, replies: [{ text: 'Plan.' }] },
        { when: { phase: 'red' }, replies: redWritesTests(SUM_ADDS_TEST) },
        {
          when: { phase: 'green' },
          replies: [
            {
              text: 'Wrong on purpose.',
              tool_calls: [createFile('src/sum.js', WRONG_SUM)],
            },
            { text: 'Done.' },
          ],
        },
      ],
    }),
  );
  let printed = '';
  const outcome = await runSpecDemo(env.baton, {
    specId: uniqueId('DEMO-SUM-BAD'),
    print: (text) => (printed += `${text}\n`),
  });
  folders.push(outcome.folder);

  expect(outcome.ok).toBe(false);
  expect(outcome.status?.status).toBe('aborted');
  expect(outcome.problems).toContain('the SPEC ended aborted, not completed');
  expect(outcome.problems.find((p) => p.startsWith('phase green: the tests must pass'))).toBeDefined();
  // RED held, and the user saw it; GREEN's failure shows with the failing test's lines.
  expect(printed).toMatch(/phase 2\/4 red · completed[\s\S]*gate {4}tests FAIL as required/);
  expect(printed).toMatch(
    /phase 3\/4 green · failed[\s\S]*gate {4}tests FAIL but must PASS[\s\S]*\| not ok 1 - adds/,
  );
  expect(printed).toMatch(
    / {2}error {3}After 3 attempts: `node --test` failed \(exit 1\); the tests must pass/,
  );
  expect(printed).toMatch(/A phase failed and waits for a decision[\s\S]*Aborting the SPEC/);
  // The folder is left as GREEN left it: the wrong code is there for the user to look at.
  expect(fs.readFileSync(`${outcome.folder}/src/sum.js`, 'utf8')).toContain('a - b');
}, 120_000);
