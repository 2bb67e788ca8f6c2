import { proxyActivities } from '@temporalio/workflow';
import type { BatonActivities, ModelTurnResult } from '../activities';
import type { NewMessage, ToolResultBlock } from '../domain/session';
import { splitToolName } from '../domain/mcp';
import type { SessionInput, ToolCallRecord } from '../domain/session';
import { ENABLE_SERVER_TOOL } from '../domain/mcp';
import { contextFill, modelCallOptions } from '../domain/session';
import type { Usage } from '../domain/session';
import type { McpServers } from './mcp-servers';
import type { LiveTurn } from './live-turns';
import type { SessionWorkspace } from './session-workspace';
import { isWorkspaceToolName } from '../domain/workspace';
import { modelActivities } from './session-activities';
import { causeMessage } from './turn-failure';

/** Tool calls: a crashed server is retried twice; what still fails goes back to the model as an error. */
const tools = proxyActivities<BatonActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});

/** The tools a session's turn can use: its MCP servers, and its workspace when it has one. */
export interface TurnTools {
  mcp: McpServers;
  workspace?: SessionWorkspace;
}

export interface ToolLoopResult {
  /** The last model call (its reply ends the turn). */
  last: ModelTurnResult;
  /** Usage of every model call of the turn, for the cumulative totals. */
  usages: Usage[];
  tool_calls: ToolCallRecord[];
}

/**
 * One turn with tools: call the model; while it asks for tools, run each call as an activity and
 * give the results back (stored as temporary context), until it answers or the round limit is
 * reached (then it must answer without tools). Tool errors go back to the model as error results.
 */
export async function runTurnWithTools(
  input: SessionInput,
  turn: number,
  head: string | null,
  /** The turn's new messages (the user's, after the task when the task goes with the first turn). */
  first: readonly NewMessage[],
  with_: TurnTools & {
    /** Context tokens after the last call, for the activity's pre-send estimate. */
    contextTokensBefore?: number;
    /** Where the turn's text and tool calls are published as they happen (streamed sends). */
    live?: LiveTurn;
  },
): Promise<ToolLoopResult> {
  const { mcp, workspace, live } = with_;
  const settings = input.settings;
  const usages: Usage[] = [];
  const records: ToolCallRecord[] = [];
  let messages = [...first];
  let current = head;
  let contextTokens = with_.contextTokensBefore;
  for (let round = 0; ; round++) {
    const limitReached = round >= settings.max_tool_rounds;
    const last = await modelActivities.runModelTurn.executeWithOptions(
      { summary: round === 0 ? `model: turn ${turn}` : `model: turn ${turn}, after tool round ${round}` },
      [
        {
          session_id: input.session_id,
          model: { id: input.model.id, context_window: input.model.context_window },
          head: current,
          messages,
          // max_tokens, prompt caching, the budget note and thinking, as the settings say.
          ...modelCallOptions(settings, input.model),
          ...(input.system ? { system: input.system } : {}),
          ...(mcp.any ? { mcp_servers: mcp.enabled(), disabled_servers: mcp.disabled() } : {}),
          ...(limitReached ? { tool_choice: 'none' as const } : {}),
          ...(contextTokens !== undefined ? { context_tokens_before: contextTokens } : {}),
          ...(live?.stream ? { stream: live.stream } : {}),
          ...(workspace ? { workspace_tools: workspace.toolOptions } : {}),
        },
      ],
    );
    usages.push(last.usage);
    current = last.head;
    contextTokens = contextFill(last.usage);
    if (last.stop_reason !== 'tool_use' || last.tool_calls.length === 0 || limitReached) {
      return { last, usages, tool_calls: records };
    }
    const results: ToolResultBlock[] = [];
    for (const call of last.tool_calls) {
      live?.publish({ type: 'tool_call', name: call.name, input: call.input });
      const { block, record } =
        workspace && isWorkspaceToolName(call.name)
          ? await workspace.runTool(call)
          : await runToolCall(input, mcp, call);
      live?.publish({
        type: 'tool_result',
        name: call.name,
        is_error: block.is_error === true,
        chars: typeof block.content === 'string' ? block.content.length : 0,
      });
      results.push(block);
      if (record) records.push(record);
    }
    messages = [{ role: 'user', content: results, meta: { kind: 'message', class: 'temporary' } }];
  }
}

async function runToolCall(
  input: SessionInput,
  mcp: McpServers,
  call: ModelTurnResult['tool_calls'][number],
): Promise<{ block: ToolResultBlock; record?: ToolCallRecord }> {
  const answer = (content: string, is_error: boolean): ToolResultBlock => ({
    type: 'tool_result',
    tool_use_id: call.id,
    content,
    ...(is_error ? { is_error: true } : {}),
  });
  if (call.name === ENABLE_SERVER_TOOL) {
    const server = typeof call.input.server === 'string' ? call.input.server : '';
    const state = mcp.find(server);
    if (mcp.enable(server)) {
      return {
        block: answer(
          `Enabled ${server}: its ${state?.tool_count ?? 0} tools are offered from the next request.`,
          false,
        ),
      };
    }
    return {
      block: answer(
        `Cannot enable '${server}': disabled servers are ${mcp.disabled().join(', ') || 'none'}.`,
        true,
      ),
    };
  }
  const name = splitToolName(call.name);
  const state = name ? mcp.find(name.server) : undefined;
  if (!name || !state) {
    return {
      block: answer(
        `Unknown tool '${call.name}'. This session offers tools from: ${mcp.enabled().join(', ') || 'no server'}.`,
        true,
      ),
    };
  }
  if (!state.enabled) {
    return {
      block: answer(
        `Server ${name.server} is disabled in this session; call ${ENABLE_SERVER_TOOL} to turn it on first.`,
        true,
      ),
    };
  }
  try {
    const result = await tools.callMcpTool.executeWithOptions(
      { summary: `tool: ${name.server}.${name.tool}` },
      [
        {
          server: name.server,
          tool: name.tool,
          input: call.input,
          max_result_chars: input.settings.max_tool_result_chars,
        },
      ],
    );
    mcp.recordCall(name.server, result.is_error);
    return {
      block: answer(result.content, result.is_error),
      record: {
        server: name.server,
        tool: name.tool,
        is_error: result.is_error,
        truncated: result.truncated,
        result_chars: result.original_chars,
      },
    };
  } catch (err) {
    mcp.recordCall(name.server, true);
    const message = `Tool ${name.server}.${name.tool} failed: ${causeMessage(err)}`;
    return {
      block: answer(message, true),
      record: {
        server: name.server,
        tool: name.tool,
        is_error: true,
        truncated: false,
        result_chars: message.length,
      },
    };
  }
}
