/**
 * The handoff chain's steps as pure functions: each agent's floor, MCP servers and session input,
 * and reading an agent's result from its session's final status. Checking the input
 * (input-problems.ts), the packages (package-plan.ts) and each agent's request (agent-request.ts)
 * live beside it. The workflow only sequences them. Workflow-safe.
 */
import { cacheStats, cumulativeTokens } from '../session';
import {
  agentSessionId,
  DEFAULT_HANDOFF_FLOOR,
  type AgentRun,
  type HandoffInput,
  type HandoffTotals,
  type ResolvedAgent,
} from './contract';
import type { SessionInput, SessionStatus } from '../session';
import { DEFAULT_SESSION_SETTINGS, type SessionSettings } from '../session';
import { renderSpec } from '../spec';
import { agentRequest, type AgentStep } from './agent-request';
import { agentWorkspaceRequest, type AgentWorkspaceRun } from './package-workspace';

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
