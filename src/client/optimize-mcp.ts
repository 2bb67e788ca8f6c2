import {
  EMPTY_MCP_CONFIG,
  resolveMcpProfile,
  UnknownMcpProfileError,
  type McpOptimizeResult,
} from '../domain/mcp';
import { optimizeMcpUpdate } from '../domain/session';
import { InvalidInputError } from './errors';
import { assertSessionId } from './input-checks';
import type { SessionContext } from './session-context';
import { readSessionState } from './session-state';
import type { SessionTargets } from './session-target';
import { executeSessionUpdate } from './session-updates';

/**
 * Keeps a session's MCP servers to what a task profile recommends. See `SessionsClient.optimizeMcp`.
 * @throws InvalidInputError for a session without MCP servers or an unknown profile (listing the
 * known ones).
 */
export async function optimizeSessionMcp(
  ctx: SessionContext,
  targets: SessionTargets,
  sessionId: string,
  options: { task: string; env?: NodeJS.ProcessEnv },
): Promise<McpOptimizeResult> {
  assertSessionId(sessionId);
  await targets.assertApplies(sessionId, 'mcp optimize');
  const state = await readSessionState(ctx, sessionId);
  const servers = state.status.mcp?.servers.map((s) => s.name) ?? [];
  if (servers.length === 0)
    throw new InvalidInputError(`Session ${sessionId} has no MCP servers to optimize.`);
  // The MCP modules are worker-sized; only this call needs the configuration loader.
  const { loadMcpConfig } = await import('../mcp/index.js');
  const { config } = await loadMcpConfig({ env: options.env ?? process.env }).catch(() => ({
    config: EMPTY_MCP_CONFIG,
  }));
  let profile;
  try {
    profile = resolveMcpProfile(options.task, config.profiles, servers);
  } catch (err) {
    if (err instanceof UnknownMcpProfileError) throw new InvalidInputError(err.message);
    throw err;
  }
  return executeSessionUpdate(ctx, sessionId, optimizeMcpUpdate, [
    { profile: profile.name, recommended: profile.recommended },
  ]);
}
