import type { WorkflowExecutionDescription } from '@temporalio/client';
import { HANDOFF_WORKFLOW_TYPE, handoffStatusQuery, type HandoffStatus } from '../domain/handoff';
import { SESSION_WORKFLOW_TYPE } from '../domain/session';
import { SPEC_WORKFLOW_TYPE } from '../domain/spec';
import { BATON_PHASE } from '../domain/visibility';
import type { SessionContext } from './session-context';
import { NotASessionError } from './errors';
import { toBatonError } from './temporal-errors';

/**
 * What a workflow id names, as the session commands see it. A SPEC embeds a session (its phases
 * are its turns); a handoff runs each agent as a child session; a handoff itself has none.
 */
export type SessionTarget =
  | { kind: 'session' }
  | { kind: 'spec'; spec_id: string }
  | { kind: 'agent'; handoff_id: string; agent: string | undefined }
  | { kind: 'handoff'; agent_sessions: string[] | undefined }
  | { kind: 'other'; workflow_type: string };

/** A target with the state of its latest run. */
export interface DescribedTarget {
  target: SessionTarget;
  /** Temporal's status of the latest run: RUNNING, COMPLETED, FAILED, TERMINATED, … */
  execution_status: string;
  running: boolean;
}

/** The session commands, by what they do to the session. */
export type SessionCommand =
  | 'status'
  | 'checkpoints'
  | 'export'
  | 'fork'
  | 'explore'
  | 'merge'
  | 'send'
  | 'compact'
  | 'checkpoint'
  | 'restore'
  | 'resume'
  | 'close'
  | 'cancel'
  | 'watch'
  | 'mcp optimize';

/** Commands that only read a session; they work on a SPEC's session and on an agent's too. */
const READS: ReadonlySet<SessionCommand> = new Set([
  'status',
  'checkpoints',
  'export',
  'fork',
  'explore',
  'watch',
]);

/**
 * Describes the workflow behind an id.
 * @throws SessionNotFoundError for an unknown id.
 */
export async function describeTarget(ctx: SessionContext, id: string): Promise<DescribedTarget> {
  const handle = ctx.client.workflow.getHandle(id);
  let description: WorkflowExecutionDescription;
  try {
    description = await handle.describe();
  } catch (err) {
    throw toBatonError(err, id);
  }
  const target = targetOf(id, description);
  if (target.kind === 'handoff') target.agent_sessions = await agentSessions(ctx, id, description);
  return {
    target,
    execution_status: description.status.name,
    running: description.status.name === 'RUNNING',
  };
}

/** Classifies a described workflow (the handoff's agent sessions are filled in by the caller). */
export function targetOf(id: string, description: WorkflowExecutionDescription): SessionTarget {
  switch (description.type) {
    case SESSION_WORKFLOW_TYPE: {
      // A session started by another workflow is driven by it; only handoffs start sessions so.
      const parent = description.parentExecution?.workflowId;
      if (!parent) return { kind: 'session' };
      return { kind: 'agent', handoff_id: parent, agent: description.typedSearchAttributes.get(BATON_PHASE) };
    }
    case SPEC_WORKFLOW_TYPE:
      return { kind: 'spec', spec_id: id.replace(/^spec-/, '') };
    case HANDOFF_WORKFLOW_TYPE:
      return { kind: 'handoff', agent_sessions: undefined };
    default:
      return { kind: 'other', workflow_type: description.type };
  }
}

/**
 * The one line that says what an id is and which command to use instead, when `command` does
 * not apply to it; undefined when it does.
 */
export function targetProblem(
  id: string,
  target: SessionTarget,
  command: SessionCommand,
): string | undefined {
  const carryOn = `or \`baton session fork ${id}\` to carry on from its conversation in a session of your own`;
  switch (target.kind) {
    case 'session':
      return undefined;
    case 'spec':
      if (READS.has(command)) return undefined;
      return (
        `${id} is the workflow of SPEC ${target.spec_id}: its phases drive its session, so \`baton session ${command}\` ` +
        `does not apply. Use \`baton spec status ${target.spec_id}\` (then retry, skip, abort or rerun), ${carryOn}.`
      );
    case 'agent': {
      if (READS.has(command)) return undefined;
      const who = target.agent ? `agent ${target.agent}` : 'an agent';
      return (
        `${id} is the session of ${who} in handoff ${target.handoff_id}: the handoff drives it, so ` +
        `\`baton session ${command}\` does not apply. See it with \`baton handoff status ${target.handoff_id}\`, ${carryOn}.`
      );
    }
    case 'handoff': {
      const agents = target.agent_sessions?.length
        ? `its agents' sessions are ${target.agent_sessions.join(', ')}`
        : `each of its agents has a session named ${id}-<n>-<agent>`;
      return (
        `${id} is a handoff, not a session: see it with \`baton handoff status ${id}\`; ` +
        `${agents} (\`baton session status <agent session>\`).`
      );
    }
    case 'other':
      return `${id} is a ${target.workflow_type} workflow, not a baton session. List sessions with \`baton session list\`.`;
  }
}

/** The sessions of a handoff's agents that have started, best effort (undefined when unknown). */
async function agentSessions(
  ctx: SessionContext,
  id: string,
  description: WorkflowExecutionDescription,
): Promise<string[] | undefined> {
  const handle = ctx.client.workflow.getHandle(id);
  try {
    const status: HandoffStatus =
      description.status.name === 'COMPLETED'
        ? ((await handle.result()) as HandoffStatus)
        : await handle.query(handoffStatusQuery);
    const ids = status.agents.map((a) => a.session_id);
    if (status.current && !ids.includes(status.current.session_id)) ids.push(status.current.session_id);
    return ids;
  } catch {
    return undefined;
  }
}

/**
 * What each id a client has used names; it never changes, so one describe per id serves every
 * later call.
 */
export class SessionTargets {
  private readonly targets = new Map<string, SessionTarget>();

  constructor(private readonly ctx: SessionContext) {}

  /**
   * Notes that `id` is a session this client has just started (or forked): its first command then
   * needs no describe round trip, which would otherwise make a new session's first turn (a fork's
   * too) slower than every later one.
   */
  remember(id: string): void {
    this.targets.set(id, { kind: 'session' });
  }

  /**
   * Refuses, in one line that says what the id is and what to use instead, a command that does not
   * apply to it (a message to a SPEC's session, a status of a handoff, …).
   * @throws NotASessionError, or SessionNotFoundError for an unknown id.
   */
  async assertApplies(id: string, command: SessionCommand): Promise<void> {
    let target = this.targets.get(id);
    if (!target) {
      target = (await describeTarget(this.ctx, id)).target;
      this.targets.set(id, target);
    }
    const problem = targetProblem(id, target, command);
    if (problem) throw new NotASessionError(problem);
  }
}
