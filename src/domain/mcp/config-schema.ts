/**
 * The shape of baton's MCP configuration and its validation. The file format is the one Claude
 * Code users already write in `.mcp.json`:
 *
 * ```json
 * { "mcpServers": { "memory": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"],
 *                               "env": { "MEMORY_FILE_PATH": "${HOME}/memory.jsonl" } } },
 *   "profiles": { "notes": ["memory"] } }
 * ```
 *
 * plus two baton additions: `disabled: true` on a server (configured, but off unless a session
 * enables it) and `profiles` (task profiles that recommend servers). Pure and workflow-safe, so
 * the workflow can validate per-session overrides with the same rules.
 */
import { McpConfigError } from './errors';
import { mcpServerNameProblem } from './names';
import { variableSyntaxProblem } from './variables';

/** How to start one MCP server over stdio. Strings may hold `${VAR}` references (unexpanded). */
export interface McpServerConfig {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Working directory of the server; the worker's own when absent. */
  readonly cwd?: string;
  /** Off unless a session enables it. */
  readonly disabled: boolean;
}

/** A server in the file that baton cannot start, with the reason (for example a remote `http` server). */
export interface UnsupportedMcpServer {
  readonly server: string;
  readonly reason: string;
}

/** A validated MCP configuration. */
export interface McpConfig {
  readonly servers: Readonly<Record<string, McpServerConfig>>;
  /** Task profiles from the file: profile name → the servers it recommends. */
  readonly profiles: Readonly<Record<string, readonly string[]>>;
  /** Servers in the file that baton skips, so that `baton mcp list` can say why. */
  readonly unsupported: readonly UnsupportedMcpServer[];
}

/** A configuration with no servers: what baton uses when there is no `.mcp.json`. */
export const EMPTY_MCP_CONFIG: McpConfig = Object.freeze({ servers: {}, profiles: {}, unsupported: [] });

const TOP_LEVEL_KEYS = ['mcpServers', 'profiles', '$schema'];
const SERVER_KEYS = ['type', 'command', 'args', 'env', 'cwd', 'disabled'];
/** Keys of remote servers in Claude Code's format; accepted so such a file still loads. */
const REMOTE_KEYS = ['url', 'headers', 'oauth'];
const REMOTE_TYPES = ['http', 'sse', 'streamable-http', 'ws'];
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const ENV_NAME = /^[^=\0]+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Collects problems with their JSON path; throws them all at once at the end. */
class Problems {
  readonly list: string[] = [];
  add(path: string, problem: string): void {
    this.list.push(`${path}: ${problem}`);
  }
  /** A string field that may hold `${VAR}` references; returns it when valid. */
  text(path: string, value: unknown, { secret = false } = {}): string | undefined {
    if (typeof value !== 'string') {
      // Never echo the value: env values are often secrets, and a wrong type says enough.
      this.add(path, `must be a string, got ${kind(value)}`);
      return undefined;
    }
    const syntax = variableSyntaxProblem(value);
    if (syntax) {
      this.add(path, secret ? 'has a malformed ${…} reference' : syntax);
      return undefined;
    }
    return value;
  }
}

function parseServer(
  name: string,
  raw: unknown,
  path: string,
  problems: Problems,
): McpServerConfig | UnsupportedMcpServer | undefined {
  if (!isRecord(raw)) {
    problems.add(path, `must be an object with a "command", got ${kind(raw)}`);
    return undefined;
  }
  const type = raw.type;
  if (type !== undefined && type !== 'stdio') {
    if (typeof type === 'string' && REMOTE_TYPES.includes(type)) {
      return {
        server: name,
        reason: `type '${type}' (a remote server) is not supported yet: baton starts MCP servers over stdio`,
      };
    }
    problems.add(`${path}.type`, `must be 'stdio' (or absent), got ${JSON.stringify(type)}`);
    return undefined;
  }
  if (raw.command === undefined && typeof raw.url === 'string') {
    return { server: name, reason: 'it has a url but no command: baton starts MCP servers over stdio' };
  }
  for (const key of Object.keys(raw)) {
    if (!SERVER_KEYS.includes(key) && !REMOTE_KEYS.includes(key)) {
      problems.add(`${path}.${key}`, `unknown setting; a server takes ${SERVER_KEYS.join(', ')}`);
    }
  }

  let command: string | undefined;
  if (raw.command === undefined)
    problems.add(`${path}.command`, 'missing: name the program that starts the server');
  else {
    command = problems.text(`${path}.command`, raw.command);
    if (command !== undefined && command.trim() === '') {
      problems.add(`${path}.command`, 'is empty: name the program that starts the server');
      command = undefined;
    }
  }

  const args: string[] = [];
  if (raw.args !== undefined) {
    if (!Array.isArray(raw.args))
      problems.add(`${path}.args`, `must be an array of strings, got ${kind(raw.args)}`);
    else
      raw.args.forEach((arg: unknown, i) => {
        const value = problems.text(`${path}.args[${i}]`, arg);
        if (value !== undefined) args.push(value);
      });
  }

  const env: Record<string, string> = {};
  if (raw.env !== undefined) {
    if (!isRecord(raw.env)) problems.add(`${path}.env`, `must be an object of strings, got ${kind(raw.env)}`);
    else
      for (const [key, value] of Object.entries(raw.env)) {
        if (!ENV_NAME.test(key)) problems.add(`${path}.env`, `'${key}' is not a valid variable name`);
        const text = problems.text(`${path}.env.${key}`, value, { secret: true });
        if (text !== undefined) env[key] = text;
      }
  }

  let cwd: string | undefined;
  if (raw.cwd !== undefined) cwd = problems.text(`${path}.cwd`, raw.cwd);

  let disabled = false;
  if (raw.disabled !== undefined) {
    if (typeof raw.disabled !== 'boolean')
      problems.add(`${path}.disabled`, `must be true or false, got ${kind(raw.disabled)}`);
    else disabled = raw.disabled;
  }

  if (command === undefined) return undefined;
  return { command, args, env, ...(cwd !== undefined ? { cwd } : {}), disabled };
}

