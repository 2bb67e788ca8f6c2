/**
 * Turning the MCP SDK's errors into baton's: a server that did not start, one that died during a
 * request, and a request that timed out, each naming the server and saying what to do.
 */
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { McpServerCrashError, McpServerStartError, McpTimeoutError } from './errors';
import type { McpConnection } from './mcp-connection';
import type { StderrTail } from './stderr-tail';

/**
 * Why a server did not start, as an error that names it, quotes its stderr and says what to check.
 */
export async function startFailure(
  server: string,
  command: string,
  err: unknown,
  stderr: StderrTail,
  connectTimeoutMs: number,
): Promise<McpServerStartError> {
  // The child's last stderr chunks can arrive just after its exit is reported.
  await new Promise((resolve) => setImmediate(resolve));
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const said = stderr.text();
  const tail = said === '' ? '' : ` Its stderr said: ${JSON.stringify(said)}.`;
  if (code === 'ENOENT' || code === 'EACCES') {
    return new McpServerStartError({
      server,
      command,
      reason:
        code === 'ENOENT'
          ? 'the program was not found. Check "command" (is it installed, on PATH, or relative to the configuration file?).'
          : 'the program is not executable. Check its permissions.',
      retryable: false,
      cause: err,
    });
  }
  if (err instanceof McpError && err.code === (ErrorCode.RequestTimeout as number)) {
    return new McpServerStartError({
      server,
      command,
      reason: `it did not complete the MCP handshake within ${connectTimeoutMs} ms (is it an MCP server speaking stdio?).${tail}`,
      retryable: true,
      cause: err,
    });
  }
  if (err instanceof McpError && err.code === (ErrorCode.ConnectionClosed as number)) {
    return new McpServerStartError({
      server,
      command,
      reason: `it exited before completing the MCP handshake.${tail || ' It wrote nothing to stderr.'}`,
      retryable: true,
      cause: err,
    });
  }
  return new McpServerStartError({
    server,
    command,
    reason: `${err instanceof Error ? err.message : String(err)}.${tail}`,
    retryable: true,
    cause: err,
  });
}

/**
 * True when a request failed because the connection is gone. The transport's `close` handler runs
 * before pending requests are rejected, so `closed` is already set when a call fails because the
 * process died. JSON-RPC error codes cannot tell: -32000 is both the SDK's "connection closed" and
 * a common server-defined error.
 */
export function isConnectionLost(err: unknown, connection: McpConnection): boolean {
  return connection.closed || (err instanceof Error && err.message === 'Not connected');
}

/**
 * A failed request's error as the pool throws it: {@link McpServerCrashError} when the connection
 * is lost, {@link McpTimeoutError} when the request timed out, else the SDK's error unchanged.
 */
export function requestFailure(
  err: unknown,
  connection: McpConnection,
  operation: string,
  timeoutMs: number,
): unknown {
  if (isConnectionLost(err, connection)) {
    return new McpServerCrashError({
      server: connection.server,
      operation,
      stderr: connection.stderr.text(),
      cause: err,
    });
  }
  if (err instanceof McpError && err.code === (ErrorCode.RequestTimeout as number)) {
    return new McpTimeoutError({ server: connection.server, operation, timeoutMs, cause: err });
  }
  return err;
}
