/**
 * A worker process killed with SIGKILL in the middle of a model call: a new worker takes the
 * session (or the SPEC) over, the caller's request completes, nothing the user sent is lost, and no
 * model call that had completed is made again (the offline model's request log is the witness).
 *
 * The model activity's heartbeat timeout (5 s, src/workflows/session-activities.ts) is how
 * Temporal learns that the killed worker's call is dead; each recovery here also waits for the new
 * worker process to start. (test/topology/ kills one of two running compiled workers.)
 * The two scenarios run concurrently, each with its own worker process, model and task queue.
 */
import fs from 'node:fs';
import { describe, inject, it } from 'vitest';
import { BatonClient } from '../../src/client';
import type { SpecDefinition } from '../../src/domain/spec';
import { OfflineModel } from '../../src/model';
import {
  modelCalls,
  startWorkerProcess,
  tempDir,
  uniqueTaskQueue,
  userTexts,
  waitForCallInFlight,
  type WorkerProcess,
} from '../support/reliability-harness';
import { uniqueId } from '../support/unique-id';

/** Long enough that the call is still waiting when the worker is killed. */
const SLOW_CALL_MS = 10 * 60_000;
/** Heartbeat timeout (5 s) + retry backoff + a new worker's start, with room to spare. */
const CRASH_TEST_TIMEOUT_MS = 150_000;

interface CrashStack {
  model: OfflineModel;
  baton: BatonClient;
  storeDir: string;
  /** Starts a worker process on this stack's queue, store and model. */
  startWorker(): Promise<WorkerProcess>;
  teardown(): Promise<void>;
}

async function startCrashStack(label: string): Promise<CrashStack> {
  const address = inject('temporalAddress');
  const taskQueue = uniqueTaskQueue(label);
  const model = await OfflineModel.start();
  const storeDir = tempDir(`baton-crash-${label}-`);
  const workers: WorkerProcess[] = [];
  const baton = await BatonClient.connect({ address, taskQueue, env: {} });
  return {
    model,
    baton,
    storeDir,
    async startWorker() {
      const worker = await startWorkerProcess({
        address,
        taskQueue,
        storeDir,
        modelUrl: model.baseURL,
        workflowBundlePath: inject('workflowBundlePath'),
      });
      workers.push(worker);
      // Temporal lists a new poller a moment after it starts polling.
      await baton.waitForWorker();
      return worker;
    },
    async teardown() {
      await baton.close();
      for (const w of workers) await w.kill('SIGTERM');
      await model.stop();
      fs.rmSync(storeDir, { recursive: true, force: true });
      fs.rmSync(`${storeDir}-home`, { recursive: true, force: true });
    },
  };
}

/** HTTP statuses of the model calls whose last user text contains `text`, oldest first. */
const statusesOf = (model: OfflineModel, text: string) => modelCalls(model, text).map((r) => r.status);

