export {
  EMPTY_MCP_CONFIG,
  listOrNone,
  parseMcpConfig,
  parseMcpServers,
  enabledMcpServers,
} from './config-schema';
export type { McpServerConfig, UnsupportedMcpServer, McpConfig } from './config-schema';
export { McpConfigError, UnknownMcpProfileError } from './errors';
export { McpFailureType } from './failure-types';
export { resolveMcpLaunch, describeMcpCommand } from './launch';
export type { McpLaunch, McpLaunchResolution } from './launch';
export {
  ANTHROPIC_TOOL_NAME_PATTERN,
  TOOL_NAME_SEPARATOR,
  MAX_MCP_SERVER_NAME_LENGTH,
  mcpServerNameProblem,
  isValidMcpServerName,
  namespaceToolName,
  splitToolName,
} from './names';
export type { NamespacedToolName } from './names';
export { applyMcpOverrides } from './overrides';
export type { McpOverrides } from './overrides';
export {
  BUILTIN_MCP_PROFILES,
  resolveMcpProfile,
  planOptimization,
  DEFAULT_MCP_IDLE_MS,
  idleServers,
  nextIdleAt,
} from './profiles';
export type { ResolvedMcpProfile, ServerCost, OptimizationPlan, ServerActivity } from './profiles';
export {
  ENABLE_SERVER_TOOL,
  toolTokensPerRequest,
  serversGoneIdle,
  msUntilNextIdle,
  planMcpOptimization,
} from './session-mcp';
export type { McpServerState, McpOptimizeRequest, McpOptimizeResult } from './session-mcp';
export { variableSyntaxProblem, expandVariables } from './variables';
export type { Expansion } from './variables';
