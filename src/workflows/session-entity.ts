import {
  ApplicationFailure,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { Mutex } from 'async-mutex';
import {
  addUsage,
  contextFill,
  costOf,
  cumulativeTokens,
  tokenBudget,
  ZERO_CUMULATIVE,
  type CumulativeUsage,
} from '../domain/session';
import { classifyMessage } from '../domain/session';
import type { CompactionMode, CompactionReport, CompactionTrigger } from '../domain/session';
import { rolloverReason, shouldSummarizeBeforeTurn, type RolloverReason } from '../domain/session';
import type { NewMessage } from '../domain/session';
import {
  BATON_CONTEXT_PERCENT,
  BATON_KIND,
  BATON_MODEL,
  BATON_PARENT,
  BATON_TOKENS_USED,
} from '../domain/visibility';
import { estimateTokens, sendRequestProblem } from '../domain/session';
import {
  closedProblem,
  compactRequestProblem,
  mergeRequestProblem,
  optimizeRequestProblem,
  restoreRequestProblem,
  type SessionFacts,
} from '../domain/session';
import type {
  CarriedState,
  CheckpointReason,
  CheckpointRecord,
  CompactRequest,
  MergeRecord,
  MergeRequest,
  MergeResult,
  ResumeRecord,
  ScriptOutput,
  RestoreRequest,
  RestoreResult,
  RolloverRecord,
  SessionDefinition,
  SendRequest,
  SendResult,
  SessionInput,
  SessionRunStatus,
  SessionStatus,
} from '../domain/session';
import { SessionFailureType } from '../domain/session';
import { contextLine, renderSessionDetails } from '../domain/session';
import type { McpOptimizeRequest, McpOptimizeResult } from '../domain/mcp';
import { sumUsage } from '../domain/session';
import { CheckpointLog } from './checkpoint-log';
import { McpServers } from './mcp-servers';
import { runTurnWithTools } from './tool-loop';
import { compactContext } from './compaction-step';
import { mergeLineOfWork } from './merge-step';
import { storeActivities } from './session-activities';
import { toUpdateFailure } from './turn-failure';

/**
 * A session's state machine: the conversation head, the budget, and the turns, compactions and
 * checkpoints that move them. The workflow function only wires handlers to it and decides when the
 * run ends or rolls over.
 */
export class SessionEntity {
  private head: string | null;
  private contextTokens: number;
  private turns: number;
  private cumulative: CumulativeUsage;
  private lastActivity: string;
  private readonly createdAt: string;
  private readonly previousRuns: string[];
  private readonly checkpoints: CheckpointLog;
  private readonly rollovers: RolloverRecord[];
  private compactions: number;
  private lastCompaction: CompactionReport | null;
  private readonly merges: MergeRecord[];
  private readonly resumedFrom: ResumeRecord | undefined;
  private mcp: McpServers;
  private readonly scriptOutputs: ScriptOutput[] = [];
  private floorCompactions = 0;
  private turnsThisRun = 0;
  private publishedAttributes = '';
  private initialized = false;
  private closed = false;
  private inFlight = 0;
  /** Turns, compactions and rollovers run one at a time; concurrent requests queue in order. */
  private readonly lock = new Mutex();

  /**
   * @param presentation how this session shows in the Temporal UI: its kind (`session`, or `spec`
   * when a SPEC workflow embeds it) and extra lines above its current details.
   */
  constructor(
    private readonly input: SessionInput,
    private readonly presentation: {
      kind: string;
      header?: () => string;
      attributes?: () => SearchAttributeUpdatePair[];
    } = { kind: 'session' },
  ) {
    const carried = input.carried;
    this.head = input.head ?? null;
    this.contextTokens = carried?.context_tokens ?? 0;
    this.turns = carried?.turns ?? 0;
    this.cumulative = carried?.cumulative ?? ZERO_CUMULATIVE;
    this.createdAt = carried?.created_at ?? new Date().toISOString();
    this.lastActivity = this.createdAt;
    this.previousRuns = carried?.previous_runs ?? [];
    this.checkpoints = new CheckpointLog(carried?.checkpoints ?? []);
    this.rollovers = carried?.rollovers ?? [];
    this.compactions = carried?.compactions ?? 0;
    this.lastCompaction = carried?.last_compaction ?? null;
    this.merges = carried?.merges ?? [];
    this.resumedFrom = carried?.resumed_from;
    this.mcp = new McpServers(carried?.mcp ?? [], carried?.mcp_tokens_freed ?? 0);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get isInitialized(): boolean {
    return this.initialized;
  }

  /** Why this run should roll over now, if it should. */
  get rolloverDue(): RolloverReason | undefined {
    if (this.closed || !this.initialized) return undefined;
    const info = workflowInfo();
    const reason = rolloverReason({
      context_tokens: this.contextTokens,
      context_window: this.input.model.context_window,
      settings: this.input.settings,
      continue_as_new_suggested: info.continueAsNewSuggested,
      history_events: info.historyLength,
      history_bytes: info.historySize,
    });
    // A fresh run inherits a compacted context; judge its fill only after it has run a turn, so a
    // context that cannot be compacted further does not roll over again and again.
    if (reason === 'context_fill' && this.turnsThisRun === 0) return undefined;
    return reason;
  }

  /** Stores the task and measures the context (first run only; a rollover carries both). */
  async initialize(): Promise<void> {
    if (!this.input.carried) {
      const prepared = await storeActivities.prepareSession.executeWithOptions(
        { summary: 'prepare session: store task, count tokens' },
        [
          {
            session_id: this.input.session_id,
            model_id: this.input.model.id,
            head: this.head,
            ...(this.input.system ? { system: this.input.system } : {}),
            ...(this.input.task ? { task: this.input.task } : {}),
          },
        ],
      );
      this.head = prepared.head;
      this.contextTokens = prepared.context_tokens;
      this.mcp = await McpServers.start(this.input.mcp_servers ?? [], this.input.model.id);
    }
    this.initialized = true;
    this.publish();
  }

  validateSend(request: SendRequest): void {
    refuse(sendRequestProblem(request, { ...this.facts(), context_window: this.input.model.context_window }));
  }

  private facts(): SessionFacts {
    return { session_id: this.input.session_id, closed: this.closed };
  }

  validateOpen(): void {
    refuse(closedProblem(this.facts()));
  }

  validateCompact(request: CompactRequest | undefined): void {
    refuse(compactRequestProblem(request, this.facts()));
  }

  validateRestore(request: RestoreRequest): void {
    refuse(
      restoreRequestProblem(request, { ...this.facts(), hasCheckpoint: (c) => !!this.checkpoints.find(c) }),
    );
  }

  validateMerge(request: MergeRequest): void {
    refuse(mergeRequestProblem(request, this.facts()));
  }

  /** What the session is made of (for forks and exports). */
  definition(): SessionDefinition {
    return {
      session_id: this.input.session_id,
      model: this.input.model,
      settings: this.input.settings,
      ...(this.input.system ? { system: this.input.system } : {}),
      ...(this.input.lineage ? { lineage: this.input.lineage } : {}),
      ...(this.input.mcp_servers ? { mcp_servers: this.input.mcp_servers } : {}),
    };
  }

  /**
   * Moves the head and the context budget back to a checkpoint. The present is checkpointed first,
   * so a restore can itself be undone; later messages stay in the store.
   */
  restore(request: RestoreRequest): Promise<RestoreResult> {
    return this.exclusive(() => {
      const target = this.checkpoints.find(request.checkpoint)!;
      const undo = this.checkpoint(undefined, 'before_restore');
      this.head = target.head;
      this.contextTokens = target.context_tokens;
      this.lastActivity = new Date().toISOString();
      return Promise.resolve({ restored: target, undo_checkpoint: undo, status: this.status() });
    });
  }

  /**
   * Merges a fork's work: fast-forward when this line has not moved since the fork point (the
   * head becomes the fork's head), otherwise a summary of what the fork decided and produced is
   * appended as one critical node.
   */
  merge(request: MergeRequest): Promise<MergeResult> {
    return this.exclusive(async () => {
      const headBefore = this.head;
      const merged = await mergeLineOfWork(this.input, headBefore, request, () =>
        this.checkpoint(undefined, 'before_merge'),
      );
      this.head = merged.head;
      this.contextTokens = merged.context_tokens;
      this.cumulative = addUsage(this.cumulative, merged.usage, this.input.model);
      const record: MergeRecord = {
        fork_session_id: request.fork_session_id,
        fork_head: request.fork_head,
        strategy: merged.strategy,
        head_before: headBefore,
        head_after: merged.head,
        time: new Date().toISOString(),
      };
      this.merges.push(record);
      this.lastActivity = record.time;
      return { merge: record, status: this.status() };
    });
  }

  /** One turn: the user's message in, the model's reply out. Leaves state unchanged on failure. */
  send(request: SendRequest): Promise<SendResult> {
    return this.exclusive(() => this.runTurn(request));
  }

  /**
   * Makes room before heavy work: when fewer than `floor` tokens are available, compacts
   * progressively, then aggressively if that was not enough. Returns the reports (empty when there
   * was room already). Never throws; a failed compaction is in the reports.
   */
  ensureAvailable(floor: number, trigger: CompactionTrigger = 'phase'): Promise<CompactionReport[]> {
    return this.exclusive(async () => {
      const reports: CompactionReport[] = [];
      for (const mode of ['progressive', 'aggressive'] as const) {
        if (this.budget().available >= floor || this.head === null) break;
        const report = await this.compact(mode, trigger);
        reports.push(report);
        if (report.status === 'committed') this.floorCompactions++;
      }
      return reports;
    });
  }

  /** Runs the session's script (one turn per message), recording each reply. */
  async runScript(): Promise<void> {
    const script = this.input.script;
    if (!script || this.input.carried) return;
    if (script.min_tokens_available !== undefined)
      await this.ensureAvailable(script.min_tokens_available, 'handoff');
    for (const message of script.messages) {
      const r = await this.send({ message });
      this.scriptOutputs.push({
        turn: r.turn,
        reply: r.reply,
        tokens: r.usage.input_tokens + r.usage.output_tokens,
        cost_usd: r.cost_usd,
      });
    }
    if (script.close_when_done) this.close();
  }

  validateOptimize(request: McpOptimizeRequest): void {
    refuse(optimizeRequestProblem(request, { ...this.facts(), hasMcp: this.mcp.any }));
  }

  /** Enables the servers a task profile recommends and disables the others. */
  optimizeMcp(request: McpOptimizeRequest): Promise<McpOptimizeResult> {
    return this.exclusive(() => Promise.resolve(this.mcp.optimize(request)));
  }

  /** Milliseconds until an MCP server may go idle (undefined: nothing to watch). */
  msUntilMcpIdle(): number | undefined {
    return this.closed ? undefined : this.mcp.msUntilIdle(this.input.settings.mcp_idle_ms);
  }

  /** Disables MCP servers unused for the idle time (a durable timer in the workflow calls this). */
  disableIdleMcpServers(): string[] {
    const idle = this.mcp.disableIdle(this.input.settings.mcp_idle_ms);
    if (idle.length > 0) this.publish();
    return idle;
  }

  /** Compacts on request; throws when summarization fails (the session keeps its head). */
  compactNow(request: CompactRequest | undefined): Promise<CompactionReport> {
    return this.exclusive(async () => {
      const report = await this.compact(request?.mode ?? 'progressive', 'manual');
      if (report.status === 'failed') {
        throw ApplicationFailure.create({
          type: SessionFailureType.CompactionFailed,
          message: `Compaction failed; the session kept its context as it was. ${report.error ?? ''}`.trim(),
          nonRetryable: true,
          details: [report],
        });
      }
      return report;
    });
  }

  checkpoint(name: string | undefined, reason: CheckpointReason = 'manual'): CheckpointRecord {
    const record = this.checkpoints.record(
      {
        head: this.head,
        context_tokens: this.contextTokens,
        budget: this.budget(),
        cumulative: this.cumulative,
        turns: this.turns,
      },
      name ?? `${reason}-${this.checkpoints.count(reason) + 1}`,
      reason,
    );
    return record;
  }

  listCheckpoints(): CheckpointRecord[] {
    return [...this.checkpoints.all];
  }

  /**
   * The emergency step before continue-as-new: a checkpoint, then an aggressive compaction
   * (critical items, the summary, the last turn). A failed compaction is reported, not fatal:
   * the rollover still bounds the run's history.
   */
  prepareRollover(): Promise<void> {
    return this.exclusive(async () => {
      const reason = this.rolloverDue ?? 'continue_as_new_suggested';
      const before = this.contextTokens;
      const checkpoint = this.checkpoint(undefined, 'before_rollover');
      if (this.head !== null) await this.compact('aggressive', 'rollover');
      this.rollovers.push({
        from_run_id: workflowInfo().runId,
        checkpoint_id: checkpoint.checkpoint_id,
        reason,
        tokens_before: before,
        tokens_after: this.contextTokens,
        time: new Date().toISOString(),
      });
    });
  }

  close(): SessionStatus {
    this.closed = true;
    this.lastActivity = new Date().toISOString();
    this.publish();
    return this.status();
  }

  status(): SessionStatus {
    const budget = this.budget();
    return {
      session_id: this.input.session_id,
      status: this.runStatus(),
      model: this.input.model.id,
      context_window: budget.total,
      tokens_used: budget.used,
      tokens_available: budget.available,
      position_percent: budget.position_percent,
      cumulative: this.cumulative,
      last_activity: this.lastActivity,
      created_at: this.createdAt,
      turns: this.turns,
      run_id: workflowInfo().runId,
      head: this.head,
      previous_runs: this.previousRuns,
      settings: this.input.settings,
      compactions: this.compactions,
      last_compaction: this.lastCompaction,
      rollovers: this.rollovers,
      checkpoints: this.checkpoints.all.length,
      merges: this.merges,
      ...(this.resumedFrom ? { resumed_from: this.resumedFrom } : {}),
      ...(this.input.lineage ? { lineage: this.input.lineage } : {}),
      ...(this.mcp.any ? { mcp: this.mcp.status() } : {}),
      ...(this.input.script
        ? { script_outputs: this.scriptOutputs, floor_compactions: this.floorCompactions }
        : {}),
    };
  }

  /** The input of the next run when this one continues-as-new. */
  carryOver(): SessionInput {
    const carried: CarriedState = {
      turns: this.turns,
      cumulative: this.cumulative,
      context_tokens: this.contextTokens,
      created_at: this.createdAt,
      previous_runs: [...this.previousRuns, workflowInfo().runId],
      checkpoints: [...this.checkpoints.all],
      rollovers: this.rollovers,
      compactions: this.compactions,
      last_compaction: this.lastCompaction,
      merges: this.merges,
      ...(this.resumedFrom ? { resumed_from: this.resumedFrom } : {}),
      ...(this.mcp.any ? { mcp: this.mcp.states, mcp_tokens_freed: this.mcp.tokensFreed } : {}),
    };
    // A rollover carries the conversation, not the work still to start: the script ran already.
    const { task: _task, head: _head, script: _script, ...rest } = this.input;
    return { ...rest, ...(this.head ? { head: this.head } : {}), carried };
  }

  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await this.lock.runExclusive(fn);
    } finally {
      this.inFlight--;
      this.publish();
    }
  }

  private async runTurn(request: SendRequest): Promise<SendResult> {
    if (this.closed) {
      throw ApplicationFailure.create({
        type: SessionFailureType.SessionClosed,
        message: `Session ${this.input.session_id} was closed before this message's turn.`,
        nonRetryable: true,
      });
    }
    const model = this.input.model;
    const settings = this.input.settings;
    const incoming = estimateTokens(request.message);
    if (
      this.head !== null &&
      shouldSummarizeBeforeTurn({
        context_tokens: this.contextTokens,
        incoming_tokens: incoming,
        context_window: model.context_window,
        settings,
      })
    ) {
      // A failed summarization is reported in status; the turn still runs on the old context.
      await this.compact('progressive', 'threshold');
    }

    const turn = this.turns + 1;
    const content = [{ type: 'text' as const, text: request.message }];
    const message: NewMessage = {
      role: 'user',
      content,
      meta: {
        kind: 'message',
        class: classifyMessage({
          role: 'user',
          kind: 'message',
          content,
          explicit: request.class,
          pinned: request.pin,
        }),
        ...(request.pin ? { pinned: true } : {}),
      },
    };
    let loop;
    try {
      loop = await runTurnWithTools(this.input, this.mcp, turn, this.head, message, this.contextTokens);
    } catch (err) {
      throw toUpdateFailure(err, `Turn ${turn}`);
    }
    const result = loop.last;
    let costUsd = 0;
    for (const usage of loop.usages) {
      this.cumulative = addUsage(this.cumulative, usage, model);
      costUsd += costOf(usage, model);
    }
    this.head = result.head;
    this.turns = turn;
    this.turnsThisRun++;
    this.contextTokens = contextFill(result.usage);
    this.lastActivity = new Date().toISOString();
    return {
      turn,
      reply: result.reply,
      stop_reason: result.stop_reason,
      usage: sumUsage(loop.usages),
      cost_usd: Math.round(costUsd * 1e9) / 1e9,
      token_budget: this.budget(),
      head: result.head,
      ...(loop.tool_calls.length > 0 ? { tool_calls: loop.tool_calls } : {}),
    };
  }

  /** Runs a compaction and commits its head only if it succeeded. Never throws. */
  private async compact(mode: CompactionMode, trigger: CompactionTrigger): Promise<CompactionReport> {
    if (this.head !== null && trigger !== 'rollover') this.checkpoint(undefined, 'before_compaction');
    const { report, usage } = await compactContext(this.input, {
      head: this.head,
      context_tokens: this.contextTokens,
      number: this.compactions + 1,
      mode,
      trigger,
    });
    // Summarizing is model work the session pays for, committed or not.
    this.cumulative = addUsage(this.cumulative, usage, this.input.model);
    if (report.status === 'committed') {
      this.head = report.head_after;
      this.contextTokens = report.tokens_after;
      this.compactions = report.number;
    }
    if (this.mcp.any) {
      report.mcp_tool_tokens_per_request = this.mcp.status().tokens_per_request;
      report.mcp_tokens_freed_by_idle = this.mcp.tokensFreed;
    }
    this.lastCompaction = report;
    return report;
  }

  private budget() {
    return tokenBudget(this.contextTokens, this.input.model.context_window);
  }

  private runStatus(): SessionRunStatus {
    if (this.closed) return 'closed';
    if (!this.initialized) return 'starting';
    return this.inFlight > 0 ? 'busy' : 'available';
  }

  /**
   * Search attributes and current details: what the Temporal UI shows about this run. Each
   * upsert is a history event, so nothing is written when nothing changed.
   */
  publish(): void {
    const budget = this.budget();
    const attributes = [
      { key: BATON_KIND, value: this.presentation.kind },
      { key: BATON_MODEL, value: this.input.model.id },
      { key: BATON_CONTEXT_PERCENT, value: budget.position_percent },
      { key: BATON_TOKENS_USED, value: cumulativeTokens(this.cumulative) },
      ...(this.input.lineage ? [{ key: BATON_PARENT, value: this.input.lineage.parent_session_id }] : []),
      ...(this.presentation.attributes?.() ?? []),
    ];
    const signature = JSON.stringify(attributes.map((a) => [a.key.name, a.value]));
    if (signature !== this.publishedAttributes) {
      upsertSearchAttributes(attributes);
      this.publishedAttributes = signature;
    }
    const header = this.presentation.header?.();
    const context = contextLine({ budget, cumulative: this.cumulative });
    setCurrentDetails(
      header
        ? `${header}\n\n${context}`
        : renderSessionDetails({
            turns: this.turns,
            budget,
            cumulative: this.cumulative,
            status: this.runStatus(),
            previous_runs: this.previousRuns.length,
            compactions: this.compactions,
          }),
    );
  }
}

/** An update validator's refusal: the caller gets the message, and nothing reaches history. */
function refuse(problem: string | undefined): void {
  if (problem) throw new Error(problem);
}
