import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure, type Duration } from '@temporalio/common';
import {
  agentCatalogProblems,
  selectAgents,
  defaultWorkMessage,
  type AgentDefinition,
} from '../domain/handoff';
import {
  abortHandoffUpdate,
  DEFAULT_HANDOFF_DECISION_TIMEOUT_MS,
  DEFAULT_HANDOFF_FLOOR,
  handoffStatusQuery,
  retryAgentUpdate,
  skipAgentUpdate,
  handoffWorkflowId,
  HANDOFF_WORKFLOW_TYPE,
  type HandoffInput,
  type HandoffResult,
  type HandoffStatus,
  type ResolvedAgent,
} from '../domain/handoff';
import { DEFAULT_AGENTS } from '../domain/handoff';
import { formatProblems } from '../domain/handoff';
import { formatPackageProblems, handoffInputProblems, plannedPackageProblems } from '../domain/handoff';
import { DEFAULT_MODEL_ID } from '../domain/models';
import { BATON_KIND, BATON_PHASE } from '../domain/visibility';
import { sessionIdProblem } from '../domain/session';
import { mcpServerNameProblem } from '../domain/mcp';
import { specDefinitionProblem, type SpecDefinition } from '../domain/spec';
import type { handoffWorkflow } from '../workflows';
import { workflowUiUrl, type ConnectionSettings } from './connection-settings';
import {
  HandoffExistsError,
  HandoffFailedError,
  HandoffNotFoundError,
  InvalidInputError,
  SessionNotFoundError,
  SessionRequestError,
} from './errors';
import { toBatonError } from './temporal-errors';
import { loadAgentsFile } from './handoff-agents-file';
import { decisionTimeoutMs } from './input-checks';
import { specWorkspace, type SpecWorkspaceOptions } from './workspace-options';
import type { ModelResolver } from './model-resolver';
import type { WorkerProbe } from './worker-probe';

/** What handoff operations need: the Temporal client, settings, models and a worker probe. */
export interface HandoffContext {
  client: Client;
  settings: ConnectionSettings;
  /** Resolves model names through a worker's model catalog. */
  models: ModelResolver;
  workers: WorkerProbe;
}

/** What `baton.handoffs.run` takes: the SPEC, and optionally the agents, models and floor. */
export interface RunHandoffOptions {
  spec: SpecDefinition;
  /** Agent names, in order; default: every agent of the catalog, in its order. */
  agents?: readonly string[];
  /** A JSON file holding an array of agent definitions that replaces the default agents. */
  agentsFile?: string;
  /** Agent definitions that replace the default agents (for programs; the CLI uses `agentsFile`). */
  definitions?: readonly AgentDefinition[];
  /** Model of every agent that does not name one (id or line); default claude-sonnet-4-6. */
  model?: string;
  /** Summarizer of every agent that does not name one; a cheaper model of each agent's family by default. */
  summarizer_model?: string;
  /** Floor of every agent that does not set one; default 30,000 tokens. */
  min_tokens_available?: number;
  /** How long a failed agent waits for retry, skip or abort (`30m`, `2h`); default one day. */
  decision_timeout?: Duration;
  /**
   * The folder the agents work in and the command that runs its tests; a relative path is resolved
   * against this process's working directory (see {@link SpecWorkspaceOptions}).
   */
  workspace?: SpecWorkspaceOptions;
  /** MCP servers (names from the worker's `.mcp.json`) every agent gets, besides its own. */
  mcp_servers?: readonly string[];
  /** `false`: return once the workflow has started. Default: wait for the result. */
  wait?: boolean;
  /** Called with the status while the chain runs (polled), and with the final status. */
  onProgress?: (status: HandoffStatus) => void;
}

/** A handoff that has started. */
export interface HandoffStarted {
  handoff_id: string;
  run_id: string;
  spec_id: string;
  chain: string[];
  /** Model of each agent, in chain order. */
  models: string[];
  min_tokens_available: number;
  ui_url: string;
}

/** The result of a completed handoff, with its Temporal UI link. */
export type HandoffRunResult = HandoffResult & { ui_url: string };

/** `status` as the client reports it: the workflow's status plus Temporal's view of the run. */
export type HandoffStatusWithLink = HandoffStatus & {
  ui_url: string;
  /** Temporal's status of the run: RUNNING, COMPLETED, FAILED, TERMINATED, … */
  execution_status: string;
};

