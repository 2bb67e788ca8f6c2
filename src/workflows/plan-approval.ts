import { ApplicationFailure, condition } from '@temporalio/workflow';
import {
  pendingApproval,
  planNeedsApproval,
  SpecFailureType,
  type PlanDecision,
  type SpecProgress,
  type SpecStatus,
} from '../domain/spec';

/** What the plan approval needs of the SPEC run that holds it. */
export interface PlanApprovalHost {
  readonly specId: string;
  /** `SpecInput.approve`: without it the plan never waits. */
  readonly approve: boolean | undefined;
  readonly timeoutMs: number;
  /** The run's progress (read on each use: the run may replace the object). */
  progress(): SpecProgress;
  statusView(): SpecStatus;
  publish(): void;
  /** Moves the session back to the analysis start checkpoint (the task alone). */
  restoreToAnalysisStart(): Promise<void>;
  /** Runs the analysis phase again (its message carries the feedback). */
  runAnalysis(): Promise<'done' | 'abort'>;
  rollOverIfDue(): Promise<void>;
}

/** A person's answer to a waiting plan, or an abort of the SPEC while it waits. */
export type PlanAnswer = PlanDecision | { kind: 'abort' };

/**
 * The human-in-the-loop step after analysis (`approve`): the plan waits in the SPEC's status
 * (and the UI) for implement, revise or restart. A revise runs the analysis again, from its start
 * checkpoint, with the feedback; a restart moves the session back to the task alone and carries
 * the plan into the next phase's message. Everything it keeps is in the run's progress, so a
 * rollover while it waits goes on waiting in the next run.
 */
export class PlanApproval {
  private answer: PlanAnswer | undefined;

  constructor(private readonly host: PlanApprovalHost) {}

  /** Records a person's answer; resolves once the run has acted on it, with the new status. */
  async decide(answer: PlanAnswer): Promise<SpecStatus> {
    this.answer = answer;
    await condition(() => this.host.progress().status !== 'awaiting_approval');
    return this.host.statusView();
  }

  /**
   * Waits until the plan is approved (at once when it needs no approval); 'abort' when the SPEC
   * was aborted while waiting or its revised analysis was.
   * @throws ApplicationFailure (SpecApprovalTimeout) when nobody answers in time.
   */
  async approved(): Promise<'implement' | 'abort'> {
    for (;;) {
      const p = this.host.progress();
      const analysis = p.phases[0]!;
      if (!planNeedsApproval(p, this.host.approve)) return 'implement';
      if (p.status !== 'awaiting_approval' || !p.approval) {
        // A long wait may follow: a run that must roll over does so first, before the plan is
        // offered (an answer in flight would hold the continue-as-new up for good).
        await this.host.rollOverIfDue();
        p.status = 'awaiting_approval';
        p.current = 'analysis';
        p.approval = pendingApproval(analysis.output ?? '', Date.now(), this.host.timeoutMs);
        // The plan it asked for is the one that waits now.
        delete p.feedback;
        this.host.publish();
      }
      this.answer = undefined;
      const waitMs = Math.max(0, Date.parse(p.approval.decide_by) - Date.now());
      if (!(await condition(() => this.answer !== undefined, waitMs))) {
        p.status = 'failed';
        delete p.approval;
        this.host.publish();
        throw ApplicationFailure.create({
          type: SpecFailureType.ApprovalTimeout,
          nonRetryable: true,
          message:
            `The plan of SPEC ${this.host.specId} waited for approval and no implement, revise or restart ` +
            `came within ${Math.round(this.host.timeoutMs / 1000)} s.`,
        });
      }
      const answer = this.answer!;
      delete p.approval;
      // The run finishes as aborted; the status goes straight there, so the caller sees it.
      if (answer.kind === 'abort') return 'abort';
      p.status = 'running';
      if (answer.kind === 'implement') {
        p.approved = true;
        analysis.log.push('plan approved');
        this.host.publish();
        return 'implement';
      }
      if (answer.kind === 'restart') {
        p.approved = true;
        p.restart_plan = analysis.output ?? '';
        analysis.log.push('plan approved; implementing it in a fresh conversation that starts with the plan');
        await this.host.restoreToAnalysisStart();
        this.host.publish();
        return 'implement';
      }
      p.feedback = answer.feedback;
      analysis.status = 'pending';
      analysis.log.push(`plan revised with feedback: ${answer.feedback}`);
      await this.host.restoreToAnalysisStart();
      if ((await this.host.runAnalysis()) === 'abort') return 'abort';
    }
  }
}
