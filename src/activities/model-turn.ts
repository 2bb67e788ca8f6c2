import type Anthropic from '@anthropic-ai/sdk';
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { CacheTtl, ContentBlock, NewMessage, ThinkingConfig, TurnStreamTarget } from '../domain/session';
import { BUDGET_NOTE_EXPLANATION, budgetNote } from '../domain/session';
import { countTextTokens } from '../model';
import { appendUncachedText, placeCacheBreakpoints } from './cache-breakpoints';
import { textOf } from '../domain/session';
import { ENABLE_SERVER_TOOL } from '../domain/mcp';
import { workspaceToolDefinitions, type WorkspaceToolOptions } from '../domain/workspace';
import { toAnthropicTools } from '../mcp';
import { FailureType } from '../domain/failures';
import { normalizeUsage, type Usage } from '../domain/session';
import { estimateTokens } from '../domain/session';
import { encodeChain } from '../store';
import type { ActivityDeps, CountableRequest } from './activity-deps';
import { toModelCallFailure } from './anthropic-failure';
import { DEFAULT_HEARTBEAT_INTERVAL_MS, keepHeartbeating } from './heartbeats';
import { ReplyPublisher } from './reply-publisher';
import { fromResponseContent, toMessageParams } from './to-message-params';

export interface ModelTurnInput {
  session_id: string;
  model: { id: string; context_window: number };
  system?: string;
  /** Conversation head before this turn (null for an empty conversation). */
  head: string | null;
  /** Only the new message(s) travel through Temporal; the rest is loaded from the store. */
  messages: NewMessage[];
  max_tokens: number;
  /** Enabled MCP servers whose tools the model is offered (definitions are loaded here, not sent through history). */
  mcp_servers?: string[];
  /** Disabled servers the model may turn back on with the built-in enable tool. */
  disabled_servers?: string[];
  /** `none` makes the model answer without calling tools (the tool-round limit was reached). */
  tool_choice?: 'auto' | 'none';
  /** Context tokens after the previous call, as the API reported them (for the pre-send estimate). */
  context_tokens_before?: number;
  /** Prompt caching on, with this TTL (see `placeCacheBreakpoints`). */
  cache_ttl?: CacheTtl;
  /** Tell the model its context budget after the last turn (a note after the cached prefix). */
  budget_line?: boolean;
  /** Extended thinking; its blocks are stored with their signatures. */
  thinking?: ThinkingConfig;
  /** Publish the reply's text to the session's stream as it arrives, as part of this turn. */
  stream?: TurnStreamTarget;
  /** Offer Anthropic's text editor and bash tools (the session works in a workspace). */
  workspace_tools?: WorkspaceToolOptions;
}

export interface ModelTurnResult {
  /** Head after the reply was stored. */
  head: string;
  /** Head after the new messages, before the reply (so a caller can see what was stored). */
  request_head: string;
  reply: string;
  stop_reason: string | null;
  usage: Usage;
  /** Input tokens before sending: counted near the window's limit, estimated well below it. */
  request_tokens: number;
  /** Tool calls the model asked for (stop_reason `tool_use`). */
  tool_calls: { id: string; name: string; input: Record<string, unknown> }[];
}

/**
 * One model call: loads the conversation up to `head`, adds the new messages (checked and
 * addressed, not yet stored), measures the request, calls the model (streaming, heartbeating,
 * cancellable), then stores the new messages and the reply in one append and returns the new
 * head. The new messages arrive in this activity's input, so nothing is lost if the call fails
 * before the write: a retried attempt gets them again, and the store is written once per turn
 * instead of once before and once after the call. Every write is content-addressed, so a retry
 * after the write stores the same nodes again.
 */
export function createModelTurn(deps: ActivityDeps) {
  return async function runModelTurn(input: ModelTurnInput): Promise<ModelTurnResult> {
    const ctx = Context.current();
    // From the first moment: loading the conversation, listing MCP tools and counting tokens can
    // take longer than the heartbeat timeout on their own.
    let phase: Record<string, unknown> = { phase: 'preparing' };
    const stopHeartbeats = keepHeartbeating(
      ctx,
      deps.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
      () => phase,
    );
    try {
      return await runTurn(deps, ctx, input, (next) => (phase = next));
    } finally {
      stopHeartbeats();
    }
  };
}

