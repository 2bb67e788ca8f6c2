/**
 * A session's MCP servers: which are enabled, what their tool definitions cost per request, and
 * how much they are used. Pure; the session workflow keeps one record per server.
 */
import { idleServers, nextIdleAt, planOptimization, type OptimizationPlan } from './profiles';

export interface McpServerState {
  name: string;
  enabled: boolean;
  tool_count: number;
  /** Tokens its tool definitions add to every request while it is enabled. */
  token_cost: number;
  calls: number;
  errors: number;
  /** ISO time of the last call (null: never called). */
  last_used: string | null;
  /** Workflow time (ms) of the last call, or of enabling when never called: the idle clock. */
  last_active_ms: number;
  /** Why the server could not be listed at the session's start, if it could not. */
  error?: string;
  /** Why it was last disabled. */
  disabled_reason?: 'idle' | 'optimize' | 'unavailable';
}

/** The built-in tool that lets the model turn a disabled server back on. */
export const ENABLE_SERVER_TOOL = 'enable_mcp_server';

export interface McpOptimizeRequest {
  /** Task profile name, for the record. */
  profile: string;
  /** Servers the profile recommends (resolved by the client from built-ins and the config file). */
  recommended: string[];
}

export interface McpOptimizeResult extends OptimizationPlan {
  profile: string;
  servers: McpServerState[];
}

/** Tool-definition tokens each request carries now. */
export function toolTokensPerRequest(servers: readonly McpServerState[]): number {
  return servers.filter((s) => s.enabled).reduce((sum, s) => sum + s.token_cost, 0);
}

/** Servers to disable because they have not been used for `idle_ms`. */
export function serversGoneIdle(servers: readonly McpServerState[], nowMs: number, idleMs: number): string[] {
  return idleServers({ servers: activity(servers), now_ms: nowMs, idle_ms: idleMs });
}

/** Milliseconds until the next server may go idle, or undefined when none is enabled. */
export function msUntilNextIdle(
  servers: readonly McpServerState[],
  nowMs: number,
  idleMs: number,
): number | undefined {
  const at = nextIdleAt({ servers: activity(servers), idle_ms: idleMs });
  return at === null ? undefined : Math.max(1, at - nowMs);
}

/** The plan `optimize` applies. */
export function planMcpOptimization(
  servers: readonly McpServerState[],
  recommended: readonly string[],
): OptimizationPlan {
  return planOptimization({
    servers: servers
      .filter((s) => s.error === undefined)
      .map((s) => ({ name: s.name, token_cost: s.token_cost, enabled: s.enabled })),
    recommended,
  });
}

function activity(servers: readonly McpServerState[]) {
  return servers
    .filter((s) => s.error === undefined)
    .map((s) => ({ name: s.name, enabled: s.enabled, last_used_ms: s.last_active_ms }));
}
