/** An {@link McpClientPool} used after `close()`. */
export class McpPoolClosedError extends Error {
  override readonly name = 'McpPoolClosedError';

  constructor() {
    super(
      'The MCP client pool is closed (the worker is shutting down). Create a new McpClientPool to start servers.',
    );
  }
}

/** Type guard for {@link McpPoolClosedError}. */
export function isMcpPoolClosedError(err: unknown): err is McpPoolClosedError {
  return err instanceof McpPoolClosedError;
}
