/**
 * MCP on the worker side: reading the configuration file, the client pool that starts servers over
 * stdio, tool definitions and their token cost, and tool results cut to size. The pure parts
 * (configuration rules, names, profiles, optimization) live in `src/domain/mcp/`.
 */
export { loadMcpConfig, resolveMcpConfigPath, MCP_CONFIG_ENV, DEFAULT_MCP_CONFIG_FILE } from './mcp-config';
export type { LoadedMcpConfig, McpConfigLocation } from './mcp-config';
export { McpClientPool } from './mcp-client-pool';
export { DEFAULT_MCP_CONNECT_TIMEOUT_MS, DEFAULT_MCP_REQUEST_TIMEOUT_MS } from './pool-options';
export type {
  McpClientPoolOptions,
  McpRequestOptions,
  McpCallOptions,
  McpConnectionInfo,
} from './pool-options';
export { toAnthropicTools, measureToolCosts, TOOL_COST_BASELINE } from './tool-cost';
export type { AnthropicTool, McpTokenCounter, SkippedTool, ToolCostRequest, ToolCosts } from './tool-cost';
export { toolResultText, truncateText, DEFAULT_MAX_RESULT_CHARS } from './tool-result';
export type { TruncatedText } from './tool-result';
export { listServerTools, isMcpServerTools } from './server-listing';
export type {
  ListServerToolsOptions,
  McpServerFailure,
  McpServerListing,
  McpServerTools,
  McpToolListing,
} from './server-listing';
export {
  McpPoolClosedError,
  McpServerCrashError,
  McpServerStartError,
  McpTimeoutError,
  UnknownMcpServerError,
  isMcpServerCrashError,
  isMcpServerStartError,
  isMcpTimeoutError,
} from './errors';
