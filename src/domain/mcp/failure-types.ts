import { FailureType } from '../failures';

/**
 * `ApplicationFailure` types of the MCP activities (a view of {@link FailureType}, where each is
 * documented with whether it is retried), so that workflows and retry policies can match them
 * without importing worker code. Workflow-safe.
 */
export const McpFailureType = {
  UnknownServer: FailureType.UnknownMcpServer,
  UnknownTool: FailureType.UnknownMcpTool,
  InvalidInput: FailureType.InvalidMcpToolInput,
  NotConfigured: FailureType.McpNotConfigured,
  ServerStartFailed: FailureType.McpServerStartFailed,
  ServerCrashed: FailureType.McpServerCrashed,
  Timeout: FailureType.McpTimeout,
} as const;

export type McpFailureType = (typeof McpFailureType)[keyof typeof McpFailureType];
