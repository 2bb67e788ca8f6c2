/**
 * The handoff chain's steps as pure functions: checking the input, building each agent's session
 * input and request, building the package between agents, and reading an agent's result from its
 * session's final status. The workflow only sequences them. Workflow-safe.
 */
import { cacheStats, cumulativeTokens } from '../session';
import { agentDefinitionProblems, MAX_CHAIN_LENGTH, mcpServerListProblems } from './agents';
import {
  agentSessionId,
  DEFAULT_HANDOFF_FLOOR,
  type AgentRun,
  type HandoffInput,
  type HandoffTotals,
  type ResolvedAgent,
} from './contract';
import { handoffPackageProblems, renderHandoffPackage, type HandoffPackage } from './package';
import { isRecord, shown, type FieldProblem } from './problems';
import type { SessionInput, SessionStatus } from '../session';
import { DEFAULT_SESSION_SETTINGS, type SessionSettings } from '../session';
import { renderSpec, specDefinitionProblem, type SpecDefinition, type SpecWorkspace } from '../spec';
import { formatCount } from '../format';
import {
  agentWorkspaceRequest,
  handoffWorkspaceProblems,
  workspaceNote,
  type AgentWorkspaceRun,
  type PackageWorkspace,
} from './package-workspace';

/**
 * Session settings of every agent. `keep_recent_turns: 0` because an agent's inherited context is
 * the previous agents' work: when it must make room, the SPEC and every agent's request (critical)
 * stay verbatim and the earlier outputs are summarized. They are not lost: the handoff result
 * holds each output verbatim. With recent turns kept, a one-turn-per-agent chain would have
 * nothing to compact and the floor could never be met.
 */
export const HANDOFF_AGENT_SETTINGS: SessionSettings = Object.freeze({
  ...DEFAULT_SESSION_SETTINGS,
  keep_recent_turns: 0,
});

/** The floor an agent starts with: its own, else the run's, else the default. */
export function agentFloor(input: Pick<HandoffInput, 'min_tokens_available'>, agent: ResolvedAgent): number {
  return agent.min_tokens_available ?? input.min_tokens_available ?? DEFAULT_HANDOFF_FLOOR;
}

/**
 * The MCP servers of an agent's session: the handoff's (for every agent), then its own, each once.
 * @example agentMcpServers(['docs'], { mcp_servers: ['git', 'docs'] }) // ['docs', 'git']
 */
export function agentMcpServers(
  handoff: readonly string[] | undefined,
  agent: Pick<ResolvedAgent, 'mcp_servers'>,
): string[] {
  return [...new Set([...(handoff ?? []), ...(agent.mcp_servers ?? [])])];
}

/**
 * Everything wrong with a handoff's input, each problem naming its field (`spec.title`,
 * `agents[1].role_prompt`, `agents[0].min_tokens_available`, `workspace.test_command`,
 * `mcp_servers[0]`); empty when it can run. Packages are checked separately
 * ({@link plannedPackageProblems}).
 */
export function handoffInputProblems(input: unknown): FieldProblem[] {
  if (!isRecord(input)) return [{ field: 'input', message: `must be an object, got ${shown(input)}` }];
  const problems: FieldProblem[] = [];
  const specProblem = specDefinitionProblem(input.spec);
  if (specProblem) {
    const match = /^([a-z_]+(?:\[\d+\])?) (must .*)$/.exec(specProblem);
    problems.push(
      match ? { field: `spec.${match[1]}`, message: match[2]! } : { field: 'spec', message: specProblem },
    );
  }
  const floor = input.min_tokens_available;
  if (floor !== undefined && !(typeof floor === 'number' && Number.isSafeInteger(floor) && floor >= 0)) {
    problems.push({
      field: 'min_tokens_available',
      message: `must be a whole number of tokens, 0 or more, got ${shown(floor)}`,
    });
  }
  problems.push(...handoffWorkspaceProblems(input.workspace));
  problems.push(...mcpServerListProblems(input.mcp_servers, 'mcp_servers'));
  const agents = input.agents;
  if (!Array.isArray(agents) || agents.length === 0) {
    problems.push({ field: 'agents', message: 'must be a non-empty list of agents' });
    return problems;
  }
  if (agents.length > MAX_CHAIN_LENGTH) {
    problems.push({
      field: 'agents',
      message: `must have at most ${MAX_CHAIN_LENGTH} agents, got ${agents.length}`,
    });
  }
  for (const [i, agent] of (agents as unknown[]).entries()) {
    const at = `agents[${i}]`;
    if (!isRecord(agent)) {
      problems.push({ field: at, message: `must be an object, got ${shown(agent)}` });
      continue;
    }
    const { model, summarizer, ...definition } = agent;
    problems.push(...agentDefinitionProblems(definition, at));
    if (
      summarizer !== undefined &&
      (!isRecord(summarizer) || typeof summarizer.id !== 'string' || !isWindow(summarizer.context_window))
    ) {
      problems.push({
        field: `${at}.summarizer`,
        message: 'must be a model resolved from the registry (id, context_window, …)',
      });
    }
    if (!isRecord(model) || typeof model.id !== 'string' || !isWindow(model.context_window)) {
      problems.push({
        field: `${at}.model`,
        message: 'must be a model resolved from the registry (id, context_window, …)',
      });
      continue;
    }
    // Same rule as agentFloor, on input not yet known to be well-typed.
    const own = agent.min_tokens_available;
    const effective =
      typeof own === 'number' ? own : typeof floor === 'number' ? floor : DEFAULT_HANDOFF_FLOOR;
    if (effective >= model.context_window) {
      const field =
        agent.min_tokens_available !== undefined ? `${at}.min_tokens_available` : 'min_tokens_available';
      problems.push({
        field,
        message:
          `a floor of ${formatCount(effective)} tokens can never be met by ${model.id}, whose window is ` +
          `${formatCount(model.context_window)} tokens: choose a smaller floor (--floor, or min_tokens_available in code or the agents file)`,
      });
    }
  }
  return problems;
}

