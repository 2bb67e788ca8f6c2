/**
 * The workspace activities through a real Temporal dev server and real worker processes (the
 * production worker runtime): the claim on the shared queue, tool calls on the worker's own queue,
 * idempotency by tool_use_id, a worker SIGKILLed in the middle of a command, cancellation, and
 * failures typed for retry policies. A small fixture workflow (test/fixtures/workspace-workflow.ts)
 * drives the activities the way a session will.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { bundleWorkflowCode } from '@temporalio/worker';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import type { WorkspaceToolResult } from '../../src/domain/workspace';
import { OfflineModel } from '../../src/model';
import type {
  StepOutcome,
  WorkspaceWorkflowInput,
  WorkspaceWorkflowResult,
} from '../fixtures/workspace-workflow';
import { ensureBubblewrap } from '../support/bubblewrap';
import { uniqueId } from '../support/unique-id';
import { processesWith } from '../support/workspace-checks';
import { waitUntil } from '../support/wait-until';
import {
  startWorkerProcess,
  tempDir,
  uniqueTaskQueue,
  type WorkerProcess,
} from '../support/reliability-harness';

let bundlePath: string;
let model: OfflineModel;
let connection: Connection;
let client: Client;
const cleanups: (() => Promise<void> | void)[] = [];

/** A worker process (shared queue + its own workspace queue) on a store and home of its own. */
async function startWorker(taskQueue: string, storeDir: string): Promise<WorkerProcess> {
  const worker = await startWorkerProcess({
    address: inject('temporalAddress'),
    taskQueue,
    storeDir,
    modelUrl: model.baseURL,
    workflowBundlePath: bundlePath,
  });
  cleanups.push(() => worker.kill('SIGTERM'));
  return worker;
}

function run(taskQueue: string, input: WorkspaceWorkflowInput, id = uniqueId('ws')) {
  return client.workflow.start('workspaceWorkflow', { taskQueue, workflowId: id, args: [input] });
}

const value = (o: StepOutcome | undefined): WorkspaceToolResult => {
  if (!o?.ok) throw new Error(`step failed: ${JSON.stringify(o)}`);
  return o.value as WorkspaceToolResult;
};

beforeAll(async () => {
  await ensureBubblewrap();
  const dir = tempDir('baton-ws-bundle-');
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const quiet = () => undefined;
  const bundle = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, '..', 'fixtures', 'workspace-workflow.ts'),
    logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: console.warn, error: console.error },
  });
  bundlePath = path.join(dir, 'bundle.js');
  fs.writeFileSync(bundlePath, bundle.code);
  model = await OfflineModel.start();
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
}, 120_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await connection?.close();
  await model?.stop();
});

