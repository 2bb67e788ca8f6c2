/**
 * Ctrl-C and `kill`: the first SIGINT or SIGTERM aborts the run and shuts everything down cleanly;
 * another one at least {@link REPEAT_GRACE_MS} later exits at once.
 *
 * The grace period matters: a terminal sends Ctrl-C to the whole process group, and `tsx` (which
 * `npm run bench` runs under) relays it to this process again when it has not heard back within
 * 30 ms, so one key press can arrive twice.
 */

/** Signals closer together than this are one interrupt. */
export const REPEAT_GRACE_MS = 2_000;

/**
 * Calls `onInterrupt` on the first SIGINT/SIGTERM and exits with 130 on a later one. Returns a
 * function that removes the handlers.
 */
export function onInterrupt(onInterrupt: (signal: NodeJS.Signals) => void): () => void {
  let firstAt: number | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (firstAt === undefined) {
      firstAt = Date.now();
      onInterrupt(signal);
    } else if (Date.now() - firstAt >= REPEAT_GRACE_MS) {
      process.exit(130);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
