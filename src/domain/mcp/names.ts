/**
 * Names of MCP servers and of the tools baton offers the model. Tools from different servers are
 * namespaced as `<server>__<tool>` so that two servers' `search` tools never collide, and the
 * namespaced name can be split back without a lookup table. Workflow-safe.
 */

/** Anthropic's rule for tool names in a Messages API request. */
export const ANTHROPIC_TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,128}$/;

/** Joins a server name and a tool name in a namespaced tool name. */
export const TOOL_NAME_SEPARATOR = '__';

/** Longest server name: leaves at least 94 of Anthropic's 128 characters for the tool's own name. */
export const MAX_MCP_SERVER_NAME_LENGTH = 32;

/**
 * Server names: letters, digits, `-` and single `_` between them. Ruling out `__` and a leading or
 * trailing `_` is what makes splitting at the first `__` exact: with server `a_` allowed,
 * `a___tool` could be `a_` + `tool` or `a` + `_tool`.
 */
const SERVER_NAME = /^[A-Za-z0-9-]+(?:_[A-Za-z0-9-]+)*$/;

/**
 * Why `name` cannot be an MCP server name, or undefined when it can.
 * @example mcpServerNameProblem('my server') // "'my server' may only contain …"
 */
export function mcpServerNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'a server name cannot be empty';
  if (name.length > MAX_MCP_SERVER_NAME_LENGTH) {
    return `server name '${name}' is ${name.length} characters long; the limit is ${MAX_MCP_SERVER_NAME_LENGTH}`;
  }
  if (!SERVER_NAME.test(name)) {
    return (
      `server name '${name}' may only contain letters, digits, '-' and '_' ` +
      `(no '__', and no '_' at the start or end), because tool names are namespaced as <server>__<tool>`
    );
  }
  return undefined;
}

/** True when `name` is a valid MCP server name (see {@link mcpServerNameProblem}). */
export function isValidMcpServerName(name: string): boolean {
  return mcpServerNameProblem(name) === undefined;
}

/**
 * The name the model sees for `tool` of `server`, or undefined when the result would not be a valid
 * Anthropic tool name (the tool's own name has other characters, or the whole is over 128).
 * @example namespaceToolName('filesystem', 'read_file') // 'filesystem__read_file'
 */
export function namespaceToolName(server: string, tool: string): string | undefined {
  if (!isValidMcpServerName(server)) return undefined;
  const name = `${server}${TOOL_NAME_SEPARATOR}${tool}`;
  return ANTHROPIC_TOOL_NAME_PATTERN.test(name) ? name : undefined;
}

/** A namespaced tool name taken apart. */
export interface NamespacedToolName {
  server: string;
  tool: string;
}

/**
 * Splits a namespaced tool name at its first `__`; undefined when `name` is not one (no separator,
 * an invalid server part, or an empty tool part), for example a built-in tool's name.
 * @example splitToolName('memory__read_graph') // { server: 'memory', tool: 'read_graph' }
 */
export function splitToolName(name: string): NamespacedToolName | undefined {
  if (!ANTHROPIC_TOOL_NAME_PATTERN.test(name)) return undefined;
  const at = name.indexOf(TOOL_NAME_SEPARATOR);
  if (at <= 0) return undefined;
  const server = name.slice(0, at);
  const tool = name.slice(at + TOOL_NAME_SEPARATOR.length);
  if (tool.length === 0 || !isValidMcpServerName(server)) return undefined;
  return { server, tool };
}