function isUnsupported(value: McpServerConfig | UnsupportedMcpServer): value is UnsupportedMcpServer {
  return 'reason' in value;
}

/**
 * Validates a map of server definitions (the value of `mcpServers`, or a session's `servers`
 * override), adding every problem to `problems` under `path`.
 */
function parseServers(
  raw: unknown,
  path: string,
  problems: Problems,
): { servers: Record<string, McpServerConfig>; unsupported: UnsupportedMcpServer[] } {
  const servers: Record<string, McpServerConfig> = {};
  const unsupported: UnsupportedMcpServer[] = [];
  if (!isRecord(raw)) {
    problems.add(
      path,
      `must be an object mapping server names to { "command", "args", "env" }, got ${kind(raw)}`,
    );
    return { servers, unsupported };
  }
  for (const [name, value] of Object.entries(raw)) {
    const nameProblem = mcpServerNameProblem(name);
    if (nameProblem) {
      problems.add(`${path}`, nameProblem);
      continue;
    }
    const parsed = parseServer(name, value, `${path}.${name}`, problems);
    if (parsed === undefined) continue;
    if (isUnsupported(parsed)) unsupported.push(parsed);
    else servers[name] = parsed;
  }
  return { servers, unsupported };
}

function parseProfiles(raw: unknown, known: readonly string[], problems: Problems): Record<string, string[]> {
  const profiles: Record<string, string[]> = {};
  if (!isRecord(raw)) {
    problems.add('profiles', `must be an object mapping profile names to lists of servers, got ${kind(raw)}`);
    return profiles;
  }
  for (const [name, list] of Object.entries(raw)) {
    if (!PROFILE_NAME.test(name)) {
      problems.add(
        'profiles',
        `profile name '${name}' may only contain letters, digits, '-' and '_' (at most 64)`,
      );
      continue;
    }
    if (!Array.isArray(list)) {
      problems.add(`profiles.${name}`, `must be an array of server names, got ${kind(list)}`);
      continue;
    }
    const servers: string[] = [];
    list.forEach((server: unknown, i) => {
      if (typeof server !== 'string')
        problems.add(`profiles.${name}[${i}]`, `must be a server name, got ${kind(server)}`);
      else if (!known.includes(server)) {
        problems.add(
          `profiles.${name}[${i}]`,
          `unknown server '${server}'; configured servers: ${listOrNone(known)}`,
        );
      } else if (!servers.includes(server)) servers.push(server);
    });
    profiles[name] = servers;
  }
  return profiles;
}

/** `a, b, c`, or `(none)`, for messages that list what exists. */
export function listOrNone(names: readonly string[]): string {
  return names.length === 0 ? '(none)' : names.join(', ');
}

/**
 * Validates a parsed `.mcp.json` document.
 * @param source where it came from, for the error message (a file path).
 * @throws McpConfigError listing every problem, each naming the server and field.
 * @example parseMcpConfig({ mcpServers: { memory: { command: 'mcp-server-memory' } } }, '.mcp.json')
 */
export function parseMcpConfig(raw: unknown, source: string): McpConfig {
  const problems = new Problems();
  if (!isRecord(raw)) {
    throw new McpConfigError(source, [
      `the file must hold a JSON object with "mcpServers", got ${kind(raw)}`,
    ]);
  }
  for (const key of Object.keys(raw)) {
    if (!TOP_LEVEL_KEYS.includes(key)) {
      const hint =
        key === 'servers' ? ' (VS Code spells it "servers"; baton and Claude Code use "mcpServers")' : '';
      problems.add(key, `unknown top-level key; expected ${TOP_LEVEL_KEYS.slice(0, 2).join(' and ')}${hint}`);
    }
  }
  let parsed: ReturnType<typeof parseServers> = { servers: {}, unsupported: [] };
  if (raw.mcpServers === undefined)
    problems.add('mcpServers', 'missing: list the servers under "mcpServers"');
  else parsed = parseServers(raw.mcpServers, 'mcpServers', problems);
  const profiles =
    raw.profiles === undefined ? {} : parseProfiles(raw.profiles, Object.keys(parsed.servers), problems);
  if (problems.list.length > 0) throw new McpConfigError(source, problems.list);
  return { servers: parsed.servers, profiles, unsupported: parsed.unsupported };
}

/**
 * Validates server definitions outside a file (a session's `servers` override) with the rules of
 * {@link parseMcpConfig}.
 * @throws McpConfigError listing every problem.
 */
export function parseMcpServers(
  raw: unknown,
  source: string,
  path = 'servers',
): Record<string, McpServerConfig> {
  const problems = new Problems();
  const { servers, unsupported } = parseServers(raw, path, problems);
  for (const u of unsupported) problems.add(`${path}.${u.server}`, u.reason);
  if (problems.list.length > 0) throw new McpConfigError(source, problems.list);
  return servers;
}

/** Names of the servers a configuration turns on, in configuration order. */
export function enabledMcpServers(config: Pick<McpConfig, 'servers'>): string[] {
  return Object.entries(config.servers)
    .filter(([, server]) => !server.disabled)
    .map(([name]) => name);
}