describe.concurrent('a worker killed with SIGKILL', () => {
  it(
    'mid-turn: the send completes on a new worker, the message is stored once, no completed call is repeated',
    async ({ expect }) => {
      const stack = await startCrashStack('turn');
      try {
        const first = await stack.startWorker();
        const { session_id } = await stack.baton.sessions.start({ task: 'Survive a worker crash' });
        const before = await stack.baton.sessions.send(session_id, 'Turn one, before the crash.');
        expect(before.turn).toBe(1);

        stack.model.injectFaults([{ kind: 'delay', ms: SLOW_CALL_MS, match: 'Turn two' }]);
        const sending = stack.baton.sessions.send(session_id, 'Turn two, in flight during the crash.');
        // Keep the rejection (if any) for the assertion below rather than as an unhandled one.
        const outcome = sending.then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        );
        await waitForCallInFlight(stack.model, 'Turn two');
        expect((await stack.baton.sessions.status(session_id)).status).toBe('busy');

        await first.kill('SIGKILL');
        const killedAt = Date.now();
        // The killed worker's socket closed: the offline model recorded the call as abandoned.
        await expect.poll(() => statusesOf(stack.model, 'Turn two'), { timeout: 30_000 }).toEqual([499]);

        await stack.startWorker();
        const settled = await outcome;
        const recoveredMs = Date.now() - killedAt;
        if (!settled.ok) throw settled.error;
        const reply = settled.value;
        console.log(`[reliability] send completed ${(recoveredMs / 1000).toFixed(1)} s after SIGKILL`);

        expect(reply.turn).toBe(2);
        expect(reply.reply).toContain('Turn two, in flight during the crash.');

        const status = await stack.baton.sessions.status(session_id);
        expect(status).toMatchObject({
          status: 'available',
          execution_status: 'RUNNING',
          turns: 2,
          head: reply.head,
        });
        expect(status.cumulative.input_tokens).toBe(before.usage.input_tokens + reply.usage.input_tokens);

        // The user's messages are in the stored conversation, once each, in order.
        expect(await userTexts(stack.storeDir, reply.head)).toEqual([
          'Survive a worker crash',
          'Turn one, before the crash.',
          'Turn two, in flight during the crash.',
        ]);

        // Turn one completed before the crash and was not called again; turn two was cut off
        // (499) and retried once to completion.
        expect(statusesOf(stack.model, 'Turn one')).toEqual([200]);
        expect(statusesOf(stack.model, 'Turn two')).toEqual([499, 200]);

        // The session goes on as usual.
        const after = await stack.baton.sessions.send(session_id, 'Turn three, after recovery.');
        expect(after.turn).toBe(3);
        expect(statusesOf(stack.model, 'Turn three')).toEqual([200]);
      } finally {
        await stack.teardown();
      }
    },
    CRASH_TEST_TIMEOUT_MS,
  );

  it(
    'mid-phase of a SPEC: the SPEC completes on a new worker and earlier phases are not called again',
    async ({ expect }) => {
      const stack = await startCrashStack('spec');
      try {
        const first = await stack.startWorker();
        const specId = uniqueId('SPEC-CRASH');
        const spec: SpecDefinition = {
          spec_id: specId,
          title: 'Password reset',
          requirements: ['request a reset link', 'set a new password'],
          acceptance_criteria: ['an expired link is refused'],
        };
        const phaseText = (n: number) => `SPEC ${specId} · phase ${n}/4`;
        stack.model.injectFaults([{ kind: 'delay', ms: SLOW_CALL_MS, match: phaseText(2) }]);
        await stack.baton.specs.start(spec);
        await waitForCallInFlight(stack.model, phaseText(2));
        const during = await stack.baton.specs.status(specId);
        expect(during.current_phase).toBe('red');
        expect(during.phases.map((p) => p.status)).toEqual(['completed', 'running', 'pending', 'pending']);

        await first.kill('SIGKILL');
        const killedAt = Date.now();
        await stack.startWorker();
        const result = await stack.baton.specs.result(specId);
        console.log(
          `[reliability] SPEC completed ${((Date.now() - killedAt) / 1000).toFixed(1)} s after SIGKILL`,
        );

        expect(result.status).toBe('completed');
        expect(result.phases.map((p) => [p.name, p.status, p.attempts])).toEqual([
          ['analysis', 'completed', 1],
          ['red', 'completed', 1],
          ['green', 'completed', 1],
          ['refactor', 'completed', 1],
        ]);
        expect(result.checkpoints).toHaveLength(8);
        // Each phase's model call completed exactly once; only the one cut off by the crash has a
        // second, abandoned (499) request.
        expect([1, 2, 3, 4].map((n) => statusesOf(stack.model, phaseText(n)))).toEqual([
          [200],
          [499, 200],
          [200],
          [200],
        ]);
      } finally {
        await stack.teardown();
      }
    },
    CRASH_TEST_TIMEOUT_MS,
  );
});