async function runTurn(
  deps: ActivityDeps,
  ctx: Context,
  input: ModelTurnInput,
  setPhase: (phase: Record<string, unknown>) => void,
): Promise<ModelTurnResult> {
  // A bad message fails here, before the model is called (InvalidNodeError names it).
  const pending = encodeChain(input.head, input.messages);
  const requestHead = pending.at(-1)?.id ?? input.head;
  if (requestHead === null) throw new RangeError('runModelTurn needs a head or at least one new message');
  const earlier = input.head === null ? [] : await deps.store.path(input.head);
  const messages = toMessageParams([...earlier, ...pending.map((e) => e.node)]);
  const tools = await offeredTools(deps, input);
  const request = modelRequest(input, messages, tools);

  const requestTokens = await measureRequest(deps, input, request);
  if (requestTokens + input.max_tokens > input.model.context_window) {
    throw ApplicationFailure.create({
      type: FailureType.ContextOverflow,
      nonRetryable: true,
      message:
        `The request is ${requestTokens} tokens and the reply may take ${input.max_tokens} more, ` +
        `beyond the ${input.model.context_window}-token window of ${input.model.id}. ` +
        'Compact the session (`baton session compact`) or send a shorter message.',
    });
  }

  // Heartbeats keep a live worker's call alive, so a connection that stops sending would hang
  // until the 10-minute start-to-close timeout. A watchdog aborts a stream that goes quiet.
  const idleMs = deps.streamIdleTimeoutMs ?? 120_000;
  const stalled = new AbortController();
  let lastEvent = Date.now();
  setPhase({ phase: 'waiting for model' });
  const watchdog = setInterval(
    () => {
      if (Date.now() - lastEvent > idleMs) stalled.abort();
    },
    Math.min(deps.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS, idleMs),
  );
  const publisher = input.stream
    ? ReplyPublisher.open(input.stream, { maxBatchMs: deps.streamBatchMs })
    : undefined;
  try {
    const stream = deps.anthropic.messages.stream(request, {
      signal: AbortSignal.any([ctx.cancellationSignal, stalled.signal]),
    });
    let chunks = 0;
    stream.on('streamEvent', () => {
      lastEvent = Date.now();
      // The next heartbeat reports progress.
      if (++chunks % 16 === 0) setPhase({ phase: 'streaming', events: chunks });
    });
    if (publisher) stream.on('text', (delta) => publisher.text(delta));
    const message = await stream.finalMessage();
    // The whole text is in the session's stream before the turn's result is.
    await publisher?.close();
    const content = fromResponseContent(message.content);
    const reply: NewMessage = {
      role: 'assistant',
      content,
      meta: { kind: 'message', class: 'supporting' },
    };
    const { head } = await deps.store.append(input.head, [...input.messages, reply]);
    return {
      head,
      request_head: requestHead,
      reply: textOf(content),
      stop_reason: message.stop_reason ?? null,
      usage: withThinkingTokens(normalizeUsage(message.usage), content),
      request_tokens: requestTokens,
      tool_calls: content.flatMap((b) =>
        b.type === 'tool_use' ? [{ id: b.id, name: b.name, input: b.input }] : [],
      ),
    };
  } catch (err) {
    if (stalled.signal.aborted && !ctx.cancellationSignal.aborted) {
      throw ApplicationFailure.create({
        type: FailureType.StreamStalled,
        message: `The model sent nothing for ${Math.round(idleMs / 1000)} s, so the call was abandoned.`,
      });
    }
    throw toModelCallFailure(err);
  } finally {
    clearInterval(watchdog);
    // A failed call's text is flushed (the next attempt announces itself); a cancelled one's is not.
    await publisher?.close(!ctx.cancellationSignal.aborted);
  }
}

/**
 * The request for one call: the conversation, the system prompt, the tools, then the session's
 * options. Prompt-cache breakpoints go on the stable prefix and the conversation's end; the
 * budget note goes after them, so the numbers that change every turn never move the cached
 * prefix (only the fixed sentence explaining the note joins the system prompt).
 */
