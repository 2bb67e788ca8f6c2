/** An MCP server that did not answer a request in time. Its connection is kept: it may just be slow. */
export class McpTimeoutError extends Error {
  override readonly name = 'McpTimeoutError';
  readonly server: string;
  readonly operation: string;
  readonly timeoutMs: number;

  constructor(options: { server: string; operation: string; timeoutMs: number; cause?: unknown }) {
    super(
      `MCP server '${options.server}' did not answer within ${options.timeoutMs} ms while ${options.operation}. ` +
        'Raise the timeout if the tool is slow by nature, or check the server.',
      { cause: options.cause },
    );
    this.server = options.server;
    this.operation = options.operation;
    this.timeoutMs = options.timeoutMs;
  }
}

/** Type guard for {@link McpTimeoutError}. */
export function isMcpTimeoutError(err: unknown): err is McpTimeoutError {
  return err instanceof McpTimeoutError;
}
