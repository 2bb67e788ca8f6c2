import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NoWorkerError } from './errors';

/**
 * Answers "is any worker polling baton's task queue?" before a request that would otherwise wait
 * silently for one. Poller lists lag a little behind reality, which only matters for a worker that
 * has just stopped; the request then waits as Temporal requests do.
 */
export class WorkerProbe {
  private confirmedAt = 0;

  constructor(
    private readonly client: Client,
    private readonly namespace: string,
    private readonly taskQueue: string,
  ) {}

  /** @throws NoWorkerError telling the user to start one with `baton dev`. */
  async assertPolling(): Promise<void> {
    // One check per few seconds is enough for a CLI call or a burst of library calls.
    if (Date.now() - this.confirmedAt < 5_000) return;
    if (!(await this.hasPoller())) {
      throw new NoWorkerError(
        `No baton worker is polling task queue '${this.taskQueue}'. Start one with \`baton dev\` ` +
          '(or `npx tsx src/worker.ts` against your own server), then try again.',
      );
    }
    this.confirmedAt = Date.now();
  }

  /**
   * Waits until a worker polls (a worker that has just started takes a moment to show up).
   * @throws NoWorkerError when none does within `timeoutMs`.
   */
  async waitForPoller(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await this.hasPoller()) {
        this.confirmedAt = Date.now();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await this.assertPolling();
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
