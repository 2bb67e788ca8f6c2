import { ApplicationFailure, condition, uuid4, workflowInfo } from '@temporalio/workflow';
import type { McpOptimizeRequest, McpOptimizeResult } from '../domain/mcp';
import type { PermissionAnswer, WorkspaceCheckpoint } from '../domain/workspace';
import {
  applyCheckpoint,
  applyClose,
  applyCompaction,
  applyMerge,
  applyRestore,
  applyRollover,
  applyScriptOutput,
  budgetOf,
  checkpointOf,
  findCheckpoint,
  initialState,
  nextRunInput,
  rolloverDue,
  runStatusOf,
  sessionStatus,
  SessionFailureType,
  type CancelTurnRequest,
  type CancelTurnResult,
  type CheckpointReason,
  type CheckpointRecord,
  type CompactionMode,
  type CompactionReport,
  type CompactionTrigger,
  type MergeRequest,
  type MergeResult,
  type RestoreRequest,
  type RestoreResult,
  type RolloverReason,
  type ScriptOutput,
  type SendRequest,
  type SendResult,
  type SessionInput,
  type SessionState,
  type SessionStatus,
} from '../domain/session';
import { compactContext } from './compaction-step';
import { LiveTurns, type LiveTurn } from './live-turns';
import { McpServers } from './mcp-servers';
import { mergeLineOfWork } from './merge-step';
import { prepareConversation } from './session-activities';
import { sessionStepQueue, type StepQueue } from './serial-queue';
import { runTurn, summarizeFirst } from './session-turn';
import { SessionWorkspace } from './session-workspace';

/**
 * The workflow side of a session: one {@link SessionState} (its transitions are pure functions in
 * `domain/session`), a lock so turns, compactions and rollovers run one at a time in arrival
 * order, and the async steps (activities) between the transitions. Plain sessions, SPECs and
 * handoff agents all embed one; {@link changed} is called whenever what the UI shows may differ.
 */
export class SessionEntity {
  private state: SessionState;
  private mcp: McpServers;
  private initialized = false;
  /** The task, while it waits to go to the model with the first message (`task_with_first_turn`). */
  private pendingTask: string | undefined;
  private inFlight = 0;
  private readonly queue: StepQueue;
  /** The turn-event stream and the cancellation of the turn in flight. */
  private readonly live: LiveTurns;
  /** The folder the model works in, when the session has one. */
  readonly workspace: SessionWorkspace | undefined;

  constructor(
    private readonly input: SessionInput,
    private readonly changed: () => void = () => undefined,
  ) {
    this.state = initialState(input, new Date().toISOString());
    this.mcp = new McpServers(this.state.mcp, this.state.mcp_tokens_freed);
    this.live = new LiveTurns(input.carried?.stream);
    this.queue = sessionStepQueue();
    this.workspace = input.workspace
      ? new SessionWorkspace(input.workspace, input.carried?.workspace, () => this.syncWorkspace())
      : undefined;
  }

  /** Copies what status shows of the workspace (held folder, permission request) into the state. */
  private syncWorkspace(): void {
    const ws = this.workspace;
    if (!ws) return;
    const { workspace: _w, pending_permission: _p, ...rest } = this.state;
    this.state = {
      ...rest,
      ...(ws.state ? { workspace: ws.state } : {}),
      ...(ws.pendingPermission ? { pending_permission: ws.pendingPermission } : {}),
    };
    this.changed();
  }

  /** The whole state (read-only use: queries, presenters, carry-over). */
  getState(): SessionState {
    return this.state;
  }

  /** Work the session does on its own when it starts (see {@link SessionInput.script}). */
  get script(): SessionInput['script'] {
    return this.input.script;
  }

  get isClosed(): boolean {
    return this.state.closed;
  }

  get isInitialized(): boolean {
    return this.initialized;
  }

  /** Why this run should roll over now, if it should. */
  get rolloverDue(): RolloverReason | undefined {
    if (!this.initialized) return undefined;
    const info = workflowInfo();
    return rolloverDue(this.state, {
      continue_as_new_suggested: info.continueAsNewSuggested,
      events: info.historyLength,
      bytes: info.historySize,
    });
  }

