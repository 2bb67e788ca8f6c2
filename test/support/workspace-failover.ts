/**
 * What the workspace failover tests share (test/reliability/workspace-failover.test.ts with worker
 * processes, test/topology/ with compiled workers): a SPEC whose GREEN phase starts with a long
 * bash call, during which the worker holding the workspace is killed, and what a user checks in
 * the folder afterwards.
 */
import { parseOfflineScript, type OfflineScript } from '../../src/model';
import { RIGHT_SUM, createFile, redWritesTests, sumSpec } from './sum-spec';
import { waitUntil } from './wait-until';
import { gitLog, processesWith, testsPass } from './workspace-checks';

export { gitLog, sumSpec, testsPass };

/** A bash command that appends `started` to runs.txt, then sleeps long enough to be killed in. */
export function longCommand(): { command: string; marker: string } {
  // A sleep length no other process has, so `ps` finds this command and nothing else.
  const marker = `${300 + Math.floor(Math.random() * 600)}.${Date.now() % 100_000}`;
  return { command: `echo started >> runs.txt; sleep ${marker}; node --test`, marker };
}

/**
 * The offline script of SPEC `specId` (its steps answer that SPEC's phases only): RED writes the
 * tests; GREEN first runs `command`, then, whatever came back, writes the implementation.
 */
export function failoverScript(specId: string, command: string): OfflineScript {
  const phase = (name: string) => ({ phase: name, match: `SPEC ${specId} ` });
  return parseOfflineScript({
    format: 'baton.offline-script',
    version: 1,
    steps: [
      { when: phase('analysis'), replies: [{ text: 'Plan: tests in test/, code in src/sum.js.' }] },
      { when: phase('red'), replies: redWritesTests() },
      {
        when: phase('green'),
        replies: [
          { text: 'A long check first.', tool_calls: [{ name: 'bash', input: { command } }] },
          {
            text: 'The check came back: {{tool_result}} Now the code.',
            tool_calls: [createFile('src/sum.js', RIGHT_SUM)],
          },
          { text: 'Done.' },
        ],
      },
      { when: phase('refactor'), replies: [{ text: 'Nothing to refactor.' }] },
    ],
  });
}

/** Waits until the command of {@link longCommand} is gone (bwrap dies with its worker, and its PID namespace with it). */
export async function waitForCommandGone(marker: string): Promise<void> {
  await waitUntil(
    () => processesWith(`sleep ${marker}`),
    (found) => found.length === 0,
    {
      what: 'the command to be gone with its worker',
    },
  );
}
