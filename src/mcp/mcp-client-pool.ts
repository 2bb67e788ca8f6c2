/**
 * One MCP connection per configured server, shared by every activity in the worker. Servers start
 * lazily (the first call that needs one starts it), a server that crashes is started again by the
 * next call, and `close()` stops every child process.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  ErrorCode,
  McpError,
  ToolListChangedNotificationSchema,
  type CallToolResult,
  type Progress,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig } from '../domain/mcp';
import { describeMcpCommand, resolveMcpLaunch } from '../domain/mcp';
import {
  McpPoolClosedError,
  McpServerCrashError,
  McpServerStartError,
  McpTimeoutError,
  UnknownMcpServerError,
} from './errors';
import { StderrTail } from './stderr-tail';

/** Starting a server includes the MCP handshake; `npx -y some-server` may download first. */
export const DEFAULT_MCP_CONNECT_TIMEOUT_MS = 30_000;
/** Requests (listing tools, calling one) time out after this unless the caller says otherwise. */
export const DEFAULT_MCP_REQUEST_TIMEOUT_MS = 60_000;

/** Longer than the SDK's own escalation from closing stdin to SIGKILL (4 s). */
const PROCESS_EXIT_WAIT_MS = 5_000;

/** What {@link McpClientPool} needs. */
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

/** Options of {@link McpClientPool.callTool}. */
export interface McpCallOptions extends McpRequestOptions {
  /** Progress notifications from the server; each one also restarts the timeout. */
  onProgress?: (progress: Progress) => void;
}

/** One live connection, as {@link McpClientPool.snapshot} reports it. */
export interface McpConnectionInfo {
  server: string;
  state: 'starting' | 'connected';
  /** The child process id (null while starting). */
  pid: number | null;
}

interface Connection {
  readonly server: string;
  readonly client: Client;
  readonly transport: StdioClientTransport;
  readonly stderr: StderrTail;
  /** Set when the transport closed: the process exited or its pipes broke. */
  closed: boolean;
  /** Tool list, fetched once per connection and dropped on `notifications/tools/list_changed`. */
  tools?: Promise<Tool[]>;
}

interface Slot {
  readonly server: string;
  readonly ready: Promise<Connection>;
  connection?: Connection;
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
        connection.tools ??= this.#fetchTools(connection, options.timeoutMs ?? this.#requestTimeoutMs);
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

  async #acquire(server: string, definition: McpServerConfig, signal?: AbortSignal): Promise<Connection> {
    if (this.#closed) throw new McpPoolClosedError();
    const key = connectionKey(server, definition);
    let slot = this.#slots.get(key);
    if (slot === undefined) {
      const forget = () => {
        if (this.#slots.get(key) === created) this.#slots.delete(key);
      };
      const ready = this.#connect(server, definition, forget);
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

  async #connect(server: string, definition: McpServerConfig, onLost: () => void): Promise<Connection> {
    const command = describeMcpCommand(definition);
    const resolved = resolveMcpLaunch(definition, this.#env);
    if (!resolved.ok)
      throw new McpServerStartError({ server, command, reason: resolved.problem, retryable: false });
    const { launch } = resolved;
    const stderr = new StderrTail();
    const transport = new StdioClientTransport({
      command: launch.command,
      args: launch.args,
      env: launch.env,
      ...(launch.cwd !== undefined ? { cwd: launch.cwd } : {}),
      // Piped, not inherited: a server's log lines are not the worker's, and the tail explains crashes.
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer | string) =>
      stderr.push(String(chunk), this.#onStderr && ((line) => this.#onStderr?.(server, line))),
    );
    const client = new Client(this.#clientInfo, { capabilities: {} });
    const connection: Connection = { server, client, transport, stderr, closed: false };
    const exited = new Promise<void>((resolve) => {
      client.onclose = () => {
        connection.closed = true;
        onLost();
        resolve();
      };
    });
    try {
      await client.connect(transport, { timeout: this.#connectTimeoutMs });
    } catch (err) {
      // On a failed handshake the SDK starts closing the transport without waiting (stdin closed,
      // SIGTERM after 2 s, SIGKILL after 4 s). Wait for the exit, so that no process outlives the
      // error; a program that never started has nothing to wait for.
      const code = (err as NodeJS.ErrnoException | undefined)?.code;
      if (code !== 'ENOENT' && code !== 'EACCES') {
        await client.close().catch(() => undefined);
        await Promise.race([exited, delay(PROCESS_EXIT_WAIT_MS)]);
      }
      throw await startFailure(server, command, err, stderr, this.#connectTimeoutMs);
    }
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      delete connection.tools;
    });
    return connection;
  }

  async #fetchTools(connection: Connection, timeout: number): Promise<Tool[]> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    try {
      do {
        const page = await connection.client.listTools(cursor === undefined ? {} : { cursor }, { timeout });
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return tools;
    } catch (err) {
      // Do not cache a failure: the next caller asks again.
      delete connection.tools;
      throw err;
    }
  }

  async #drop(connection: Connection): Promise<void> {
    for (const [key, slot] of this.#slots) if (slot.connection === connection) this.#slots.delete(key);
    await connection.client.close().catch(() => undefined);
  }

  /** Turns an SDK error into one that names the server and says what to do. */
  #explain(err: unknown, connection: Connection, operation: string, timeoutMs?: number): unknown {
    // The transport's `close` handler runs before pending requests are rejected, so `closed` is
    // already set when a call fails because the process died. JSON-RPC error codes cannot tell:
    // -32000 is both the SDK's "connection closed" and a common server-defined error.
    if (connection.closed || (err instanceof Error && err.message === 'Not connected')) {
      void this.#drop(connection);
      return new McpServerCrashError({
        server: connection.server,
        operation,
        stderr: connection.stderr.text(),
        cause: err,
      });
    }
    if (err instanceof McpError && err.code === (ErrorCode.RequestTimeout as number)) {
      return new McpTimeoutError({
        server: connection.server,
        operation,
        timeoutMs: timeoutMs ?? this.#requestTimeoutMs,
        cause: err,
      });
    }
    return err;
  }
}

/** Connections are per server name and definition, so a session's own definition gets its own process. */
function connectionKey(server: string, d: McpServerConfig): string {
  const env = Object.entries(d.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([server, d.command, d.args, env, d.cwd ?? null]);
}

async function startFailure(
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

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason as Error);
  });
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}
