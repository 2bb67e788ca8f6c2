/**
 * Listing servers' tools with their token cost, shared by the `listMcpTools` activity and
 * `baton mcp list`. Servers are started in parallel, and one that fails is reported next to the
 * others instead of failing the listing.
 */
import type { McpServerConfig } from '../domain/mcp';
import type { McpClientPool } from './mcp-client-pool';
import {
  measureToolCosts,
  toAnthropicTools,
  type AnthropicTool,
  type McpTokenCounter,
  type SkippedTool,
} from './tool-cost';

/** A server whose tools were listed. */
export interface McpServerTools {
  server: string;
  /** Its tools as Anthropic tool definitions, named `<server>__<tool>`. */
  tools: AnthropicTool[];
  tool_count: number;
  /** Tokens its tool definitions add to every request that offers them. */
  token_cost: number;
  /** Tools left out because their names cannot be sent to the API (usually empty). */
  skipped_tools: SkippedTool[];
}

/** A server that could not list its tools (it did not start, crashed or timed out). */
export interface McpServerFailure {
  server: string;
  error: string;
}

/** One server's line in a listing. */
export type McpServerListing = McpServerTools | McpServerFailure;

/** True when the server listed its tools. */
export function isMcpServerTools(listing: McpServerListing): listing is McpServerTools {
  return 'tools' in listing;
}

/** Servers' tools and what they cost together. */
export interface McpToolListing {
  /** The model the tokens were counted for. */
  model: string;
  servers: McpServerListing[];
  /**
   * Tokens all listed servers' tools add to a request together (measured, not summed: see
   * `measureToolCosts`).
   */
  total_token_cost: number;
}

/** What {@link listServerTools} needs. */
export interface ListServerToolsOptions {
  pool: McpClientPool;
  /** Servers to list, in order. */
  servers: readonly string[];
  countTokens: McpTokenCounter;
  model: string;
  signal?: AbortSignal;
  /** Definitions to use instead of the pool's configuration (a session's own servers). */
  definitions?: Readonly<Record<string, McpServerConfig>>;
}

/**
 * Lists each server's tools and measures their token cost. Errors from a server become its
 * `{ server, error }` entry; an error from the token counter (the API is down) is thrown.
 */
export async function listServerTools(options: ListServerToolsOptions): Promise<McpToolListing> {
  const listed = await Promise.all(
    options.servers.map(async (server): Promise<McpServerListing> => {
      try {
        const definition = options.definitions?.[server];
        const tools = await options.pool.listTools(server, {
          ...(options.signal ? { signal: options.signal } : {}),
          ...(definition ? { definition } : {}),
        });
        const converted = toAnthropicTools(server, tools);
        return {
          server,
          tools: converted.tools,
          tool_count: converted.tools.length,
          token_cost: 0,
          skipped_tools: converted.skipped,
        };
      } catch (err) {
        if (options.signal?.aborted) throw err;
        return { server, error: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
  const ok = listed.filter(isMcpServerTools);
  const { costs, total } = await measureToolCosts(Object.fromEntries(ok.map((s) => [s.server, s.tools])), {
    countTokens: options.countTokens,
    model: options.model,
  });
  for (const s of ok) s.token_cost = costs[s.server] ?? 0;
  return { model: options.model, servers: listed, total_token_cost: total };
}
