import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NoWorkerError } from './errors';

/** How long a request waits for a worker to show up before saying none polls (ms). */
export const DEFAULT_WORKER_WAIT_MS = 3_000;

/**
 * Answers "is any worker polling baton's task queue?" before a request that would otherwise wait
 * silently for one. Poller lists lag a little behind reality: a worker that has just started
 * shows up after a moment, so the probe waits up to `waitMs` for one before it gives up.
 */
export class WorkerProbe {
  private confirmedAt = 0;

  constructor(
    private readonly client: Client,
    private readonly namespace: string,
    private readonly taskQueue: string,
    /** How long {@link assertPolling} waits for a poller to appear (default 3 s). */
    private readonly waitMs = DEFAULT_WORKER_WAIT_MS,
  ) {}

  /**
   * Returns once a worker polls, waiting up to the probe's `waitMs` for one.
   * @throws NoWorkerError telling the user to start one with `baton dev`.
   */
  async assertPolling(): Promise<void> {
    // One check per few seconds is enough for a CLI call or a burst of library calls.
    if (Date.now() - this.confirmedAt < 5_000) return;
    if (!(await this.pollUntilSeen(this.waitMs))) throw this.noWorker(this.waitMs);
  }

  /**
   * Waits until a worker polls (a worker that has just started takes a moment to show up).
   * @throws NoWorkerError when none does within `timeoutMs`.
   */
  async waitForPoller(timeoutMs = 15_000): Promise<void> {
    if (!(await this.pollUntilSeen(timeoutMs))) throw this.noWorker(timeoutMs);
  }

  private noWorker(waitedMs: number): NoWorkerError {
    const waited = waitedMs > 0 ? ` (waited ${+(waitedMs / 1000).toFixed(1)} s)` : '';
    return new NoWorkerError(
      `No baton worker is polling task queue '${this.taskQueue}'${waited}. Start one with \`baton dev\` ` +
        '(or `npx tsx src/worker.ts` against your own server), then try again.',
    );
  }

  /** True as soon as the task queue lists a poller; false when none did within `timeoutMs`. */
  private async pollUntilSeen(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await this.hasPoller()) {
        this.confirmedAt = Date.now();
        return true;
      }
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(200, Math.max(0, deadline - Date.now()))));
    }
  }

  private async hasPoller(): Promise<boolean> {
    const response = await this.client.workflowService.describeTaskQueue({
      namespace: this.namespace,
      taskQueue: { name: this.taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    return (response.pollers ?? []).length > 0;
  }
}
