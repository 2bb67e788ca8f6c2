/**
 * Per-session MCP overrides on top of the worker's configuration: turn configured servers on or
 * off, or define servers for this session only. Pure and workflow-safe, so a session can validate
 * its overrides when it starts and reject a typo before anything runs.
 */
import { McpConfigError } from './errors';
import { listOrNone, parseMcpServers, type McpConfig, type McpServerConfig } from './config-schema';

/** What a session may change about the MCP configuration it inherits. */
export interface McpOverrides {
  /** Servers to turn on (including ones marked `disabled` in the file). */
  enable?: readonly string[];
  /** Servers to turn off for this session. */
  disable?: readonly string[];
  /**
   * Server definitions for this session only, in `.mcp.json` form; a name that is already
   * configured replaces that definition. They travel through workflow history, so reference
   * secrets as `${VAR}` (expanded by the worker) rather than writing them in.
   */
  servers?: Readonly<Record<string, unknown>>;
}

const SOURCE = 'session overrides';

/**
 * Applies `overrides` to `base`: defines the extra servers, then turns servers on and off.
 * @throws McpConfigError when a server definition is invalid, a name in `enable`/`disable` is not
 * configured (the message lists the known servers), or a name is in both lists.
 * @example applyMcpOverrides(config, { disable: ['memory'] }).servers.memory.disabled // true
 */
export function applyMcpOverrides(base: McpConfig, overrides: McpOverrides): McpConfig {
  const defined = overrides.servers === undefined ? {} : parseMcpServers(overrides.servers, SOURCE);
  const servers: Record<string, McpServerConfig> = { ...base.servers, ...defined };
  const known = Object.keys(servers);
  const problems: string[] = [];
  // Overrides come from callers' JSON, so the declared types are checked, not trusted.
  const check = (field: 'enable' | 'disable'): string[] => {
    const names: unknown = overrides[field] ?? [];
    if (!Array.isArray(names)) {
      problems.push(`${field}: must be an array of server names`);
      return [];
    }
    const valid: string[] = [];
    for (const name of names as unknown[]) {
      if (typeof name === 'string' && Object.hasOwn(servers, name)) valid.push(name);
      else
        problems.push(
          `${field}: unknown MCP server '${String(name)}'; configured servers: ${listOrNone(known)}`,
        );
    }
    return valid;
  };
  const enable = check('enable');
  const disable = check('disable');
  for (const name of enable) {
    if (disable.includes(name)) problems.push(`'${name}' is in both enable and disable; keep it in one`);
  }
  if (problems.length > 0) throw new McpConfigError(SOURCE, problems);
  for (const name of enable) servers[name] = { ...(servers[name] as McpServerConfig), disabled: false };
  for (const name of disable) servers[name] = { ...(servers[name] as McpServerConfig), disabled: true };
  return { ...base, servers };
}
