/**
 * An MCP server that could not be started or did not complete the MCP handshake. Affects only that
 * server: the pool's other servers keep working, and the next call tries to start it again.
 */
export class McpServerStartError extends Error {
  override readonly name = 'McpServerStartError';
  readonly server: string;
  /** The command line as configured (`${VAR}` references unexpanded, so no secrets). */
  readonly command: string;
  /** False when trying again cannot help (the program does not exist, a variable is unset). */
  readonly retryable: boolean;

  constructor(options: {
    server: string;
    command: string;
    reason: string;
    retryable: boolean;
    cause?: unknown;
  }) {
    super(`MCP server '${options.server}' could not start (command: ${options.command}): ${options.reason}`, {
      cause: options.cause,
    });
    this.server = options.server;
    this.command = options.command;
    this.retryable = options.retryable;
  }
}

/** Type guard for {@link McpServerStartError}. */
export function isMcpServerStartError(err: unknown): err is McpServerStartError {
  return err instanceof McpServerStartError;
}
