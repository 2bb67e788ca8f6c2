import { ApplicationFailure, condition } from '@temporalio/workflow';
import { tokenBudget, cumulativeTokens } from '../domain/session';
import { BATON_PHASE } from '../domain/visibility';
import { renderSpec } from '../domain/spec';
import {
  SPEC_PHASES,
  SPEC_SYSTEM_PROMPT,
  phaseCheckpointName,
  phaseMessage,
  phaseNumber,
  type SpecPhaseName,
} from '../domain/spec';
import {
  SpecFailureType,
  specWorkflowId,
  type PhaseRecord,
  type RetryPhaseRequest,
  type SpecFailure,
  type SpecInput,
  type SpecRunStatus,
  type SpecStatus,
} from '../domain/spec';
import { SessionEntity } from './session-entity';
import { causeMessage } from './turn-failure';

type Decision = { kind: 'retry'; guidance?: string } | { kind: 'skip' } | { kind: 'abort' };

/**
 * A SPEC implementation's state machine: four phases driven by model turns in the SPEC's own
 * session (embedded here, so it has checkpoints, compaction and restore), a checkpoint at the
 * start and completion of each phase, and a pause for a decision when a phase fails.
 */
export class SpecRun {
  private readonly session: SessionEntity;
  private readonly phases: PhaseRecord[];
  private status: SpecRunStatus = 'running';
  private current: SpecPhaseName | null = null;
  private failure: SpecFailure | undefined;
  private decision: Decision | undefined;
  private readonly phaseCheckpoints: string[] = [];

  constructor(private readonly input: SpecInput) {
    this.session = new SessionEntity(
      {
        session_id: specWorkflowId(input.spec.spec_id),
        model: input.model,
        settings: input.settings,
        system: SPEC_SYSTEM_PROMPT,
        task: renderSpec(input.spec),
      },
      {
        kind: 'spec',
        header: () => this.header(),
        attributes: () => [{ key: BATON_PHASE, value: this.current ?? this.status }],
      },
    );
    this.phases = SPEC_PHASES.map((name) => ({
      name,
      number: phaseNumber(name),
      status: 'pending',
      attempts: 0,
      tokens: 0,
      cost_usd: 0,
      duration_ms: 0,
      log: [],
    }));
  }

  /** Runs every phase; returns when done or aborted. Throws only when a decision times out. */
  async run(): Promise<SpecStatus> {
    await this.session.initialize();
    for (const phase of this.phases) {
      const outcome = await this.runPhase(phase);
      if (outcome === 'abort') {
        this.status = 'aborted';
        this.current = null;
        this.publish();
        return this.statusView();
      }
    }
    this.status = 'completed';
    this.current = null;
    this.publish();
    return this.statusView();
  }

  statusView(): SpecStatus {
    const session = this.session.status();
    return {
      spec_id: this.input.spec.spec_id,
      title: this.input.spec.title,
      status: this.status,
      current_phase: this.current,
      phases: this.phases.map((p) => ({ ...p, log: [...p.log] })),
      ...(this.failure ? { failure: this.failure } : {}),
      checkpoints: [...this.phaseCheckpoints],
      tokens_used: cumulativeTokens(session.cumulative),
      cost_usd: session.cumulative.cost_usd,
      context: tokenBudget(session.tokens_used, session.context_window),
      model: session.model,
    };
  }

  validateDecision(kind: Decision['kind'], request?: RetryPhaseRequest): void {
    if (this.status !== 'awaiting_decision') {
      throw new Error(
        `SPEC ${this.input.spec.spec_id} is not waiting for a decision (it is ${this.status}` +
          `${this.current ? `, phase ${this.current}` : ''}); ${kind} applies only after a phase failed.`,
      );
    }
    if (kind === 'retry' && request?.guidance !== undefined) {
      if (typeof request.guidance !== 'string' || request.guidance.length > 4_000) {
        throw new Error('Guidance must be text of at most 4,000 characters.');
      }
    }
  }

