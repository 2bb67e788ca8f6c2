import { sessionStartup, type SessionInput } from '../domain/session';
import { prepareConversation } from './session-activities';
import type { SessionLedger } from './session-ledger';
import type { SessionMcpServers } from './session-mcp-servers';
import type { SessionWorkspace } from './session-workspace';

/**
 * A session run's first step, queued like a turn: on a first run, store the task and measure the
 * context (then start the MCP servers); a rollover carries both, and a fork is given its parent's
 * fill. A carried run holds its folder already (its worker may be gone: the next step claims it
 * again); any other run with a workspace claims its folder here.
 * @returns the task when it waits to go to the model with the first message (`task_with_first_turn`).
 */
export async function runStartupStep(
  input: SessionInput,
  ledger: SessionLedger,
  mcp: SessionMcpServers,
  workspace: SessionWorkspace | undefined,
): Promise<string | undefined> {
  const startup = sessionStartup(input);
  let deferredTask: string | undefined;
  if (startup === 'defer_task') {
    deferredTask = input.task;
  } else if (startup === 'prepare') {
    const prepared = await prepareConversation(input, ledger.state.head);
    ledger.state = { ...ledger.state, head: prepared.head, context_tokens: prepared.context_tokens };
    await mcp.start(input.mcp_servers ?? [], input.model.id);
  }
  if (workspace && !workspace.state) await workspace.open(input.session_id);
  return deferredTask;
}