/** Multi-agent handoffs; reached as `baton.handoffs`. */
export class HandoffsClient {
  constructor(private readonly ctx: HandoffContext) {}

  /**
   * Runs a SPEC through a chain of agents (spec-builder → tdd-implementer → doc-syncer unless told
   * otherwise), each in its own child session, and returns the chain, the packages and per-agent
   * tokens and cost. Everything is checked before the workflow starts.
   * @throws InvalidInputError naming the SPEC field, agent field, agent name or model that is wrong;
   * HandoffExistsError when this SPEC was handed off already; NoWorkerError when no worker polls;
   * HandoffFailedError when the chain fails (waiting only).
   * @example
   * const result = await baton.handoffs.run({ spec, model: 'claude-haiku-4-5' });
   * for (const a of result.agents) console.log(a.agent, a.tokens, a.cost_usd);
   */
  run(options: RunHandoffOptions & { wait: false }): Promise<HandoffStarted>;
  run(options: RunHandoffOptions): Promise<HandoffRunResult>;
  async run(options: RunHandoffOptions): Promise<HandoffStarted | HandoffRunResult> {
    const input = await this.prepare(options);
    const started = await this.start(input);
    if (options.wait === false) return started;
    return this.result(started.handoff_id, options.onProgress ? { onProgress: options.onProgress } : {});
  }

  /**
   * Checks and resolves a run without starting it: the SPEC, the agent catalog and names, each
   * agent's model (through the registry) and floor, and every package field known in advance.
   * @throws InvalidInputError naming what is wrong.
   */
  async prepare(options: RunHandoffOptions): Promise<HandoffInput> {
    const spec: SpecDefinition = {
      ...options.spec,
      acceptance_criteria: options.spec?.acceptance_criteria ?? [],
    };
    const specProblem = specDefinitionProblem(spec);
    if (specProblem) throw new InvalidInputError(`Invalid SPEC: ${specProblem}.`);
    const workspace = options.workspace === undefined ? undefined : specWorkspace(options.workspace);
    for (const name of options.mcp_servers ?? []) {
      const problem = mcpServerNameProblem(name);
      if (problem) throw new InvalidInputError(`MCP server ${JSON.stringify(name)}: ${problem}`);
    }

    const { catalog, source } = await this.catalog(options);
    const names = options.agents ?? catalog.map((a) => a.name);
    if (names.length === 0)
      throw new InvalidInputError('Name at least one agent (for example --agents spec-builder).');
    const { agents, unknown } = selectAgents(catalog, names);
    if (unknown.length > 0) {
      throw new InvalidInputError(
        `Unknown agent${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')}. ` +
          `Known agents (${source}): ${catalog.map((a) => a.name).join(', ')}. ` +
          'Define others in an agents file (--agents-file).',
      );
    }
    const floor = options.min_tokens_available ?? DEFAULT_HANDOFF_FLOOR;
    const resolved: ResolvedAgent[] = [];
    for (const agent of agents) resolved.push(await this.resolveAgent(agent, options));
    const input: HandoffInput = {
      spec,
      agents: resolved,
      min_tokens_available: floor,
      decision_timeout_ms: decisionTimeoutMs(DEFAULT_HANDOFF_DECISION_TIMEOUT_MS, options.decision_timeout),
      ...(workspace ? { workspace } : {}),
      ...(options.mcp_servers?.length ? { mcp_servers: [...new Set(options.mcp_servers)] } : {}),
    };

    const problems = handoffInputProblems(input);
    if (problems.length > 0) throw new InvalidInputError(`Invalid handoff: ${formatProblems(problems)}.`);
    const planned = plannedPackageProblems(input);
    if (planned.length > 0)
      throw new InvalidInputError(`Invalid handoff chain: ${formatPackageProblems(planned)}.`);
    return input;
  }

  /**
   * A handoff's status: from the running workflow (a query), or its result once it completed.
   * Accepts the handoff id (`handoff-SPEC-001`) or the SPEC id (`SPEC-001`).
   * @throws HandoffNotFoundError for an unknown id.
   */
  async status(id: string): Promise<HandoffStatusWithLink> {
    const handoffId = toHandoffId(id);
    const handle = this.ctx.client.workflow.getHandle<typeof handoffWorkflow>(handoffId);
    try {
      const description = await handle.describe();
      let status: HandoffStatus;
      if (description.status.name === 'COMPLETED') {
        status = await handle.result();
      } else {
        // A failed or terminated run answers too: the worker replays its history.
        await this.ctx.workers.assertPolling();
        status = await handle.query(handoffStatusQuery);
      }
      return {
        ...status,
        ui_url: workflowUiUrl(this.ctx.settings, handoffId, description.runId),
        execution_status: description.status.name,
      };
    } catch (err) {
      throw toHandoffError(err, handoffId);
    }
  }

