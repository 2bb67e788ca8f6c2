/**
 * A conversation with the Temporal floor (bench/floor/): one workflow, one `floorTurn` update per
 * turn, each running one no-op activity. What a turn costs on Temporal with nothing of baton's.
 */
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { floorCloseSignal, floorTurnUpdate, FLOOR_WORKFLOW_TYPE } from './floor/contract';

export class FloorSession {
  private constructor(readonly handle: WorkflowHandle) {}

  /** Starts a floor workflow on `taskQueue`. */
  static async start(client: Client, taskQueue: string): Promise<FloorSession> {
    const handle = await client.workflow.start(FLOOR_WORKFLOW_TYPE, {
      workflowId: `floor-${randomUUID()}`,
      taskQueue,
      args: [],
    });
    return new FloorSession(handle);
  }

  get id(): string {
    return this.handle.workflowId;
  }

  /** One turn; resolves to its latency, ms. */
  async send(text: string): Promise<number> {
    const started = performance.now();
    await this.handle.executeUpdate(floorTurnUpdate, { args: [text] });
    return performance.now() - started;
  }

  async close(): Promise<void> {
    await this.handle.signal(floorCloseSignal);
  }
}
