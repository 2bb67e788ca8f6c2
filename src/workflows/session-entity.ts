import { workflowInfo } from '@temporalio/workflow';
import type { McpOptimizeRequest, McpOptimizeResult } from '../domain/mcp';
import type { PermissionAnswer, WorkspaceCheckpoint } from '../domain/workspace';
import {
  applyClose,
  applyScriptOutput,
  initialState,
  nextRunInput,
  rolloverDue,
  runStatusOf,
  sessionStatus,
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
import { LiveTurns } from './live-turns';
import { mergeFork } from './merge-step';
import { SessionCompaction } from './session-compaction';
import { SessionFiles } from './session-files';
import { SessionLedger } from './session-ledger';
import { SessionMcpServers } from './session-mcp-servers';
import { sessionStepQueue, type StepQueue } from './serial-queue';
import { runSessionTurn } from './session-turn';
import { runStartupStep } from './session-startup-step';
import type { SessionWorkspace } from './session-workspace';

/**
 * The workflow side of a session: one {@link SessionState} (its transitions are pure functions in
 * `domain/session`), a lock so turns, compactions and rollovers run one at a time in arrival
 * order, and the async steps (activities) between the transitions. Plain sessions, SPECs and
 * handoff agents all embed one; {@link changed} is called whenever what the UI shows may differ.
 * The state lives in a {@link SessionLedger} shared with the steps it hands work to: the files
 * ({@link SessionFiles}), compaction ({@link SessionCompaction}) and merge ({@link mergeFork}).
 */
export class SessionEntity {
  private readonly ledger: SessionLedger;
  private readonly mcp: SessionMcpServers;
  private initialized = false;
  /** The task, while it waits to go to the model with the first message (`task_with_first_turn`). */
  private pendingTask: string | undefined;
  private inFlight = 0;
  private readonly queue: StepQueue;
  /** The turn-event stream and the cancellation of the turn in flight. */
  private readonly live: LiveTurns;
  private readonly compaction: SessionCompaction;
  /** The workspace and its steps, when the session has one. */
  private readonly files: SessionFiles | undefined;

  constructor(
    private readonly input: SessionInput,
    private readonly changed: () => void = () => undefined,
  ) {
    this.ledger = new SessionLedger(initialState(input, new Date().toISOString()));
    this.mcp = new SessionMcpServers(this.ledger, input.settings.mcp_idle_ms);
    this.live = new LiveTurns(input.carried?.stream);
    this.queue = sessionStepQueue();
    this.compaction = new SessionCompaction(input, this.ledger, () => this.mcp.servers);
    this.files = input.workspace
      ? new SessionFiles(input.workspace, input.carried?.workspace, this.ledger, input.session_id, changed)
      : undefined;
  }

  private get state(): SessionState {
    return this.ledger.state;
  }

  /** The folder the model works in, when the session has one. */
  get workspace(): SessionWorkspace | undefined {
    return this.files?.workspace;
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
   * The run's first step ({@link runStartupStep}), queued like a turn, so an update that arrives
   * with the start (update-with-start) runs once the session is ready.
   */
  initialize(): Promise<void> {
    return this.queue.run(() => this.prepare());
  }

  private async prepare(): Promise<void> {
    this.pendingTask = await runStartupStep(this.input, this.ledger, this.mcp, this.workspace);
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
      this.live.run(request, this.state.turns + 1, async (live) => {
        const result = await runSessionTurn(this.input, this.ledger, request, {
          compaction: this.compaction,
          mcp: this.mcp,
          live,
          files: this.files,
          task: this.pendingTask,
        });
        this.pendingTask = undefined;
        return result;
      }),
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
  checkpointWithFiles(
    name: string | undefined,
    reason: CheckpointReason = 'manual',
  ): Promise<CheckpointRecord> {
    return this.files ? this.files.checkpoint(name, reason) : Promise.resolve(this.checkpoint(name, reason));
  }

  /** Records a checkpoint of the present (no lock: it reads state and appends one record). */
  checkpoint(
    name: string | undefined,
    reason: CheckpointReason = 'manual',
    files?: WorkspaceCheckpoint,
  ): CheckpointRecord {
    return this.ledger.checkpoint(name, reason, files);
  }

  /**
   * Moves the head and the context budget back to a checkpoint (and the files, with a workspace).
   * The present is checkpointed first, so a restore can itself be undone; later messages stay in
   * the store.
   */
  async restore(request: RestoreRequest): Promise<RestoreResult> {
    const files = this.files;
    const { restored, undo } = await this.exclusive(() =>
      files ? files.restore(request) : Promise.resolve(this.ledger.restore(request)),
    );
    // Status after the lock is released, so it does not say busy.
    return { restored, undo_checkpoint: undo, status: this.status() };
  }

  /**
   * Merges a fork's work: fast-forward when this line has not moved since the fork point,
   * otherwise a summary of what the fork decided and produced, appended as one critical node.
   */
  async merge(request: MergeRequest): Promise<MergeResult> {
    const merge = await this.exclusive(() => mergeFork(this.input, this.ledger, this.workspace, request));
    return { merge, status: this.status() };
  }

  /** Compacts on request; throws when summarization fails (the session keeps its head). */
  compactNow(mode: CompactionMode = 'progressive'): Promise<CompactionReport> {
    return this.exclusive(() => this.compaction.compactOrFail(mode));
  }

  /**
   * Makes room before heavy work: when fewer than `floor` tokens are available, compacts
   * progressively, then aggressively if that freed something but not enough. Returns the reports
   * of compactions that changed something or failed. Never throws.
   */
  ensureAvailable(floor: number, trigger: CompactionTrigger = 'phase'): Promise<CompactionReport[]> {
    return this.exclusive(() => this.compaction.makeRoom(floor, trigger));
  }

  /** Records a start-up script's reply (see {@link runSessionScript}). */
  recordScriptOutput(output: ScriptOutput): void {
    this.ledger.state = applyScriptOutput(this.state, output);
  }

  /** Enables the servers a task profile recommends and disables the others. */
  optimizeMcp(request: McpOptimizeRequest): Promise<McpOptimizeResult> {
    return this.exclusive(() => Promise.resolve(this.mcp.optimize(request)));
  }

  get hasMcp(): boolean {
    return this.mcp.any;
  }

  /** Milliseconds until an MCP server may go idle (undefined: nothing to watch). */
  msUntilMcpIdle(): number | undefined {
    return this.state.closed ? undefined : this.mcp.msUntilIdle();
  }

  /** Disables MCP servers unused for the idle time (a durable timer in the workflow calls this). */
  disableIdleMcpServers(): string[] {
    const idle = this.mcp.disableIdle();
    if (idle.length > 0) this.changed();
    return idle;
  }

  /**
   * The emergency step before continue-as-new: a checkpoint, then an aggressive compaction
   * (critical items, the summary, the last turn). A failed compaction is reported, not fatal:
   * the rollover still bounds the run's history.
   */
  prepareRollover(): Promise<void> {
    return this.exclusive(async () => {
      await this.compaction.beforeRollover(this.rolloverDue ?? 'continue_as_new_suggested');
      // Readers are sent away now: a parked poll would keep the run from continuing-as-new.
      this.live.detach();
    });
  }

  /** Answers the command waiting for permission; resolves once the waiting call has taken it. */
  async answerPermission(answer: PermissionAnswer): Promise<SessionStatus> {
    if (!this.files?.workspace.pendingPermission) return this.status();
    await this.files.answerPermission(answer);
    return this.status();
  }

  close(): SessionStatus {
    this.ledger.state = applyClose(this.state, new Date().toISOString());
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
}
