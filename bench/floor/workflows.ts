/**
 * The floor workflow: an entity that answers each `floorTurn` update by running one no-op activity.
 * A baton turn is this plus what baton adds (state, the store, the model call, visibility), so
 * baton's latency divided by this one's is what baton costs over Temporal itself. Bundled only for
 * the benchmark's floor worker, never registered by baton's worker.
 */
import { allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { FloorActivities } from './activities';
import { floorCloseSignal, floorTurnUpdate } from './contract';

// Same timeouts and retry shape as baton's store activities: what the floor measures is one
// scheduled, dispatched and completed activity.
const { floorNoop } = proxyActivities<FloorActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '500 milliseconds', maximumAttempts: 5 },
});

/** Serves `floorTurn` updates until `floorClose`. */
export async function floorWorkflow(): Promise<void> {
  let closed = false;
  setHandler(floorTurnUpdate, (text) => floorNoop(text));
  setHandler(floorCloseSignal, () => {
    closed = true;
  });
  await condition(() => closed);
  await condition(allHandlersFinished);
}
