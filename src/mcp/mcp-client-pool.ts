/**
 * One MCP connection per configured server, shared by every activity in the worker. Servers start
 * lazily (the first call that needs one starts it), a server that crashes is started again by the
 * next call, and `close()` stops every child process.
 */
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig } from '../domain/mcp';
import { abortable } from './abortable';
import { isConnectionLost, requestFailure } from './connection-failures';
import { McpPoolClosedError, UnknownMcpServerError } from './errors';
import { connectionKey, connectMcpServer, fetchAllTools, type McpConnection } from './mcp-connection';
import {
  DEFAULT_MCP_CONNECT_TIMEOUT_MS,
  DEFAULT_MCP_REQUEST_TIMEOUT_MS,
  type McpCallOptions,
  type McpClientPoolOptions,
  type McpConnectionInfo,
  type McpRequestOptions,
} from './pool-options';

interface Slot {
  readonly server: string;
  readonly ready: Promise<McpConnection>;
  connection?: McpConnection;
}

/**
 * Pools MCP client connections over stdio.
 *
 * - `listTools` retries once on a fresh connection when the old one turns out to be dead: listing
 *   has no side effects.
 * - `callTool` never retries: a tool may have done half its work before the server died. It throws
 *   {@link McpServerCrashError} and leaves retrying to the caller (a Temporal activity).
 * - A server that cannot start fails only its own requests, with {@link McpServerStartError}.
 *
 * @example
 * const pool = new McpClientPool({ servers: config.servers });
 * try {
 *   const tools = await pool.listTools('memory');
 *   const result = await pool.callTool('memory', 'read_graph', {});
 * } finally {
 *   await pool.close();
 * }
 */
export class McpClientPool {
  readonly #servers: Readonly<Record<string, McpServerConfig>>;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #connectTimeoutMs: number;
  readonly #requestTimeoutMs: number;
  readonly #onStderr: ((server: string, line: string) => void) | undefined;
  readonly #clientInfo: { name: string; version: string };
  readonly #slots = new Map<string, Slot>();
  #closed = false;

  constructor(options: McpClientPoolOptions) {
    this.#servers = options.servers;
    this.#env = options.env ?? process.env;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_MCP_CONNECT_TIMEOUT_MS;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_MCP_REQUEST_TIMEOUT_MS;
    this.#onStderr = options.onStderr;
    this.#clientInfo = options.clientInfo ?? { name: 'baton', version: '0.1.0' };
  }

