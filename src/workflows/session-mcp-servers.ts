import type { McpOptimizeRequest, McpOptimizeResult } from '../domain/mcp';
import { McpServers } from './mcp-servers';
import type { SessionLedger } from './session-ledger';

/**
 * A session's MCP servers as its entity holds them: started with the session, optimized on
 * request, disabled when unused for the idle time. After each change their states go into the
 * ledger's state, so status and the next run see them.
 */
export class SessionMcpServers {
  private current: McpServers;

  constructor(
    private readonly ledger: SessionLedger,
    /** How long a server may go unused before it is disabled. */
    private readonly idleMs: number,
  ) {
    this.current = new McpServers(ledger.state.mcp, ledger.state.mcp_tokens_freed);
  }

  /** The servers as they are now (a turn's tool loop and compaction reports read them). */
  get servers(): McpServers {
    return this.current;
  }

  get any(): boolean {
    return this.current.any;
  }

  /** Starts the named servers for a new session (their tools are listed for `model`). */
  async start(names: readonly string[], model: string): Promise<void> {
    this.current = await McpServers.start(names, model);
    this.sync();
  }

  /** Enables the servers a task profile recommends and disables the others. */
  optimize(request: McpOptimizeRequest): McpOptimizeResult {
    const result = this.current.optimize(request);
    this.sync();
    return result;
  }

  /** Milliseconds until a server may go idle (undefined: nothing to watch). */
  msUntilIdle(): number | undefined {
    return this.current.msUntilIdle(this.idleMs);
  }

  /** Disables the servers unused for the idle time; returns their names. */
  disableIdle(): string[] {
    const idle = this.current.disableIdle(this.idleMs);
    if (idle.length > 0) this.sync();
    return idle;
  }

  /** Copies the servers' states and the tokens freed by idling into the ledger's state. */
  sync(): void {
    this.ledger.state = {
      ...this.ledger.state,
      mcp: this.current.states,
      mcp_tokens_freed: this.current.tokensFreed,
    };
  }
}
