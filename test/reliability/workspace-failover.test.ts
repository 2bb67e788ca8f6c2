/**
 * A SPEC's workspace survives the loss of the worker that holds it: two worker processes on one
 * task queue, each with its own workspace queue and state folder but one shared conversation store
 * (where the checkpoint bundles are). The holder is SIGKILLed in the middle of a bash call of the
 * GREEN phase; the call is not run again, the model hears it was interrupted, and the other worker
 * recreates the folder at GREEN's start checkpoint and finishes the SPEC.
 *
 * Two machines on one disk: both workers see the same absolute workspace path, and the killed
 * worker's folder would still be there for the survivor (a claim would then only reset it to the
 * checkpoint, with the git objects already at hand). On two machines the survivor has no such
 * folder. So right after the kill the test deletes it: what the survivor finds is what a second
 * host finds, and the files can come back only from the bundle in the store.
 *
 * Timeouts: the bash call heartbeats every second with a 10 s heartbeat timeout; its retry then
 * waits `worker_wait_ms` (3 s here) for the dead worker's queue before the folder is claimed again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { BatonClient } from '../../src/client';
import { specWorkflowId } from '../../src/domain/spec';
import { OfflineModel } from '../../src/model';
import { ensureBubblewrap } from '../support/bubblewrap';
import {
  modelCalls,
  startWorkerProcess,
  tempDir,
  uniqueTaskQueue,
  type WorkerProcess,
} from '../support/reliability-harness';
import { uniqueId } from '../support/unique-id';
import { waitForValue, waitUntil } from '../support/wait-until';
import {
  failoverScript,
  gitLog,
  longCommand,
  sumSpec,
  testsPass,
  waitForCommandGone,
} from '../support/workspace-failover';

/** How long a workspace step waits for the holding worker before it counts as gone. */
const WORKER_WAIT_MS = 3000;

let model: OfflineModel;
let baton: BatonClient;
let base: string;
const cleanups: (() => Promise<void> | void)[] = [];

/** A worker process with its own BATON_HOME (so its own workspace queue and journals) on the shared store. */
async function startWorker(taskQueue: string, storeDir: string, name: string): Promise<WorkerProcess> {
  const home = path.join(base, `${name}-home`);
  const worker = await startWorkerProcess({
    address: inject('temporalAddress'),
    taskQueue,
    storeDir,
    modelUrl: model.baseURL,
    workflowBundlePath: inject('workflowBundlePath'),
    env: { BATON_HOME: home },
  });
  cleanups.push(() => worker.kill('SIGTERM'));
  return worker;
}

beforeAll(async () => {
  await ensureBubblewrap();
  base = tempDir('baton-failover-');
  model = await OfflineModel.start();
}, 120_000);

afterAll(async () => {
  await baton?.close();
  for (const cleanup of cleanups.reverse()) await cleanup();
  await model?.stop();
  if (base) fs.rmSync(base, { recursive: true, force: true });
});

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const eventMs = (e: HistoryEvent) =>
  Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);

function summaryOf(e: HistoryEvent): string | undefined {
  const data = e.userMetadata?.summary?.data;
  return data ? (JSON.parse(Buffer.from(data).toString('utf8')) as string) : undefined;
}

function payloadJson(payload: temporal.api.common.v1.IPayload | undefined): unknown {
  return payload?.data ? JSON.parse(Buffer.from(payload.data).toString('utf8')) : undefined;
}

