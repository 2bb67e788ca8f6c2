/**
 * One MCP server over stdio: starting its process and completing the handshake, and listing its
 * tools. The pool decides when to start one and shares it between requests.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ToolListChangedNotificationSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig } from '../domain/mcp';
import { describeMcpCommand, resolveMcpLaunch } from '../domain/mcp';
import { McpServerStartError } from './errors';
import { startFailure } from './connection-failures';
import { StderrTail } from './stderr-tail';

/** Longer than the SDK's own escalation from closing stdin to SIGKILL (4 s). */
const PROCESS_EXIT_WAIT_MS = 5_000;

/** A started server: its client, its process's transport and what it wrote to stderr. */
export interface McpConnection {
  readonly server: string;
  readonly client: Client;
  readonly transport: StdioClientTransport;
  readonly stderr: StderrTail;
  /** Set when the transport closed: the process exited or its pipes broke. */
  closed: boolean;
  /** Tool list, fetched once per connection and dropped on `notifications/tools/list_changed`. */
  tools?: Promise<Tool[]>;
}

/** What {@link connectMcpServer} needs. */
export interface ConnectMcpServerOptions {
  server: string;
  definition: McpServerConfig;
  /** Where `${VAR}` references in the definition are looked up. */
  env: Readonly<Record<string, string | undefined>>;
  connectTimeoutMs: number;
  clientInfo: { name: string; version: string };
  /** Receives each line the server writes to stderr. */
  onStderr: ((server: string, line: string) => void) | undefined;
  /** Called once the connection is lost (the process exited or its pipes broke). */
  onLost: () => void;
}

/**
 * Starts a server and completes the MCP handshake. On failure no process is left running.
 * @throws McpServerStartError saying why and whether trying again may help.
 */
export async function connectMcpServer(options: ConnectMcpServerOptions): Promise<McpConnection> {
  const { server, definition, onStderr, onLost } = options;
  const command = describeMcpCommand(definition);
  const resolved = resolveMcpLaunch(definition, options.env);
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
    stderr.push(String(chunk), onStderr && ((line) => onStderr(server, line))),
  );
  const client = new Client(options.clientInfo, { capabilities: {} });
  const connection: McpConnection = { server, client, transport, stderr, closed: false };
  const exited = new Promise<void>((resolve) => {
    client.onclose = () => {
      connection.closed = true;
      onLost();
      resolve();
    };
  });
  try {
    await client.connect(transport, { timeout: options.connectTimeoutMs });
  } catch (err) {
    // On a failed handshake the SDK starts closing the transport without waiting (stdin closed,
    // SIGTERM after 2 s, SIGKILL after 4 s). Wait for the exit, so that no process outlives the
    // error; a program that never started has nothing to wait for.
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (code !== 'ENOENT' && code !== 'EACCES') {
      await client.close().catch(() => undefined);
      await Promise.race([exited, delay(PROCESS_EXIT_WAIT_MS)]);
    }
    throw await startFailure(server, command, err, stderr, options.connectTimeoutMs);
  }
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    delete connection.tools;
  });
  return connection;
}

/** Every page of the server's tools. A failure is not cached in `connection.tools`. */
export async function fetchAllTools(connection: McpConnection, timeout: number): Promise<Tool[]> {
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

/** Connections are per server name and definition, so a session's own definition gets its own process. */
export function connectionKey(server: string, d: McpServerConfig): string {
  const env = Object.entries(d.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([server, d.command, d.args, env, d.cwd ?? null]);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
