import { randomInt } from 'node:crypto';
import { checkpointNameProblem } from '../domain/session';
import type { CompactionReport } from '../domain/session';
import {
  BATON_CONTEXT_PERCENT,
  BATON_KIND,
  BATON_MODEL,
  BATON_PARENT,
  BATON_PHASE,
  BATON_TOKENS_USED,
} from '../domain/visibility';
import { cancelRequestProblem, sendRequestProblem } from '../domain/session';
import { answerPermissionUpdate } from '../domain/session';
import { permissionAnswerProblem, type PermissionAnswer } from '../domain/workspace';
import { FailureType } from '../domain/failures';
import {
  cancelTurnUpdate,
  checkpointUpdate,
  closeUpdate,
  compactUpdate,
  optimizeMcpUpdate,
  restoreUpdate,
  sendUpdate,
  type CancelTurnRequest,
  type CancelTurnResult,
  type CheckpointRecord,
  type CompactRequest,
  type RestoreResult,
  type SendRequest,
  type SendResult,
  type SessionStatus,
} from '../domain/session';
import { EMPTY_MCP_CONFIG } from '../domain/mcp';
import { mcpServerNameProblem } from '../domain/mcp';
import { resolveMcpProfile } from '../domain/mcp';
import { UnknownMcpProfileError } from '../domain/mcp';
import type { McpOptimizeResult } from '../domain/mcp';
import { newSessionId } from '../domain/session';
import { workflowUiUrl } from './connection-settings';
import { InvalidInputError, NotASessionError, SessionRequestError } from './errors';
import {
  exploreSession,
  forkSession,
  type ExploreResult,
  type ForkOptions,
  type ForkResult,
} from './fork-session';
import { assertSessionId, resolveModelAndSettings, type SettingsOptions } from './input-checks';
import { mergeSession, type MergeOptions, type MergeOutcome } from './merge-session';
import { resumeSession, type ResumeOptions, type ResumeResult } from './resume-session';
import type { SessionBundle } from './session-bundle';
import type { SessionContext } from './session-context';
import { readCheckpoints, readSessionState } from './session-state';
import { executeSessionUpdate } from './session-updates';
import { streamedSend, type SendStreamOptions } from './streamed-send';
import { TurnEventReader } from './turn-event-reader';
import {
  startSessionRun,
  startSessionWithMessage,
  type StartSessionResult,
  type StartWithReplyResult,
} from './start-session-run';
import { describeTarget, targetProblem, type SessionCommand, type SessionTarget } from './session-target';
import { workspaceRequest, type WorkspaceOptions } from './workspace-options';

export interface StartSessionOptions {
  task?: string;
  system?: string;
  /** A model id, or a line (`sonnet`, `opus`, `haiku`) for its newest active model. */
  model?: string;
  /**
   * The model that writes compaction summaries (id or line); by default a cheaper model of the
   * session model's family, or the session model when there is none.
   */
  summarizer_model?: string;
  /** Session id; `sess_` + random hex when omitted. */
  id?: string;
  settings?: SettingsOptions;
  /** MCP servers (names in the worker's .mcp.json) whose tools the model gets. */
  mcp_servers?: string[];
  /** How the first message is sent when `start` is given one (its class, whether it is pinned). */
  send?: Omit<SendRequest, 'message'>;
  /**
   * A folder the model works in with the text editor and bash tools (a git repository; one is
   * initialised when it has none), and which commands it may run there. See {@link WorkspaceOptions}.
   */
  workspace?: WorkspaceOptions;
}

/** Longest note a refusal may carry to the model. */
const MAX_PERMISSION_NOTE_CHARS = 4_000;

/** One row of `list`. */
export interface SessionListEntry {
  session_id: string;
  run_id: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, TERMINATED, … */
  execution_status: string;
  model: string | undefined;
  context_percent: number | undefined;
  tokens_used: number | undefined;
  parent: string | undefined;
  start_time: string;
}

/** `status` as the client reports it: the workflow's status plus what only the client can see. */
export type SessionStatusWithLink = SessionStatus & {
  ui_url: string;
  /** Temporal's status of the latest run. */
  execution_status: string;
  /** True when `resume` would start a new run (the session is closed, failed or terminated). */
  resumable: boolean;
  /** Sessions forked from this one. */
  forks: string[];
  /** Set when a SPEC or a handoff drives this session: which one, and the command that shows it. */
  part_of?: { kind: 'spec' | 'handoff'; id: string; command: string };
};

