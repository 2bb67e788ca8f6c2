import { executeChild, ParentClosePolicy, workflowInfo } from '@temporalio/workflow';
import {
  agentSessionId,
  agentSessionInput,
  type HandoffInput,
  type HandoffPackage,
  type ResolvedAgent,
} from '../domain/handoff';
import { formatCount } from '../domain/format';
import type { SessionStatus } from '../domain/session';
import { BATON_KIND, BATON_MODEL, BATON_PARENT, BATON_PHASE } from '../domain/visibility';
import { sessionWorkflow } from './session-workflow';

/** One attempt of one agent: where it starts, and what it is told. */
export interface AgentAttempt {
  index: number;
  agent: ResolvedAgent;
  floor: number;
  /** The package from the last agent that finished (none for the first). */
  pkg: HandoffPackage | undefined;
  /** A retry's guidance. */
  guidance: string | undefined;
  /** What the tests said after the failed attempt, when they failed it. */
  previousError: string | undefined;
  /** The workspace commit the agent starts from. */
  commit: string | undefined;
}

/**
 * Runs an agent's session as a child workflow (`handoff-<spec_id>-<n>-<agent>`) linked to its
 * handoff, and returns the session's final status.
 * @throws ChildWorkflowFailure when the session fails, is cancelled or times out.
 */
export function runAgentSession(input: HandoffInput, attempt: AgentAttempt): Promise<SessionStatus> {
  const { index, agent, floor, pkg, guidance, previousError, commit } = attempt;
  const spec = input.spec;
  const chain = input.agents.map((a) => a.name);
  const sessionId = agentSessionId(spec.spec_id, index, agent.name);
  const sessionInput = agentSessionInput({
    spec,
    chain,
    index,
    agent,
    floor,
    ...(pkg ? { package: pkg } : {}),
    ...(guidance ? { guidance } : {}),
    ...(input.workspace ? { workspace: input.workspace } : {}),
    ...(commit ? { commit } : {}),
    ...(input.mcp_servers ? { mcp_servers: input.mcp_servers } : {}),
    ...(previousError ? { previous_error: previousError } : {}),
  });
  return executeChild(sessionWorkflow, {
    workflowId: sessionId,
    taskQueue: workflowInfo().taskQueue,
    args: [sessionInput],
    // A cancelled or terminated handoff stops the agent at work rather than leaving it spending
    // tokens on output nobody will collect; finished agents have closed already.
    parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    // The session sets BatonParent only for forks (from its lineage); an agent is linked to its
    // handoff here, at start, and the session leaves the attribute alone.
    typedSearchAttributes: [
      { key: BATON_KIND, value: 'session' },
      { key: BATON_MODEL, value: agent.model.id },
      { key: BATON_PARENT, value: workflowInfo().workflowId },
      { key: BATON_PHASE, value: agent.name },
    ],
    staticSummary: `handoff ${spec.spec_id} · agent ${index}/${chain.length} ${agent.name} · ${agent.model.id}`,
    staticDetails: `**Role:** ${agent.role_prompt.slice(0, 500)}\n\n**Floor:** ${formatCount(floor)} tokens`,
  });
}
