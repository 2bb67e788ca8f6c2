import { ApplicationFailure, workflowInfo } from '@temporalio/workflow';
import {
  applyTurn,
  budgetOf,
  classifyMessage,
  contextFill,
  costOf,
  estimateTokens,
  SessionFailureType,
  shouldSummarizeBeforeTurn,
  sumUsage,
  type NewMessage,
  type SendRequest,
  type SendResult,
  type SessionInput,
  type SessionState,
} from '../domain/session';
import type { LiveTurn } from './live-turns';
import type { SessionCompaction } from './session-compaction';
import type { SessionFiles } from './session-files';
import type { SessionLedger } from './session-ledger';
import type { SessionMcpServers } from './session-mcp-servers';
import { runTurnWithTools, type TurnTools } from './tool-loop';
import { toUpdateFailure } from './turn-failure';

/** Whether the context must be summarized before this message's turn (75 % by default). */
export function summarizeFirst(state: SessionState, request: SendRequest): boolean {
  return shouldSummarizeBeforeTurn({
    context_tokens: state.context_tokens,
    incoming_tokens: estimateTokens(request.message),
    context_window: state.definition.model.context_window,
    settings: state.definition.settings,
  });
}

/** The user's message as a node: classified (explicitly, pinned, or by heuristic). */
function userMessage(request: SendRequest): NewMessage {
  const content = [{ type: 'text' as const, text: request.message }];
  return {
    role: 'user',
    content,
    meta: {
      kind: 'message',
      class: classifyMessage({
        role: 'user',
        kind: 'message',
        content,
        explicit: request.class,
        pinned: request.pin,
      }),
      ...(request.pin ? { pinned: true } : {}),
    },
  };
}

/** The task as the session's first, critical message (the node `prepareSession` would store). */
function taskMessage(task: string): NewMessage {
  return { role: 'user', content: [{ type: 'text', text: task }], meta: { kind: 'task', class: 'critical' } };
}

/**
 * One turn: the message and the model's tool loop through activities, then the state after it
 * and what the caller gets back. Throws the update failure the caller sees; the state passed in is
 * not changed.
 */
export async function runTurn(
  input: SessionInput,
  state: SessionState,
  request: SendRequest,
  with_: TurnTools & {
    /** Where the turn is published as it happens (when streamed). */
    live?: LiveTurn;
    /** The session's task, when it goes to the model with this first message (`task_with_first_turn`). */
    task?: string;
  },
): Promise<{ state: SessionState; result: SendResult }> {
  const { task, live } = with_;
  const turn = state.turns + 1;
  const messages = task ? [taskMessage(task), userMessage(request)] : [userMessage(request)];
  // A system prompt that was never measured may be large: then the first call counts exactly.
  const contextBefore = task && input.system ? undefined : state.context_tokens;
  let loop;
  try {
    loop = await runTurnWithTools(input, turn, state.head, messages, {
      mcp: with_.mcp,
      ...(with_.workspace ? { workspace: with_.workspace } : {}),
      ...(contextBefore !== undefined ? { contextTokensBefore: contextBefore } : {}),
      ...(live ? { live } : {}),
    });
  } catch (err) {
    throw toUpdateFailure(err, `Turn ${turn}`);
  }
  const last = loop.last;
  const next = applyTurn(state, {
    head: last.head,
    context_tokens: contextFill(last.usage),
    usages: loop.usages,
    time: new Date().toISOString(),
  });
  const cost = loop.usages.reduce((sum, u) => sum + costOf(u, input.model), 0);
  return {
    state: next,
    result: {
      turn,
      reply: last.reply,
      stop_reason: last.stop_reason,
      usage: sumUsage(loop.usages),
      cost_usd: Math.round(cost * 1e9) / 1e9,
      ...(input.model.pricing ? {} : { cost_unknown: true }),
      token_budget: budgetOf(next),
      head: last.head,
      run_id: workflowInfo().runId,
      ...(loop.tool_calls.length > 0 ? { tool_calls: loop.tool_calls } : {}),
    },
  };
}

/**
 * A turn as a session entity runs it under its lock: refused once the session is closed, the
 * context summarized first when it is near its threshold, then {@link runTurn} on the ledger's
 * state, whose result replaces it. The workspace's and the MCP servers' states are copied in after.
 * @throws ApplicationFailure (`SessionClosed`) when the session was closed before the turn, or the
 * turn's update failure (the ledger's state is then as it was, but for the MCP servers' use).
 */
export async function runSessionTurn(
  input: SessionInput,
  ledger: SessionLedger,
  request: SendRequest,
  with_: {
    compaction: SessionCompaction;
    mcp: SessionMcpServers;
    live: LiveTurn;
    files: SessionFiles | undefined;
    task: string | undefined;
  },
): Promise<SendResult> {
  if (ledger.state.closed) {
    throw ApplicationFailure.create({
      type: SessionFailureType.SessionClosed,
      message: `Session ${input.session_id} was closed before this message's turn.`,
      nonRetryable: true,
    });
  }
  if (ledger.state.head !== null && summarizeFirst(ledger.state, request)) {
    // A failed summarization is reported in status; the turn still runs on the old context.
    await with_.compaction.compact('progressive', 'threshold');
  }
  try {
    const { state, result } = await runTurn(input, ledger.state, request, {
      mcp: with_.mcp.servers,
      live: with_.live,
      ...(with_.files ? { workspace: with_.files.workspace } : {}),
      ...(with_.task !== undefined ? { task: with_.task } : {}),
    });
    ledger.state = state;
    // The turn's state was built from the one it started with; the workspace may have moved since.
    with_.files?.sync();
    return result;
  } finally {
    if (with_.mcp.any) with_.mcp.sync();
  }
}
