import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  condition,
  executeChild,
  ParentClosePolicy,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import {
  agentFloor,
  agentRunFrom,
  agentSessionId,
  agentSessionInput,
  buildHandoffPackage,
  DEFAULT_HANDOFF_DECISION_TIMEOUT_MS,
  formatPackageProblems,
  formatProblems,
  handoffInputProblems,
  handoffPackageProblems,
  HandoffFailureType,
  handoffTotals,
  plannedPackageProblems,
  renderHandoffDetails,
  type AgentRun,
  type HandoffAgentFailure,
  type HandoffInput,
  type HandoffPackage,
  type HandoffResult,
  type HandoffState,
  type HandoffStatus,
  type ResolvedAgent,
} from '../domain/handoff';
import { formatCount } from '../domain/format';
import type { SessionStatus } from '../domain/session';
import type { Decision } from '../domain/spec';
import { BATON_KIND, BATON_MODEL, BATON_PARENT, BATON_PHASE } from '../domain/visibility';
import { HandoffWorkspace, TestsFailed } from './handoff-workspace';
import { sessionWorkflow } from './session-workflow';
import { Visibility } from './visibility';

type FailureType = (typeof HandoffFailureType)[keyof typeof HandoffFailureType];

/**
 * A handoff's state machine: runs each agent as a child session, builds and validates the
 * package between agents, and waits for a person's decision (retry with guidance, skip, abort)
 * when an agent fails, as a SPEC does for a failed phase. The workflow function registers the
 * query and the decision updates and runs it.
 */
export class HandoffChain {
  private state: HandoffState = 'running';
  private current: HandoffStatus['current'] = null;
  private readonly finished: AgentRun[] = [];
  private readonly skipped: { index: number; agent: string }[] = [];
  private readonly packages: HandoffPackage[] = [];
  private readonly startedAt = new Date().toISOString();
  private completedAt: string | null = null;
  private error: HandoffStatus['error'];
  private failure: HandoffAgentFailure | undefined;
  private decision: Decision | undefined;
  /** Present when the input names a workspace (set once the input is checked). */
  private workspace: HandoffWorkspace | undefined;
  private readonly visibility = new Visibility(() => {
    const status = this.status();
    return {
      attributes: [
        { key: BATON_KIND, value: 'handoff' },
        {
          key: BATON_PHASE,
          value: this.current && this.state === 'running' ? this.current.agent : this.state,
        },
      ],
      details: renderHandoffDetails(status),
    };
  });

  constructor(private readonly input: HandoffInput) {}

