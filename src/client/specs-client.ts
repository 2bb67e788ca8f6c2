import { WorkflowFailedError } from '@temporalio/client';
import {
  abortSpecUpdate,
  feedbackProblem,
  retryPhaseUpdate,
  skipPhaseUpdate,
  type SpecDefinition,
  type SpecResult,
  type SpecStatus,
} from '../domain/spec';
import { InvalidInputError } from './errors';
import type { SessionContext } from './session-context';
import { decidePlan, decideSpec } from './spec-decisions';
import { rerunSpec, type SpecRerun } from './spec-rerun';
import { startSpec, type RunSpecOptions, type SpecStarted } from './spec-start';
import { specStatus, type SpecStatusWithLink } from './spec-status';
import { specFailedError } from './run-failure';
import { specHandle, specNotFound } from './spec-workflow';
import { TurnEventReader } from './turn-event-reader';

export type { SpecRerun } from './spec-rerun';
export type { RunSpecOptions, SpecStarted } from './spec-start';
export type { SpecStatusWithLink } from './spec-status';

/** SPEC implementations; reached as `baton.specs`. */
export class SpecsClient {
  constructor(private readonly ctx: SessionContext) {}

  /**
   * Starts a SPEC implementation (it runs on; follow it with `status` or `result`).
   * @throws InvalidInputError naming the SPEC field or option that is wrong; SessionExistsError
   * when a run for this SPEC id exists already.
   */
  async start(spec: SpecDefinition, options: RunSpecOptions = {}): Promise<SpecStarted> {
    return startSpec(this.ctx, spec, options);
  }

  /**
   * Where a SPEC is: phase, per-phase progress (with each gate's test run, the files changed and
   * the commit), a failure with its choices, and, when the run itself failed, why (`error`).
   */
  async status(specId: string): Promise<SpecStatusWithLink> {
    return specStatus(this.ctx, specId);
  }

  /**
   * A reader of the SPEC's streamed phase turns (the model's text and tool calls as they happen),
   * from the start (`from: 0`) or from now on. Undefined when the run cannot stream.
   */
  async events(specId: string, options: { from?: number } = {}): Promise<TurnEventReader | undefined> {
    const handle = specHandle(this.ctx, specId);
    return TurnEventReader.open(this.ctx.client, handle.workflowId, options);
  }

  /** Waits for the SPEC's result. */
  async result(specId: string): Promise<SpecResult> {
    try {
      return await specHandle(this.ctx, specId).result();
    } catch (err) {
      if (err instanceof WorkflowFailedError) throw specFailedError(err, specId);
      throw specNotFound(err, specId);
    }
  }

  /** Retries the failed phase from its start checkpoint, with optional guidance for the model. */
  async retry(specId: string, guidance?: string): Promise<SpecStatus> {
    return decideSpec(this.ctx, specId, () =>
      specHandle(this.ctx, specId).executeUpdate(retryPhaseUpdate, { args: [guidance ? { guidance } : {}] }),
    );
  }

  /** Skips the failed phase. */
  async skip(specId: string): Promise<SpecStatus> {
    return decideSpec(this.ctx, specId, () => specHandle(this.ctx, specId).executeUpdate(skipPhaseUpdate));
  }

  /** Stops the SPEC after a failed phase. */
  async abort(specId: string): Promise<SpecStatus> {
    return decideSpec(this.ctx, specId, () => specHandle(this.ctx, specId).executeUpdate(abortSpecUpdate));
  }

  /**
   * Approves the plan waiting after analysis: the SPEC goes on to RED in the same conversation.
   * @throws SessionRequestError (InvalidRequest) when the SPEC's plan is not waiting for approval.
   */
  async approve(specId: string): Promise<SpecStatus & { ui_url: string }> {
    return decidePlan(this.ctx, specId, { kind: 'implement' });
  }

  /**
   * Sends the plan back with feedback: the analysis runs again from its start, its message
   * carrying the old plan and the feedback, and the new plan waits in turn.
   * @throws InvalidInputError for empty feedback or more than 4,000 characters;
   * SessionRequestError (InvalidRequest) when the SPEC's plan is not waiting for approval.
   */
  async revise(specId: string, feedback: string): Promise<SpecStatus & { ui_url: string }> {
    const problem = feedbackProblem(feedback);
    if (problem) throw new InvalidInputError(`${problem} Nothing was sent to SPEC ${specId}.`);
    return decidePlan(this.ctx, specId, { kind: 'revise', feedback });
  }

  /**
   * Approves the plan and implements it in a fresh conversation: the SPEC's session goes back to
   * the task alone, and the plan goes with the next phase's message.
   * @throws SessionRequestError (InvalidRequest) when the SPEC's plan is not waiting for approval.
   */
  async restart(specId: string): Promise<SpecStatus & { ui_url: string }> {
    return decidePlan(this.ctx, specId, { kind: 'restart' });
  }

  /**
   * Runs a SPEC again from a phase: resets its workflow (ResetWorkflowExecution) to the point
   * where that phase started, so earlier phases are neither run nor billed again. The old run
   * stays in the Temporal UI.
   * @throws InvalidInputError for an unknown phase or one the SPEC never reached.
   */
  async rerun(specId: string, fromPhase: string): Promise<SpecRerun> {
    return rerunSpec(this.ctx, specId, fromPhase);
  }
}
