import type { Context } from '@temporalio/activity';

/**
 * How often a model activity heartbeats. The model activities' heartbeat timeout
 * (src/workflows/session-activities.ts) is five of these, so a live worker survives a few missed
 * beats while a killed one is noticed within seconds.
 */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 1_000;

/**
 * Heartbeats now and every `intervalMs` until the returned function is called, whatever the
 * activity is waiting on (the store, MCP listing, token counting, a slow or silent model), so
 * Temporal never mistakes a live worker for a dead one and notices a dead one at once. Each beat
 * sends `details()` (a phase, progress), which a retry can read.
 *
 * @example
 * const stop = keepHeartbeating(Context.current(), 1_000, () => ({ phase }));
 * try { … } finally { stop(); }
 */
export function keepHeartbeating(ctx: Context, intervalMs: number, details: () => unknown): () => void {
  ctx.heartbeat(details());
  const timer = setInterval(() => ctx.heartbeat(details()), intervalMs);
  return () => clearInterval(timer);
}