  /**
   * Runs the failed agent again (a new run of its session), with optional guidance for the model.
   * @throws SessionRequestError when the handoff is not waiting for a decision.
   */
  async retry(id: string, guidance?: string): Promise<HandoffStatus> {
    return this.decide(id, (h) =>
      h.executeUpdate(retryAgentUpdate, { args: [guidance ? { guidance } : {}] }),
    );
  }

  /** Skips the failed agent; the next one takes the package of the last agent that finished. */
  async skip(id: string): Promise<HandoffStatus> {
    return this.decide(id, (h) => h.executeUpdate(skipAgentUpdate));
  }

  /** Stops the chain after a failed agent; its result lists the agents that finished. */
  async abort(id: string): Promise<HandoffStatus> {
    return this.decide(id, (h) => h.executeUpdate(abortHandoffUpdate));
  }

  private async decide(
    id: string,
    call: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<HandoffStatus>,
  ): Promise<HandoffStatus> {
    const handoffId = toHandoffId(id);
    await this.ctx.workers.assertPolling();
    const handle = this.ctx.client.workflow.getHandle(handoffId);
    try {
      return await call(handle);
    } catch (err) {
      const mapped = toBatonError(err, handoffId);
      if (!(mapped instanceof SessionNotFoundError)) throw mapped;
      // An update cannot reach a run that has ended; say that, not "not found", when it exists.
      const description = await handle.describe().catch(() => undefined);
      if (!description)
        throw toHandoffError(new WorkflowNotFoundError('not found', handoffId, undefined), handoffId);
      throw new SessionRequestError(
        `Handoff ${handoffId} is not waiting for a decision: it has finished ` +
          `(${description.status.name.toLowerCase()}). A failed handoff can be run again under the same SPEC id.`,
        'HandoffFinished',
      );
    }
  }

  /**
   * Waits for a handoff's result, calling `onProgress` with its status every `pollIntervalMs`
   * (default 500) while it runs.
   * @throws HandoffFailedError naming the failure (an invalid field, or the agent that failed).
   */
  async result(
    id: string,
    options: { onProgress?: (status: HandoffStatus) => void; pollIntervalMs?: number } = {},
  ): Promise<HandoffRunResult> {
    const handoffId = toHandoffId(id);
    const handle = this.ctx.client.workflow.getHandle<typeof handoffWorkflow>(handoffId);
    const outcome = handle.result().then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const onProgress = options.onProgress;
    if (onProgress) {
      let finished = false;
      void outcome.then(() => (finished = true));
      while (!finished) {
        try {
          onProgress(await handle.query(handoffStatusQuery));
        } catch {
          // The run may be between tasks or just closed; the next poll or the result tells.
        }
        await Promise.race([sleep(options.pollIntervalMs ?? 500), outcome]);
      }
    }
    const settled = await outcome;
    if (!settled.ok) throw toHandoffError(settled.error, handoffId);
    onProgress?.(settled.value);
    const runId = (await handle.describe()).runId;
    return { ...settled.value, ui_url: workflowUiUrl(this.ctx.settings, handoffId, runId) };
  }

  private async start(input: HandoffInput): Promise<HandoffStarted> {
    const handoffId = handoffWorkflowId(input.spec.spec_id);
    const chain = input.agents.map((a) => a.name);
    await this.ctx.workers.assertPolling();
    try {
      const handle = await this.ctx.client.workflow.start<typeof handoffWorkflow>(HANDOFF_WORKFLOW_TYPE, {
        workflowId: handoffId,
        taskQueue: this.ctx.settings.taskQueue,
        args: [input],
        // One live handoff per SPEC id (its children's ids derive from it); a failed, terminated or
        // cancelled one can be run again under the same id, reusing those child ids.
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
        typedSearchAttributes: [
          { key: BATON_KIND, value: 'handoff' },
          { key: BATON_PHASE, value: chain[0]! },
        ],
        staticSummary: `handoff ${input.spec.spec_id} · ${chain.join(' → ')}`,
        staticDetails:
          `**SPEC ${input.spec.spec_id}:** ${input.spec.title}\n\n` +
          input.agents.map((a, i) => `${i + 1}. ${a.name} · ${a.model.id}`).join('\n') +
          (input.workspace
            ? `\n\n**Workspace:** \`${input.workspace.path}\` · tests \`${input.workspace.test_command}\``
            : ''),
      });
      return {
        handoff_id: handoffId,
        run_id: handle.firstExecutionRunId,
        spec_id: input.spec.spec_id,
        chain,
        models: input.agents.map((a) => a.model.id),
        min_tokens_available: input.min_tokens_available ?? DEFAULT_HANDOFF_FLOOR,
        ui_url: workflowUiUrl(this.ctx.settings, handoffId, handle.firstExecutionRunId),
      };
    } catch (err) {
      throw toHandoffError(err, handoffId);
    }
  }