describe.concurrent('workspace activities on a worker-specific task queue', () => {
  it('claims on the shared queue, then runs every tool call on the claiming worker’s own queue, once per tool_use_id', async ({
    expect,
  }) => {
    const taskQueue = uniqueTaskQueue('ws-act');
    const storeDir = tempDir('baton-ws-store-');
    cleanups.push(() => fs.rmSync(storeDir, { recursive: true, force: true }));
    await startWorker(taskQueue, storeDir);
    const dir = path.join(tempDir('baton-ws-act-'), 'project');
    cleanups.push(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));
    const views = Array.from({ length: 20 }, (_, i) => ({
      kind: 'editor' as const,
      tool_use_id: `toolu_view_${i}`,
      input: { command: 'view', path: 'sum.js' },
    }));
    const handle = await run(taskQueue, {
      path: dir,
      steps: [
        {
          kind: 'editor',
          tool_use_id: 'toolu_create',
          input: { command: 'create', path: 'sum.js', file_text: 'module.exports = (a, b) => a + b;\n' },
        },
        {
          kind: 'bash',
          tool_use_id: 'toolu_count',
          input: { command: 'echo ran >> runs.txt; wc -l < runs.txt' },
        },
        {
          kind: 'bash',
          tool_use_id: 'toolu_count',
          input: { command: 'echo ran >> runs.txt; wc -l < runs.txt' },
        },
        { kind: 'verify', command: 'node -e "process.exit(require(\'./sum.js\')(2, 3) === 5 ? 0 : 1)"' },
        { kind: 'commit', message: 'baton: sum', checkpoint: true },
        { kind: 'bash_on_shared_queue', tool_use_id: 'toolu_wrong', input: { command: 'touch wrong-queue' } },
        ...views,
      ],
    });
    const result = (await handle.result()) as WorkspaceWorkflowResult;
    expect(result.claim.task_queue).toMatch(/^baton-workspace-/);
    expect(result.claim.task_queue).not.toBe(taskQueue);
    expect(result.claim.initialized).toBe(true);
    const [created, first, second, verified, committed, wrongQueue] = result.outcomes;
    expect(value(created).content).toBe('File created successfully at: sum.js (1 lines)');
    expect(value(first)).toMatchObject({ status: 'completed', content: '1' });
    expect(value(second)).toMatchObject({ status: 'replayed', content: '1' });
    expect(fs.readFileSync(path.join(dir, 'runs.txt'), 'utf8')).toBe('ran\n');
    expect(verified).toMatchObject({ ok: true, value: { passed: true, exit_code: 0 } });
    expect(committed).toMatchObject({ ok: true, value: { changed: true, files: ['runs.txt', 'sum.js'] } });
    expect(wrongQueue).toMatchObject({ ok: false, type: 'WorkspaceWrongTaskQueue' });
    expect(fs.existsSync(path.join(dir, 'wrong-queue'))).toBe(false);

    // In the history: every tool call ran on the workspace queue, with its summary for the UI.
    const history = await handle.fetchHistory();
    const scheduled = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes);
    const summaryOf = (e: (typeof scheduled)[number]) => {
      const payload = e.userMetadata?.summary;
      return payload?.data ? (JSON.parse(Buffer.from(payload.data).toString('utf8')) as string) : undefined;
    };
    const byName = (name: string) =>
      scheduled.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === name);
    expect(byName('claimWorkspace')[0]?.activityTaskScheduledEventAttributes?.taskQueue?.name).toBe(
      taskQueue,
    );
    for (const e of [
      ...byName('runEditorTool'),
      ...byName('runBashTool').slice(0, 2),
      ...byName('verifyWorkspace'),
    ]) {
      expect(e.activityTaskScheduledEventAttributes?.taskQueue?.name).toBe(result.claim.task_queue);
    }
    expect(scheduled.map(summaryOf)).toEqual(
      expect.arrayContaining([
        'tool: create sum.js',
        'tool: bash echo ran >> runs.txt; wc -l < runs.txt',
        'tool: view sum.js',
      ]),
    );

    // The figure for the report: how long a tool call takes through an activity, beyond its own work.
    const times = new Map<number, { scheduled?: number; completed?: number }>();
    for (const e of history.events ?? []) {
      const at = Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
      if (e.activityTaskScheduledEventAttributes?.activityType?.name === 'runEditorTool')
        times.set(Number(e.eventId), { scheduled: at });
      const done = e.activityTaskCompletedEventAttributes?.scheduledEventId;
      if (done !== undefined && done !== null && times.has(Number(done)))
        times.get(Number(done))!.completed = at;
    }
    const overhead = result.outcomes
      .slice(-20)
      .map((o, i) => {
        const t = [...times.values()][i + 1];
        return (t?.completed ?? 0) - (t?.scheduled ?? 0) - value(o).duration_ms;
      })
      .sort((a, b) => a - b);
    console.log(
      `[figures] editor tool call through an activity: p50 ${overhead[10]} ms, max ${overhead.at(-1)} ms beyond the tool's own time (scheduled → completed, 20 calls)`,
    );
  }, 120_000);

  it('a worker SIGKILLed during a command: the call is not run again and comes back as interrupted', async ({
    expect,
  }) => {
    const taskQueue = uniqueTaskQueue('ws-kill');
    const storeDir = tempDir('baton-ws-kill-');
    cleanups.push(() => fs.rmSync(storeDir, { recursive: true, force: true }));
    const first = await startWorker(taskQueue, storeDir);
    const dir = path.join(tempDir('baton-ws-killed-'), 'project');
    cleanups.push(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));
    const marker = `${300 + Math.floor(Math.random() * 600)}.${Date.now() % 100_000}`;
    const handle = await run(taskQueue, {
      path: dir,
      heartbeat: '3 seconds',
      steps: [
        {
          kind: 'bash',
          tool_use_id: 'toolu_long',
          input: { command: `echo started >> runs.txt; sleep ${marker}` },
        },
      ],
    });
    await waitUntil(() => fs.existsSync(path.join(dir, 'runs.txt')), Boolean, {
      what: 'the command to start',
      timeoutMs: 90_000,
    });
    await first.kill('SIGKILL');
    // bwrap dies with its parent, and its PID namespace with it.
    await waitUntil(() => processesWith(`sleep ${marker}`).length === 0, Boolean, {
      what: 'the command to be gone',
    });
    // A worker on the same disk polls the same workspace queue and takes the retry.
    await startWorker(taskQueue, storeDir);
    const result = (await handle.result()) as WorkspaceWorkflowResult;
    expect(value(result.outcomes[0])).toMatchObject({ status: 'interrupted', is_error: true });
    expect(value(result.outcomes[0]).content).toMatch(
      /tool: bash echo started >> runs\.txt; sleep .* was interrupted.*not run again/,
    );
    expect(fs.readFileSync(path.join(dir, 'runs.txt'), 'utf8')).toBe('started\n');
  }, 150_000);

  it('cancelling the activity kills the command', async ({ expect }) => {
    const taskQueue = uniqueTaskQueue('ws-cancel');
    const storeDir = tempDir('baton-ws-cancel-');
    cleanups.push(() => fs.rmSync(storeDir, { recursive: true, force: true }));
    await startWorker(taskQueue, storeDir);
    const dir = path.join(tempDir('baton-ws-cancelled-'), 'project');
    cleanups.push(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));
    const marker = `${300 + Math.floor(Math.random() * 600)}.${Date.now() % 100_000}`;
    const handle = await run(taskQueue, {
      path: dir,
      steps: [
        {
          kind: 'bash',
          tool_use_id: 'toolu_cancel',
          input: { command: `touch started; sleep ${marker}` },
          cancel_on_signal: true,
        },
      ],
    });
    await waitUntil(() => fs.existsSync(path.join(dir, 'started')), Boolean, {
      what: 'the command to start',
      timeoutMs: 90_000,
    });
    expect(processesWith(`sleep ${marker}`).length).toBeGreaterThan(0);
    await handle.signal('cancel');
    const result = (await handle.result()) as WorkspaceWorkflowResult;
    expect(result.outcomes[0]).toMatchObject({ ok: false, type: 'cancelled' });
    await waitUntil(() => processesWith(`sleep ${marker}`).length === 0, Boolean, {
      what: 'the command to be gone',
    });
  }, 120_000);

  it('a dirty workspace fails the claim with a typed, non-retryable failure that says what to do', async ({
    expect,
  }) => {
    const taskQueue = uniqueTaskQueue('ws-dirty');
    const storeDir = tempDir('baton-ws-dirty-');
    cleanups.push(() => fs.rmSync(storeDir, { recursive: true, force: true }));
    await startWorker(taskQueue, storeDir);
    const dir = tempDir('baton-ws-dirty-repo-');
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    execFileSync('git', ['init', '-q'], { cwd: dir });
    fs.writeFileSync(path.join(dir, 'wip.txt'), 'work in progress');
    const error: unknown = await (
      await run(taskQueue, { path: dir, steps: [] })
    )
      .result()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    let cause: unknown = (error as WorkflowFailedError).cause;
    while (cause instanceof Error && !(cause instanceof ApplicationFailure)) cause = cause.cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('DirtyWorkspace');
    expect((cause as ApplicationFailure).nonRetryable).toBe(true);
    expect((cause as ApplicationFailure).message).toMatch(/uncommitted changes \(wip\.txt\).*--allow-dirty/);
    expect(fs.readFileSync(path.join(dir, 'wip.txt'), 'utf8')).toBe('work in progress');
  }, 120_000);
});
