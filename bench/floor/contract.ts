/**
 * The Temporal floor's contract, shared by its workflow, its activity and the benchmark: the least
 * a durable turn can cost on Temporal, an update whose handler runs one activity that does nothing.
 * Workflow-safe.
 */
import { defineSignal, defineUpdate } from '@temporalio/workflow';

/** Workflow type name of the floor workflow. */
export const FLOOR_WORKFLOW_TYPE = 'floorWorkflow';

/** One turn: a text in, the same text out, after one no-op activity. */
export const floorTurnUpdate = defineUpdate<string, [string]>('floorTurn');

/** Ends the workflow once the handlers in flight have finished. */
export const floorCloseSignal = defineSignal('floorClose');
