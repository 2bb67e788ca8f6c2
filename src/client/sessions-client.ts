import type { McpOptimizeResult } from '../domain/mcp';
import type {
  CancelTurnRequest,
  CancelTurnResult,
  CheckpointRecord,
  CompactionReport,
  CompactRequest,
  RestoreResult,
  SendRequest,
  SendResult,
  SessionStatus,
} from '../domain/session';
import { closeUpdate } from '../domain/session';
import type { PermissionAnswer } from '../domain/workspace';
import {
  exploreSession,
  forkSession,
  type ExploreResult,
  type ForkOptions,
  type ForkResult,
} from './fork-session';
import { assertSendable, assertSessionId } from './input-checks';
import { mergeSession, type MergeOptions, type MergeOutcome } from './merge-session';
import { optimizeSessionMcp } from './optimize-mcp';
import { answerPermission } from './permission-answer';
import { resumeSession, type ResumeOptions, type ResumeResult } from './resume-session';
import type { SessionBundle } from './session-bundle';
import { checkpointSession, compactSession, listCheckpoints, restoreSession } from './session-checkpoints';
import type { SessionContext } from './session-context';
import { listSessions, type SessionListEntry } from './session-list';
import { sessionStatus, type SessionStatusWithLink } from './session-status';
import { SessionTargets } from './session-target';
import { cancelTurn, sendMessage } from './session-turns';
import { executeSessionUpdate } from './session-updates';
import type { SendStreamOptions } from './streamed-send';
import { startSession, type StartSessionOptions } from './start-session';
import type { StartSessionResult, StartWithReplyResult } from './start-session-run';
import { TurnEventReader } from './turn-event-reader';

export type { SessionListEntry } from './session-list';
export type { SessionStatusWithLink } from './session-status';
export type { StartSessionOptions } from './start-session';

/** Session operations; reached as `baton.sessions`. */
export class SessionsClient {
  /** What each id names, described once per id. */
  private readonly targets: SessionTargets;

  constructor(private readonly ctx: SessionContext) {
    this.targets = new SessionTargets(ctx);
  }

  /**
   * Starts a session and waits until it has stored its task and measured its context, in one
   * round trip. With `message`, the first message goes with the start (update-with-start) and the
   * result carries its reply instead of a status: the first reply costs one round trip too.
   * @throws InvalidInputError for a bad id, model, setting or message; SessionExistsError when the
   * id is taken; NoWorkerError when no worker polls the task queue; SessionRequestError when the
   * session started but its first turn failed.
   */
  async start(options: StartSessionOptions & { message: string }): Promise<StartWithReplyResult>;
  async start(options?: StartSessionOptions): Promise<StartSessionResult>;
  async start(
    options: StartSessionOptions & { message?: string } = {},
  ): Promise<StartSessionResult | StartWithReplyResult> {
    const started = await startSession(this.ctx, options);
    this.targets.remember(started.session_id);
    return started;
  }

  /**
   * Sends a user message and returns the reply, its usage and the budget after it. With `onEvent`,
   * the turn streams: its reply text, tool calls and end are passed on as they happen. With
   * `signal`, aborting it cancels the turn.
   * @throws SessionRequestError when the session rejects the message (empty, too large, closed),
   * the model call fails for good, or the turn is cancelled (type `TurnCancelled`); the session is
   * unchanged and stays usable.
   * @example
   * await baton.sessions.send(id, 'Go on', { onEvent: (e) => e.type === 'text' && process.stdout.write(e.text) });
   */
  async send(
    sessionId: string,
    message: string,
    options: Omit<SendRequest, 'message' | 'stream'> & SendStreamOptions = {},
  ): Promise<SendResult> {
    return sendMessage(this.ctx, this.targets, sessionId, message, options);
  }

  /**
   * Cancels the turn in flight (or only the turn of the send with `request_id`): its model call
   * is cancelled, down to the HTTP request, and the session keeps the state it had before the turn.
   * `cancelled` is false when no turn was running.
   */
  async cancel(sessionId: string, request: CancelTurnRequest = {}): Promise<CancelTurnResult> {
    return cancelTurn(this.ctx, this.targets, sessionId, request);
  }

  /**
   * Answers the command waiting for permission (a session whose policy asks): `approve: true` lets
   * it run, `false` refuses it and passes `note` to the model (what to do instead). Works on a
   * SPEC's session and a handoff agent's too, since the policy is the session's.
   * @throws InvalidInputError for a malformed answer; SessionRequestError when no command is
   * waiting, or another one than `tool_use_id`; the session is unchanged.
   * @example await baton.sessions.answerPermission(id, { approve: false, note: 'use npm ci instead' });
   */
  async answerPermission(sessionId: string, answer: PermissionAnswer): Promise<SessionStatus> {
    return answerPermission(this.ctx, sessionId, answer);
  }

  /**
   * A reader of the session's streamed turns (every client's), from now on or from `from`,
   * following it across rollovers. Undefined when the session's run cannot stream.
   * @throws SessionNotFoundError for an unknown id.
   */
  async events(sessionId: string, options: { from?: number } = {}): Promise<TurnEventReader | undefined> {
    assertSessionId(sessionId);
    await this.targets.assertApplies(sessionId, 'watch');
    return TurnEventReader.open(this.ctx.client, sessionId, options);
  }

