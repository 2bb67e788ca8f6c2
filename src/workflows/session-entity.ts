import {
  ActivityFailure,
  ApplicationFailure,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import { addUsage, contextFill, costOf, tokenBudget, ZERO_CUMULATIVE } from '../domain/budget';
import { classifyMessage } from '../domain/classification';
import type { NewMessage } from '../domain/conversation';
import {
  BATON_CONTEXT_PERCENT,
  BATON_KIND,
  BATON_MODEL,
  BATON_TOKENS_USED,
} from '../domain/search-attributes';
import type {
  CarriedState,
  SendRequest,
  SendResult,
  SessionInput,
  SessionRunStatus,
  SessionStatus,
} from '../domain/session-contract';
import { SessionFailureType } from '../domain/session-contract';
import { sendRequestProblem } from '../domain/send-validation';
import { renderSessionDetails } from '../domain/session-details';
import { cumulativeTokens } from '../domain/budget';
import { modelActivities, storeActivities } from './session-activities';

/**
 * A session's state machine: the conversation head, the budget, and the turns that move them.
 * The workflow function only wires handlers to it and decides when the run ends.
 */
export class SessionEntity {
  private head: string | null;
  private contextTokens: number;
  private turns: number;
  private cumulative;
  private lastActivity: string;
  private readonly createdAt: string;
  private readonly previousRuns: string[];
  private initialized = false;
  private closed = false;
  private inFlight = 0;
  /** Turns run one at a time; concurrent sends queue in arrival order. */
  private readonly turnLock = new Mutex();

  constructor(private readonly input: SessionInput) {
    const carried = input.carried;
    this.head = input.head ?? null;
    this.contextTokens = carried?.context_tokens ?? 0;
    this.turns = carried?.turns ?? 0;
    this.cumulative = carried?.cumulative ?? ZERO_CUMULATIVE;
    this.createdAt = carried?.created_at ?? new Date().toISOString();
    this.lastActivity = this.createdAt;
    this.previousRuns = carried?.previous_runs ?? [];
  }

  get isClosed(): boolean {
    return this.closed;
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
    }
    this.initialized = true;
    this.publish();
  }

  /** Waits for initialization; used by the `ready` update. */
  get isInitialized(): boolean {
    return this.initialized;
  }

  validateSend(request: SendRequest): void {
    const problem = sendRequestProblem(request, {
      session_id: this.input.session_id,
      closed: this.closed,
      context_window: this.input.model.context_window,
    });
    if (problem) throw new Error(problem);
  }

  validateOpen(): void {
    if (this.closed) throw new Error(`Session ${this.input.session_id} is already closed.`);
  }

  /** One turn: the user's message in, the model's reply out. Leaves state unchanged on failure. */
  async send(request: SendRequest): Promise<SendResult> {
    this.inFlight++;
    try {
      return await this.turnLock.runExclusive(() => this.runTurn(request));
    } finally {
      this.inFlight--;
    }
  }

  close(): SessionStatus {
    this.closed = true;
    this.lastActivity = new Date().toISOString();
    this.publish();
    return this.status();
  }

  status(): SessionStatus {
    const budget = tokenBudget(this.contextTokens, this.input.model.context_window);
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
      ...(this.input.lineage ? { lineage: this.input.lineage } : {}),
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
    };
    const { task: _task, ...rest } = this.input;
    return { ...rest, ...(this.head ? { head: this.head } : {}), carried };
  }

  private async runTurn(request: SendRequest): Promise<SendResult> {
    if (this.closed) {
      throw ApplicationFailure.create({
        type: SessionFailureType.SessionClosed,
        message: `Session ${this.input.session_id} was closed before this message's turn.`,
        nonRetryable: true,
      });
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
    const settings = this.input.settings;
    let result;
    try {
      result = await modelActivities.runModelTurn.executeWithOptions({ summary: `model: turn ${turn}` }, [
        {
          session_id: this.input.session_id,
          model: { id: this.input.model.id, context_window: this.input.model.context_window },
          head: this.head,
          messages: [message],
          max_tokens: Math.min(settings.max_output_tokens, this.input.model.max_output_tokens),
          ...(this.input.system ? { system: this.input.system } : {}),
        },
      ]);
    } catch (err) {
      throw toTurnFailure(err, turn);
    }
    this.head = result.head;
    this.turns = turn;
    this.contextTokens = contextFill(result.usage);
    this.cumulative = addUsage(this.cumulative, result.usage, this.input.model);
    this.lastActivity = new Date().toISOString();
    this.publish();
    return {
      turn,
      reply: result.reply,
      stop_reason: result.stop_reason,
      usage: result.usage,
      cost_usd: costOf(result.usage, this.input.model),
      token_budget: tokenBudget(this.contextTokens, this.input.model.context_window),
      head: result.head,
    };
  }

  private runStatus(): SessionRunStatus {
    if (this.closed) return 'closed';
    if (!this.initialized) return 'starting';
    return this.inFlight > 0 ? 'busy' : 'available';
  }

  /** Search attributes and current details: what the Temporal UI shows about this run. */
  private publish(): void {
    const budget = tokenBudget(this.contextTokens, this.input.model.context_window);
    upsertSearchAttributes([
      { key: BATON_KIND, value: 'session' },
      { key: BATON_MODEL, value: this.input.model.id },
      { key: BATON_CONTEXT_PERCENT, value: budget.position_percent },
      { key: BATON_TOKENS_USED, value: cumulativeTokens(this.cumulative) },
    ]);
    setCurrentDetails(
      renderSessionDetails({
        turns: this.turns,
        budget,
        cumulative: this.cumulative,
        status: this.runStatus(),
        previous_runs: this.previousRuns.length,
      }),
    );
  }
}

/** An activity's failure as the caller of `send` should see it: its own message, not a wrapper. */
function toTurnFailure(err: unknown, turn: number): ApplicationFailure {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    return ApplicationFailure.create({
      type: cause.type ?? SessionFailureType.ModelCallFailed,
      message: `Turn ${turn} failed: ${cause.message}`,
      nonRetryable: true,
      details: cause.details ?? [],
    });
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return ApplicationFailure.create({
    type: SessionFailureType.ModelCallFailed,
    message: `Turn ${turn} failed: ${message}`,
    nonRetryable: true,
  });
}
