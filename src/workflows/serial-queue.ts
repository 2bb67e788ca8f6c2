/**
 * Runs async steps one at a time, in the order they were queued: a session's turns, compactions
 * and rollovers. A promise chain rather than a general mutex: in workflow code every promise costs
 * a stack trace (the SDK records one per promise for its stack-trace query), and a turn should
 * create as few as it can.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `step` after every step queued before it; a failed step does not stop the next ones. */
  run<T>(step: () => Promise<T>): Promise<T> {
    const result = this.tail.then(step);
    this.tail = result.catch(ignore);
    return result;
  }
}

function ignore(): void {}