/** Session operations; reached as `baton.sessions`. */
export class SessionsClient {
  /** What each id names; it never changes, so one describe per id serves every later call. */
  private readonly targets = new Map<string, SessionTarget>();

  constructor(private readonly ctx: SessionContext) {}

  /**
   * Notes that `id` is a session this client has just started (or forked): its first command then
   * needs no describe round trip, which would otherwise make a new session's first turn (a fork's
   * too) slower than every later one.
   */
  private rememberSession(id: string): void {
    this.targets.set(id, { kind: 'session' });
  }

  /**
   * Refuses, in one line that says what the id is and what to use instead, a command that does not
   * apply to it (a message to a SPEC's session, a status of a handoff, …).
   * @throws NotASessionError, or SessionNotFoundError for an unknown id.
   */
  private async assertApplies(id: string, command: SessionCommand): Promise<void> {
    let target = this.targets.get(id);
    if (!target) {
      target = (await describeTarget(this.ctx, id)).target;
      this.targets.set(id, target);
    }
    const problem = targetProblem(id, target, command);
    if (problem) throw new NotASessionError(problem);
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
    const sessionId = options.id ?? newSessionId(() => randomInt(16) / 16);
    assertSessionId(sessionId);
    if (options.task !== undefined && options.task.trim() === '') {
      throw new InvalidInputError('The task is empty: describe what the session is for, or leave it out.');
    }
    for (const name of options.mcp_servers ?? []) {
      const problem = mcpServerNameProblem(name);
      if (problem) throw new InvalidInputError(`MCP server ${JSON.stringify(name)}: ${problem}`);
    }
    // Checked here; the folder itself is checked by the worker that claims it.
    const workspace = options.workspace === undefined ? undefined : workspaceRequest(options.workspace);
    const { model, settings, warnings } = await resolveModelAndSettings(this.ctx.models, options);
    const first: SendRequest | undefined =
      options.message === undefined ? undefined : { message: options.message, ...options.send };
    if (first) {
      const problem = sendRequestProblem(first, {
        session_id: sessionId,
        closed: false,
        context_window: Infinity,
      });
      if (problem) throw new InvalidInputError(problem);
    }
    const input = {
      session_id: sessionId,
      model,
      settings,
      ...(options.task ? { task: options.task } : {}),
      ...(options.system ? { system: options.system } : {}),
      ...(options.mcp_servers?.length ? { mcp_servers: [...new Set(options.mcp_servers)] } : {}),
      ...(workspace ? { workspace } : {}),
    };
    const run = {
      summary: `session ${sessionId} · ${model.id}`,
      details: options.task ? `**Task:** ${options.task.slice(0, 500)}` : 'Session without a task.',
    };
    const started = first
      ? // The task then goes to the model with the first message: one activity fewer before the reply.
        await startSessionWithMessage(
          this.ctx,
          { ...input, ...(input.task ? { task_with_first_turn: true } : {}) },
          run,
          first,
        )
      : await startSessionRun(this.ctx, input, run);
    this.rememberSession(sessionId);
    return warnings.length > 0 ? { ...started, warnings } : started;
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
    assertSessionId(sessionId);
    const { onEvent, signal, ...fields } = options;
    const request: SendRequest = { message, ...fields };
    // Checked here too so an obviously bad message never reaches the server.
    const problem = sendRequestProblem(request, {
      session_id: sessionId,
      closed: false,
      context_window: Infinity,
    });
    if (problem) throw new InvalidInputError(problem);
    await this.assertApplies(sessionId, 'send');
    if (onEvent || signal) {
      return streamedSend(this.ctx, sessionId, request, {
        ...(onEvent ? { onEvent } : {}),
        ...(signal ? { signal } : {}),
      });
    }
    return executeSessionUpdate(this.ctx, sessionId, sendUpdate, [request]);
  }

