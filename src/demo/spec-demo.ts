/**
 * The demo's SPEC: a `sum` function implemented for real in a fresh folder. The SPEC workflow
 * claims the folder (git init), the model writes files and runs commands through the workspace
 * tools (each call an activity on this worker's own queue, every command under bubblewrap), and
 * each phase's gate runs `node --test`: RED must leave failing tests, GREEN and refactor passing
 * ones. Offline the model follows docs/examples/sum.offline-script.json; with a key, Claude does
 * the work. The demo follows the phases, prints what each changed and what its gate saw, and says
 * whether everything held, so `npm run demo` checks itself.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BatonClient } from '../client/baton-client';
import { SpecFailedError } from '../client';
import { specWorkflowId, type SpecDefinition, type SpecStatus } from '../domain/spec';
import { formatPhaseReport } from '../cli/spec-phase-format';
import { formatSpecStatus } from '../cli/spec-commands';
import { formatSpecFigures, workspaceCallTimings } from './spec-figures';

const run = promisify(execFile);

/** The SPEC the offline script implements (its phase messages are what the script's steps match). */
export function sumSpec(specId: string): SpecDefinition {
  return {
    spec_id: specId,
    title: 'A sum function',
    requirements: ['sum(a, b) adds two numbers', 'anything but numbers is a TypeError'],
    acceptance_criteria: ['sum(2, 3) is 5', "sum('2', 3) throws a TypeError"],
  };
}

/** What the demo's SPEC did, and whether every gate held. */
export interface SpecDemoOutcome {
  ok: boolean;
  /** Why it did not hold (empty when ok). */
  problems: string[];
  folder: string;
  status: SpecStatus | undefined;
}

/** How often the demo reads the SPEC's status while it runs. */
const POLL_MS = 250;

/**
 * What must hold for the demo to count as passed: the SPEC completed, RED's tests failed, GREEN's
 * and refactor's passed, and each gate said so.
 */
export function specDemoProblems(status: SpecStatus | undefined): string[] {
  if (!status) return ['the SPEC produced no status'];
  const problems: string[] = [];
  if (status.status !== 'completed') problems.push(`the SPEC ended ${status.status}, not completed`);
  const want = { red: false, green: true, refactor: true } as const;
  for (const [name, passed] of Object.entries(want)) {
    const gate = status.phases.find((p) => p.name === name)?.gate;
    if (!gate) problems.push(`phase ${name} ran no gate`);
    else if (!gate.ok || gate.verification.passed !== passed)
      problems.push(`phase ${name}: the tests must ${passed ? 'pass' : 'fail'}: ${gate.reason}`);
  }
  return problems;
}

/**
 * Runs the sum SPEC in a fresh temporary folder and prints it as it goes (`print` gets whole
 * blocks of lines). Never throws for a SPEC that fails: the outcome says why.
 */
export async function runSpecDemo(
  baton: BatonClient,
  options: { specId: string; print: (text: string) => void },
): Promise<SpecDemoOutcome> {
  const { specId, print } = options;
  const folder = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'baton-demo-')));
  print(`SPEC ${specId} in a fresh folder: ${folder}`);
  const started = await baton.specs.start(sumSpec(specId), {
    workspace: { path: folder, test_command: 'node --test' },
  });
  print(`Temporal UI: ${started.ui_url}`);

  let status = await follow(baton, specId, print);
  if (status?.status === 'awaiting_decision') {
    // A gate that failed every attempt waits for a person; the demo decides: it failed.
    print(`A phase failed and waits for a decision: ${status.failure?.error ?? ''}\nAborting the SPEC.`);
    status = await baton.specs.abort(specId).catch(() => status);
  }
  try {
    status = await baton.specs.result(specId);
  } catch (err) {
    if (!(err instanceof SpecFailedError)) throw err;
    print(`The SPEC failed: ${err.message}`);
  }

  if (status) print(formatSpecStatus({ ...status, ui_url: started.ui_url }));
  print(`Folder ${folder}\n${await gitLog(folder)}`);
  if (status) {
    const workflowId = specWorkflowId(specId);
    const { runId } = await baton.temporal.workflow.getHandle(workflowId).describe();
    const calls = await workspaceCallTimings(baton.temporal, workflowId, [...status.previous_runs, runId]);
    print(formatSpecFigures(calls, status.phases));
  }
  const problems = specDemoProblems(status);
  return { ok: problems.length === 0, problems, folder, status };
}

/**
 * Polls the SPEC until it stops running or waits for a person; prints each phase as it starts and
 * its report as it ends.
 */
async function follow(
  baton: BatonClient,
  specId: string,
  print: (text: string) => void,
): Promise<SpecStatus | undefined> {
  const seen = new Map<string, string>();
  for (;;) {
    const status = await baton.specs.status(specId);
    const stopped = status.execution_status !== 'RUNNING' || status.status.startsWith('awaiting_');
    for (const phase of status.phases) {
      // A completed phase is reported once its files are committed (the commit comes just after).
      const settled =
        phase.status !== 'completed' || !status.workspace || phase.commit !== undefined || stopped;
      const state = settled ? phase.status : 'committing';
      if (seen.get(phase.name) === state) continue;
      seen.set(phase.name, state);
      if (phase.status === 'running') print(`\nphase ${phase.number}/4 ${phase.name} · running…`);
      else if (phase.status !== 'pending' && settled) print(formatPhaseReport(phase));
    }
    if (stopped) return status;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The folder's commits, newest first, one line each. */
async function gitLog(folder: string): Promise<string> {
  try {
    const { stdout } = await run('git', ['log', '--format=  %h %s'], { cwd: folder });
    return `git log:\n${stdout.trimEnd()}`;
  } catch (err) {
    return `git log failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}
