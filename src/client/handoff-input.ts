import type { Duration } from '@temporalio/common';
import {
  agentCatalogProblems,
  DEFAULT_AGENTS,
  DEFAULT_HANDOFF_DECISION_TIMEOUT_MS,
  DEFAULT_HANDOFF_FLOOR,
  defaultWorkMessage,
  formatPackageProblems,
  formatProblems,
  handoffInputProblems,
  plannedPackageProblems,
  selectAgents,
  type AgentDefinition,
  type HandoffInput,
  type HandoffStatus,
  type ResolvedAgent,
} from '../domain/handoff';
import { mcpServerNameProblem } from '../domain/mcp';
import { DEFAULT_MODEL_ID } from '../domain/models';
import { specDefinitionProblem, type SpecDefinition } from '../domain/spec';
import { InvalidInputError } from './errors';
import type { HandoffContext } from './handoff-context';
import { loadAgentsFile } from './handoff-agents-file';
import { decisionTimeoutMs } from './input-checks';
import { specWorkspace, type SpecWorkspaceOptions } from './workspace-options';

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

/**
 * Checks and resolves a run into the workflow's input without starting it. See
 * `HandoffsClient.prepare`.
 * @throws InvalidInputError naming what is wrong.
 */
export async function prepareHandoff(ctx: HandoffContext, options: RunHandoffOptions): Promise<HandoffInput> {
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

  const { catalog, source } = await agentCatalog(options);
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
  for (const agent of agents) resolved.push(await resolveAgent(ctx, agent, options));
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

/** The agents to choose from: an agents file, given definitions, or the defaults; and where they came from. */
async function agentCatalog(
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

/**
 * An agent as the workflow runs it: its model and summarizer resolved, its defaults filled in.
 * @throws InvalidInputError naming the agent and what is wrong with its model.
 */
async function resolveAgent(
  ctx: HandoffContext,
  agent: AgentDefinition,
  run: RunHandoffOptions,
): Promise<ResolvedAgent> {
  const summarizer = agent.summarizer_model ?? run.summarizer_model;
  let lookup;
  try {
    lookup = await ctx.models.resolve({
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
    ...(agent.min_tokens_available !== undefined ? { min_tokens_available: agent.min_tokens_available } : {}),
    // The chain's own servers go in the input; each agent's session gets them besides these.
    ...(agent.mcp_servers ? { mcp_servers: [...agent.mcp_servers] } : {}),
  };
}
