/**
 * Agents of a handoff: who they are (a role prompt), what they are asked to produce (a work
 * message), and which model and floor they run with. An agents file is a JSON array of these
 * definitions; it replaces the default chain. Workflow-safe.
 */
import { mcpServerNameProblem } from '../mcp';
import { isNonEmptyString, isRecord, shown, type FieldProblem } from './problems';
import { formatCount } from '../format';

/** One agent as a user defines it (in an agents file, or in code). */
export interface AgentDefinition {
  /** Letters, digits, `-` and `_`, starting with a letter: it becomes part of workflow ids. */
  name: string;
  /** The agent's system prompt: who it is and how it works. */
  role_prompt: string;
  /**
   * What the agent is asked to do once it has the SPEC and the previous agents' work: the artifact
   * it must produce. Defaults to a generic request built from its name.
   */
  work_message?: string;
  /**
   * What the agent is asked to do instead when the handoff has a workspace (a folder it changes
   * with the text editor and bash tools). Defaults to `work_message`; either way the request says
   * where the workspace is and what the test command is.
   */
  workspace_message?: string;
  /**
   * With a workspace, the handoff runs the test command after this agent, and a failing run fails
   * the agent (retry with guidance, skip or abort). The default tdd-implementer sets it.
   */
  verify_tests?: boolean;
  /** Model id or line (`sonnet`); defaults to the run's model. */
  model?: string;
  /** The model that writes this agent's compaction summaries (id or line); defaults to the run's, else a cheaper one of the family. */
  summarizer_model?: string;
  /** This agent's floor (tokens available before it starts); defaults to the run's floor. */
  min_tokens_available?: number;
  /**
   * MCP servers (names from the worker's `.mcp.json`) whose tools the agent's session gets. A
   * server the worker cannot start is shown as unavailable in the session's status.
   */
  mcp_servers?: string[];
}

/** Longest agent name: keeps child workflow ids (`handoff-<spec>-<n>-<agent>`) under 128 characters. */
export const MAX_AGENT_NAME_LENGTH = 40;
/** Longest role prompt or work message, in characters: a prompt, not a document. */
export const MAX_AGENT_TEXT_LENGTH = 20_000;
/** Most agents in one chain: each is a model call and a child workflow. */
export const MAX_CHAIN_LENGTH = 20;

const AGENT_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
const AGENT_FIELDS = [
  'name',
  'role_prompt',
  'work_message',
  'workspace_message',
  'verify_tests',
  'model',
  'summarizer_model',
  'min_tokens_available',
  'mcp_servers',
];

/**
 * Why `name` cannot name an agent, or undefined when it can.
 * @example agentNameProblem('doc syncer') // "must be letters, digits, '-' or '_' …"
 */
export function agentNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return `must be a non-empty string, got ${shown(name)}`;
  if (name.length > MAX_AGENT_NAME_LENGTH) {
    return `must be at most ${MAX_AGENT_NAME_LENGTH} characters, got ${name.length}`;
  }
  if (!AGENT_NAME.test(name)) {
    return `must be letters, digits, '-' or '_', starting with a letter (it is part of workflow ids), got ${shown(name)}`;
  }
  return undefined;
}

/**
 * Everything wrong with one agent definition; empty when it is valid. Fields are reported under
 * `at` (for example `agents[1].role_prompt`). Unknown fields are reported too, so a misspelt
 * `role_promt` in a file is caught instead of silently ignored.
 */
