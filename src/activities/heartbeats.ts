import type { Context } from '@temporalio/activity';

/**
 * How often a model activity heartbeats. The model activities' heartbeat timeout
 * (src/workflows/session-activities.ts) is five of these, so a live worker survives a few missed
 * beats while a killed one is noticed within seconds.
 */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 1_000;

/**
 * Heartbeats every `intervalMs` until the returned function is called, whatever the activity is
 * waiting on (the store, MCP listing, token counting, a slow or silent model), so Temporal never
 * mistakes a live worker for a dead one and notices a dead one at once. Each beat sends
 * `details()` (a phase, progress), which a retry can read. The first beat comes after one
 * interval, not at the start: the heartbeat timeout runs from the activity's start anyway, so a
 * beat at once would tell Temporal nothing, yet it is a server call and a billable action, and a
 * turn whose model answers within the interval (most, with a fast model) then sends none.
 *
 * @example
 * const stop = keepHeartbeating(Context.current(), 1_000, () => ({ phase }));
 * try { … } finally { stop(); }
 */
export function keepHeartbeating(ctx: Context, intervalMs: number, details: () => unknown): () => void {
  const timer = setInterval(() => ctx.heartbeat(details()), intervalMs);
  return () => clearInterval(timer);
}