  /**
   * Stores the task and measures the context (first run only; a rollover carries both, and a fork
   * is given its parent's fill at the head it starts from). Queued like a turn, so an update that
   * arrives with the start (update-with-start) runs once the session is ready.
   */
  initialize(): Promise<void> {
    return this.queue.run(() => this.prepare());
  }

  private async prepare(): Promise<void> {
    const known = this.input.head !== undefined && this.input.context_tokens !== undefined;
    const servers = this.input.mcp_servers ?? [];
    const taskGoesWithFirstTurn =
      this.input.task_with_first_turn === true &&
      this.input.task !== undefined &&
      this.input.head === undefined &&
      servers.length === 0;
    // Also in a carried run (a resume, or a rollover) that starts before any turn succeeded.
    if (taskGoesWithFirstTurn) {
      this.pendingTask = this.input.task;
    } else if (!this.input.carried && !(known && !this.input.task && servers.length === 0)) {
      const prepared = await prepareConversation(this.input, this.state.head);
      this.state = { ...this.state, head: prepared.head, context_tokens: prepared.context_tokens };
      this.mcp = await McpServers.start(this.input.mcp_servers ?? [], this.input.model.id);
      this.syncMcp();
    }
    // A carried run holds the folder already (its worker may be gone: the next step claims again).
    if (this.workspace && !this.workspace.state) await this.workspace.open(this.input.session_id);
    this.initialized = true;
    this.changed();
  }

  status(): SessionStatus {
    return sessionStatus(this.state, {
      run_id: workflowInfo().runId,
      status: runStatusOf({
        closed: this.state.closed,
        initialized: this.initialized,
        in_flight: this.inFlight,
      }),
      has_script: this.input.script !== undefined || this.state.script_done > 0,
    });
  }

  /** The input of the next run when this one continues-as-new. */
  nextRunInput(): SessionInput {
    const next = nextRunInput(this.state, workflowInfo().runId, this.input.script);
    // The stream's recent events and offsets, so its readers follow the session into the next run.
    return next.carried ? { ...next, carried: { ...next.carried, stream: this.live.state() } } : next;
  }

  /**
   * One turn: the user's message in, the model's reply out (streamed when the request asks, and
   * cancellable). Leaves state unchanged on failure or cancellation.
   */
  send(request: SendRequest): Promise<SendResult> {
    return this.exclusive(() =>
      this.live.run(request, this.state.turns + 1, (live) => this.runTurn(request, live)),
    );
  }

  /** Cancels the turn in flight; the session keeps the state it had before that turn. */
  cancelTurn(request: CancelTurnRequest | undefined): CancelTurnResult {
    return this.live.cancel(request);
  }

  /** Lets stream readers take the last events, then sends them away so the run can end. */
  finishStream(): Promise<void> {
    return this.live.finish();
  }

  /**
   * Records a checkpoint of the present, with the workspace's files when the session has a
   * workspace (they are committed first, and a bundle of the commit stored).
   */
  async checkpointWithFiles(
    name: string | undefined,
    reason: CheckpointReason = 'manual',
  ): Promise<CheckpointRecord> {
    if (!this.workspace) return this.checkpoint(name, reason);
    const label = name ?? reason;
    const commit = await this.workspace.commit(`baton: ${this.input.session_id} checkpoint ${label}`);
    return this.checkpoint(name, reason, commit.checkpoint);
  }

  /** Records a checkpoint of the present (no lock: it reads state and appends one record). */
  checkpoint(
    name: string | undefined,
    reason: CheckpointReason = 'manual',
    files?: WorkspaceCheckpoint,
  ): CheckpointRecord {
    const info = workflowInfo();
    const stamped = checkpointOf(
      this.state,
      {
        checkpoint_id: `cp_${uuid4().replace(/-/g, '').slice(0, 16)}`,
        time: new Date().toISOString(),
        run_id: info.runId,
        event_id: info.historyLength,
      },
      reason,
      name,
    );
    const record = files ? { ...stamped, workspace: files } : stamped;
    this.state = applyCheckpoint(this.state, record);
    return record;
  }

