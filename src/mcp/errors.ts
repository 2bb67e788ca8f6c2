import { BatonError } from '../domain/errors';

/**
 * An MCP server that could not be started or did not complete the MCP handshake. Affects only that
 * server: the pool's other servers keep working, and the next call tries to start it again.
 */
export class McpServerStartError extends BatonError {
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

/**
 * An MCP server whose process exited (or closed its pipes) while a request was in flight. The pool
 * has already dropped the connection, so the next call starts the server again.
 */
export class McpServerCrashError extends BatonError {
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

/** An MCP server that did not answer a request in time. Its connection is kept: it may just be slow. */
export class McpTimeoutError extends BatonError {
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

/** An MCP server name that the configuration (or the session's overrides) does not define. */
export class UnknownMcpServerError extends BatonError {
  readonly server: string;
  readonly known: readonly string[];

  constructor(server: string, known: readonly string[]) {
    super(
      `Unknown MCP server '${server}'. Configured servers: ${known.length > 0 ? known.join(', ') : '(none)'}. ` +
        'Add it under "mcpServers" in the MCP configuration (BATON_MCP_CONFIG or ./.mcp.json).',
    );
    this.server = server;
    this.known = known;
  }
}

/** An `McpClientPool` used after `close()`. */
export class McpPoolClosedError extends BatonError {
  constructor() {
    super(
      'The MCP client pool is closed (the worker is shutting down). Create a new McpClientPool to start servers.',
    );
  }
}

/** True when `err` is an {@link McpServerStartError}. */
export function isMcpServerStartError(err: unknown): err is McpServerStartError {
  return err instanceof McpServerStartError;
}

/** True when `err` is an {@link McpServerCrashError}. */
export function isMcpServerCrashError(err: unknown): err is McpServerCrashError {
  return err instanceof McpServerCrashError;
}

/** True when `err` is an {@link McpTimeoutError}. */
export function isMcpTimeoutError(err: unknown): err is McpTimeoutError {
  return err instanceof McpTimeoutError;
}