export function agentDefinitionProblems(value: unknown, at = 'agent'): FieldProblem[] {
  if (!isRecord(value)) return [{ field: at, message: `must be an object, got ${shown(value)}` }];
  const problems: FieldProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field: `${at}.${field}`, message });

  const nameProblem = agentNameProblem(value.name);
  if (nameProblem) add('name', nameProblem);
  for (const field of ['role_prompt', 'work_message', 'workspace_message'] as const) {
    const text = value[field];
    if (text === undefined && field !== 'role_prompt') continue;
    if (!isNonEmptyString(text)) add(field, `must be a non-empty string, got ${shown(text)}`);
    else if (text.length > MAX_AGENT_TEXT_LENGTH) {
      add(field, `must be at most ${formatCount(MAX_AGENT_TEXT_LENGTH)} characters, got ${text.length}`);
    }
  }
  for (const field of ['model', 'summarizer_model'] as const) {
    const id = value[field];
    if (id !== undefined && (typeof id !== 'string' || !MODEL_ID.test(id))) {
      add(field, `must be a model id such as claude-sonnet-4-6 or a line such as sonnet, got ${shown(id)}`);
    }
  }
  if (value.verify_tests !== undefined && typeof value.verify_tests !== 'boolean') {
    add('verify_tests', `must be true or false, got ${shown(value.verify_tests)}`);
  }
  const floor = value.min_tokens_available;
  if (floor !== undefined && !(typeof floor === 'number' && Number.isSafeInteger(floor) && floor >= 0)) {
    add('min_tokens_available', `must be a whole number of tokens, 0 or more, got ${shown(floor)}`);
  }
  problems.push(...mcpServerListProblems(value.mcp_servers, `${at}.mcp_servers`));
  for (const key of Object.keys(value)) {
    if (!AGENT_FIELDS.includes(key)) {
      add(key, `is not an agent field; the fields are ${AGENT_FIELDS.join(', ')}`);
    }
  }
  return problems;
}

/**
 * Everything wrong with a list of MCP server names (an agent's, or a handoff's for every agent);
 * empty when it is absent or valid.
 * @example mcpServerListProblems(['docs', 'no spaces'], 'mcp_servers') // [{ field: 'mcp_servers[1]', … }]
 */
export function mcpServerListProblems(value: unknown, at: string): FieldProblem[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    return [{ field: at, message: `must be a list of MCP server names, got ${shown(value)}` }];
  }
  const problems: FieldProblem[] = [];
  for (const [i, server] of (value as unknown[]).entries()) {
    const problem = typeof server === 'string' ? mcpServerNameProblem(server) : 'must be a string';
    if (problem) problems.push({ field: `${at}[${i}]`, message: problem });
  }
  return problems;
}

/**
 * Everything wrong with a list of agent definitions (an agents file, or the agents a program
 * passes): each definition, and names that appear twice (agents are chosen by name).
 */
export function agentCatalogProblems(value: unknown, at = 'agents'): FieldProblem[] {
  if (!Array.isArray(value)) return [{ field: at, message: 'must be a JSON array of agent definitions' }];
  if (value.length === 0) return [{ field: at, message: 'must define at least one agent' }];
  const problems = value.flatMap((agent, i) => agentDefinitionProblems(agent, `${at}[${i}]`));
  const seen = new Map<string, number>();
  for (const [i, agent] of (value as unknown[]).entries()) {
    const name = isRecord(agent) ? agent.name : undefined;
    if (typeof name !== 'string') continue;
    const first = seen.get(name);
    if (first !== undefined) {
      problems.push({
        field: `${at}[${i}].name`,
        message: `'${name}' is already defined by ${at}[${first}]`,
      });
    } else {
      seen.set(name, i);
    }
  }
  return problems;
}

/**
 * The agents named, in the order given, from a catalog; `unknown` lists names it does not hold.
 * @example selectAgents(DEFAULT_AGENTS, ['spec-builder', 'doc-syncer'])
 */
export function selectAgents(
  catalog: readonly AgentDefinition[],
  names: readonly string[],
): { agents: AgentDefinition[]; unknown: string[] } {
  const byName = new Map(catalog.map((a) => [a.name, a]));
  const agents: AgentDefinition[] = [];
  const unknown: string[] = [];
  for (const name of names) {
    const agent = byName.get(name);
    if (agent) agents.push(agent);
    else unknown.push(name);
  }
  return { agents, unknown };
}

/** The work message of an agent that defines none: its artifact, named after it. */
export function defaultWorkMessage(agentName: string): string {
  return (
    `As ${agentName}, do your part of the SPEC above, building on the previous agents' work, and ` +
    'end with the artifact the next agent needs, complete and self-contained.'
  );
}