  /**
   * Cancels the turn in flight (or only the turn of the send with `request_id`): its model call
   * is cancelled, down to the HTTP request, and the session keeps the state it had before the turn.
   * `cancelled` is false when no turn was running.
   */
  async cancel(sessionId: string, request: CancelTurnRequest = {}): Promise<CancelTurnResult> {
    assertSessionId(sessionId);
    const problem = cancelRequestProblem(request);
    if (problem) throw new InvalidInputError(problem);
    await this.assertApplies(sessionId, 'cancel');
    return executeSessionUpdate(this.ctx, sessionId, cancelTurnUpdate, [request]);
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
    assertSessionId(sessionId);
    if (typeof answer !== 'object' || answer === null || typeof answer.approve !== 'boolean') {
      throw new InvalidInputError(
        'Say whether the command may run: { approve: true } or { approve: false }.',
      );
    }
    if (answer.note !== undefined && (typeof answer.note !== 'string' || answer.note.trim() === '')) {
      throw new InvalidInputError(
        'The note is empty: say what the model should do instead, or leave it out.',
      );
    }
    if (answer.note !== undefined && answer.note.length > MAX_PERMISSION_NOTE_CHARS) {
      throw new InvalidInputError(
        `The note is ${answer.note.length} characters long; keep it under ${MAX_PERMISSION_NOTE_CHARS}.`,
      );
    }
    // The same check the session makes, first here: nothing waiting is the common mistake.
    const state = await readSessionState(this.ctx, sessionId);
    if (!state.running) {
      throw new SessionRequestError(
        `Session ${sessionId} is not running, so no command is waiting for permission.`,
        FailureType.InvalidRequest,
      );
    }
    const pending = state.status.pending_permission;
    const problem = pending
      ? permissionAnswerProblem(answer, pending)
      : `No command is waiting for permission in session ${sessionId}; \`baton session status ${sessionId}\` shows what it is doing.`;
    if (problem) throw new SessionRequestError(problem, FailureType.InvalidRequest);
    return executeSessionUpdate(this.ctx, sessionId, answerPermissionUpdate, [answer]);
  }

  /**
   * A reader of the session's streamed turns (every client's), from now on or from `from`,
   * following it across rollovers. Undefined when the session's run cannot stream.
   * @throws SessionNotFoundError for an unknown id.
   */
  async events(sessionId: string, options: { from?: number } = {}): Promise<TurnEventReader | undefined> {
    assertSessionId(sessionId);
    await this.assertApplies(sessionId, 'watch');
    return TurnEventReader.open(this.ctx.client, sessionId, options);
  }

  /**
   * The session's status (from the running workflow, or its last state once closed), whether it
   * can be resumed, and its forks.
   * @throws SessionNotFoundError for an unknown id.
   */
  async status(sessionId: string): Promise<SessionStatusWithLink> {
    assertSessionId(sessionId);
    const state = await readSessionState(this.ctx, sessionId);
    const forks = await this.list({
      query: `${BATON_PARENT.name} = '${sessionId}'`,
      limit: Infinity,
      closed_forks: true,
    });
    const target = state.target;
    const partOf =
      target.kind === 'spec'
        ? { kind: 'spec' as const, id: target.spec_id, command: `baton spec status ${target.spec_id}` }
        : target.kind === 'agent'
          ? {
              kind: 'handoff' as const,
              id: target.handoff_id,
              command: `baton handoff status ${target.handoff_id}`,
            }
          : undefined;
    return {
      ...state.status,
      ui_url: workflowUiUrl(this.ctx.settings, sessionId, state.status.run_id),
      execution_status: state.execution_status,
      // A SPEC's or a handoff's session goes on only with them; a fork carries on from it.
      resumable: !state.running && !partOf,
      forks: [...new Set(forks.map((f) => f.session_id))],
      ...(partOf ? { part_of: partOf } : {}),
    };
  }

  /**
   * Compacts the session's context now: critical items verbatim, supporting history summarized,
   * temporary output dropped to stubs. Returns the compaction report.
   * @throws SessionRequestError when summarization fails; the session keeps its context.
   */
  async compact(sessionId: string, request: CompactRequest = {}): Promise<CompactionReport> {
    assertSessionId(sessionId);
    await this.assertApplies(sessionId, 'compact');
    return executeSessionUpdate(this.ctx, sessionId, compactUpdate, [request]);
  }

  /** Records a named checkpoint of the session's head and budget. */
  async checkpoint(sessionId: string, options: { name?: string } = {}): Promise<CheckpointRecord> {
    assertSessionId(sessionId);
    if (options.name !== undefined) {
      const problem = checkpointNameProblem(options.name);
      if (problem) throw new InvalidInputError(problem);
    }
    await this.assertApplies(sessionId, 'checkpoint');
    return executeSessionUpdate(this.ctx, sessionId, checkpointUpdate, [options]);
  }