  /**
   * Moves the head and the context budget back to a checkpoint. The present is checkpointed first,
   * so a restore can itself be undone; later messages stay in the store.
   */
  async restore(request: RestoreRequest): Promise<RestoreResult> {
    const { restored, undo } = await this.exclusive(() =>
      this.workspace
        ? this.restoreWithFiles(this.workspace, request)
        : Promise.resolve(this.restoreConversation(request)),
    );
    // Status after the lock is released, so it does not say busy.
    return { restored, undo_checkpoint: undo, status: this.status() };
  }

  private restoreConversation(request: RestoreRequest): {
    restored: CheckpointRecord;
    undo: CheckpointRecord;
  } {
    const target = findCheckpoint(this.state, request.checkpoint)!;
    const before = this.checkpoint(undefined, 'before_restore');
    this.state = applyRestore(this.state, target, new Date().toISOString());
    return { restored: target, undo: before };
  }

  /**
   * The files go back with the conversation. The present's are committed first, so the undo
   * checkpoint holds them too.
   */
  private async restoreWithFiles(
    workspace: SessionWorkspace,
    request: RestoreRequest,
  ): Promise<{ restored: CheckpointRecord; undo: CheckpointRecord }> {
    const target = findCheckpoint(this.state, request.checkpoint)!;
    const before = await this.checkpointWithFiles(undefined, 'before_restore');
    if (target.workspace) await workspace.restore(target.workspace);
    this.state = applyRestore(this.state, target, new Date().toISOString());
    return { restored: target, undo: before };
  }

  /**
   * Merges a fork's work: fast-forward when this line has not moved since the fork point,
   * otherwise a summary of what the fork decided and produced, appended as one critical node.
   */
  async merge(request: MergeRequest): Promise<MergeResult> {
    const merge = await this.exclusive(async () => {
      const before = this.state.head;
      // The fork's files first: a conflict fails the merge before the conversation changes.
      const files = this.workspace ? await this.workspace.mergeFork(request.fork_session_id) : undefined;
      const merged = await mergeLineOfWork(this.input, before, request, () =>
        this.checkpoint(undefined, 'before_merge'),
      );
      const record = {
        fork_session_id: request.fork_session_id,
        fork_head: request.fork_head,
        strategy: merged.strategy,
        head_before: before,
        head_after: merged.head,
        time: new Date().toISOString(),
        ...(files?.merged && files.commit ? { workspace: { commit: files.commit, files: files.files } } : {}),
      };
      this.state = applyMerge(this.state, merged, record);
      return record;
    });
    return { merge, status: this.status() };
  }

  /** Compacts on request; throws when summarization fails (the session keeps its head). */
  compactNow(mode: CompactionMode = 'progressive'): Promise<CompactionReport> {
    return this.exclusive(async () => {
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
    });
  }

  /**
   * Makes room before heavy work: when fewer than `floor` tokens are available, compacts
   * progressively, then aggressively if that freed something but not enough. Returns the reports
   * of compactions that changed something or failed. Never throws.
   */
  ensureAvailable(floor: number, trigger: CompactionTrigger = 'phase'): Promise<CompactionReport[]> {
    return this.exclusive(async () => {
      const reports: CompactionReport[] = [];
      for (const mode of ['progressive', 'aggressive'] as const) {
        if (budgetOf(this.state).available >= floor || this.state.head === null) break;
        const report = await this.compact(mode, trigger);
        // Nothing to summarize progressively means an aggressive pass has nothing to gain either.
        if (report.status === 'nothing_to_do') break;
        reports.push(report);
        if (report.status === 'committed') {
          this.state = { ...this.state, floor_compactions: this.state.floor_compactions + 1 };
        }
      }
      return reports;
    });
  }

  /** Records a start-up script's reply (see {@link runSessionScript}). */
  recordScriptOutput(output: ScriptOutput): void {
    this.state = applyScriptOutput(this.state, output);
  }

  /** Enables the servers a task profile recommends and disables the others. */
  optimizeMcp(request: McpOptimizeRequest): Promise<McpOptimizeResult> {
    return this.exclusive(() => {
      const result = this.mcp.optimize(request);
      this.syncMcp();
      return Promise.resolve(result);
    });
  }

  get hasMcp(): boolean {
    return this.mcp.any;
  }

