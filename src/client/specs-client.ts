import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type Duration } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import Long from 'long';
import { BATON_KIND, BATON_MODEL, BATON_PHASE } from '../domain/visibility';
import {
  DEFAULT_DECISION_TIMEOUT_MS,
  DEFAULT_SPEC_MIN_TOKENS,
  abortSpecUpdate,
  decidePlanUpdate,
  feedbackProblem,
  retryPhaseUpdate,
  skipPhaseUpdate,
  specStatusQuery,
  specWorkflowId,
  type PlanDecision,
  type SpecInput,
  type SpecResult,
  type SpecStatus,
} from '../domain/spec';
import { specDefinitionProblem, type SpecDefinition } from '../domain/spec';
import { parsePhaseName, SPEC_PHASES, type SpecPhaseName } from '../domain/spec';
import type { specWorkflow } from '../workflows';
import { workflowUiUrl } from './connection-settings';
import {
  InvalidInputError,
  SessionExistsError,
  SessionNotFoundError,
  SessionRequestError,
  SpecFailedError,
} from './errors';
import {
  resolveModelAndSettings,
  resolveSettings,
  decisionTimeoutMs,
  type SettingsOptions,
} from './input-checks';
import type { SessionContext } from './session-context';
import { TurnEventReader } from './turn-event-reader';
import { toBatonError } from './temporal-errors';
import { runFailure, type RunFailure } from './run-failure';
import { maxAttempts, specWorkspace, type SpecWorkspaceOptions } from './workspace-options';
import { mcpServerNameProblem } from '../domain/mcp';
import { statusQuery } from '../domain/session';
import type { PermissionRequest } from '../domain/workspace';

export interface RunSpecOptions {
  /** A model id or a line (`sonnet`). */
  model?: string;
  /** The model that writes compaction summaries (id or line); a cheaper one of the family by default. */
  summarizer_model?: string;
  settings?: SettingsOptions;
  /** Compact before a phase when fewer tokens than this are available (default 50,000). */
  min_tokens_available?: number;
  /** How long a failed phase, or a plan waiting for approval, waits for a decision, e.g. '1h' (default 24 hours). */
  decision_timeout?: Duration;
  /**
   * The folder the phases change and the command that runs its tests: RED must leave them failing,
   * GREEN and refactor passing. A relative path is resolved against this process's working
   * directory (see {@link WorkspaceOptions}).
   */
  workspace?: SpecWorkspaceOptions;
  /** Attempts per phase (a failed gate goes back to the model) before it waits for a decision; 1–10, default 3. */
  max_attempts?: number;
  /** MCP servers (names in the worker's .mcp.json) whose tools the SPEC's session gets. */
  mcp_servers?: string[];
  /**
   * After analysis, the plan waits for a person: `approve` (implement it), `revise` (with
   * feedback; the analysis runs again) or `restart` (a fresh conversation that starts with the plan).
   */
  approve?: boolean;
}

/** `status` as the client reports it: the workflow's status, its UI link and Temporal's view of the run. */
export type SpecStatusWithLink = SpecStatus & {
  ui_url: string;
  /** Temporal's status of the run: RUNNING, COMPLETED, FAILED, TERMINATED, … */
  execution_status: string;
  /** Why the run failed (a workspace the worker refused, a decision that never came), when it did. */
  error?: RunFailure;
  /**
   * A command the SPEC's session waits to run (its policy asks): answer it with
   * `baton.sessions.answerPermission('spec-<id>', …)`.
   */
  pending_permission?: PermissionRequest;
};

export interface SpecStarted {
  spec_id: string;
  workflow_id: string;
  run_id: string;
  ui_url: string;
  /** What the user should know about the model (a deprecated model's retirement). */
  warnings?: string[];
}

export interface SpecRerun extends SpecStarted {
  previous_run_id: string;
  from_phase: SpecPhaseName;
  /** The history event the new run was reset to. */
  reset_event_id: number;
}

/** SPEC implementations; reached as `baton.specs`. */
export class SpecsClient {
  constructor(private readonly ctx: SessionContext) {}

