import { agentCatalogProblems, type AgentDefinition } from '../domain/handoff';
import { formatProblems } from '../domain/handoff';
import { InvalidInputError } from './errors';
import { readJsonFile } from './json-file';

/**
 * Reads an agents file: a JSON array of agent definitions (`{name, role_prompt, work_message?,
 * model?, min_tokens_available?, mcp_servers?}`) that replaces the default agents.
 * @throws InvalidInputError when the file is missing or not JSON, or naming every field that is wrong.
 */
export async function loadAgentsFile(file: string): Promise<AgentDefinition[]> {
  const raw = await readJsonFile(file, 'agents file');
  const problems = agentCatalogProblems(raw, 'agents');
  if (problems.length > 0) {
    throw new InvalidInputError(
      `Agents file ${file} is invalid: ${formatProblems(problems)}. ` +
        'It must hold a JSON array of {name, role_prompt, work_message?, model?, min_tokens_available?, mcp_servers?}.',
    );
  }
  return raw as AgentDefinition[];
}
