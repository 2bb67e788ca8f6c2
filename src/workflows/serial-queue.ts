import { patched } from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import { PATCH_LEAN_TURNS } from './patches';

/** Runs async steps one at a time, in the order they were queued. */
export interface StepQueue {
  /** Runs `step` after every step queued before it; a failed step does not stop the next ones. */
  run<T>(step: () => Promise<T>): Promise<T>;
}

/**
 * Runs async steps one at a time, in the order they were queued: a session's turns, compactions
 * and rollovers. A promise chain rather than a general mutex: in workflow code every promise costs
 * a stack trace (the SDK records one per promise for its stack-trace query), and a turn should
 * create as few as it can.
 */
export class SerialQueue implements StepQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(step: () => Promise<T>): Promise<T> {
    const result = this.tail.then(step);
    this.tail = result.catch(ignore);
    return result;
  }
}

/**
 * The queue for a session's steps. Runs recorded before the promise-chain queue used a mutex,
 * which hands over to the next step before the finished one's `finally` runs; so the commands of
 * one workflow task come in another order, and those runs replay with the mutex.
 */
export function sessionStepQueue(): StepQueue {
  if (patched(PATCH_LEAN_TURNS)) return new SerialQueue();
  const mutex = new Mutex();
  return { run: (step) => mutex.runExclusive(step) };
}

function ignore(): void {}
