/**
 * What the MCP client pool is built with, what each of its requests accepts, and the default
 * timeouts.
 */
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig } from '../domain/mcp';

/** Starting a server includes the MCP handshake; `npx -y some-server` may download first. */
export const DEFAULT_MCP_CONNECT_TIMEOUT_MS = 30_000;
/** Requests (listing tools, calling one) time out after this unless the caller says otherwise. */
export const DEFAULT_MCP_REQUEST_TIMEOUT_MS = 60_000;

/** What `McpClientPool` needs. */
export interface McpClientPoolOptions {
  /** The configured servers, by name. */
  servers: Readonly<Record<string, McpServerConfig>>;
  /**
   * Where `${VAR}` references are looked up (default `process.env`). Servers do not inherit this
   * environment: as in the MCP SDK, they get `HOME`, `PATH` and a few other safe variables plus
   * their own `env`, so the worker's secrets (an Anthropic key) stay out of third-party servers.
   */
  env?: Readonly<Record<string, string | undefined>>;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Receives each line a server writes to stderr (default: kept only for error messages). */
  onStderr?: (server: string, line: string) => void;
  /** How baton introduces itself in the MCP handshake. */
  clientInfo?: { name: string; version: string };
}

/** Options of one pool request. */
export interface McpRequestOptions {
  /** Aborting it cancels the request (the server is told with `notifications/cancelled`). */
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * A definition to use instead of the configured one (a session's own server). Connections are
   * keyed by name and definition, so two sessions that define a server differently each get theirs.
   */
  definition?: McpServerConfig;
}

/** Options of `McpClientPool.callTool`. */
export interface McpCallOptions extends McpRequestOptions {
  /** Progress notifications from the server; each one also restarts the timeout. */
  onProgress?: (progress: Progress) => void;
}

/** One live connection, as `McpClientPool.snapshot` reports it. */
export interface McpConnectionInfo {
  server: string;
  state: 'starting' | 'connected';
  /** The child process id (null while starting). */
  pid: number | null;
}