  /** Runs the chain to the end. Fails with an `ApplicationFailure` whose type is a {@link HandoffFailureType}. */
  async run(): Promise<HandoffResult> {
    this.checkInput();
    if (this.input.workspace) {
      this.workspace = new HandoffWorkspace(this.input.spec.spec_id, this.input.workspace);
      await this.opening(this.workspace);
    }
    for (const [i, agent] of this.input.agents.entries()) {
      const index = i + 1;
      const outcome = await this.runAgent(index, agent);
      if (outcome === 'abort') return this.finish('aborted');
    }
    return this.finish('completed');
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
      skipped: [...this.skipped],
      packages: [...this.packages],
      ...(this.workspace ? { workspace: this.workspace.status() } : {}),
      totals: handoffTotals(this.finished),
      started_at: this.startedAt,
      completed_at: this.completedAt,
      ...(this.failure ? { failure: this.failure } : {}),
      ...(this.error ? { error: this.error } : {}),
    };
  }

  /** What the decision validators check. */
  get decisionState() {
    return {
      id: workflowInfo().workflowId,
      label: 'Handoff',
      status: this.state,
      current: this.current?.agent ?? null,
      what: 'agent',
    };
  }

  /** Records a person's decision about the failed agent; answers once the chain acted on it. */
  async decide(decision: Decision): Promise<HandoffStatus> {
    this.decision = decision;
    await condition(() => this.state !== 'awaiting_decision');
    return this.status();
  }

  /** Claims the workspace before any agent runs; a folder that cannot be used fails the chain. */
  private async opening(workspace: HandoffWorkspace): Promise<void> {
    this.visibility.publish();
    try {
      await workspace.open();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.fail(HandoffFailureType.InvalidHandoffInput, message);
    }
  }

  private finish(state: 'completed' | 'aborted'): HandoffResult {
    this.state = state;
    this.current = null;
    this.completedAt = new Date().toISOString();
    this.visibility.publish();
    return this.status() as HandoffResult;
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
   * Builds the package for agent `index` from the last agent that finished and validates it. The
   * sender's final head is recorded as the handoff checkpoint: the next session starts exactly
   * there. Undefined when no agent has finished yet (the first, or all before were skipped).
   */
  private handOn(index: number, to: ResolvedAgent): HandoffPackage | undefined {
    const sender = this.finished[this.finished.length - 1];
    if (!sender) return undefined;
    const pkg = buildHandoffPackage({
      package_id: `pkg_${uuid4().replace(/-/g, '').slice(0, 16)}`,
      checkpoint_id: `cp_${uuid4().replace(/-/g, '').slice(0, 16)}`,
      created_at: new Date().toISOString(),
      spec: this.input.spec,
      from: sender.agent,
      to: to.name,
      to_index: index,
      sender,
      ...(sender.workspace && this.workspace
        ? { workspace: this.workspace.packageOf(sender.workspace) }
        : {}),
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

  /** Runs one agent, and again on a retry decision; a skip or abort decision ends its turn. */
  private async runAgent(index: number, agent: ResolvedAgent): Promise<'done' | 'abort'> {
    const pkg = this.handOn(index, agent);
    const floor = agentFloor(this.input, agent);
    let guidance: string | undefined;
    let previousError: string | undefined;
    for (;;) {
      try {
        const status = await this.runSession(index, agent, floor, pkg, guidance, previousError);
        const workspace = await this.workspace?.afterAgent(index, this.input.agents.length, agent, status);
        this.finished.push(
          agentRunFrom({
            index,
            agent,
            floor,
            status,
            ...(this.input.mcp_servers ? { mcp_servers: this.input.mcp_servers } : {}),
            ...(workspace ? { workspace } : {}),
          }),
        );
        return 'done';
      } catch (err) {
        const decision = await this.awaitDecision(index, agent, err);
        if (decision.kind === 'abort') return 'abort';
        if (decision.kind === 'skip') {
          await this.workspace?.discard();
          this.skipped.push({ index, agent: agent.name });
          return 'done';
        }
        guidance = decision.guidance;
        // The retried session starts from the package, not from its failed attempt: tell it what
        // the tests said (its files are still there to fix).
        previousError = err instanceof TestsFailed ? err.message : undefined;
      }
    }
  }

  private async runSession(
    index: number,
    agent: ResolvedAgent,
    floor: number,
    pkg: HandoffPackage | undefined,
    guidance: string | undefined,
    previousError: string | undefined,
  ): Promise<SessionStatus> {
    const spec = this.input.spec;
    const chain = this.input.agents.map((a) => a.name);
    const sessionId = agentSessionId(spec.spec_id, index, agent.name);
    this.current = { index, agent: agent.name, session_id: sessionId };
    this.visibility.publish();
    const input = agentSessionInput({
      spec,
      chain,
      index,
      agent,
      floor,
      ...(pkg ? { package: pkg } : {}),
      ...(guidance ? { guidance } : {}),
      ...(this.input.workspace ? { workspace: this.input.workspace } : {}),
      ...(this.workspace?.commit ? { commit: this.workspace.commit } : {}),
      ...(this.input.mcp_servers ? { mcp_servers: this.input.mcp_servers } : {}),
      ...(previousError ? { previous_error: previousError } : {}),
    });
    return executeChild(sessionWorkflow, {
      workflowId: sessionId,
      taskQueue: workflowInfo().taskQueue,
      args: [input],
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

  /** A failed agent waits for retry, skip or abort; without one in time the handoff fails. */
  private async awaitDecision(index: number, agent: ResolvedAgent, err: unknown): Promise<Decision> {
    const sessionId = agentSessionId(this.input.spec.spec_id, index, agent.name);
    const cause =
      (err instanceof ChildWorkflowFailure || err instanceof ActivityFailure) && err.cause ? err.cause : err;
    const why = (cause instanceof Error ? cause.message : String(cause)).replace(/\.$/, '');
    const timeout = this.input.decision_timeout_ms ?? DEFAULT_HANDOFF_DECISION_TIMEOUT_MS;
    this.state = 'awaiting_decision';
    this.decision = undefined;
    this.failure = {
      index,
      agent: agent.name,
      session_id: sessionId,
      error: why,
      ...(err instanceof TestsFailed ? { tests: err.tests } : {}),
      choices: ['retry', 'skip', 'abort'],
      decide_by: new Date(Date.now() + timeout).toISOString(),
    };
    this.visibility.publish();
    if (!(await condition(() => this.decision !== undefined, timeout))) {
      this.fail(
        HandoffFailureType.AgentFailed,
        `Agent ${agent.name} (session ${sessionId}) failed: ${why}. No retry, skip or abort came within ` +
          `${Math.round(timeout / 1000)} s. Its session keeps what it did: \`baton session status ${sessionId}\`.`,
      );
    }
    this.state = 'running';
    this.failure = undefined;
    return this.decision!;
  }

  private fail(type: FailureType, message: string): never {
    this.state = 'failed';
    this.error = { type, message };
    this.current = null;
    this.failure = undefined;
    this.completedAt = new Date().toISOString();
    this.visibility.publish();
    throw ApplicationFailure.create({ type, message, nonRetryable: true });
  }
}
