import { ApplicationFailure, condition } from '@temporalio/workflow';
import {
  SpecFailureType,
  type Decision,
  type PhaseRecord,
  type SpecInput,
  type SpecProgress,
} from '../domain/spec';
import type { SessionEntity } from './session-entity';

/**
 * A failed SPEC phase's wait for a person: the failure shown with its choices and deadline, the
 * decision (`retryPhase`, `skipPhase`, `abortSpec`) taken from the update, and what it does to the
 * phase. Without a decision in time the SPEC fails.
 */
export class PhaseDecisions {
  private decision: Decision | undefined;

  constructor(
    private readonly input: SpecInput,
    private readonly session: SessionEntity,
    /** The SPEC's progress as it is now (the run replaces the object when it finishes). */
    private readonly progress: () => SpecProgress,
    /** Publishes the SPEC's presentation. */
    private readonly publish: () => void,
  ) {}

  /** Records the user's decision; resolves once the paused phase has acted on it. */
  async decide(decision: Decision): Promise<void> {
    this.decision = decision;
    // Answer once the workflow has acted on it, so the caller sees the new state.
    await condition(() => this.progress().status !== 'awaiting_decision');
  }

  /** Marks the SPEC as waiting for a decision about the failed phase, with its deadline. */
  awaitingDecision(phase: PhaseRecord): void {
    const progress = this.progress();
    progress.status = 'awaiting_decision';
    progress.failure = {
      phase: phase.name,
      error: phase.error ?? 'unknown error',
      choices: ['retry', 'skip', 'abort'],
      decide_by: new Date(Date.now() + this.input.decision_timeout_ms).toISOString(),
    };
    this.publish();
  }

  /**
   * Waits for a person's decision about a failed phase and acts on it: a retry goes back to the
   * phase's start checkpoint (with the guidance, if any), a skip marks the phase skipped.
   * @throws ApplicationFailure (`DecisionTimeout`) when no decision came before the deadline.
   */
  async onFailure(phase: PhaseRecord, startName: string): Promise<'done' | 'abort' | 'retry'> {
    this.decision = undefined;
    const waitMs = Math.max(0, Date.parse(this.progress().failure!.decide_by) - Date.now());
    if (!(await condition(() => this.decision !== undefined, waitMs))) {
      this.progress().status = 'failed';
      this.publish();
      throw ApplicationFailure.create({
        type: SpecFailureType.DecisionTimeout,
        nonRetryable: true,
        message:
          `Phase ${phase.name} of SPEC ${this.input.spec.spec_id} failed (${phase.error ?? 'unknown error'}) and no ` +
          `retry, skip or abort came within ${Math.round(this.input.decision_timeout_ms / 1000)} s.`,
      });
    }
    const decision = this.decision!;
    const progress = this.progress();
    progress.status = 'running';
    delete progress.failure;
    if (decision.kind === 'abort') return 'abort';
    if (decision.kind === 'skip') {
      phase.status = 'skipped';
      phase.log.push('skipped after failing');
      return 'done';
    }
    if (decision.guidance) progress.guidance = decision.guidance;
    else delete progress.guidance;
    phase.log.push(
      `retry ${phase.attempts + 1}${decision.guidance ? ` with guidance: ${decision.guidance}` : ''}`,
    );
    // Back to the phase's start: whatever the failed attempt stored is no longer in context.
    await this.session.restore({ checkpoint: startName });
    return 'retry';
  }
}
