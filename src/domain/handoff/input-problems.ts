/**
 * Checking a handoff's input before it starts: the SPEC, the floors against each agent's window,
 * the workspace, the MCP servers and every agent's definition. Workflow-safe.
 */
import { agentDefinitionProblems, MAX_CHAIN_LENGTH, mcpServerListProblems } from './agents';
import { DEFAULT_HANDOFF_FLOOR } from './contract';
import { handoffWorkspaceProblems } from './package-workspace';
import { isRecord, shown, type FieldProblem } from './problems';
import { specDefinitionProblem } from '../spec';
import { formatCount } from '../format';

/**
 * Everything wrong with a handoff's input, each problem naming its field (`spec.title`,
 * `agents[1].role_prompt`, `agents[0].min_tokens_available`, `workspace.test_command`,
 * `mcp_servers[0]`); empty when it can run. Packages are checked separately
 * (`plannedPackageProblems` in package-plan.ts).
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
