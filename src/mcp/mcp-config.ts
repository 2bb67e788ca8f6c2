/**
 * Reading the MCP configuration file: `BATON_MCP_CONFIG` if set, else `./.mcp.json` (the file
 * Claude Code users already keep in their project). Validation itself is pure and lives in
 * `src/domain/mcp-config-schema.ts`.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { McpConfigError } from '../domain/mcp';
import { EMPTY_MCP_CONFIG, parseMcpConfig, type McpConfig, type McpServerConfig } from '../domain/mcp';

/** Environment variable that names the MCP configuration file. */
export const MCP_CONFIG_ENV = 'BATON_MCP_CONFIG';

/** The file looked for in the working directory when {@link MCP_CONFIG_ENV} is unset. */
export const DEFAULT_MCP_CONFIG_FILE = '.mcp.json';

/** Where the configuration comes from and whether it had to exist. */
export interface McpConfigLocation {
  path: string;
  /** Named explicitly (a flag or the environment variable): then a missing file is an error. */
  explicit: boolean;
}

/**
 * Decides which file to read: `file` (a `--config` flag) first, then `BATON_MCP_CONFIG`, then
 * `.mcp.json` in `cwd`. Relative paths are taken from `cwd`.
 */
export function resolveMcpConfigPath(options: {
  file?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
}): McpConfigLocation {
  const cwd = options.cwd ?? process.cwd();
  const fromEnv = options.env?.[MCP_CONFIG_ENV]?.trim();
  if (options.file !== undefined) return { path: path.resolve(cwd, options.file), explicit: true };
  if (fromEnv) return { path: path.resolve(cwd, fromEnv), explicit: true };
  return { path: path.resolve(cwd, DEFAULT_MCP_CONFIG_FILE), explicit: false };
}

/** A loaded configuration and where it came from. */
export interface LoadedMcpConfig {
  config: McpConfig;
  /** The file read, or null when the default `.mcp.json` does not exist (no servers). */
  path: string | null;
}

/**
 * Reads and validates the MCP configuration. A server without `cwd` runs in the file's folder
 * and a relative `cwd` is taken from there, so relative commands such as
 * `node_modules/.bin/mcp-server-memory` work wherever the worker was started.
 * @throws McpConfigError when the file is missing (if named explicitly), unreadable, not JSON, or
 * invalid; the message names the file, the server and the field.
 * @example const { config } = await loadMcpConfig({ env: process.env });
 */
export async function loadMcpConfig(
  options: {
    file?: string | undefined;
    env?: Readonly<Record<string, string | undefined>>;
    cwd?: string;
  } = {},
): Promise<LoadedMcpConfig> {
  const location = resolveMcpConfigPath(options);
  let text: string;
  try {
    text = await fs.readFile(location.path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !location.explicit) return { config: EMPTY_MCP_CONFIG, path: null };
    const why =
      code === 'ENOENT' ? 'the file does not exist' : `it cannot be read (${(err as Error).message})`;
    throw new McpConfigError(location.path, [
      `${why}; fix the path${location.explicit ? ` (from --config or ${MCP_CONFIG_ENV})` : ''}`,
    ]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new McpConfigError(location.path, [`the file is not valid JSON (${(err as Error).message})`]);
  }
  const parsed = parseMcpConfig(raw, location.path);
  return { config: withBaseDirectory(parsed, path.dirname(location.path)), path: location.path };
}

function withBaseDirectory(config: McpConfig, dir: string): McpConfig {
  const servers: Record<string, McpServerConfig> = {};
  for (const [name, server] of Object.entries(config.servers)) {
    // A cwd holding ${VAR} is resolved when the variable is expanded, at start time.
    const cwd =
      server.cwd === undefined ? dir : server.cwd.includes('${') ? server.cwd : path.resolve(dir, server.cwd);
    servers[name] = { ...server, cwd };
  }
  return { ...config, servers };
}