function isWindow(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** Name of the checkpoint that hands agent `index`'s work on: `handoff_<n>_<agent>`. */
export function handoffCheckpointName(index: number, agent: string): string {
  return `handoff_${index}_${agent}`;
}

/** The sender's session as a package describes it. */
export type SenderStatus = Pick<
  SessionStatus,
  'session_id' | 'model' | 'tokens_available' | 'position_percent' | 'head'
>;

/**
 * The package from agent `to_index - 1` to agent `to_index` (1-based), built from the sender's
 * final session status. `last_checkpoint` is the sender's final head, recorded by the handoff
 * under `checkpoint_id` (a session's own checkpoint log cannot be read from another workflow).
 */
export function buildHandoffPackage(p: {
  package_id: string;
  checkpoint_id: string;
  created_at: string;
  spec: SpecDefinition;
  from: string;
  to: string;
  to_index: number;
  sender: SenderStatus;
  /** The commit the sender left, when the handoff has a workspace. */
  workspace?: PackageWorkspace;
}): HandoffPackage {
  return {
    package_id: p.package_id,
    from_agent: p.from,
    to_agent: p.to,
    session_context: {
      session_id: p.sender.session_id,
      model: p.sender.model,
      tokens_available: p.sender.tokens_available,
      context_position: p.sender.position_percent,
    },
    task_context: { spec_id: p.spec.spec_id, spec: p.spec, current_phase: `${p.to_index}-${p.to}` },
    last_checkpoint:
      p.sender.head === null
        ? null
        : {
            checkpoint_id: p.checkpoint_id,
            name: handoffCheckpointName(p.to_index - 1, p.from),
            head: p.sender.head,
          },
    ...(p.workspace ? { workspace: p.workspace } : {}),
    created_at: p.created_at,
  };
}

/** A package problem, with the handoff it was found in (1 = from the first agent to the second). */
export interface PackageProblem extends FieldProblem {
  handoff: number;
  from_agent: string;
  to_agent: string;
}

/**
 * Validates, before any agent runs, every package field that is known in advance (agents, SPEC,
 * phase), by building each package with the session context still to come. A chain whose
 * packages cannot be valid (an agent handing work to itself, say) fails before it spends a token.
 */
export function plannedPackageProblems(input: HandoffInput): PackageProblem[] {
  const problems: PackageProblem[] = [];
  for (let i = 1; i < input.agents.length; i++) {
    const from = input.agents[i - 1]!;
    const to = input.agents[i]!;
    const planned = buildHandoffPackage({
      package_id: `planned-${i}`,
      checkpoint_id: `planned-${i}`,
      created_at: '1970-01-01T00:00:00.000Z',
      spec: input.spec,
      from: from.name,
      to: to.name,
      to_index: i + 1,
      sender: {
        session_id: agentSessionId(input.spec.spec_id, i, from.name),
        model: from.model.id,
        tokens_available: 0,
        position_percent: 0,
        head: null,
      },
    });
    for (const p of handoffPackageProblems(planned)) {
      problems.push({ ...p, handoff: i, from_agent: from.name, to_agent: to.name });
    }
  }
  return problems;
}

/** One line per problem: `handoff 1 (a → b): to_agent: …`. */
export function formatPackageProblems(problems: readonly PackageProblem[]): string {
  return problems
    .map((p) => `handoff ${p.handoff} (${p.from_agent} → ${p.to_agent}): ${p.field}: ${p.message}`)
    .join('; ');
}

/** What an agent's request and session are built from. */
export interface AgentStep {
  spec: SpecDefinition;
  chain: readonly string[];
  index: number;
  agent: ResolvedAgent;
  package?: HandoffPackage;
  /** A person's guidance for a retried agent. */
  guidance?: string;
  /** The handoff's workspace: the request says where it is and asks for `workspace_message`. */
  workspace?: SpecWorkspace;
  /** The commit the first agent starts from (later agents read it in their package). */
  commit?: string;
  /** Why the previous attempt failed, for a retry the agent needs to know it for (failing tests). */
  previous_error?: string;
}

/**
 * The message an agent's session sends itself: where it stands in the chain, the package (from
 * the second agent on), the workspace (when there is one), and its work message as an
 * `Objective:` line. Objective lines are critical context, so every agent's request survives later
 * compactions verbatim.
 */
export function agentRequest(p: AgentStep): string {
  const where =
    `You are ${p.agent.name}, agent ${p.index} of ${p.chain.length} in the handoff chain for SPEC ` +
    `${p.spec.spec_id}: ${p.chain.join(' → ')}.`;
  const context = p.package ? renderHandoffPackage(p.package) : 'The SPEC is above in this conversation.';
  const objective = p.workspace ? (p.agent.workspace_message ?? p.agent.work_message) : p.agent.work_message;
  return [
    where,
    context,
    ...(p.workspace ? [workspaceNote(p.workspace, p.package ? undefined : p.commit)] : []),
    `Objective: ${objective}`,
    ...(p.previous_error ? [`Your previous attempt failed: ${p.previous_error}`] : []),
    ...(p.guidance ? [`Guidance for this attempt: ${p.guidance}`] : []),
  ].join('\n\n');
}

/**
 * The session input of agent `index` (1-based). The first agent starts a new conversation whose
 * task is the SPEC; each next agent starts at the sender's final head (as a fork would: free, the
 * history is shared), so it sees the SPEC and all earlier work. Each runs with its own role prompt
 * as the system prompt, the tools of its MCP servers (the handoff's and its own) and, with a
 * workspace, the text editor and bash tools in that folder. Its script sends its request once it
 * has at least `floor` tokens available (compacting first if not), then closes the session.
 */
export function agentSessionInput(
  p: AgentStep & {
    floor: number;
    /** MCP servers every agent gets (the handoff's). */
    mcp_servers?: readonly string[];
  },
): SessionInput {
  const head = p.package?.last_checkpoint?.head;
  const servers = agentMcpServers(p.mcp_servers, p.agent);
  return {
    session_id: agentSessionId(p.spec.spec_id, p.index, p.agent.name),
    model: p.agent.model,
    system: p.agent.role_prompt,
    ...(head ? { head } : { task: renderSpec(p.spec) }),
    settings: p.agent.summarizer
      ? { ...HANDOFF_AGENT_SETTINGS, summarizer_model: p.agent.summarizer }
      : HANDOFF_AGENT_SETTINGS,
    ...(servers.length ? { mcp_servers: servers } : {}),
    ...(p.workspace ? { workspace: agentWorkspaceRequest(p.workspace) } : {}),
    script: {
      messages: [agentRequest(p)],
      min_tokens_available: p.floor,
      close_when_done: true,
    },
  };
}

/** What agent `index` did, read from its session's final status. */
export function agentRunFrom(p: {
  index: number;
  agent: ResolvedAgent;
  floor: number;
  status: SessionStatus;
  /** The handoff's MCP servers (every agent's). */
  mcp_servers?: readonly string[];
  /** What the agent left in the workspace. */
  workspace?: AgentWorkspaceRun;
}): AgentRun {
  const s = p.status;
  return {
    index: p.index,
    agent: p.agent.name,
    session_id: s.session_id,
    model: s.model,
    tokens: cumulativeTokens(s.cumulative),
    cost_usd: s.cumulative.cost_usd,
    cache: cacheStats(s.cumulative),
    output: (s.script_outputs ?? []).map((o) => o.reply).join('\n\n'),
    floor_compactions: s.floor_compactions ?? 0,
    min_tokens_available: p.floor,
    tokens_available: s.tokens_available,
    position_percent: s.position_percent,
    head: s.head,
    mcp_servers: agentMcpServers(p.mcp_servers, p.agent),
    ...(p.workspace ? { workspace: p.workspace } : {}),
  };
}

/** Sums over the agents that finished. Costs are rounded to nano-dollars, like session totals. */
export function handoffTotals(agents: readonly AgentRun[]): HandoffTotals {
  return {
    tokens: agents.reduce((sum, a) => sum + a.tokens, 0),
    cost_usd: Math.round(agents.reduce((sum, a) => sum + a.cost_usd, 0) * 1e9) / 1e9,
    floor_compactions: agents.reduce((sum, a) => sum + a.floor_compactions, 0),
  };
}
