import {
  BATON_CONTEXT_PERCENT,
  BATON_KIND,
  BATON_MODEL,
  BATON_PARENT,
  BATON_PHASE,
  BATON_TOKENS_USED,
} from '../domain/visibility';
import type { SessionContext } from './session-context';

/** One row of `list`. */
export interface SessionListEntry {
  session_id: string;
  run_id: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, TERMINATED, … */
  execution_status: string;
  model: string | undefined;
  context_percent: number | undefined;
  tokens_used: number | undefined;
  parent: string | undefined;
  start_time: string;
}

/** Sessions on the client's task queue, newest first, from visibility. See `SessionsClient.list`. */
export async function listSessions(
  ctx: SessionContext,
  options: { limit?: number; query?: string; closed_forks?: boolean },
): Promise<SessionListEntry[]> {
  const limit = options.limit ?? 50;
  const query = [
    `${BATON_KIND.name} = 'session'`,
    `TaskQueue = '${ctx.settings.taskQueue.replaceAll("'", "\\'")}'`,
    `ExecutionStatus != 'ContinuedAsNew'`,
    ...(options.query ? [`(${options.query})`] : []),
  ].join(' AND ');
  const rows: SessionListEntry[] = [];
  for await (const wf of ctx.client.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
    const sa = wf.typedSearchAttributes;
    // A handoff's agents carry BatonParent too, but they are not forks; they stay listed.
    const closedFork =
      sa.get(BATON_PARENT) !== undefined && sa.get(BATON_PHASE) === undefined && wf.status.name !== 'RUNNING';
    if (closedFork && !options.closed_forks) continue;
    rows.push({
      session_id: wf.workflowId,
      run_id: wf.runId,
      execution_status: wf.status.name,
      model: sa.get(BATON_MODEL),
      context_percent: sa.get(BATON_CONTEXT_PERCENT),
      tokens_used: sa.get(BATON_TOKENS_USED),
      parent: sa.get(BATON_PARENT),
      start_time: wf.startTime.toISOString(),
    });
    if (rows.length >= limit) break;
  }
  return rows;
}
