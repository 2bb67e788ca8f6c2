/**
 * How workflows reach a workspace's activities: `claimWorkspace` on the shared task queue, then
 * everything else on the queue it returns, the queue of the one worker whose disk holds the files
 * (samples-typescript's worker-specific task queues). When that worker is gone, its queue has no
 * poller: an activity scheduled there fails with a schedule-to-start timeout, and the workflow
 * claims the workspace again (another worker recreates it at the last checkpoint's bundle) and
 * answers the interrupted tool call with `interruptedToolMessage`, never running it again.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { WorkspaceActivities } from '../activities';
import { FINAL_WORKSPACE_FAILURES } from '../domain/failures';

/** Failures no retry can fix. */
const NON_RETRYABLE = [...FINAL_WORKSPACE_FAILURES];

/** `claimWorkspace` (shared queue): initialising or recreating a repository can take a while. */
export const claimActivities = proxyActivities<WorkspaceActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE },
});

/** A duration as Temporal reads it: `'30 seconds'`, `'1 minute'`. */
type Timeout =
  `${number} ${'ms' | 'millisecond' | 'milliseconds' | 'second' | 'seconds' | 'minute' | 'minutes'}`;

/** Timeouts of the activities on a workspace's queue; tests shorten them. */
export interface WorkspaceActivityTimeouts {
  /** How long a task may wait for the workspace's worker before it counts as gone (default 1 minute). */
  scheduleToStart?: Timeout;
  /** Silence after which a running call counts as dead (default 30 s; calls heartbeat every second). */
  heartbeat?: Timeout;
  /** Longest single attempt of a tool call or verification (default 70 minutes, above the 1-hour command limit). */
  startToClose?: Timeout;
}

/**
 * The activities of the workspace held by the worker polling `taskQueue` (from `claimWorkspace`).
 * Tool calls are journaled by `tool_use_id`, so their retries never run a command twice.
 * @example
 * const { task_queue } = await claimActivities.claimWorkspace({ path });
 * const ws = workspaceActivities(task_queue);
 * const result = await ws.runBashTool.executeWithOptions({ summary: toolCallSummary('bash', input) }, [{ path, tool_use_id, input }]);
 */
export function workspaceActivities(taskQueue: string, timeouts: WorkspaceActivityTimeouts = {}) {
  return proxyActivities<WorkspaceActivities>({
    taskQueue,
    scheduleToStartTimeout: timeouts.scheduleToStart ?? '1 minute',
    heartbeatTimeout: timeouts.heartbeat ?? '30 seconds',
    startToCloseTimeout: timeouts.startToClose ?? '70 minutes',
    retry: { initialInterval: '1 second', maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE },
  });
}