  /** Names of the configured servers, in configuration order. */
  get serverNames(): string[] {
    return Object.keys(this.#servers);
  }

  /** True when `server` is configured. */
  hasServer(server: string): boolean {
    return Object.hasOwn(this.#servers, server);
  }

  /**
   * A configured server's definition.
   * @throws UnknownMcpServerError listing the configured servers.
   */
  serverConfig(server: string): McpServerConfig {
    const config = this.hasServer(server) ? this.#servers[server] : undefined;
    if (config === undefined) throw new UnknownMcpServerError(server, this.serverNames);
    return config;
  }

  /**
   * The server's tools (all pages), cached per connection.
   * @throws UnknownMcpServerError, McpServerStartError, McpServerCrashError (the server died twice
   * in a row), McpTimeoutError, McpPoolClosedError; the signal's reason when aborted.
   */
  async listTools(server: string, options: McpRequestOptions = {}): Promise<Tool[]> {
    const definition = options.definition ?? this.serverConfig(server);
    for (let attempt = 1; ; attempt++) {
      const connection = await this.#acquire(server, definition, options.signal);
      try {
        connection.tools ??= fetchAllTools(connection, options.timeoutMs ?? this.#requestTimeoutMs);
        return await abortable(connection.tools, options.signal);
      } catch (err) {
        if (options.signal?.aborted) throw options.signal.reason;
        // A dead connection may have been cached from before the crash; one fresh start is safe
        // because listing tools changes nothing on the server.
        if (connection.closed && attempt === 1) {
          await this.#drop(connection);
          continue;
        }
        throw this.#explain(err, connection, 'listing its tools', options.timeoutMs);
      }
    }
  }

  /**
   * Calls one tool. Tool errors (`isError: true`) are results, not exceptions; JSON-RPC errors from
   * the server (invalid arguments, unknown tool) are thrown as the SDK's `McpError`.
   * @throws UnknownMcpServerError, McpServerStartError, McpServerCrashError, McpTimeoutError,
   * McpPoolClosedError, McpError; the signal's reason when aborted.
   */
  async callTool(
    server: string,
    tool: string,
    input: Record<string, unknown>,
    options: McpCallOptions = {},
  ): Promise<CallToolResult> {
    const definition = options.definition ?? this.serverConfig(server);
    const connection = await this.#acquire(server, definition, options.signal);
    const timeout = options.timeoutMs ?? this.#requestTimeoutMs;
    try {
      const result = await connection.client.callTool({ name: tool, arguments: input }, undefined, {
        timeout,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onprogress: options.onProgress, resetTimeoutOnProgress: true } : {}),
      });
      // Servers on protocol 2024-10-07 answer with `toolResult`; present it as text content.
      if (!('content' in result)) {
        return { content: [{ type: 'text', text: JSON.stringify(result.toolResult ?? null) }] };
      }
      return result as CallToolResult;
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw this.#explain(err, connection, `calling tool '${tool}'`, timeout);
    }
  }

  /** The connections that exist right now (for status output and tests). */
  snapshot(): McpConnectionInfo[] {
    return [...this.#slots.values()].map((slot) => ({
      server: slot.server,
      state: slot.connection ? 'connected' : 'starting',
      pid: slot.connection?.transport.pid ?? null,
    }));
  }

  /**
   * Stops every server (stdin closed, then SIGTERM, then SIGKILL, as the SDK's transport does) and
   * refuses further requests. Waits for servers that are still starting, so none is left behind.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const slots = [...this.#slots.values()];
    this.#slots.clear();
    await Promise.all(
      slots.map(async (slot) => {
        const connection = await slot.ready.catch(() => undefined);
        await connection?.client.close().catch(() => undefined);
      }),
    );
  }

  async #acquire(server: string, definition: McpServerConfig, signal?: AbortSignal): Promise<McpConnection> {
    if (this.#closed) throw new McpPoolClosedError();
    const key = connectionKey(server, definition);
    let slot = this.#slots.get(key);
    if (slot === undefined) {
      const forget = () => {
        if (this.#slots.get(key) === created) this.#slots.delete(key);
      };
      const ready = connectMcpServer({
        server,
        definition,
        env: this.#env,
        connectTimeoutMs: this.#connectTimeoutMs,
        clientInfo: this.#clientInfo,
        onStderr: this.#onStderr,
        onLost: forget,
      });
      const created: Slot = { server, ready };
      this.#slots.set(key, created);
      ready.then(
        (connection) => {
          created.connection = connection;
        },
        // A failed start is not cached: the next request tries again.
        forget,
      );
      slot = created;
    }
    // Every caller waits for the same start; one caller giving up does not abort it for the others.
    return abortable(slot.ready, signal);
  }

  async #drop(connection: McpConnection): Promise<void> {
    for (const [key, slot] of this.#slots) if (slot.connection === connection) this.#slots.delete(key);
    await connection.client.close().catch(() => undefined);
  }

  /** Turns an SDK error into one that names the server and says what to do; drops a dead connection. */
  #explain(err: unknown, connection: McpConnection, operation: string, timeoutMs?: number): unknown {
    if (isConnectionLost(err, connection)) void this.#drop(connection);
    return requestFailure(err, connection, operation, timeoutMs ?? this.#requestTimeoutMs);
  }
}
