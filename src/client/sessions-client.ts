import { randomInt } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { TokenBudget } from '../domain/budget';
import { tokenBudget } from '../domain/budget';
import { DEFAULT_MODEL_ID, UnknownModelError, type ModelRegistry } from '../domain/models';
import {
  BATON_CONTEXT_PERCENT as BATON_CONTEXT_PERCENT_KEY,
  BATON_KIND,
  BATON_MODEL,
  BATON_PARENT,
  BATON_TOKENS_USED as BATON_TOKENS_USED_KEY,
} from '../domain/search-attributes';
import type { CompactionReport } from '../domain/compaction-report';
import { checkpointNameProblem } from '../domain/checkpoint-names';
import {
  checkpointsQuery,
  checkpointUpdate,
  closeUpdate,
  compactUpdate,
  readyUpdate,
  sendUpdate,
  statusQuery,
  type SendRequest,
  type CheckpointRecord,
  type CompactRequest,
  type SendResult,
  type SessionInput,
  type SessionStatus,
} from '../domain/session-contract';
import { newSessionId, sessionIdProblem } from '../domain/session-ids';
import {
  InvalidSessionSettingsError,
  resolveSessionSettings,
  type SessionSettings,
} from '../domain/session-settings';
import { sendRequestProblem } from '../domain/send-validation';
import type { sessionWorkflow } from '../workflows';
import { workflowUiUrl, type ConnectionSettings } from './connection-settings';
import { InvalidInputError, SessionNotFoundError, SessionRequestError } from './errors';
import { toBatonError } from './temporal-errors';
import type { WorkerProbe } from './worker-probe';

export interface StartSessionOptions {
  task?: string;
  system?: string;
  model?: string;
  /** Session id; `sess_` + random hex when omitted. */
  id?: string;
  settings?: Partial<SessionSettings>;
}

export interface StartSessionResult {
  session_id: string;
  run_id: string;
  model: string;
  token_budget: TokenBudget;
  ui_url: string;
  status: SessionStatus;
}

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

export type SessionStatusWithLink = SessionStatus & { ui_url: string };

/** Session operations; reached as `baton.sessions`. */
export class SessionsClient {
  constructor(
    private readonly client: Client,
    private readonly settings: ConnectionSettings,
    private readonly models: ModelRegistry,
    private readonly workers: WorkerProbe,
  ) {}

