import type { SessionInput } from './session-input';

/**
 * What a session does before its first step:
 * - `defer_task`: the task waits to go to the model with the first message (`task_with_first_turn`),
 *   in a carried run (a resume, a rollover) too while no turn has succeeded;
 * - `prepare`: store the task, measure the context and start the MCP servers;
 * - `ready`: nothing (a carried run has all of it; a fork without a task or servers is given its
 *   parent's head and fill).
 *
 * @example sessionStartup({ ...input, carried }) // 'ready'
 */
export function sessionStartup(input: SessionInput): 'defer_task' | 'prepare' | 'ready' {
  const known = input.head !== undefined && input.context_tokens !== undefined;
  const servers = input.mcp_servers ?? [];
  const taskGoesWithFirstTurn =
    input.task_with_first_turn === true &&
    input.task !== undefined &&
    input.head === undefined &&
    servers.length === 0;
  // Also in a carried run (a resume, or a rollover) that starts before any turn succeeded.
  if (taskGoesWithFirstTurn) return 'defer_task';
  if (input.carried) return 'ready';
  return known && !input.task && servers.length === 0 ? 'ready' : 'prepare';
}
