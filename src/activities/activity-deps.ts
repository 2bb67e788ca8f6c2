import type Anthropic from '@anthropic-ai/sdk';
import type { McpClientPool } from '../mcp';
import type { ModelCatalog } from '../model';
import type { ConversationStore } from '../store';
import type { WorkspaceHost } from '../workspace';

/** A request whose input tokens are to be counted, in Messages API shape. */
export interface CountableRequest {
  model: string;
  system?: string | Anthropic.TextBlockParam[];
  messages: Anthropic.MessageParam[];
  tools?: Anthropic.ToolUnion[];
}

/**
 * Counts a request's input tokens: `messages.countTokens` against the real API, the local
 * tokenizer offline (the offline model computes its usage with the same tokenizer).
 */
export type TokenCounter = (request: CountableRequest) => Promise<number>;

/** Everything activities need, built once by the worker and injected (tests pass their own). */
export interface ActivityDeps {
  store: ConversationStore;
  anthropic: Anthropic;
  countTokens: TokenCounter;
  /** How often a model activity heartbeats, in ms (default 1 s; MCP tool calls 5 s). */
  heartbeatIntervalMs?: number;
  /** A model stream that sends nothing for this long is abandoned and retried (default 120 s). */
  streamIdleTimeoutMs?: number;
  /** Longest wait between two batches of streamed reply text, in ms (default 1 s). */
  streamBatchMs?: number;
  /** The worker's MCP servers (from its .mcp.json), when it has any. */
  mcp?: McpClientPool;
  /** The worker's workspaces (its own task queue, sandbox and state folder), when it supports them. */
  workspaces?: WorkspaceHost;
  /**
   * The worker's model catalog (Models API answers, cached, with baton's prices). Built from
   * `anthropic` and the built-in table when omitted.
   */
  models?: ModelCatalog;
}