  /**
   * The session's status (from the running workflow, or its last state once closed), whether it
   * can be resumed, and its forks.
   * @throws SessionNotFoundError for an unknown id.
   */
  async status(sessionId: string): Promise<SessionStatusWithLink> {
    return sessionStatus(this.ctx, sessionId);
  }

  /**
   * Compacts the session's context now: critical items verbatim, supporting history summarized,
   * temporary output dropped to stubs. Returns the compaction report.
   * @throws SessionRequestError when summarization fails; the session keeps its context.
   */
  async compact(sessionId: string, request: CompactRequest = {}): Promise<CompactionReport> {
    return compactSession(this.ctx, this.targets, sessionId, request);
  }

  /** Records a named checkpoint of the session's head and budget. */
  async checkpoint(sessionId: string, options: { name?: string } = {}): Promise<CheckpointRecord> {
    return checkpointSession(this.ctx, this.targets, sessionId, options);
  }

  /** The session's checkpoints across all its runs (rollovers included), oldest first. */
  async checkpoints(sessionId: string): Promise<CheckpointRecord[]> {
    return listCheckpoints(this.ctx, sessionId);
  }

  /**
   * Returns the session's head and context budget to a checkpoint (id or name). The present is
   * checkpointed first (`undo_checkpoint`), so the restore can itself be undone.
   * @throws SessionRequestError for a checkpoint the session does not have.
   */
  async restore(sessionId: string, checkpoint: string): Promise<RestoreResult> {
    return restoreSession(this.ctx, this.targets, sessionId, checkpoint);
  }

  /** Continues a session; a closed, failed or terminated one gets a new run from its last head. */
  async resume(sessionId: string, options: ResumeOptions = {}): Promise<ResumeResult> {
    assertSessionId(sessionId);
    if (options.message !== undefined) assertSendable(sessionId, { message: options.message });
    await this.targets.assertApplies(sessionId, 'resume');
    return resumeSession(this.ctx, sessionId, options);
  }

  /** A new session starting at this one's head (or a checkpoint), sharing its stored history. */
  async fork(sessionId: string, options: ForkOptions = {}): Promise<ForkResult> {
    assertSessionId(sessionId);
    const fork = await forkSession(this.ctx, sessionId, options);
    this.targets.remember(fork.session_id);
    return fork;
  }

  /** Forks once per variant and runs each variant's message concurrently, for side-by-side comparison. */
  async explore(
    sessionId: string,
    variants: readonly string[],
    options: { at?: string } = {},
  ): Promise<ExploreResult> {
    assertSessionId(sessionId);
    return exploreSession(this.ctx, sessionId, variants, options);
  }

  /**
   * Merges a fork's work back: fast-forward when possible, otherwise a summary. With
   * `close_others`, closes the other forks of the exploration the fork came from.
   */
  async merge(mainId: string, forkId: string, options: MergeOptions = {}): Promise<MergeOutcome> {
    assertSessionId(mainId);
    await this.targets.assertApplies(mainId, 'merge');
    return mergeSession(this.ctx, mainId, forkId, options);
  }

  /** A portable, versioned bundle of the session (at its head or a checkpoint). */
  async export(sessionId: string, options: { checkpoint?: string } = {}): Promise<SessionBundle> {
    // Bundles need the store and zod: loaded only by export and import.
    const { exportSession } = await import('./session-bundle.js');
    return exportSession(this.ctx, sessionId, options);
  }

  /** Starts a session from a bundle after checking it completely; creates nothing if it is invalid. */
  async import(bundle: unknown, options: { id?: string } = {}): Promise<StartSessionResult> {
    const { importSession } = await import('./session-bundle.js');
    return importSession(this.ctx, bundle, options);
  }

  /**
   * Keeps only the MCP servers a task needs: enables the servers the profile recommends (from the
   * built-in profiles and the `profiles` of the .mcp.json), disables the rest, and reports the
   * tool-definition tokens per request before and after.
   * @throws InvalidInputError for an unknown profile (listing the known ones).
   */
  async optimizeMcp(
    sessionId: string,
    options: { task: string; env?: NodeJS.ProcessEnv },
  ): Promise<McpOptimizeResult> {
    return optimizeSessionMcp(this.ctx, this.targets, sessionId, options);
  }

  /** Closes the session; its run completes with the final status. */
  async close(sessionId: string): Promise<SessionStatus> {
    assertSessionId(sessionId);
    await this.targets.assertApplies(sessionId, 'close');
    return executeSessionUpdate(this.ctx, sessionId, closeUpdate, []);
  }

  /**
   * Sessions on this client's task queue, newest first, from Temporal's visibility store (the UI
   * filters the same way). One row per session: runs a rollover continued as new are left out.
   * Pages through visibility until `limit` rows (default 50; `Infinity` for all) are found, so the
   * answer does not depend on how many other workflows the namespace holds. `query` narrows it
   * further (a visibility query, like `BatonModel = 'claude-haiku-4-5'`). Forks that have closed
   * are left out unless `closed_forks` is true: an exploration leaves one fork per variant behind,
   * and once merged or closed they are history, not work in progress.
   */
  async list(
    options: { limit?: number; query?: string; closed_forks?: boolean } = {},
  ): Promise<SessionListEntry[]> {
    return listSessions(this.ctx, options);
  }
}

export type { StartSessionResult, StartWithReplyResult } from './start-session-run';
