import { proxyActivities } from '@temporalio/workflow';
import type { BatonActivities } from '../activities';
import {
  msUntilNextIdle,
  planMcpOptimization,
  serversGoneIdle,
  toolTokensPerRequest,
  type McpOptimizeRequest,
  type McpOptimizeResult,
  type McpServerState,
} from '../domain/mcp';
import { causeMessage } from './turn-failure';

const listing = proxyActivities<BatonActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});

/**
 * A session's MCP servers: enabled or not, what their tool definitions cost per request, calls
 * and last use. Tool definitions themselves stay in the worker; only names and numbers live here.
 */
export class McpServers {
  private tokensFreedByIdle: number;

  constructor(
    private readonly servers: McpServerState[],
    tokensFreed = 0,
  ) {
    this.tokensFreedByIdle = tokensFreed;
  }

  /** Lists the named servers' tools once at the session's start and measures their cost. */
  static async start(names: readonly string[], model: string): Promise<McpServers> {
    if (names.length === 0) return new McpServers([]);
    const now = Date.now();
    let listed;
    try {
      listed = await listing.listMcpTools.executeWithOptions({ summary: `mcp: list ${names.join(', ')}` }, [
        { servers: [...names], model, summary_only: true },
      ]);
    } catch (err) {
      // An unknown server name (or a worker without MCP) must not stop the session: it starts with
      // those servers marked unavailable, and status says why.
      const error = causeMessage(err);
      return new McpServers(
        names.map((name) => ({
          name,
          enabled: false,
          tool_count: 0,
          token_cost: 0,
          calls: 0,
          errors: 0,
          last_used: null,
          last_active_ms: now,
          error,
          disabled_reason: 'unavailable',
        })),
      );
    }
    return new McpServers(
      listed.servers.map((s): McpServerState => {
        const base = { name: s.server, calls: 0, errors: 0, last_used: null, last_active_ms: now };
        if ('error' in s) {
          return {
            ...base,
            enabled: false,
            tool_count: 0,
            token_cost: 0,
            error: s.error,
            disabled_reason: 'unavailable',
          };
        }
        return { ...base, enabled: true, tool_count: s.tool_count, token_cost: s.token_cost };
      }),
    );
  }

  get any(): boolean {
    return this.servers.length > 0;
  }

  get states(): McpServerState[] {
    return this.servers.map((s) => ({ ...s }));
  }

  get tokensFreed(): number {
    return this.tokensFreedByIdle;
  }

  enabled(): string[] {
    return this.servers.filter((s) => s.enabled).map((s) => s.name);
  }

  /** Disabled servers that could be turned on again (not the ones that failed to start). */
  disabled(): string[] {
    return this.servers.filter((s) => !s.enabled && s.error === undefined).map((s) => s.name);
  }

  find(name: string): McpServerState | undefined {
    return this.servers.find((s) => s.name === name);
  }

  recordCall(name: string, isError: boolean): void {
    const s = this.find(name);
    if (!s) return;
    s.calls++;
    if (isError) s.errors++;
    s.last_used = new Date().toISOString();
    s.last_active_ms = Date.now();
  }

  /** Turns a disabled server back on; its idle clock starts again. */
  enable(name: string): boolean {
    const s = this.find(name);
    if (!s || s.enabled || s.error !== undefined) return false;
    s.enabled = true;
    delete s.disabled_reason;
    s.last_active_ms = Date.now();
    return true;
  }

  /** Milliseconds until a server may go idle (undefined: none enabled). */
  msUntilIdle(idleMs: number): number | undefined {
    return msUntilNextIdle(this.servers, Date.now(), idleMs);
  }

  /** Disables servers unused for `idleMs`; returns their names. */
  disableIdle(idleMs: number): string[] {
    const idle = serversGoneIdle(this.servers, Date.now(), idleMs);
    for (const name of idle) {
      const s = this.find(name)!;
      s.enabled = false;
      s.disabled_reason = 'idle';
      this.tokensFreedByIdle += s.token_cost;
    }
    return idle;
  }

  /** Enables what a task profile recommends and disables the rest. */
  optimize(request: McpOptimizeRequest): McpOptimizeResult {
    const plan = planMcpOptimization(this.servers, request.recommended);
    for (const name of plan.enable) this.enable(name);
    for (const name of plan.disable) {
      const s = this.find(name)!;
      s.enabled = false;
      s.disabled_reason = 'optimize';
    }
    return { ...plan, profile: request.profile, servers: this.states };
  }

  status() {
    return {
      servers: this.states,
      tokens_per_request: toolTokensPerRequest(this.servers),
      tokens_freed_by_idle: this.tokensFreedByIdle,
    };
  }
}
