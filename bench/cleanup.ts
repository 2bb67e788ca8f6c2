/**
 * Everything the benchmark starts (dev server, offline model, workers, child processes, temp
 * folders) registers how to stop it here, as soon as it exists. Stopping runs in reverse order, so a
 * worker stops before the server it talks to, and one step failing does not skip the others.
 */
import type { Progress } from './progress';
import { withTimeout } from './timeout';

interface Step {
  label: string;
  stop: () => Promise<void> | void;
}

/** How long one stop step may take before the next one runs anyway. */
const STEP_TIMEOUT_MS = 15_000;

export class CleanupStack {
  readonly #steps: Step[] = [];
  #running: Promise<void> | undefined;

  /** Registers `stop` to run at cleanup, before everything registered earlier. */
  defer(label: string, stop: () => Promise<void> | void): void {
    this.#steps.push({ label, stop });
  }

  /**
   * Runs every step, newest first; errors and timeouts are reported and do not stop the rest.
   * Calling it again returns the same promise (a Ctrl-C during a normal shutdown does not start a
   * second one).
   */
  run(progress: Progress): Promise<void> {
    this.#running ??= (async () => {
      while (this.#steps.length > 0) {
        const step = this.#steps.pop()!;
        try {
          await withTimeout(Promise.resolve().then(step.stop), STEP_TIMEOUT_MS, step.label);
        } catch (err) {
          progress(`cleanup: stopping ${step.label} failed: ${(err as Error).message}`);
        }
      }
    })();
    return this.#running;
  }
}