  /**
   * Starts a session and waits until it has stored its task and measured its context.
   * @throws InvalidInputError for a bad id, model or setting; SessionExistsError when the id is
   * taken; NoWorkerError when no worker polls the task queue.
   */
  async start(options: StartSessionOptions = {}): Promise<StartSessionResult> {
    const sessionId = options.id ?? newSessionId(() => randomInt(16) / 16);
    assertSessionId(sessionId);
    const model = this.resolveModel(options.model ?? DEFAULT_MODEL_ID);
    let settings: SessionSettings;
    try {
      settings = resolveSessionSettings(options.settings);
    } catch (err) {
      if (err instanceof InvalidSessionSettingsError) throw new InvalidInputError(err.message);
      throw err;
    }
    if (options.task !== undefined && options.task.trim() === '') {
      throw new InvalidInputError('The task is empty: describe what the session is for, or leave it out.');
    }
    await this.workers.assertPolling();
    const input: SessionInput = {
      session_id: sessionId,
      model,
      settings,
      ...(options.task ? { task: options.task } : {}),
      ...(options.system ? { system: options.system } : {}),
    };
    try {
      const handle = await this.client.workflow.start<typeof sessionWorkflow>('sessionWorkflow', {
        workflowId: sessionId,
        taskQueue: this.settings.taskQueue,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: BATON_KIND, value: 'session' },
          { key: BATON_MODEL, value: model.id },
        ],
        staticSummary: `session ${sessionId} · ${model.id}`,
        staticDetails: options.task ? `**Task:** ${options.task.slice(0, 500)}` : 'Session without a task.',
      });
      const status = await handle.executeUpdate(readyUpdate);
      return {
        session_id: sessionId,
        run_id: status.run_id,
        model: model.id,
        token_budget: budgetOf(status),
        ui_url: workflowUiUrl(this.settings, sessionId, status.run_id),
        status,
      };
    } catch (err) {
      throw toBatonError(err, sessionId);
    }
  }

  /**
   * Sends a user message and returns the reply, its usage and the budget after it.
   * @throws SessionRequestError when the session rejects the message (empty, too large, closed)
   * or the model call fails for good; the session is unchanged and stays usable.
   */
  async send(
    sessionId: string,
    message: string,
    options: Omit<SendRequest, 'message'> = {},
  ): Promise<SendResult> {
    assertSessionId(sessionId);
    const request: SendRequest = { message, ...options };
    // Checked here too so an obviously bad message never reaches the server.
    const problem = sendRequestProblem(request, {
      session_id: sessionId,
      closed: false,
      context_window: Infinity,
    });
    if (problem) throw new InvalidInputError(problem);
    await this.workers.assertPolling();
    try {
      return await this.acrossRollover(sessionId, () =>
        this.handle(sessionId).executeUpdate(sendUpdate, { args: [request] }),
      );
    } catch (err) {
      throw await this.explain(err, sessionId);
    }
  }

  /**
   * The session's status: from the running workflow, or the final status of a closed one.
   * @throws SessionNotFoundError for an unknown id.
   */
  async status(sessionId: string): Promise<SessionStatusWithLink> {
    assertSessionId(sessionId);
    const handle = this.handle(sessionId);
    try {
      const description = await handle.describe();
      const status =
        description.status.name === 'COMPLETED'
          ? await handle.result()
          : (await this.workers.assertPolling(), await handle.query(statusQuery));
      return { ...status, ui_url: workflowUiUrl(this.settings, sessionId, status.run_id) };
    } catch (err) {
      throw toBatonError(err, sessionId);
    }
  }

  /**
   * Compacts the session's context now: critical items verbatim, supporting history summarized,
   * temporary output dropped to stubs. Returns the compaction report.
   * @throws SessionRequestError when summarization fails; the session keeps its context.
   */
  async compact(sessionId: string, request: CompactRequest = {}): Promise<CompactionReport> {
    assertSessionId(sessionId);
    await this.workers.assertPolling();
    try {
      return await this.acrossRollover(sessionId, () =>
        this.handle(sessionId).executeUpdate(compactUpdate, { args: [request] }),
      );
    } catch (err) {
      throw await this.explain(err, sessionId);
    }
  }

  /** Records a named checkpoint of the session's head and budget. */
  async checkpoint(sessionId: string, options: { name?: string } = {}): Promise<CheckpointRecord> {
    assertSessionId(sessionId);
    if (options.name !== undefined) {
      const problem = checkpointNameProblem(options.name);
      if (problem) throw new InvalidInputError(problem);
    }
    await this.workers.assertPolling();
    try {
      return await this.acrossRollover(sessionId, () =>
        this.handle(sessionId).executeUpdate(checkpointUpdate, { args: [options] }),
      );
    } catch (err) {
      throw await this.explain(err, sessionId);
    }
  }

  /** The session's checkpoints across all its runs (rollovers included), oldest first. */
  async checkpoints(sessionId: string): Promise<CheckpointRecord[]> {
    assertSessionId(sessionId);
    await this.workers.assertPolling();
    try {
      // Queries reach closed runs too (a worker replays them), so this works after close.
      return await this.handle(sessionId).query(checkpointsQuery);
    } catch (err) {
      throw toBatonError(err, sessionId);
    }
  }

  /** Closes the session; its run completes with the final status. */
  async close(sessionId: string): Promise<SessionStatus> {
    assertSessionId(sessionId);
    await this.workers.assertPolling();
    try {
      return await this.acrossRollover(sessionId, () => this.handle(sessionId).executeUpdate(closeUpdate));
    } catch (err) {
      throw await this.explain(err, sessionId);
    }
  }

  /** Sessions, newest first, from Temporal's visibility store (filterable in the UI the same way). */
  async list(options: { limit?: number; query?: string } = {}): Promise<SessionListEntry[]> {
    const limit = options.limit ?? 50;
    const query = `${BATON_KIND.name} = 'session'${options.query ? ` AND (${options.query})` : ''}`;
    const rows: SessionListEntry[] = [];
    for await (const wf of this.client.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
      const sa = wf.typedSearchAttributes;
      rows.push({
        session_id: wf.workflowId,
        run_id: wf.runId,
        execution_status: wf.status.name,
        model: sa.get(BATON_MODEL),
        context_percent: sa.get(BATON_CONTEXT_PERCENT_KEY),
        tokens_used: sa.get(BATON_TOKENS_USED_KEY),
        parent: sa.get(BATON_PARENT),
        start_time: wf.startTime.toISOString(),
      });
      if (rows.length >= limit) break;
    }
    return rows;
  }

  /**
   * An update that reaches a run in the instant it continues-as-new is refused as "not found"
   * before the workflow ever saw it (the workflow waits for every admitted handler before it rolls
   * over), so it is safe to send once more: the handle without a run id now targets the new run.
   */
  private async acrossRollover<T>(sessionId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (!(toBatonError(err, sessionId) instanceof SessionNotFoundError)) throw err;
      const { status } = await this.handle(sessionId).describe();
      if (status.name !== 'RUNNING') throw err;
      return await call();
    }
  }

  /**
   * An update sent to a session whose run has completed reports "not found"; tell the user the
   * session exists but is closed, which is what they need to know.
   */
  private async explain(err: unknown, sessionId: string): Promise<unknown> {
    const mapped = toBatonError(err, sessionId);
    if (!(mapped instanceof SessionNotFoundError)) return mapped;
    try {
      const { status } = await this.handle(sessionId).describe();
      if (status.name === 'RUNNING') return mapped;
      return new SessionRequestError(
        `Session ${sessionId} is closed (${status.name.toLowerCase()}). Resume it with \`baton session resume ${sessionId}\`.`,
        'SessionClosed',
      );
    } catch {
      return mapped;
    }
  }

  private handle(sessionId: string): WorkflowHandle<typeof sessionWorkflow> {
    return this.client.workflow.getHandle<typeof sessionWorkflow>(sessionId);
  }

  private resolveModel(id: string) {
    try {
      return this.models.get(id);
    } catch (err) {
      if (err instanceof UnknownModelError) throw new InvalidInputError(err.message);
      throw err;
    }
  }
}

function assertSessionId(id: string): void {
  const problem = sessionIdProblem(id);
  if (problem) throw new InvalidInputError(problem);
}

function budgetOf(status: SessionStatus): TokenBudget {
  return tokenBudget(status.tokens_used, status.context_window);
}