describe('a SPEC whose workspace worker is SIGKILLed', () => {
  it('does not run the interrupted bash call again, tells the model, and finishes on the other worker from the last checkpoint', async () => {
    const taskQueue = uniqueTaskQueue('failover');
    const storeDir = path.join(base, 'store');
    const workers = [
      await startWorker(taskQueue, storeDir, 'worker-a'),
      await startWorker(taskQueue, storeDir, 'worker-b'),
    ];
    baton = await BatonClient.connect({ address: inject('temporalAddress'), taskQueue, env: {} });
    await baton.waitForWorker();

    const id = uniqueId('SPEC-FAILOVER');
    const { command, marker } = longCommand();
    model.setScript(failoverScript(id, command));
    const dir = path.join(base, 'project');
    fs.mkdirSync(dir);
    await baton.specs.start(sumSpec(id), {
      workspace: { path: dir, test_command: 'node --test', worker_wait_ms: WORKER_WAIT_MS },
    });

    // The long command has started on the worker that holds the folder.
    await waitUntil(() => fs.existsSync(path.join(dir, 'runs.txt')), Boolean, {
      what: 'the long command to start',
      timeoutMs: 120_000,
    });
    const holderIdentity = await waitForValue(async () => (await baton.specs.status(id)).workspace?.worker, {
      what: 'the workspace to be held',
    });
    const holder = workers.find((w) => holderIdentity.endsWith(`:${w.pid}`));
    const survivor = workers.find((w) => w !== holder);
    expect(holder, `no worker process is ${holderIdentity}`).toBeDefined();

    await holder!.kill('SIGKILL');
    const killedAt = Date.now();
    await waitForCommandGone(marker);
    // The second machine has no copy of the folder (see the file's header).
    fs.rmSync(dir, { recursive: true, force: true });

    const result = await baton.specs.result(id);
    expect(result.status).toBe('completed');
    expect(result.workspace?.worker).toMatch(new RegExp(`:${survivor!.pid}$`));
    const green = result.phases[2]!;
    expect(green.gate).toMatchObject({ expect: 'pass', ok: true, verification: { exit_code: 0 } });

    // The model heard that its call was interrupted and not run again, once.
    const told = modelCalls(model, 'was interrupted').filter((r) => r.last_user_text.includes(marker));
    expect(told).toHaveLength(1);
    expect(told[0]?.last_user_text).toMatch(/tool: bash echo started >> runs\.txt; sleep .* was interrupted/);
    expect(told[0]?.last_user_text).toContain('it was not run again');

    // The folder the survivor recreated: RED's commit came from the bundle, GREEN's work is there,
    // the tests pass, and the command never ran in it (its first act would have left runs.txt,
    // which GREEN's completion commit would list).
    expect(testsPass(dir)).toBe(true);
    expect(fs.existsSync(path.join(dir, 'runs.txt'))).toBe(false);
    expect(green.files_changed).toEqual(['src/sum.js']);
    const log = gitLog(dir);
    expect(log).toContain(`baton: SPEC ${id} phase 2 red complete`);
    expect(log).toContain(`baton: SPEC ${id} phase 3 green complete`);

    // In the history (what the Temporal UI shows): the call was scheduled once, on the killed
    // worker's queue, and its retry never started there; then the folder was claimed again.
    const history = await baton.temporal.workflow.getHandle(specWorkflowId(id)).fetchHistory();
    const events = history.events ?? [];
    const bashCalls = events.filter(
      (e) =>
        e.activityTaskScheduledEventAttributes?.activityType?.name === 'runBashTool' &&
        summaryOf(e)?.includes(marker),
    );
    expect(bashCalls).toHaveLength(1);
    const bashId = Number(bashCalls[0]!.eventId);
    const timedOut = events.find(
      (e) => Number(e.activityTaskTimedOutEventAttributes?.scheduledEventId ?? -1) === bashId,
    );
    // The retry waited for the dead worker's queue and was never picked up.
    expect(timedOut?.activityTaskTimedOutEventAttributes?.failure?.timeoutFailureInfo?.timeoutType).toBe(
      temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START,
    );
    const claims = events.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'claimWorkspace',
    );
    expect(claims.length).toBeGreaterThanOrEqual(2);
    const reclaim = claims.find((e) => Number(e.eventId) > Number(timedOut!.eventId));
    const reclaimDone = events.find(
      (e) =>
        reclaim !== undefined &&
        Number(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? -1) === Number(reclaim.eventId),
    );
    const reclaimed = payloadJson(reclaimDone?.activityTaskCompletedEventAttributes?.result?.payloads?.[0]);
    // A new repository on the survivor's side, brought to GREEN's start from the bundle.
    expect(reclaimed).toMatchObject({
      initialized: true,
      recreated: true,
      worker: result.workspace?.worker,
      head: result.phases[1]?.commit,
    });

    // Figures for the report: from the kill to the new claim, and to the phase going on.
    const resumedAt = Date.parse(told[0]!.time);
    console.log(
      `[figures] workspace failover: kill → retry given up (heartbeat + schedule-to-start timeouts) ${
        eventMs(timedOut!) - killedAt
      } ms; → folder recreated from the bundle ${eventMs(reclaimDone!) - killedAt} ms; → model told (phase goes on) ${
        resumedAt - killedAt
      } ms`,
    );
  }, 300_000);
});