  private async catalog(
    options: RunHandoffOptions,
  ): Promise<{ catalog: readonly AgentDefinition[]; source: string }> {
    if (options.definitions && options.agentsFile) {
      throw new InvalidInputError('Give agent definitions or an agents file, not both.');
    }
    if (options.agentsFile)
      return { catalog: await loadAgentsFile(options.agentsFile), source: `from ${options.agentsFile}` };
    if (options.definitions) {
      const problems = agentCatalogProblems(options.definitions, 'definitions');
      if (problems.length > 0)
        throw new InvalidInputError(`Invalid agent definitions: ${formatProblems(problems)}.`);
      return { catalog: options.definitions, source: 'given definitions' };
    }
    return { catalog: DEFAULT_AGENTS, source: 'defaults' };
  }

  /** @throws InvalidInputError naming the agent and what is wrong with its model. */
  private async resolveAgent(agent: AgentDefinition, run: RunHandoffOptions): Promise<ResolvedAgent> {
    const summarizer = agent.summarizer_model ?? run.summarizer_model;
    let lookup;
    try {
      lookup = await this.ctx.models.resolve({
        model: agent.model ?? run.model ?? DEFAULT_MODEL_ID,
        ...(summarizer !== undefined ? { summarizer_model: summarizer } : {}),
      });
    } catch (err) {
      if (
        err instanceof InvalidInputError &&
        (agent.model !== undefined || agent.summarizer_model !== undefined)
      ) {
        throw new InvalidInputError(`Agent ${agent.name}: ${err.message}`);
      }
      throw err;
    }
    return {
      name: agent.name,
      role_prompt: agent.role_prompt,
      work_message: agent.work_message ?? defaultWorkMessage(agent.name),
      ...(agent.workspace_message !== undefined ? { workspace_message: agent.workspace_message } : {}),
      ...(agent.verify_tests !== undefined ? { verify_tests: agent.verify_tests } : {}),
      model: lookup.model,
      summarizer: lookup.summarizer,
      ...(agent.min_tokens_available !== undefined
        ? { min_tokens_available: agent.min_tokens_available }
        : {}),
      // The chain's own servers go in the input; each agent's session gets them besides these.
      ...(agent.mcp_servers ? { mcp_servers: [...agent.mcp_servers] } : {}),
    };
  }
}

/**
 * The handoff's workflow id from either form a user types: `handoff-SPEC-001` or `SPEC-001`.
 * @throws InvalidInputError for an id with path or shell characters.
 */
export function toHandoffId(id: string): string {
  const problem = sessionIdProblem(id);
  if (problem) throw new InvalidInputError(problem.replace('session id', 'handoff id'));
  return id.startsWith('handoff-') ? id : handoffWorkflowId(id);
}

function toHandoffError(err: unknown, handoffId: string): unknown {
  if (err instanceof WorkflowNotFoundError) {
    return new HandoffNotFoundError(
      `No handoff '${handoffId}'. Start one with \`baton handoff run <SPEC-ID> --title … --req …\`.`,
    );
  }
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return new HandoffExistsError(
      `A handoff '${handoffId}' is running or has completed: only a failed one can be run again under ` +
        `the same id. See it with \`baton handoff status ${handoffId}\`, or give the SPEC another id.`,
      handoffId,
    );
  }
  if (err instanceof WorkflowFailedError) {
    const cause = err.cause;
    const type = cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
    const why = cause?.message ?? err.message;
    return new HandoffFailedError(
      `Handoff ${handoffId} failed${type ? ` (${type})` : ''}: ${why}`,
      type ?? cause?.name,
      handoffId,
    );
  }
  return err;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
