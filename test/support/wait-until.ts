/**
 * Bounded polling for conditions a test cannot be told about (visibility catching up, a call
 * reaching the model, an activity waiting for its next attempt): the test waits for the
 * condition, never for a fixed time.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** Give up after this long (default 30 s). */
  timeoutMs?: number;
  /** Pause between reads (default 100 ms). */
  intervalMs?: number;
  /** What is awaited, for the error when it never comes. */
  what?: string;
}

/**
 * Reads `read()` until `done(value)` holds and returns that value.
 * @throws Error naming `what` and the last value read when the condition does not hold in time.
 */
export async function waitUntil<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  options: WaitOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `${options.what ?? 'The condition'} did not hold within ${timeoutMs / 1000} s; last seen: ` +
          JSON.stringify(value),
      );
    }
    await sleep(options.intervalMs ?? 100);
  }
}

/** Reads `read()` until it returns something other than undefined, and returns it. */
export async function waitForValue<T>(
  read: () => T | undefined | Promise<T | undefined>,
  options: WaitOptions = {},
): Promise<T> {
  return (await waitUntil(read, (v) => v !== undefined, options)) as T;
}
