import { patched } from '@temporalio/workflow';
import { capFloor, floorCapNote } from '../domain/session';
import {
  addPhaseUsage,
  initialSpecProgress,
  phaseCheckpointName,
  phaseMessage,
  planContext,
  remainingPhases,
  renderSpec,
  SPEC_SYSTEM_PROMPT,
  specWorkflowId,
  type Decision,
  type PhaseRecord,
  type SpecInput,
  type SpecProgress,
  type SpecStatus,
  type SpecWorkspace,
} from '../domain/spec';
import type { WorkspaceRequest } from '../domain/workspace';
import { PlanApproval } from './plan-approval';
import { PhaseWork } from './spec-phase-work';
import { PhaseDecisions } from './spec-decision';
import { specPresentation, specStatusView } from './spec-view';
import { rollOver } from './serve-loop';
import { SessionEntity } from './session-entity';
import { causeMessage } from './turn-failure';
import { Visibility } from './visibility';

/** The session's workspace request from the SPEC's (without the test command, which is the SPEC's). */
function workspaceRequestOf(w: SpecWorkspace): WorkspaceRequest {
  const { test_command: _tests, ...request } = w;
  return request;
}

/** Histories recorded before SPEC floors were capped at what the model's window keeps free. */
const PATCH_FLOOR_CAP = 'spec-floor-capped-to-window';

/**
 * A SPEC implementation's state machine: four phases driven by model turns in the SPEC's own
 * session (embedded here, so it has checkpoints, compaction, restore and rollover), a checkpoint
 * at the start and completion of each phase, and a pause for a decision when a phase fails. At a
 * phase boundary it rolls over (continue-as-new) like any session, carrying its progress.
 */
export class SpecRun {
  readonly session: SessionEntity;
  private progress: SpecProgress;
  /** The run is continuing-as-new: decisions wait for the next run (see {@link decisionState}). */
  private rollingOver = false;
  /** The phases' floor: `min_tokens_available`, capped at what the model's window keeps free. */
  private floor: number;
  private readonly visibility = new Visibility(() =>
    specPresentation(this.input, this.progress, this.session.status()),
  );
  /** The plan's approval after analysis (`approve`). */
  readonly approval: PlanApproval;
  /** A phase's continuations, test gate and completion checkpoint. */
  private readonly work: PhaseWork;
  /** A failed phase's wait for retry, skip or abort. */
  private readonly decisions: PhaseDecisions;

  constructor(private readonly input: SpecInput) {
    this.progress = input.carried?.progress ?? initialSpecProgress();
    this.floor = input.min_tokens_available;
    this.session = new SessionEntity(
      input.carried?.session ?? {
        session_id: specWorkflowId(input.spec.spec_id),
        model: input.model,
        settings: input.settings,
        system: SPEC_SYSTEM_PROMPT,
        task: renderSpec(input.spec),
        ...(input.workspace ? { workspace: workspaceRequestOf(input.workspace) } : {}),
        ...(input.mcp_servers?.length ? { mcp_servers: input.mcp_servers } : {}),
      },
      () => this.visibility.publish(),
    );
    this.work = new PhaseWork(this.session, input, () => this.visibility.publish());
    this.decisions = new PhaseDecisions(
      input,
      this.session,
      () => this.progress,
      () => this.visibility.publish(),
    );
    this.approval = new PlanApproval({
      specId: this.input.spec.spec_id,
      approve: this.input.approve,
      timeoutMs: this.input.decision_timeout_ms,
      progress: () => this.progress,
      statusView: () => this.statusView(),
      publish: () => this.visibility.publish(),
      restoreToAnalysisStart: async () => {
        await this.session.restore({ checkpoint: phaseCheckpointName('analysis', 'start') });
      },
      runAnalysis: () => this.runPhase(this.progress.phases[0]!),
      rollOverIfDue: () => this.rollOverIfDue(),
    });
  }

  /** Runs the phases left; returns when done or aborted. Throws only when a decision times out. */
  async run(): Promise<SpecStatus> {
    this.floor = this.phaseFloor();
    await this.session.initialize();
    for (const phase of remainingPhases(this.progress)) {
      // After analysis, a plan that needs a person's approval waits for it (at once otherwise).
      if (phase.name !== 'analysis' && (await this.approval.approved()) === 'abort') {
        return await this.finish('aborted');
      }
      const outcome = await this.runPhase(phase);
      if (outcome === 'abort') return await this.finish('aborted');
      // A restart's plan is in the conversation once a phase that carried it has completed.
      if (phase.status === 'completed') delete this.progress.restart_plan;
      // Outside the phase's try: continue-as-new ends the run by throwing.
      await this.rollOverIfDue();
    }
    return await this.finish('completed');
  }

  /** The SPEC's status, as the `specStatus` query and every decision's answer give it. */
  statusView(): SpecStatus {
    return specStatusView(this.input, this.progress, this.session.status());
  }

