/**
 * `ApplicationFailure` types of the MCP activities, so that workflows and retry policies can match
 * them (`nonRetryableErrorTypes`) without importing worker code. Workflow-safe.
 */
export const McpFailureType = {
  /** The server name is not configured. Never retried. */
  UnknownServer: 'UnknownMcpServer',
  /** The server has no tool of that name. Never retried. */
  UnknownTool: 'UnknownMcpTool',
  /** The activity input is malformed (input not an object, bad size limit). Never retried. */
  InvalidInput: 'InvalidMcpToolInput',
  /** The server could not be started; retried unless its command does not exist. */
  ServerStartFailed: 'McpServerStartFailed',
  /** The server exited or closed its pipes during a call. Retried: the next attempt reconnects. */
  ServerCrashed: 'McpServerCrashed',
  /** The server did not answer in time. Retried. */
  Timeout: 'McpTimeout',
} as const;

export type McpFailureType = (typeof McpFailureType)[keyof typeof McpFailureType];
