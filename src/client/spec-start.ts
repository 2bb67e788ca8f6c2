import type { Duration } from '@temporalio/common';
import { mcpServerNameProblem } from '../domain/mcp';
import {
  DEFAULT_DECISION_TIMEOUT_MS,
  DEFAULT_SPEC_MIN_TOKENS,
  SPEC_PHASES,
  specDefinitionProblem,
  specWorkflowId,
  type SpecDefinition,
  type SpecInput,
} from '../domain/spec';
import { BATON_KIND, BATON_MODEL, BATON_PHASE } from '../domain/visibility';
import type { specWorkflow } from '../workflows';
import { workflowUiUrl } from './connection-settings';
import { InvalidInputError, SessionExistsError } from './errors';
import {
  decisionTimeoutMs,
  resolveModelAndSettings,
  resolveSettings,
  type SettingsOptions,
} from './input-checks';
import type { SessionContext } from './session-context';
import { toBatonError } from './temporal-errors';
import { maxAttempts, specWorkspace, type SpecWorkspaceOptions } from './workspace-options';

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

export interface SpecStarted {
  spec_id: string;
  workflow_id: string;
  run_id: string;
  ui_url: string;
  /** What the user should know about the model (a deprecated model's retirement). */
  warnings?: string[];
}

/**
 * Checks a SPEC and its options (model, settings, floor, decision timeout, workspace, attempts, MCP
 * servers), then starts its workflow. See `SpecsClient.start`.
 * @throws InvalidInputError naming the SPEC field or option that is wrong; SessionExistsError
 * when a run for this SPEC id exists already.
 */
export async function startSpec(
  ctx: SessionContext,
  spec: SpecDefinition,
  options: RunSpecOptions,
): Promise<SpecStarted> {
  const problem = specDefinitionProblem(spec);
  if (problem) throw new InvalidInputError(`Invalid SPEC: ${problem}.`);
  resolveSettings(options.settings); // a bad setting is reported before any lookup
  if (options.approve !== undefined && typeof options.approve !== 'boolean') {
    throw new InvalidInputError(`approve must be true or false, got ${JSON.stringify(options.approve)}.`);
  }
  const minTokens = options.min_tokens_available ?? DEFAULT_SPEC_MIN_TOKENS;
  if (!Number.isInteger(minTokens) || minTokens < 0) {
    throw new InvalidInputError(`min_tokens_available must be a whole number, 0 or more, got ${minTokens}.`);
  }
  const timeoutMs = decisionTimeoutMs(DEFAULT_DECISION_TIMEOUT_MS, options.decision_timeout);
  // Checked here; the folder itself is checked by the worker that claims it.
  const workspace = options.workspace === undefined ? undefined : specWorkspace(options.workspace);
  const attempts = options.max_attempts === undefined ? undefined : maxAttempts(options.max_attempts);
  for (const name of options.mcp_servers ?? []) {
    const problem = mcpServerNameProblem(name);
    if (problem) throw new InvalidInputError(`MCP server ${JSON.stringify(name)}: ${problem}`);
  }
  const { model, settings, warnings } = await resolveModelAndSettings(ctx.models, options);
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
  await ctx.workers.assertPolling();
  try {
    const handle = await ctx.client.workflow.start<typeof specWorkflow>('specWorkflow', {
      workflowId,
      taskQueue: ctx.settings.taskQueue,
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
      ui_url: workflowUiUrl(ctx.settings, workflowId, handle.firstExecutionRunId),
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
