/**
 * An MCP server whose process exited (or closed its pipes) while a request was in flight. The pool
 * has already dropped the connection, so the next call starts the server again.
 */
export class McpServerCrashError extends Error {
  override readonly name = 'McpServerCrashError';
  readonly server: string;
  /** What was in flight, e.g. `calling tool 'crash'`. */
  readonly operation: string;

  constructor(options: { server: string; operation: string; stderr: string; cause?: unknown }) {
    const said =
      options.stderr === '' ? '' : ` Its last output on stderr: ${JSON.stringify(options.stderr)}.`;
    super(
      `MCP server '${options.server}' exited while ${options.operation}.${said} ` +
        'The next call starts it again; if it keeps crashing, run its command by hand to see why.',
      { cause: options.cause },
    );
    this.server = options.server;
    this.operation = options.operation;
  }
}

/** Type guard for {@link McpServerCrashError}. */
export function isMcpServerCrashError(err: unknown): err is McpServerCrashError {
  return err instanceof McpServerCrashError;
}
