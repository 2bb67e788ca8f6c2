/** An MCP server name that the configuration (or the session's overrides) does not define. */
export class UnknownMcpServerError extends Error {
  override readonly name = 'UnknownMcpServerError';
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

/** Type guard for {@link UnknownMcpServerError}. */
export function isUnknownMcpServerError(err: unknown): err is UnknownMcpServerError {
  return err instanceof UnknownMcpServerError;
}
