import { ActivityFailure, ChildWorkflowFailure, condition, uuid4, workflowInfo } from '@temporalio/workflow';
import {
  agentFloor,
  agentRunFrom,
  agentSessionId,
  buildHandoffPackage,
  DEFAULT_HANDOFF_DECISION_TIMEOUT_MS,
  formatPackageProblems,
  formatProblems,
  handoffInputProblems,
  handoffPackageProblems,
  HandoffFailureType,
  plannedPackageProblems,
  type HandoffInput,
  type HandoffPackage,
  type HandoffResult,
  type HandoffStatus,
  type ResolvedAgent,
} from '../domain/handoff';
import { shortId, type SessionStatus } from '../domain/session';
import type { Decision } from '../domain/spec';
import { runAgentSession } from './handoff-agent-session';
import { HandoffProgress } from './handoff-progress';
import { HandoffWorkspace, TestsFailed } from './handoff-workspace';

/**
 * A handoff's state machine: runs each agent as a child session, builds and validates the
 * package between agents, and waits for a person's decision (retry with guidance, skip, abort)
 * when an agent fails, as a SPEC does for a failed phase. The workflow function registers the
 * query and the decision updates and runs it. What the chain has done so far, and how it shows,
 * is its {@link HandoffProgress}.
 */
export class HandoffChain {
  private decision: Decision | undefined;
  /** Present when the input names a workspace (set once the input is checked). */
  private workspace: HandoffWorkspace | undefined;
  private readonly progress: HandoffProgress;

  constructor(private readonly input: HandoffInput) {
    this.progress = new HandoffProgress(input, () => this.workspace);
  }

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
      if (outcome === 'abort') return this.progress.finish('aborted');
    }
    return this.progress.finish('completed');
  }

  /** The handoff's status, as the `handoffStatus` query and every decision's answer give it. */
  status(): HandoffStatus {
    return this.progress.status();
  }

  /** What the decision validators check. */
  get decisionState() {
    return {
      id: workflowInfo().workflowId,
      label: 'Handoff',
      status: this.progress.phase,
      current: this.progress.agent?.agent ?? null,
      what: 'agent',
    };
  }

  /** Records a person's decision about the failed agent; answers once the chain acted on it. */
  async decide(decision: Decision): Promise<HandoffStatus> {
    this.decision = decision;
    await condition(() => this.progress.phase !== 'awaiting_decision');
    return this.status();
  }

  /** Claims the workspace before any agent runs; a folder that cannot be used fails the chain. */
  private async opening(workspace: HandoffWorkspace): Promise<void> {
    this.progress.publish();
    try {
      await workspace.open();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.progress.fail(HandoffFailureType.InvalidHandoffInput, message);
    }
  }

  /** Fails before anything runs when the input, or a package it implies, cannot be valid. */
  private checkInput(): void {
    const problems = handoffInputProblems(this.input);
    if (problems.length > 0) {
      this.progress.fail(
        HandoffFailureType.InvalidHandoffInput,
        `The handoff input is invalid; no agent ran. ${formatProblems(problems)}.`,
      );
    }
    const planned = plannedPackageProblems(this.input);
    if (planned.length > 0) {
      this.progress.fail(
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
    const sender = this.progress.lastFinished;
    if (!sender) return undefined;
    const pkg = buildHandoffPackage({
      package_id: shortId('pkg', uuid4()),
      checkpoint_id: shortId('cp', uuid4()),
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
      this.progress.fail(
        HandoffFailureType.InvalidHandoffPackage,
        `The handoff package from ${sender.agent} to ${to.name} is invalid; ${to.name} did not start. ` +
          `${formatProblems(problems)}.`,
      );
    }
    this.progress.handedOn(pkg);
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
        this.progress.agentFinished(
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
          this.progress.skip(index, agent.name);
          return 'done';
        }
        guidance = decision.guidance;
        // The retried session starts from the package, not from its failed attempt: tell it what
        // the tests said (its files are still there to fix).
        previousError = err instanceof TestsFailed ? err.message : undefined;
      }
    }
  }

  private runSession(
    index: number,
    agent: ResolvedAgent,
    floor: number,
    pkg: HandoffPackage | undefined,
    guidance: string | undefined,
    previousError: string | undefined,
  ): Promise<SessionStatus> {
    const sessionId = agentSessionId(this.input.spec.spec_id, index, agent.name);
    this.progress.start({ index, agent: agent.name, session_id: sessionId });
    const commit = this.workspace?.commit;
    return runAgentSession(this.input, { index, agent, floor, pkg, guidance, previousError, commit });
  }

  /** A failed agent waits for retry, skip or abort; without one in time the handoff fails. */
  private async awaitDecision(index: number, agent: ResolvedAgent, err: unknown): Promise<Decision> {
    const sessionId = agentSessionId(this.input.spec.spec_id, index, agent.name);
    const cause =
      (err instanceof ChildWorkflowFailure || err instanceof ActivityFailure) && err.cause ? err.cause : err;
    const why = (cause instanceof Error ? cause.message : String(cause)).replace(/\.$/, '');
    const timeout = this.input.decision_timeout_ms ?? DEFAULT_HANDOFF_DECISION_TIMEOUT_MS;
    this.decision = undefined;
    this.progress.awaitDecision({
      index,
      agent: agent.name,
      session_id: sessionId,
      error: why,
      ...(err instanceof TestsFailed ? { tests: err.tests } : {}),
      choices: ['retry', 'skip', 'abort'],
      decide_by: new Date(Date.now() + timeout).toISOString(),
    });
    if (!(await condition(() => this.decision !== undefined, timeout))) {
      this.progress.fail(
        HandoffFailureType.AgentFailed,
        `Agent ${agent.name} (session ${sessionId}) failed: ${why}. No retry, skip or abort came within ` +
          `${Math.round(timeout / 1000)} s. Its session keeps what it did: \`baton session status ${sessionId}\`.`,
      );
    }
    this.progress.decided();
    return this.decision!;
  }
}