  /** Records the user's decision; the paused phase acts on it. */
  async decide(decision: Decision): Promise<SpecStatus> {
    this.decision = decision;
    // Answer once the workflow has acted on it, so the caller sees the new state.
    await condition(() => this.status !== 'awaiting_decision');
    return this.statusView();
  }

  private async runPhase(phase: PhaseRecord): Promise<'done' | 'abort'> {
    this.current = phase.name;
    const startName = phaseCheckpointName(phase.name, 'start');
    const start = this.session.checkpoint(startName, 'phase');
    this.phaseCheckpoints.push(startName);
    let guidance: string | undefined;
    for (;;) {
      phase.status = 'running';
      phase.attempts++;
      this.publish();
      const began = Date.now();
      const reports = await this.session.ensureAvailable(this.input.min_tokens_available, 'phase');
      for (const r of reports) {
        phase.log.push(
          r.status === 'committed'
            ? `compacted before the phase (fewer than ${this.input.min_tokens_available.toLocaleString('en-US')} tokens available): ` +
                `${r.tokens_before.toLocaleString('en-US')} → ${r.tokens_after.toLocaleString('en-US')} tokens`
            : `compaction before the phase: ${r.status}${r.error ? ` (${r.error})` : ''}`,
        );
      }
      try {
        const reply = await this.session.send({
          message: phaseMessage(this.input.spec, phase.name, guidance),
        });
        phase.tokens += reply.usage.input_tokens + reply.usage.output_tokens;
        phase.cost_usd += reply.cost_usd;
        phase.output = reply.reply;
        phase.status = 'completed';
        delete phase.error;
        phase.duration_ms += Date.now() - began;
        const doneName = phaseCheckpointName(phase.name, 'complete');
        this.session.checkpoint(doneName, 'phase');
        this.phaseCheckpoints.push(doneName);
        return 'done';
      } catch (err) {
        phase.duration_ms += Date.now() - began;
        phase.status = 'failed';
        phase.error = causeMessage(err);
        const decision = await this.awaitDecision(phase);
        if (decision.kind === 'abort') return 'abort';
        if (decision.kind === 'skip') {
          phase.status = 'skipped';
          phase.log.push('skipped after failing');
          return 'done';
        }
        guidance = decision.guidance;
        phase.log.push(`retry ${phase.attempts + 1}${guidance ? ` with guidance: ${guidance}` : ''}`);
        // Back to the phase's start: whatever the failed attempt stored is no longer in context.
        await this.session.restore({ checkpoint: start.checkpoint_id });
      }
    }
  }

  private async awaitDecision(phase: PhaseRecord): Promise<Decision> {
    this.status = 'awaiting_decision';
    this.decision = undefined;
    this.failure = {
      phase: phase.name,
      error: phase.error ?? 'unknown error',
      choices: ['retry', 'skip', 'abort'],
      decide_by: new Date(Date.now() + this.input.decision_timeout_ms).toISOString(),
    };
    this.publish();
    const decided = await condition(() => this.decision !== undefined, this.input.decision_timeout_ms);
    if (!decided) {
      this.status = 'failed';
      this.publish();
      throw ApplicationFailure.create({
        type: SpecFailureType.DecisionTimeout,
        nonRetryable: true,
        message:
          `Phase ${phase.name} of SPEC ${this.input.spec.spec_id} failed (${phase.error ?? 'unknown error'}) and no ` +
          `retry, skip or abort came within ${Math.round(this.input.decision_timeout_ms / 1000)} s.`,
      });
    }
    this.status = 'running';
    this.failure = undefined;
    return this.decision!;
  }

  private header(): string {
    const done = this.phases.filter((p) => p.status === 'completed' || p.status === 'skipped').length;
    // "of", not "/": the UI's markdown turns 1/4 into a fraction glyph.
    const where = this.current
      ? `phase ${phaseNumber(this.current)} of 4 (**${this.current}**)`
      : `**${this.status}**`;
    const state = this.status === 'running' || !this.current ? '' : ` · ${this.status}`;
    return `**SPEC ${this.input.spec.spec_id}** · ${where}${state} · ${done} of 4 phases done`;
  }

  private publish(): void {
    this.session.publish();
  }
}
