import { ApplicationFailure, workflowInfo } from '@temporalio/workflow';
import {
  applyCompaction,
  applyRollover,
  budgetOf,
  SessionFailureType,
  type CompactionMode,
  type CompactionReport,
  type CompactionTrigger,
  type RolloverReason,
  type SessionInput,
} from '../domain/session';
import { compactContext } from './compaction-step';
import type { McpServers } from './mcp-servers';
import type { SessionLedger } from './session-ledger';

/**
 * A session's compactions: on request, to make room before heavy work, and the aggressive one
 * before a rollover. Each checkpoints first (but the rollover's, which has its own checkpoint) and
 * commits the new head only when the summary succeeded. The entity calls these under its lock.
 */
export class SessionCompaction {
  constructor(
    private readonly input: SessionInput,
    private readonly ledger: SessionLedger,
    /** The session's MCP servers as they are now (their cost goes into each report). */
    private readonly mcp: () => McpServers,
  ) {}

  /**
   * Compacts on request.
   * @throws ApplicationFailure (`CompactionFailed`) when summarization fails; the session keeps its head.
   */
  async compactOrFail(mode: CompactionMode): Promise<CompactionReport> {
    const report = await this.compact(mode, 'manual');
    if (report.status === 'failed') {
      throw ApplicationFailure.create({
        type: SessionFailureType.CompactionFailed,
        message: `Compaction failed; the session kept its context as it was. ${report.error ?? ''}`.trim(),
        nonRetryable: true,
        details: [report],
      });
    }
    return report;
  }

  /**
   * When fewer than `floor` tokens are available, compacts progressively, then aggressively if
   * that freed something but not enough. Returns the reports of compactions that changed something
   * or failed. Never throws.
   */
  async makeRoom(floor: number, trigger: CompactionTrigger): Promise<CompactionReport[]> {
    const reports: CompactionReport[] = [];
    for (const mode of ['progressive', 'aggressive'] as const) {
      if (budgetOf(this.ledger.state).available >= floor || this.ledger.state.head === null) break;
      const report = await this.compact(mode, trigger);
      // Nothing to summarize progressively means an aggressive pass has nothing to gain either.
      if (report.status === 'nothing_to_do') break;
      reports.push(report);
      if (report.status === 'committed') {
        this.ledger.state = {
          ...this.ledger.state,
          floor_compactions: this.ledger.state.floor_compactions + 1,
        };
      }
    }
    return reports;
  }

  /**
   * The emergency step before continue-as-new: a checkpoint, then an aggressive compaction. A
   * failed compaction is recorded, not fatal: the rollover still bounds the run's history.
   */
  async beforeRollover(reason: RolloverReason): Promise<void> {
    const before = this.ledger.state.context_tokens;
    const checkpoint = this.ledger.checkpoint(undefined, 'before_rollover');
    if (this.ledger.state.head !== null) await this.compact('aggressive', 'rollover');
    this.ledger.state = applyRollover(this.ledger.state, {
      from_run_id: workflowInfo().runId,
      checkpoint_id: checkpoint.checkpoint_id,
      reason,
      tokens_before: before,
      tokens_after: this.ledger.state.context_tokens,
      time: new Date().toISOString(),
    });
  }

  /** Runs a compaction and commits its head only if it succeeded. Never throws. */
  async compact(mode: CompactionMode, trigger: CompactionTrigger): Promise<CompactionReport> {
    const s = this.ledger.state;
    if (s.head !== null && trigger !== 'rollover') this.ledger.checkpoint(undefined, 'before_compaction');
    const { report, usage } = await compactContext(this.input, {
      head: s.head,
      context_tokens: s.context_tokens,
      number: s.compactions + 1,
      mode,
      trigger,
    });
    const mcp = this.mcp();
    if (mcp.any) {
      report.mcp_tool_tokens_per_request = mcp.status().tokens_per_request;
      report.mcp_tokens_freed_by_idle = mcp.tokensFreed;
    }
    this.ledger.state = applyCompaction(this.ledger.state, report, usage);
    return report;
  }
}