  /** Where a decision must be refused (not waiting, or bad guidance), for the update validators. */
  get decisionState() {
    return {
      id: this.input.spec.spec_id,
      label: 'SPEC',
      // A decision taken while the run rolls over would hold up the continue-as-new (which waits
      // for every handler): it is refused, and taken by the next run.
      status: this.rollingOver ? 'rolling over to a new run; decide again in a moment' : this.progress.status,
      current: this.progress.current,
      what: 'phase',
    };
  }

  /** Records the user's decision; the paused phase acts on it. */
  async decide(decision: Decision): Promise<SpecStatus> {
    await this.decisions.decide(decision);
    return this.statusView();
  }

  /**
   * The floor the phases keep: a floor larger than the window can keep free would compact before
   * every phase and still not be met, so it is capped, and the first phase's log says so once.
   */
  private phaseFloor(): number {
    const requested = this.input.min_tokens_available;
    if (!patched(PATCH_FLOOR_CAP)) return requested;
    const { model, settings } = this.input;
    const capped = capFloor({
      requested,
      context_window: model.context_window,
      summarize_at_percent: settings.summarize_at_percent,
    });
    const note = floorCapNote(capped, {
      model: model.id,
      context_window: model.context_window,
      summarize_at_percent: settings.summarize_at_percent,
    });
    // A run carried over from an earlier one has said it already.
    if (note && !this.input.carried) this.progress.phases[0]?.log.push(note);
    return capped.floor;
  }

  private async finish(status: 'completed' | 'aborted'): Promise<SpecStatus> {
    this.progress = { ...this.progress, status, current: null };
    this.visibility.publish();
    // Readers of the stream get the last phase's events, and no parked poll holds up completion.
    await this.session.finishStream();
    return this.statusView();
  }

  /** Continues-as-new when the session asks for it, carrying the SPEC's progress. */
  private async rollOverIfDue(): Promise<void> {
    if (this.session.rolloverDue === undefined) return;
    this.rollingOver = true;
    try {
      await rollOver(this.session, (session) => ({
        ...this.input,
        carried: { session, progress: this.progress },
      }));
    } finally {
      this.rollingOver = false;
    }
  }

  private async runPhase(phase: PhaseRecord): Promise<'done' | 'abort'> {
    this.progress.current = phase.name;
    const startName = phaseCheckpointName(phase.name, 'start');
    // A carried run that stopped inside this phase already has its start checkpoint.
    if (!this.progress.checkpoints.includes(startName)) {
      // With a workspace the files are committed too, so a retry puts them back.
      if (this.input.workspace) await this.session.checkpointWithFiles(startName, 'phase');
      else this.session.checkpoint(startName, 'phase');
      this.progress.checkpoints.push(startName);
    }
    for (;;) {
      if (this.progress.status === 'awaiting_decision') {
        // Carried over while waiting: wait again in this run.
        const outcome = await this.decisions.onFailure(phase, startName);
        if (outcome !== 'retry') return outcome;
      }
      await this.rollOverIfDue();
      phase.status = 'running';
      phase.attempts++;
      this.visibility.publish();
      const began = Date.now();
      await this.work.makeRoom(phase, this.floor);
      try {
        // Phases always stream: `baton spec run` prints the model's text as it writes it.
        let reply = await this.session.send({ ...this.phaseRequest(phase), stream: true });
        addPhaseUsage(phase, reply.usage, reply.cost_usd);
        reply = await this.work.continueCutReply(phase, reply);
        if (this.input.workspace) await this.work.passGate(phase, this.input.workspace.test_command);
        phase.output = reply.reply;
        const doneName = phaseCheckpointName(phase.name, 'complete');
        // Committed before it reads completed, so whoever sees it completed sees its commit.
        await this.work.checkpointPhaseEnd(phase, doneName);
        phase.status = 'completed';
        delete phase.error;
        delete this.progress.guidance;
        phase.duration_ms += Date.now() - began;
        this.progress.checkpoints.push(doneName);
        return 'done';
      } catch (err) {
        phase.duration_ms += Date.now() - began;
        phase.status = 'failed';
        phase.error = causeMessage(err);
        this.decisions.awaitingDecision(phase);
        // A long wait may follow: a run that must roll over does so first, carrying the failure.
        await this.rollOverIfDue();
        const outcome = await this.decisions.onFailure(phase, startName);
        if (outcome !== 'retry') return outcome;
      }
    }
  }

  /**
   * A phase's message: its instructions, a retry's guidance, and what the plan decisions carry
   * (critical when it carries a restart's plan, so compaction keeps the plan verbatim).
   */
  private phaseRequest(phase: PhaseRecord): { message: string; class?: 'critical' } {
    const plan = planContext(this.progress, phase.name);
    return {
      message: phaseMessage(this.input.spec, phase.name, this.progress.guidance, this.input.workspace, plan),
      ...(plan.plan ? { class: 'critical' as const } : {}),
    };
  }
}