  /** The session's checkpoints across all its runs (rollovers included), oldest first. */
  async checkpoints(sessionId: string): Promise<CheckpointRecord[]> {
    assertSessionId(sessionId);
    await readSessionState(this.ctx, sessionId);
    return readCheckpoints(this.ctx, sessionId);
  }

  /**
   * Returns the session's head and context budget to a checkpoint (id or name). The present is
   * checkpointed first (`undo_checkpoint`), so the restore can itself be undone.
   * @throws SessionRequestError for a checkpoint the session does not have.
   */
  async restore(sessionId: string, checkpoint: string): Promise<RestoreResult> {
    assertSessionId(sessionId);
    if (checkpoint.trim() === '') throw new InvalidInputError('Name the checkpoint to restore (id or name).');
    await this.assertApplies(sessionId, 'restore');
    return executeSessionUpdate(this.ctx, sessionId, restoreUpdate, [{ checkpoint }]);
  }

  /** Continues a session; a closed, failed or terminated one gets a new run from its last head. */
  async resume(sessionId: string, options: ResumeOptions = {}): Promise<ResumeResult> {
    assertSessionId(sessionId);
    if (options.message !== undefined) {
      const problem = sendRequestProblem(
        { message: options.message },
        { session_id: sessionId, closed: false, context_window: Infinity },
      );
      if (problem) throw new InvalidInputError(problem);
    }
    await this.assertApplies(sessionId, 'resume');
    return resumeSession(this.ctx, sessionId, options);
  }

  /** A new session starting at this one's head (or a checkpoint), sharing its stored history. */
  async fork(sessionId: string, options: ForkOptions = {}): Promise<ForkResult> {
    assertSessionId(sessionId);
    const fork = await forkSession(this.ctx, sessionId, options);
    this.rememberSession(fork.session_id);
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
    await this.assertApplies(mainId, 'merge');
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
    assertSessionId(sessionId);
    await this.assertApplies(sessionId, 'mcp optimize');
    const state = await readSessionState(this.ctx, sessionId);
    const servers = state.status.mcp?.servers.map((s) => s.name) ?? [];
    if (servers.length === 0)
      throw new InvalidInputError(`Session ${sessionId} has no MCP servers to optimize.`);
    // The MCP modules are worker-sized; only this call needs the configuration loader.
    const { loadMcpConfig } = await import('../mcp/index.js');
    const { config } = await loadMcpConfig({ env: options.env ?? process.env }).catch(() => ({
      config: EMPTY_MCP_CONFIG,
    }));
    let profile;
    try {
      profile = resolveMcpProfile(options.task, config.profiles, servers);
    } catch (err) {
      if (err instanceof UnknownMcpProfileError) throw new InvalidInputError(err.message);
      throw err;
    }
    return executeSessionUpdate(this.ctx, sessionId, optimizeMcpUpdate, [
      { profile: profile.name, recommended: profile.recommended },
    ]);
  }

  /** Closes the session; its run completes with the final status. */
  async close(sessionId: string): Promise<SessionStatus> {
    assertSessionId(sessionId);
    await this.assertApplies(sessionId, 'close');
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
    const limit = options.limit ?? 50;
    const query = [
      `${BATON_KIND.name} = 'session'`,
      `TaskQueue = '${this.ctx.settings.taskQueue.replaceAll("'", "\\'")}'`,
      `ExecutionStatus != 'ContinuedAsNew'`,
      ...(options.query ? [`(${options.query})`] : []),
    ].join(' AND ');
    const rows: SessionListEntry[] = [];
    for await (const wf of this.ctx.client.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
      const sa = wf.typedSearchAttributes;
      // A handoff's agents carry BatonParent too, but they are not forks; they stay listed.
      const closedFork =
        sa.get(BATON_PARENT) !== undefined &&
        sa.get(BATON_PHASE) === undefined &&
        wf.status.name !== 'RUNNING';
      if (closedFork && !options.closed_forks) continue;
      rows.push({
        session_id: wf.workflowId,
        run_id: wf.runId,
        execution_status: wf.status.name,
        model: sa.get(BATON_MODEL),
        context_percent: sa.get(BATON_CONTEXT_PERCENT),
        tokens_used: sa.get(BATON_TOKENS_USED),
        parent: sa.get(BATON_PARENT),
        start_time: wf.startTime.toISOString(),
      });
      if (rows.length >= limit) break;
    }
    return rows;
  }
}

export type { StartSessionResult, StartWithReplyResult } from './start-session-run';
