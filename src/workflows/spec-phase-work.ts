/**
 * The work of a SPEC phase around its first message: making room in the context before it,
 * continuing a reply the output limit cut off, the test gate with its feedback to the model, and
 * the completion checkpoint with the files.
 */
import { ApplicationFailure, patched } from '@temporalio/workflow';
import { formatCount } from '../domain/format';
import { FailureType } from '../domain/failures';
import type { SendResult } from '../domain/session';
import {
  addPhaseUsage,
  continuationMessage,
  DEFAULT_MAX_ATTEMPTS,
  gateFeedbackMessage,
  phaseGateExpectation,
  type PhaseRecord,
  type SpecInput,
} from '../domain/spec';
import { gateVerdict } from '../domain/workspace';
import type { SessionEntity } from './session-entity';

/** Histories recorded before a reply cut off at the output limit was continued. */
const PATCH_CONTINUE_CUT_REPLIES = 'spec-continue-cut-replies';
/** How many times a phase's reply is continued after the output limit cut it off. */
const MAX_CONTINUATIONS = 3;

export class PhaseWork {
  constructor(
    private readonly session: SessionEntity,
    private readonly input: SpecInput,
    /** Publishes the SPEC's presentation (a gate's verdict shows in the UI at once). */
    private readonly publish: () => void,
  ) {}

  /**
   * Compacts before the phase when fewer than `floor` tokens are available, and logs each
   * compaction that changed something or failed in the phase's log.
   */
  async makeRoom(phase: PhaseRecord, floor: number): Promise<void> {
    for (const r of await this.session.ensureAvailable(floor, 'phase')) {
      phase.log.push(
        r.status === 'committed'
          ? `compacted before the phase (fewer than ${formatCount(floor)} tokens available): ` +
              `${formatCount(r.tokens_before)} → ${formatCount(r.tokens_after)} tokens`
          : `compaction before the phase: ${r.status}${r.error ? ` (${r.error})` : ''}`,
      );
    }
  }

  /**
   * A reply stopped by the output limit is continued (the model is asked to go on where it
   * stopped), up to {@link MAX_CONTINUATIONS} times; a reply still cut off fails the phase.
   */
  async continueCutReply(phase: PhaseRecord, first: SendResult): Promise<SendResult> {
    if (first.stop_reason !== 'max_tokens' || !patched(PATCH_CONTINUE_CUT_REPLIES)) return first;
    let reply = first;
    const parts = [first.reply];
    for (let n = 1; reply.stop_reason === 'max_tokens'; n++) {
      if (n > MAX_CONTINUATIONS) {
        throw ApplicationFailure.create({
          type: FailureType.ReplyCutOff,
          nonRetryable: true,
          message:
            `Phase ${phase.name}'s reply was still cut off at the ${formatCount(this.input.settings.max_output_tokens)}-token ` +
            `output limit after ${MAX_CONTINUATIONS} continuations. Retry with a higher limit (--max-output) or guidance to be briefer.`,
        });
      }
      phase.log.push(`reply cut off at the output limit: continued (${n} of ${MAX_CONTINUATIONS})`);
      reply = await this.session.send({
        message: continuationMessage(this.input.spec, phase.name),
        stream: true,
      });
      addPhaseUsage(phase, reply.usage, reply.cost_usd);
      parts.push(reply.reply);
    }
    return { ...reply, reply: parts.join('') };
  }

  /**
   * Runs the phase's gate (RED must leave the tests failing, GREEN and refactor passing). A failed
   * gate goes back to the model with the test output, up to `max_attempts` attempts; then it fails
   * the phase, which waits for a decision.
   */
  async passGate(phase: PhaseRecord, testCommand: string): Promise<void> {
    const expect = phaseGateExpectation(phase.name);
    const workspace = this.session.workspace;
    if (!expect || !workspace) return;
    const max = this.input.max_attempts ?? DEFAULT_MAX_ATTEMPTS;
    for (let attempt = 1; ; attempt++) {
      const verification = await workspace.verify(testCommand);
      phase.gate_runs = (phase.gate_runs ?? 0) + 1;
      const verdict = gateVerdict(expect, verification);
      phase.gate = { expect, ok: verdict.ok, reason: verdict.reason, verification };
      phase.log.push(`gate (tests must ${expect}): ${verdict.ok ? 'passed' : 'failed'}: ${verdict.reason}`);
      this.publish();
      if (verdict.ok) return;
      if (attempt >= max) {
        throw ApplicationFailure.create({
          type: FailureType.PhaseGateFailed,
          nonRetryable: true,
          message: `After ${attempt} attempt${attempt === 1 ? '' : 's'}: ${verdict.reason} Last lines of the output:\n${verification.output_tail}`,
        });
      }
      const reply = await this.session.send({
        message: gateFeedbackMessage(
          this.input.spec,
          phase.name,
          { reason: verdict.reason, verification },
          { next: attempt + 1, max },
        ),
        stream: true,
      });
      addPhaseUsage(phase, reply.usage, reply.cost_usd);
      phase.output = reply.reply;
    }
  }

  /** The completion checkpoint: with a workspace, the files are committed and the phase's changes listed. */
  async checkpointPhaseEnd(phase: PhaseRecord, name: string): Promise<void> {
    const workspace = this.session.workspace;
    if (!workspace) {
      this.session.checkpoint(name, 'phase');
      return;
    }
    const commit = await workspace.commit(
      `baton: SPEC ${this.input.spec.spec_id} phase ${phase.number} ${phase.name} complete`,
    );
    phase.commit = commit.commit;
    phase.files_changed = commit.files;
    this.session.checkpoint(name, 'phase', commit.checkpoint);
  }
}
