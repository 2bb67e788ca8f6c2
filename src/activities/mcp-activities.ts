/**
 * The MCP activities: listing servers' tools with their token cost, and calling one tool. Each
 * maps the pool's errors to `ApplicationFailure`s whose types (`McpFailureType`) tell Temporal's
 * retry policy what to do: a bad name is never retried, a crashed server is (the next attempt
 * starts it again), and a tool that reports an error is not a failure at all but a result the
 * model gets to read.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { DEFAULT_MODEL_ID } from '../domain/models';
import type { McpServerConfig } from '../domain/mcp';
import { McpFailureType } from '../domain/mcp';
import {
  DEFAULT_MAX_RESULT_CHARS,
  isMcpServerCrashError,
  isMcpServerStartError,
  isMcpTimeoutError,
  listServerTools,
  toolResultText,
  truncateText,
  type McpClientPool,
  type McpTokenCounter,
  type McpToolListing,
} from '../mcp';
import { toModelCallFailure } from './anthropic-failure';

/** What the MCP activities need; the worker builds the pool once and closes it on shutdown. */
export interface McpActivityDeps {
  pool: McpClientPool;
  /** The worker's token counter (`messages.countTokens` with a key, the local tokenizer offline). */
  countTokens: McpTokenCounter;
  /** Model whose tokens are counted when the input names none (default claude-sonnet-4-6). */
  model?: string;
  /** How often a running tool call heartbeats, in ms (default 5 s). */
  heartbeatIntervalMs?: number;
}

/** Input of `listMcpTools`. */
export interface ListMcpToolsInput {
  /** Servers to list (default: every server the pool knows). */
  servers?: string[];
  /** Model to count tokens for. */
  model?: string;
  /** A session's own server definitions (from its overrides), by name. */
  definitions?: Record<string, McpServerConfig>;
  /** Leave the tool definitions out of the result (counts and token costs only). */
  summary_only?: boolean;
}

/** Result of `listMcpTools`: per server its tools and token cost, or its error. */
export type ListMcpToolsResult = McpToolListing;

/** Input of `callMcpTool`. `tool` is the server's own name for it, not the namespaced one. */
export interface CallMcpToolInput {
  server: string;
  tool: string;
  input: Record<string, unknown>;
  /** Longest result passed back, in characters (default 20,000; at least 1,000). */
  max_result_chars?: number;
  /** How long the server may take to answer (default: the pool's, 60 s). */
  timeout_ms?: number;
  /** The session's own definition of `server`, when its overrides define one. */
  definition?: McpServerConfig;
}

/** Result of `callMcpTool`: the text for the `tool_result` block. */
export interface CallMcpToolResult {
  content: string;
  /** The tool reported an error (`isError`), or the server rejected the call (bad arguments). */
  is_error: boolean;
  truncated: boolean;
  /** Length of the full result in characters, before truncation. */
  original_chars: number;
}

/** Smaller limits would leave room for little but the truncation marker. */
export const MIN_RESULT_CHARS = 1_000;

const nonRetryable = (type: string, message: string) =>
  ApplicationFailure.create({ type, message, nonRetryable: true });

function knownServers(deps: McpActivityDeps, definitions?: Record<string, unknown>): string[] {
  return [...new Set([...deps.pool.serverNames, ...Object.keys(definitions ?? {})])];
}

function unknownServer(server: string, known: readonly string[]): ApplicationFailure {
  return nonRetryable(
    McpFailureType.UnknownServer,
    `Unknown MCP server '${server}'. Configured servers: ${known.length > 0 ? known.join(', ') : '(none)'}.`,
  );
}

/** Maps pool errors to the failure Temporal acts on; anything unexpected stays retryable. */
function toMcpFailure(err: unknown): unknown {
  if (isMcpServerStartError(err)) {
    return ApplicationFailure.create({
      type: McpFailureType.ServerStartFailed,
      message: err.message,
      nonRetryable: !err.retryable,
      details: [{ server: err.server }],
    });
  }
  if (isMcpServerCrashError(err)) {
    return ApplicationFailure.create({
      type: McpFailureType.ServerCrashed,
      message: err.message,
      details: [{ server: err.server }],
    });
  }
  if (isMcpTimeoutError(err)) {
    return ApplicationFailure.create({
      type: McpFailureType.Timeout,
      message: err.message,
      details: [{ server: err.server }],
    });
  }
  return err;
}

/**
 * Builds the MCP activities around a pool and a token counter.
 * @example
 * const activities = { ...createActivities(deps), ...createMcpActivities({ pool, countTokens }) };
 */