  /** Milliseconds until an MCP server may go idle (undefined: nothing to watch). */
  msUntilMcpIdle(): number | undefined {
    return this.state.closed ? undefined : this.mcp.msUntilIdle(this.input.settings.mcp_idle_ms);
  }

  /** Disables MCP servers unused for the idle time (a durable timer in the workflow calls this). */
  disableIdleMcpServers(): string[] {
    const idle = this.mcp.disableIdle(this.input.settings.mcp_idle_ms);
    if (idle.length > 0) {
      this.syncMcp();
      this.changed();
    }
    return idle;
  }

  /**
   * The emergency step before continue-as-new: a checkpoint, then an aggressive compaction
   * (critical items, the summary, the last turn). A failed compaction is reported, not fatal:
   * the rollover still bounds the run's history.
   */
  prepareRollover(): Promise<void> {
    return this.exclusive(async () => {
      const reason = this.rolloverDue ?? 'continue_as_new_suggested';
      const before = this.state.context_tokens;
      const checkpoint = this.checkpoint(undefined, 'before_rollover');
      if (this.state.head !== null) await this.compact('aggressive', 'rollover');
      this.state = applyRollover(this.state, {
        from_run_id: workflowInfo().runId,
        checkpoint_id: checkpoint.checkpoint_id,
        reason,
        tokens_before: before,
        tokens_after: this.state.context_tokens,
        time: new Date().toISOString(),
      });
      // Readers are sent away now: a parked poll would keep the run from continuing-as-new.
      this.live.detach();
    });
  }

  /** Answers the command waiting for permission; resolves once the waiting call has taken it. */
  async answerPermission(answer: PermissionAnswer): Promise<SessionStatus> {
    const waiting = this.workspace?.pendingPermission;
    if (!this.workspace || !waiting) return this.status();
    this.workspace.answerPermission(answer);
    await condition(() => this.workspace?.pendingPermission?.tool_use_id !== waiting.tool_use_id);
    return this.status();
  }

  close(): SessionStatus {
    this.state = applyClose(this.state, new Date().toISOString());
    this.live.detach();
    this.changed();
    return this.status();
  }

  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.inFlight++;
    this.changed();
    try {
      return await this.queue.run(fn);
    } finally {
      this.inFlight--;
      this.changed();
    }
  }

  private syncMcp(): void {
    this.state = { ...this.state, mcp: this.mcp.states, mcp_tokens_freed: this.mcp.tokensFreed };
  }

  private async runTurn(request: SendRequest, live: LiveTurn): Promise<SendResult> {
    if (this.state.closed) {
      throw ApplicationFailure.create({
        type: SessionFailureType.SessionClosed,
        message: `Session ${this.input.session_id} was closed before this message's turn.`,
        nonRetryable: true,
      });
    }
    if (this.state.head !== null && summarizeFirst(this.state, request)) {
      // A failed summarization is reported in status; the turn still runs on the old context.
      await this.compact('progressive', 'threshold');
    }
    try {
      const { state, result } = await runTurn(this.input, this.state, request, {
        mcp: this.mcp,
        live,
        ...(this.workspace ? { workspace: this.workspace } : {}),
        ...(this.pendingTask !== undefined ? { task: this.pendingTask } : {}),
      });
      this.state = state;
      this.pendingTask = undefined;
      // The turn's state was built from the one it started with; the workspace may have moved since.
      if (this.workspace) this.syncWorkspace();
      return result;
    } finally {
      if (this.mcp.any) this.syncMcp();
    }
  }

  /** Runs a compaction and commits its head only if it succeeded. Never throws. */
  private async compact(mode: CompactionMode, trigger: CompactionTrigger): Promise<CompactionReport> {
    const s = this.state;
    if (s.head !== null && trigger !== 'rollover') this.checkpoint(undefined, 'before_compaction');
    const { report, usage } = await compactContext(this.input, {
      head: s.head,
      context_tokens: s.context_tokens,
      number: s.compactions + 1,
      mode,
      trigger,
    });
    if (this.mcp.any) {
      report.mcp_tool_tokens_per_request = this.mcp.status().tokens_per_request;
      report.mcp_tokens_freed_by_idle = this.mcp.tokensFreed;
    }
    this.state = applyCompaction(this.state, report, usage);
    return report;
  }
}
