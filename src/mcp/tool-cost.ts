/**
 * MCP tools as the model sees them, and what they cost. Every request that offers a server's tools
 * carries their definitions, so a server's cost is paid on every turn whether or not its tools are
 * used; that is the number the optimizer weighs.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { namespaceToolName } from '../domain/mcp';

/** A tool definition in Messages API form (`{ name, description, input_schema }`). */
export type AnthropicTool = Anthropic.Tool;

/** A request whose input tokens are counted: the shape `messages.countTokens` takes. */
export interface ToolCostRequest {
  model: string;
  messages: Anthropic.MessageParam[];
  tools?: Anthropic.Tool[];
}

/**
 * Counts a request's input tokens: `messages.countTokens` with an API key, the local tokenizer
 * offline. The worker's own token counter fits this type.
 */
export type McpTokenCounter = (request: ToolCostRequest) => Promise<number>;

/** A tool left out of the definitions, and why. */
export interface SkippedTool {
  tool: string;
  reason: string;
}

/**
 * Converts a server's MCP tools into Anthropic tool definitions named `<server>__<tool>`. A tool
 * whose namespaced name would break Anthropic's `^[a-zA-Z0-9_-]{1,128}$` is skipped and reported,
 * not renamed: a renamed tool could not be mapped back to the server's own name reliably.
 * @example toAnthropicTools('memory', tools).tools[0].name // 'memory__create_entities'
 */
export function toAnthropicTools(
  server: string,
  tools: readonly Tool[],
): { tools: AnthropicTool[]; skipped: SkippedTool[] } {
  const converted: AnthropicTool[] = [];
  const skipped: SkippedTool[] = [];
  for (const tool of tools) {
    const name = namespaceToolName(server, tool.name);
    if (name === undefined) {
      skipped.push({
        tool: tool.name,
        reason: `'${server}__${tool.name}' is not a valid Anthropic tool name (letters, digits, '_' and '-', at most 128)`,
      });
      continue;
    }
    const description = tool.description ?? tool.title;
    converted.push({
      name,
      ...(description !== undefined ? { description } : {}),
      // Sent as the server wrote it: the cost measured is the cost of exactly these bytes.
      input_schema: { ...definedEntries(tool.inputSchema), type: 'object' },
    });
  }
  return { tools: converted, skipped };
}

/** The object without its `undefined` members, which JSON would drop anyway. */
function definedEntries(value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/**
 * The smallest request the API accepts. Tool costs are differences against it, so its own tokens
 * cancel out.
 */
export const TOOL_COST_BASELINE: Anthropic.MessageParam[] = [{ role: 'user', content: '.' }];

/** What {@link measureToolCosts} reports. */
export interface ToolCosts {
  /** Per group (server): tokens its tools add to a request that offers only them. */
  costs: Record<string, number>;
  /**
   * Tokens all groups' tools add together. With the real API this is less than the sum of
   * `costs`: the API adds its tool-use instructions once per request, and each server measured on
   * its own pays them in full. With the local tokenizer the two are equal.
   */
  total: number;
}

/**
 * Measures the token cost of tool definitions as the difference in input tokens between a request
 * with them and the same request without: one count for the baseline, one per group, and one for
 * all groups together (skipped when there is at most one group).
 * @example
 * const { costs } = await measureToolCosts({ memory: tools }, { countTokens, model: 'claude-sonnet-4-6' });
 */
export async function measureToolCosts(
  groups: Readonly<Record<string, readonly AnthropicTool[]>>,
  options: { countTokens: McpTokenCounter; model: string },
): Promise<ToolCosts> {
  const count = (tools: readonly AnthropicTool[]) =>
    options.countTokens({
      model: options.model,
      messages: [...TOOL_COST_BASELINE],
      ...(tools.length > 0 ? { tools: [...tools] } : {}),
    });
  const nonEmpty = Object.entries(groups).filter(([, tools]) => tools.length > 0);
  const costs: Record<string, number> = Object.fromEntries(Object.keys(groups).map((g) => [g, 0]));
  if (nonEmpty.length === 0) return { costs, total: 0 };
  const baseline = await count([]);
  const measured = await Promise.all(
    nonEmpty.map(async ([group, tools]) => [group, (await count(tools)) - baseline] as const),
  );
  for (const [group, cost] of measured) costs[group] = cost;
  const total =
    nonEmpty.length === 1
      ? (measured[0]?.[1] ?? 0)
      : (await count(nonEmpty.flatMap(([, tools]) => tools))) - baseline;
  return { costs, total };
}