  /**
   * Starts a SPEC implementation (it runs on; follow it with `status` or `result`).
   * @throws InvalidInputError naming the SPEC field or option that is wrong; SessionExistsError
   * when a run for this SPEC id exists already.
   */
  async start(spec: SpecDefinition, options: RunSpecOptions = {}): Promise<SpecStarted> {
    const problem = specDefinitionProblem(spec);
    if (problem) throw new InvalidInputError(`Invalid SPEC: ${problem}.`);
    resolveSettings(options.settings); // a bad setting is reported before any lookup
    if (options.approve !== undefined && typeof options.approve !== 'boolean') {
      throw new InvalidInputError(`approve must be true or false, got ${JSON.stringify(options.approve)}.`);
    }
    const minTokens = options.min_tokens_available ?? DEFAULT_SPEC_MIN_TOKENS;
    if (!Number.isInteger(minTokens) || minTokens < 0) {
      throw new InvalidInputError(
        `min_tokens_available must be a whole number, 0 or more, got ${minTokens}.`,
      );
    }
    const timeoutMs = decisionTimeoutMs(DEFAULT_DECISION_TIMEOUT_MS, options.decision_timeout);
    // Checked here; the folder itself is checked by the worker that claims it.
    const workspace = options.workspace === undefined ? undefined : specWorkspace(options.workspace);
    const attempts = options.max_attempts === undefined ? undefined : maxAttempts(options.max_attempts);
    for (const name of options.mcp_servers ?? []) {
      const problem = mcpServerNameProblem(name);
      if (problem) throw new InvalidInputError(`MCP server ${JSON.stringify(name)}: ${problem}`);
    }
    const { model, settings, warnings } = await resolveModelAndSettings(this.ctx.models, options);
    const input: SpecInput = {
      spec: { ...spec, acceptance_criteria: spec.acceptance_criteria ?? [] },
      model,
      settings,
      min_tokens_available: minTokens,
      decision_timeout_ms: timeoutMs,
      ...(workspace ? { workspace } : {}),
      ...(attempts !== undefined ? { max_attempts: attempts } : {}),
      ...(options.mcp_servers?.length ? { mcp_servers: [...new Set(options.mcp_servers)] } : {}),
      ...(options.approve ? { approve: true } : {}),
    };
    const workflowId = specWorkflowId(spec.spec_id);
    await this.ctx.workers.assertPolling();
    try {
      const handle = await this.ctx.client.workflow.start<typeof specWorkflow>('specWorkflow', {
        workflowId,
        taskQueue: this.ctx.settings.taskQueue,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: BATON_KIND, value: 'spec' },
          { key: BATON_MODEL, value: model.id },
          { key: BATON_PHASE, value: SPEC_PHASES[0] },
        ],
        staticSummary: `SPEC ${spec.spec_id}: ${spec.title}`,
        staticDetails: [`**${spec.title}**`, ...spec.requirements.map((r) => `- ${r}`)].join('\n'),
      });
      return {
        spec_id: spec.spec_id,
        workflow_id: workflowId,
        run_id: handle.firstExecutionRunId,
        ui_url: workflowUiUrl(this.ctx.settings, workflowId, handle.firstExecutionRunId),
        ...(warnings.length > 0 ? { warnings } : {}),
      };
    } catch (err) {
      const mapped = toBatonError(err, workflowId);
      if (mapped instanceof SessionExistsError) {
        throw new SessionExistsError(
          `SPEC ${spec.spec_id} has a run already. See it with \`baton spec status ${spec.spec_id}\`, or run it again ` +
            `from a phase with \`baton spec rerun ${spec.spec_id} --from-phase <phase>\`.`,
        );
      }
      throw mapped;
    }
  }

  /**
   * Where a SPEC is: phase, per-phase progress (with each gate's test run, the files changed and
   * the commit), a failure with its choices, and, when the run itself failed, why (`error`).
   */
  async status(specId: string): Promise<SpecStatusWithLink> {
    const handle = this.handle(specId);
    try {
      const description = await handle.describe();
      await this.ctx.workers.assertPolling();
      const status = await handle.query(specStatusQuery);
      const running = description.status.name === 'RUNNING';
      const error = running ? undefined : await runFailure(handle, description.status.name);
      // Only a SPEC with a workspace runs commands, so only it can be waiting for permission.
      const pending =
        running && status.workspace ? (await handle.query(statusQuery)).pending_permission : undefined;
      return {
        ...status,
        execution_status: description.status.name,
        ui_url: workflowUiUrl(this.ctx.settings, handle.workflowId, description.runId),
        ...(error ? { error } : {}),
        ...(pending ? { pending_permission: pending } : {}),
      };
    } catch (err) {
      throw this.notFound(err, specId);
    }
  }

  /**
   * A reader of the SPEC's streamed phase turns (the model's text and tool calls as they happen),
   * from the start (`from: 0`) or from now on. Undefined when the run cannot stream.
   */
  async events(specId: string, options: { from?: number } = {}): Promise<TurnEventReader | undefined> {
    const handle = this.handle(specId);
    return TurnEventReader.open(this.ctx.client, handle.workflowId, options);
  }

  /** Waits for the SPEC's result. */
  async result(specId: string): Promise<SpecResult> {
    try {
      return await this.handle(specId).result();
    } catch (err) {
      if (err instanceof WorkflowFailedError) throw specFailure(err, specId);
      throw this.notFound(err, specId);
    }
  }

  /** Retries the failed phase from its start checkpoint, with optional guidance for the model. */
  async retry(specId: string, guidance?: string): Promise<SpecStatus> {
    return this.decide(specId, () =>
      this.handle(specId).executeUpdate(retryPhaseUpdate, { args: [guidance ? { guidance } : {}] }),
    );
  }

  /** Skips the failed phase. */
  async skip(specId: string): Promise<SpecStatus> {
    return this.decide(specId, () => this.handle(specId).executeUpdate(skipPhaseUpdate));
  }

  /** Stops the SPEC after a failed phase. */
  async abort(specId: string): Promise<SpecStatus> {
    return this.decide(specId, () => this.handle(specId).executeUpdate(abortSpecUpdate));
  }

  /**
   * Approves the plan waiting after analysis: the SPEC goes on to RED in the same conversation.
   * @throws SessionRequestError (InvalidRequest) when the SPEC's plan is not waiting for approval.
   */
  async approve(specId: string): Promise<SpecStatus & { ui_url: string }> {
    return this.decidePlan(specId, { kind: 'implement' });
  }

  /**
   * Sends the plan back with feedback: the analysis runs again from its start, its message
   * carrying the old plan and the feedback, and the new plan waits in turn.
   * @throws InvalidInputError for empty feedback or more than 4,000 characters;
   * SessionRequestError (InvalidRequest) when the SPEC's plan is not waiting for approval.
   */
  async revise(specId: string, feedback: string): Promise<SpecStatus & { ui_url: string }> {
    const problem = feedbackProblem(feedback);
    if (problem) throw new InvalidInputError(`${problem} Nothing was sent to SPEC ${specId}.`);
    return this.decidePlan(specId, { kind: 'revise', feedback });
  }

  /**
   * Approves the plan and implements it in a fresh conversation: the SPEC's session goes back to
   * the task alone, and the plan goes with the next phase's message.
   * @throws SessionRequestError (InvalidRequest) when the SPEC's plan is not waiting for approval.
   */
  async restart(specId: string): Promise<SpecStatus & { ui_url: string }> {
    return this.decidePlan(specId, { kind: 'restart' });
  }

  /**
   * Runs a SPEC again from a phase: resets its workflow (ResetWorkflowExecution) to the point
   * where that phase started, so earlier phases are neither run nor billed again. The old run
   * stays in the Temporal UI.
   * @throws InvalidInputError for an unknown phase or one the SPEC never reached.
   */
  async rerun(specId: string, fromPhase: string): Promise<SpecRerun> {
    const phase = parsePhaseName(fromPhase);
    if (!phase) {
      throw new InvalidInputError(
        `Unknown phase '${fromPhase}': use one of ${SPEC_PHASES.join(', ')} (or 1–4).`,
      );
    }
    const handle = this.handle(specId);
    let runId: string;
    let history;
    try {
      runId = (await handle.describe()).runId;
      history = await this.ctx.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
    } catch (err) {
      throw this.notFound(err, specId);
    }
    const events = history.events ?? [];
    const started = events.find((e) => phaseOf(e) === phase);
    if (!started) {
      throw new InvalidInputError(
        `SPEC ${specId} never started phase ${phase}, so there is nothing to rerun from.`,
      );
    }
    const startedId = Number(started.eventId);
    const resetTo = events.findLast(
      (e) =>
        Number(e.eventId) < startedId &&
        e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    );
    if (!resetTo)
      throw new InvalidInputError(`No workflow task precedes phase ${phase}; start the SPEC again instead.`);
    const response = await this.ctx.client.workflowService.resetWorkflowExecution({
      namespace: this.ctx.settings.namespace,
      workflowExecution: { workflowId: handle.workflowId, runId },
      reason: `baton spec rerun ${specId} --from-phase ${phase}`,
      workflowTaskFinishEventId: Long.fromNumber(Number(resetTo.eventId)),
      requestId: randomUUID(),
    });
    const newRunId = response.runId ?? '';
    return {
      spec_id: specId,
      workflow_id: handle.workflowId,
      run_id: newRunId,
      previous_run_id: runId,
      from_phase: phase,
      reset_event_id: Number(resetTo.eventId),
      ui_url: workflowUiUrl(this.ctx.settings, handle.workflowId, newRunId),
    };
  }

  /** The plan decision, answered with the SPEC's status once the workflow has acted on it. */
  private async decidePlan(specId: string, decision: PlanDecision): Promise<SpecStatus & { ui_url: string }> {
    const handle = this.handle(specId);
    const status = await this.decide(specId, () =>
      handle.executeUpdate(decidePlanUpdate, { args: [decision] }),
    );
    return { ...status, ui_url: workflowUiUrl(this.ctx.settings, handle.workflowId) };
  }

  private async decide(specId: string, call: () => Promise<SpecStatus>): Promise<SpecStatus> {
    await this.ctx.workers.assertPolling();
    try {
      return await call();
    } catch (err) {
      const mapped = this.notFound(err, specId);
      if (!(mapped instanceof SessionNotFoundError)) throw mapped;
      // An update cannot reach a run that has ended; say that, not "not found".
      const description = await this.handle(specId)
        .describe()
        .catch(() => undefined);
      if (!description) throw mapped;
      throw new SessionRequestError(
        `SPEC ${specId} is not waiting for a decision: it has finished (${description.status.name.toLowerCase()}). ` +
          `Run it again from a phase with \`baton spec rerun ${specId} --from-phase <phase>\`.`,
        'SpecFinished',
      );
    }
  }

  private handle(specId: string): WorkflowHandle<typeof specWorkflow> {
    const id = specId.startsWith('spec-') ? specId : specWorkflowId(specId);
    if (specDefinitionProblem({ spec_id: id.slice(5), title: 'x', requirements: ['x'] })) {
      throw new InvalidInputError(
        `'${specId}' is not a SPEC id (letters, digits, '_' or '-', like SPEC-001).`,
      );
    }
    return this.ctx.client.workflow.getHandle<typeof specWorkflow>(id);
  }

  private notFound(err: unknown, specId: string): unknown {
    const mapped = toBatonError(err, specId);
    if (mapped instanceof SessionNotFoundError) {
      return new SessionNotFoundError(
        `No SPEC run '${specId}'. Start one with \`baton spec run ${specId} …\`.`,
      );
    }
    return mapped;
  }
}

/** The phase an UpsertWorkflowSearchAttributes event set, if it set BatonPhase. */
function phaseOf(event: temporal.api.history.v1.IHistoryEvent): string | undefined {
  const payload =
    event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.[BATON_PHASE.name];
  if (!payload?.data) return undefined;
  try {
    return JSON.parse(Buffer.from(payload.data).toString('utf8')) as string;
  } catch {
    return undefined;
  }
}

/** A failed SPEC run as the user reads it: the innermost cause's message and failure type. */
function specFailure(err: WorkflowFailedError, specId: string): SpecFailedError {
  let cause: unknown = err.cause;
  let type: string | undefined;
  let message = err.message;
  while (cause instanceof Error) {
    message = cause.message;
    if (cause instanceof ApplicationFailure && cause.type) type = cause.type;
    cause = cause.cause;
  }
  return new SpecFailedError(`SPEC ${specId} failed: ${message}`, type, specWorkflowId(specId));
}
