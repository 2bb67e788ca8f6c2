import { McpClientPool } from '../mcp';
import type { ActivityDeps } from './activity-deps';
import { createCompactContext } from './compact-context';
import { createInspectMerge, createMergeBySummary } from './merge-sessions';
import { createMcpActivities } from './mcp-activities';
import { createLookupModels } from './lookup-models';
import { createModelTurn } from './model-turn';
import { createPrepareSession } from './prepare-session';
import { createWorkspaceActivities } from './workspace-activities';

/**
 * Builds baton's activities around their dependencies. The worker calls this once; tests call it
 * with their own store, client or offline model.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    prepareSession: createPrepareSession(deps),
    runModelTurn: createModelTurn(deps),
    compactContext: createCompactContext(deps),
    inspectMerge: createInspectMerge(deps),
    mergeBySummary: createMergeBySummary(deps),
    lookupModels: createLookupModels(deps),
    ...mcpActivities(deps),
    // Registered here so workflows see their types and a claim on the shared queue finds a worker;
    // the tool activities themselves run only on the workspace worker's own queue.
    ...createWorkspaceActivities({ host: deps.workspaces }),
  };
}

/**
 * MCP activities. A worker without MCP servers still registers them (with an empty pool) so that
 * a session naming servers gets a clear "unknown server" answer instead of an unregistered activity.
 */
function mcpActivities(deps: ActivityDeps) {
  return createMcpActivities({
    pool: deps.mcp ?? new McpClientPool({ servers: {} }),
    countTokens: deps.countTokens,
    ...(deps.heartbeatIntervalMs ? { heartbeatIntervalMs: deps.heartbeatIntervalMs } : {}),
  });
}

/** The activities as workflows see them (`proxyActivities<BatonActivities>`). */
export type BatonActivities = ReturnType<typeof createActivities>;

export type { ActivityDeps, CountableRequest, TokenCounter } from './activity-deps';
export type { ModelTurnInput, ModelTurnResult } from './model-turn';
export type { CompactContextInput, CompactContextResult } from './compact-context';
export type {
  InspectMergeInput,
  InspectMergeResult,
  MergeBySummaryInput,
  MergeBySummaryResult,
} from './merge-sessions';
export type { PrepareSessionInput, PrepareSessionResult } from './prepare-session';
export { createWorkspaceActivities } from './workspace-activities';
export type { WorkspaceActivities, WorkspaceActivityDeps } from './workspace-activities';
