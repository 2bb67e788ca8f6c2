import {
  ApplicationFailure,
  ChildWorkflowFailure,
  executeChild,
  ParentClosePolicy,
  setCurrentDetails,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import {
  agentSessionId,
  HandoffFailureType,
  type AgentRun,
  type HandoffInput,
  type HandoffResult,
  type HandoffState,
  type HandoffStatus,
  type ResolvedAgent,
} from '../domain/handoff';
import { renderHandoffDetails } from '../domain/handoff';
import { handoffPackageProblems, type HandoffPackage } from '../domain/handoff';
import { formatProblems } from '../domain/handoff';
import {
  agentFloor,
  agentRunFrom,
  agentSessionInput,
  buildHandoffPackage,
  formatPackageProblems,
  handoffInputProblems,
  handoffTotals,
  plannedPackageProblems,
} from '../domain/handoff';
import { BATON_KIND, BATON_MODEL, BATON_PARENT, BATON_PHASE } from '../domain/visibility';
import { formatCount } from '../domain/format';
import type { SessionStatus } from '../domain/session';
import { sessionWorkflow } from './session-workflow';

type FailureType = (typeof HandoffFailureType)[keyof typeof HandoffFailureType];

/**
 * A handoff's state machine: runs each agent as a child session, builds and validates the
 * package between agents, and keeps the status the `handoffStatus` query and the Temporal UI
 * show. The workflow function only registers the query and runs it.
 */
export class HandoffChain {
  private state: HandoffState = 'running';
  private current: HandoffStatus['current'] = null;
  private readonly finished: AgentRun[] = [];
  private readonly packages: HandoffPackage[] = [];
  private readonly startedAt = new Date().toISOString();
  private completedAt: string | null = null;
  private error: HandoffStatus['error'];

  constructor(private readonly input: HandoffInput) {}

  /** Runs the chain to the end. Fails with an `ApplicationFailure` whose type is a {@link HandoffFailureType}. */
  async run(): Promise<HandoffResult> {
    this.checkInput();
    for (const [i, agent] of this.input.agents.entries()) {
      const index = i + 1;
      const pkg = index === 1 ? undefined : this.handOn(index, agent);
      const floor = agentFloor(this.input, agent);
      const status = await this.runAgent(index, agent, floor, pkg);
      this.finished.push(agentRunFrom({ index, agent, floor, status }));
    }
    this.state = 'completed';
    this.current = null;
    this.completedAt = new Date().toISOString();
    this.publish('completed');
    return this.status() as HandoffResult;
  }

  status(): HandoffStatus {
    // Robust to malformed input: the query must answer even when the run failed its input check.
    const agents: unknown = this.input?.agents;
    return {
      handoff_id: workflowInfo().workflowId,
      spec_id: this.input?.spec?.spec_id ?? '',
      state: this.state,
      chain: Array.isArray(agents) ? agents.map((a) => String((a as { name?: unknown })?.name)) : [],
      current: this.current,
      agents: [...this.finished],
      packages: [...this.packages],
      totals: handoffTotals(this.finished),
      started_at: this.startedAt,
      completed_at: this.completedAt,
      ...(this.error ? { error: this.error } : {}),
    };
  }

  /** Fails before anything runs when the input, or a package it implies, cannot be valid. */
  private checkInput(): void {
    const problems = handoffInputProblems(this.input);
    if (problems.length > 0) {
      this.fail(
        HandoffFailureType.InvalidHandoffInput,
        `The handoff input is invalid; no agent ran. ${formatProblems(problems)}.`,
      );
    }
    const planned = plannedPackageProblems(this.input);
    if (planned.length > 0) {
      this.fail(
        HandoffFailureType.InvalidHandoffPackage,
        `A handoff package would be invalid; no agent ran. ${formatPackageProblems(planned)}.`,
      );
    }
  }

  /**
   * Builds the package for agent `index` from the previous agent's final status and validates it.
   * The previous session's final head is recorded as the handoff checkpoint: the next session
   * starts exactly there.
   */
  private handOn(index: number, to: ResolvedAgent): HandoffPackage {
    const sender = this.finished[this.finished.length - 1]!;
    const pkg = buildHandoffPackage({
      package_id: `pkg_${uuid4().replace(/-/g, '').slice(0, 16)}`,
      checkpoint_id: `cp_${uuid4().replace(/-/g, '').slice(0, 16)}`,
      created_at: new Date().toISOString(),
      spec: this.input.spec,
      from: sender.agent,
      to: to.name,
      to_index: index,
      sender,
    });
    const problems = handoffPackageProblems(pkg);
    if (problems.length > 0) {
      this.fail(
        HandoffFailureType.InvalidHandoffPackage,
        `The handoff package from ${sender.agent} to ${to.name} is invalid; ${to.name} did not start. ` +
          `${formatProblems(problems)}.`,
      );
    }
    this.packages.push(pkg);
    return pkg;
  }

  private async runAgent(
    index: number,
    agent: ResolvedAgent,
    floor: number,
    pkg: HandoffPackage | undefined,
  ): Promise<SessionStatus> {
    const spec = this.input.spec;
    const chain = this.input.agents.map((a) => a.name);
    const sessionId = agentSessionId(spec.spec_id, index, agent.name);
    this.current = { index, agent: agent.name, session_id: sessionId };
    this.publish(agent.name);
    try {
      return await executeChild(sessionWorkflow, {
        workflowId: sessionId,
        taskQueue: workflowInfo().taskQueue,
        args: [agentSessionInput({ spec, chain, index, agent, floor, ...(pkg ? { package: pkg } : {}) })],
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
    } catch (err) {
      const cause = err instanceof ChildWorkflowFailure && err.cause ? err.cause : err;
      const why = (cause instanceof Error ? cause.message : String(cause)).replace(/\.$/, '');
      this.fail(
        HandoffFailureType.AgentFailed,
        `Agent ${agent.name} (session ${sessionId}) failed: ${why}. ` +
          `Its session keeps what it did: \`baton session status ${sessionId}\`.`,
      );
    }
  }

  private fail(type: FailureType, message: string): never {
    this.state = 'failed';
    this.error = { type, message };
    this.current = null;
    this.completedAt = new Date().toISOString();
    this.publish('failed');
    throw ApplicationFailure.create({ type, message, nonRetryable: true });
  }

  /** Search attributes and current details: what the Temporal UI shows about the chain. */
  private publish(phase: string): void {
    upsertSearchAttributes([
      { key: BATON_KIND, value: 'handoff' },
      { key: BATON_PHASE, value: phase },
    ]);
    setCurrentDetails(renderHandoffDetails(this.status()));
  }
}
