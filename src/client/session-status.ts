import type { SessionStatus } from '../domain/session';
import { BATON_PARENT } from '../domain/visibility';
import { workflowUiUrl } from './connection-settings';
import { assertSessionId } from './input-checks';
import type { SessionContext } from './session-context';
import { listSessions } from './session-list';
import { readSessionState } from './session-state';

/** `status` as the client reports it: the workflow's status plus what only the client can see. */
export type SessionStatusWithLink = SessionStatus & {
  ui_url: string;
  /** Temporal's status of the latest run. */
  execution_status: string;
  /** True when `resume` would start a new run (the session is closed, failed or terminated). */
  resumable: boolean;
  /** Sessions forked from this one. */
  forks: string[];
  /** Set when a SPEC or a handoff drives this session: which one, and the command that shows it. */
  part_of?: { kind: 'spec' | 'handoff'; id: string; command: string };
};

/**
 * A session's status with its UI link, whether it can be resumed, its forks and what drives it
 * (a SPEC, a handoff). See `SessionsClient.status`.
 * @throws SessionNotFoundError for an unknown id.
 */
export async function sessionStatus(ctx: SessionContext, sessionId: string): Promise<SessionStatusWithLink> {
  assertSessionId(sessionId);
  const state = await readSessionState(ctx, sessionId);
  const forks = await listSessions(ctx, {
    query: `${BATON_PARENT.name} = '${sessionId}'`,
    limit: Infinity,
    closed_forks: true,
  });
  const target = state.target;
  const partOf =
    target.kind === 'spec'
      ? { kind: 'spec' as const, id: target.spec_id, command: `baton spec status ${target.spec_id}` }
      : target.kind === 'agent'
        ? {
            kind: 'handoff' as const,
            id: target.handoff_id,
            command: `baton handoff status ${target.handoff_id}`,
          }
        : undefined;
  return {
    ...state.status,
    ui_url: workflowUiUrl(ctx.settings, sessionId, state.status.run_id),
    execution_status: state.execution_status,
    // A SPEC's or a handoff's session goes on only with them; a fork carries on from it.
    resumable: !state.running && !partOf,
    forks: [...new Set(forks.map((f) => f.session_id))],
    ...(partOf ? { part_of: partOf } : {}),
  };
}
