import { ApplicationFailure, workflowInfo } from '@temporalio/workflow';
import {
  handoffTotals,
  renderHandoffDetails,
  type AgentRun,
  type HandoffAgentFailure,
  type HandoffFailureType,
  type HandoffInput,
  type HandoffPackage,
  type HandoffResult,
  type HandoffState,
  type HandoffStatus,
} from '../domain/handoff';
import { BATON_KIND, BATON_PHASE } from '../domain/visibility';
import type { HandoffWorkspace } from './handoff-workspace';
import { Visibility } from './visibility';

type FailureType = (typeof HandoffFailureType)[keyof typeof HandoffFailureType];

/**
 * A handoff's state as the chain moves through it (which agent runs, which finished or were
 * skipped, the packages between them, a failure waiting for a decision), its status view, and
 * its presentation in the Temporal UI, published on every change.
 */
export class HandoffProgress {
  private state: HandoffState = 'running';
  private current: HandoffStatus['current'] = null;
  private readonly finished: AgentRun[] = [];
  private readonly skipped: { index: number; agent: string }[] = [];
  private readonly packages: HandoffPackage[] = [];
  private readonly startedAt = new Date().toISOString();
  private completedAt: string | null = null;
  private error: HandoffStatus['error'];
  private failure: HandoffAgentFailure | undefined;
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

  constructor(
    private readonly input: HandoffInput,
    /** The chain's workspace, once it has one. */
    private readonly workspace: () => HandoffWorkspace | undefined,
  ) {}

  /** Where the chain is: running, waiting for a decision, or how it ended. */
  get phase(): HandoffState {
    return this.state;
  }

  /** The agent at work, if any. */
  get agent(): HandoffStatus['current'] {
    return this.current;
  }

  status(): HandoffStatus {
    // Robust to malformed input: the query must answer even when the run failed its input check.
    const agents: unknown = this.input?.agents;
    const workspace = this.workspace();
    return {
      handoff_id: workflowInfo().workflowId,
      spec_id: this.input?.spec?.spec_id ?? '',
      state: this.state,
      chain: Array.isArray(agents) ? agents.map((a) => String((a as { name?: unknown })?.name)) : [],
      current: this.current,
      agents: [...this.finished],
      skipped: [...this.skipped],
      packages: [...this.packages],
      ...(workspace ? { workspace: workspace.status() } : {}),
      totals: handoffTotals(this.finished),
      started_at: this.startedAt,
      completed_at: this.completedAt,
      ...(this.failure ? { failure: this.failure } : {}),
      ...(this.error ? { error: this.error } : {}),
    };
  }

  /** Publishes the presentation (search attributes and details change only when they differ). */
  publish(): void {
    this.visibility.publish();
  }

  /** An agent's session starts. */
  start(current: NonNullable<HandoffStatus['current']>): void {
    this.current = current;
    this.publish();
  }

  /** The last agent that finished: it hands on to the next (undefined: none has finished). */
  get lastFinished(): AgentRun | undefined {
    return this.finished[this.finished.length - 1];
  }

  /** Records an agent that finished. */
  agentFinished(run: AgentRun): void {
    this.finished.push(run);
  }

  /** Records a package handed on between agents. */
  handedOn(pkg: HandoffPackage): void {
    this.packages.push(pkg);
  }

  /** Records an agent skipped after failing. */
  skip(index: number, agent: string): void {
    this.skipped.push({ index, agent });
  }

  /** A failed agent waits for a person's decision. */
  awaitDecision(failure: HandoffAgentFailure): void {
    this.state = 'awaiting_decision';
    this.failure = failure;
    this.publish();
  }

  /** A decision came: the chain runs on. */
  decided(): void {
    this.state = 'running';
    this.failure = undefined;
  }

  /** Ends the chain completed or aborted; returns its result. */
  finish(state: 'completed' | 'aborted'): HandoffResult {
    this.state = state;
    this.current = null;
    this.completedAt = new Date().toISOString();
    this.publish();
    return this.status() as HandoffResult;
  }

  /**
   * Ends the chain failed, with the error in its status.
   * @throws ApplicationFailure of `type` (non-retryable) with `message`, always.
   */
  fail(type: FailureType, message: string): never {
    this.state = 'failed';
    this.error = { type, message };
    this.current = null;
    this.failure = undefined;
    this.completedAt = new Date().toISOString();
    this.publish();
    throw ApplicationFailure.create({ type, message, nonRetryable: true });
  }
}