export function createMcpActivities(deps: McpActivityDeps) {
  /**
   * Starts the servers (or reuses their connections), lists their tools as Anthropic tool
   * definitions named `<server>__<tool>` and measures each server's token cost. A server that
   * fails appears as `{ server, error }`; the others are still listed.
   * @throws ApplicationFailure `UnknownMcpServer` (non-retryable) for a name that is not configured.
   */
  async function listMcpTools(input: ListMcpToolsInput = {}): Promise<ListMcpToolsResult> {
    const ctx = Context.current();
    const known = knownServers(deps, input.definitions);
    const servers = input.servers ?? known;
    for (const server of servers) if (!known.includes(server)) throw unknownServer(server, known);
    // Starting a server can take a while (`npx -y` may download it first).
    const heartbeat = setInterval(
      () => ctx.heartbeat({ listing: servers }),
      deps.heartbeatIntervalMs ?? 5_000,
    );
    try {
      const listing = await listServerTools({
        pool: deps.pool,
        servers,
        countTokens: deps.countTokens,
        model: input.model ?? deps.model ?? DEFAULT_MODEL_ID,
        signal: ctx.cancellationSignal,
        ...(input.definitions ? { definitions: input.definitions } : {}),
      });
      if (!input.summary_only) return listing;
      // A session needs counts and costs only; the definitions stay in the worker, out of history.
      return {
        ...listing,
        servers: listing.servers.map((s) => ('tools' in s ? { ...s, tools: [], skipped_tools: [] } : s)),
      };
    } catch (err) {
      if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
      // Server failures are already in the listing; what reaches here is the token counter's
      // error (the API refused or is down), which is classified like any model call.
      throw toModelCallFailure(err);
    } finally {
      clearInterval(heartbeat);
    }
  }

  /**
   * Calls one tool and returns its result as text, cut to `max_result_chars` with a marker when
   * longer. Heartbeats while the call runs, and cancelling the activity cancels the MCP request.
   * @throws ApplicationFailure `UnknownMcpServer` / `UnknownMcpTool` / `InvalidMcpToolInput`
   * (non-retryable, listing what exists), `McpServerCrashed` and `McpTimeout` (retryable),
   * `McpServerStartFailed` (retryable unless the command does not exist).
   */
  async function callMcpTool(input: CallMcpToolInput): Promise<CallMcpToolResult> {
    const ctx = Context.current();
    const maxChars = input.max_result_chars ?? DEFAULT_MAX_RESULT_CHARS;
    if (!Number.isSafeInteger(maxChars) || maxChars < MIN_RESULT_CHARS) {
      throw nonRetryable(
        McpFailureType.InvalidInput,
        `max_result_chars must be a whole number of at least ${MIN_RESULT_CHARS}, got ${String(maxChars)}.`,
      );
    }
    if (typeof input.input !== 'object' || input.input === null || Array.isArray(input.input)) {
      throw nonRetryable(
        McpFailureType.InvalidInput,
        `The input of MCP tool '${input.tool}' on '${input.server}' must be a JSON object.`,
      );
    }
    const known = knownServers(deps, input.definition ? { [input.server]: input.definition } : undefined);
    if (!known.includes(input.server)) throw unknownServer(input.server, known);

    const options = {
      signal: ctx.cancellationSignal,
      ...(input.definition ? { definition: input.definition } : {}),
    };
    const heartbeat = setInterval(
      () => ctx.heartbeat({ server: input.server, tool: input.tool }),
      deps.heartbeatIntervalMs ?? 5_000,
    );
    try {
      // The tool list is cached per connection, so checking the name costs nothing after the
      // first call, and the model gets a list of real names instead of a server-side error.
      const tools = await deps.pool.listTools(input.server, options);
      if (!tools.some((t) => t.name === input.tool)) {
        throw nonRetryable(
          McpFailureType.UnknownTool,
          `MCP server '${input.server}' has no tool '${input.tool}'. Its tools: ${tools.map((t) => t.name).join(', ') || '(none)'}.`,
        );
      }
      let text: string;
      let isError: boolean;
      try {
        const result = await deps.pool.callTool(input.server, input.tool, input.input, {
          ...options,
          ...(input.timeout_ms !== undefined ? { timeoutMs: input.timeout_ms } : {}),
          onProgress: (progress) => ctx.heartbeat({ server: input.server, tool: input.tool, progress }),
        });
        text = toolResultText(result);
        isError = result.isError === true;
      } catch (err) {
        // A JSON-RPC error from a live server (invalid arguments, say) is the server's answer to
        // this call: the model reads it and can correct itself, as with `isError` results.
        if (err instanceof McpError && !ctx.cancellationSignal.aborted) {
          text = err.message;
          isError = true;
        } else throw err;
      }
      const cut = truncateText(text, maxChars);
      return {
        content: cut.content,
        is_error: isError,
        truncated: cut.truncated,
        original_chars: cut.original_chars,
      };
    } catch (err) {
      if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
      throw toMcpFailure(err);
    } finally {
      clearInterval(heartbeat);
    }
  }

  return { listMcpTools, callMcpTool };
}

/** The MCP activities as workflows see them (`proxyActivities<McpActivities>`). */
export type McpActivities = ReturnType<typeof createMcpActivities>;