function modelRequest(
  input: ModelTurnInput,
  conversation: Anthropic.MessageParam[],
  tools: Anthropic.ToolUnion[],
): Anthropic.MessageStreamParams & CountableRequest {
  const system = [input.system, input.budget_line ? BUDGET_NOTE_EXPLANATION : undefined].filter(
    (s): s is string => !!s,
  );
  let request: Anthropic.MessageStreamParams & CountableRequest = {
    model: input.model.id,
    max_tokens: input.max_tokens,
    messages: conversation,
    ...(system.length === 1 ? { system: system[0] } : {}),
    ...(system.length > 1 ? { system: system.map((text) => ({ type: 'text' as const, text })) } : {}),
    ...(tools.length > 0 ? { tools } : {}),
    ...(tools.length > 0 && input.tool_choice === 'none' ? { tool_choice: { type: 'none' as const } } : {}),
    ...(input.thinking ? { thinking: input.thinking } : {}),
  };
  if (input.cache_ttl) request = placeCacheBreakpoints(request, input.cache_ttl);
  if (input.budget_line && input.context_tokens_before !== undefined) {
    const note = budgetNote(input.context_tokens_before, input.model.context_window);
    request = { ...request, messages: appendUncachedText(request.messages, note) };
  }
  return request;
}

/**
 * Thinking tokens as the API reports them (`output_tokens_details`), or counted from the thinking
 * text when it does not (the text may be a summary of the raw thinking, so this can undercount).
 */
function withThinkingTokens(usage: Usage, content: readonly ContentBlock[]): Usage {
  if (usage.thinking_tokens !== undefined) return usage;
  const counted = content.reduce((n, b) => n + (b.type === 'thinking' ? countTextTokens(b.thinking) : 0), 0);
  return counted > 0 ? { ...usage, thinking_tokens: counted } : usage;
}

/**
 * The tools a request offers: every enabled MCP server's tools (named `<server>__<tool>`), plus
 * the built-in tool that re-enables a disabled server. A server that cannot be listed is left
 * out; its calls then come back to the model as errors.
 */
async function offeredTools(deps: ActivityDeps, input: ModelTurnInput): Promise<Anthropic.ToolUnion[]> {
  const tools: Anthropic.ToolUnion[] = input.workspace_tools
    ? workspaceToolDefinitions(input.workspace_tools)
    : [];
  const servers = input.mcp_servers ?? [];
  if (servers.length > 0 && !deps.mcp) {
    throw ApplicationFailure.create({
      type: FailureType.McpNotConfigured,
      nonRetryable: true,
      message: `This worker has no MCP configuration, so the servers ${servers.join(', ')} are unavailable. Start the worker with BATON_MCP_CONFIG or a .mcp.json.`,
    });
  }
  for (const server of servers) {
    try {
      const listed = await deps.mcp!.listTools(server);
      tools.push(...toAnthropicTools(server, listed).tools);
    } catch {
      // Listed at the session's start; if the server is down now its calls fail individually.
    }
  }
  if ((input.disabled_servers ?? []).length > 0) {
    tools.push({
      name: ENABLE_SERVER_TOOL,
      description:
        'Turn a disabled MCP server back on for this session so its tools are offered again from the next request. ' +
        `Disabled servers: ${input.disabled_servers!.join(', ')}.`,
      input_schema: {
        type: 'object',
        properties: { server: { type: 'string', enum: input.disabled_servers } },
        required: ['server'],
      },
    });
  }
  return tools;
}

/**
 * The request's input tokens, as far as the overflow check needs them. Far from the window's limit
 * a cheap estimate (the last call's context plus the new text) is enough; counting exactly costs a
 * `countTokens` round trip with the API, or tokenizing the whole conversation offline, so it is
 * done only when the estimate comes within 10 % of the limit.
 */
async function measureRequest(
  deps: ActivityDeps,
  input: ModelTurnInput,
  request: CountableRequest,
): Promise<number> {
  if (input.context_tokens_before !== undefined && !(input.mcp_servers ?? []).length) {
    const estimate = input.context_tokens_before + estimateTokens(input.messages.flatMap((m) => m.content));
    if (estimate + input.max_tokens < input.model.context_window * 0.9) return estimate;
  }
  return deps.countTokens(request);
}
