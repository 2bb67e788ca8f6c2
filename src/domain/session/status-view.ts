/**
 * The status view of a session: whether its run can take a request, and what `status` answers
 * (budget, totals, cache figures, records, MCP servers, script progress, workspace).
 */
import { cacheStats } from './cache-stats';
import { budgetOf, type SessionState } from './state';
import type { SessionRunStatus, SessionStatus } from './status';
import { toolTokensPerRequest } from '../mcp';

/** Whether a run is starting, closed, busy (a request holds the lock) or available. */
export function runStatusOf(r: {
  closed: boolean;
  initialized: boolean;
  in_flight: number;
}): SessionRunStatus {
  if (r.closed) return 'closed';
  if (!r.initialized) return 'starting';
  return r.in_flight > 0 ? 'busy' : 'available';
}

/** What `status` answers. */
export function sessionStatus(
  s: SessionState,
  run: { run_id: string; status: SessionRunStatus; has_script: boolean },
): SessionStatus {
  const budget = budgetOf(s);
  const d = s.definition;
  return {
    session_id: d.session_id,
    status: run.status,
    model: d.model.id,
    context_window: budget.total,
    tokens_used: budget.used,
    tokens_available: budget.available,
    position_percent: budget.position_percent,
    cumulative: s.cumulative,
    cache: cacheStats(s.cumulative, d.model),
    last_activity: s.last_activity,
    created_at: s.created_at,
    turns: s.turns,
    run_id: run.run_id,
    head: s.head,
    previous_runs: s.previous_runs,
    settings: d.settings,
    compactions: s.compactions,
    last_compaction: s.last_compaction,
    rollovers: s.rollovers,
    checkpoints: s.checkpoints.length,
    merges: s.merges,
    ...(s.resumed_from ? { resumed_from: s.resumed_from } : {}),
    ...(d.lineage ? { lineage: d.lineage } : {}),
    ...(s.mcp.length > 0
      ? {
          mcp: {
            servers: s.mcp,
            tokens_per_request: toolTokensPerRequest(s.mcp),
            tokens_freed_by_idle: s.mcp_tokens_freed,
          },
        }
      : {}),
    ...(run.has_script ? { script_outputs: s.script_outputs, floor_compactions: s.floor_compactions } : {}),
    ...(s.workspace ? { workspace: s.workspace } : {}),
    ...(s.pending_permission ? { pending_permission: s.pending_permission } : {}),
  };
}
