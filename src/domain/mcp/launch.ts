/**
 * Turning a configured server into the command the worker runs: `${VAR}` references expanded from
 * the worker's environment. Pure (the environment is passed in), so it is unit-tested without
 * starting anything.
 */
import type { McpServerConfig } from './config-schema';
import { expandVariables } from './variables';

/** A server's command with every reference expanded. Holds secrets: never log `env`. */
export interface McpLaunch {
  readonly command: string;
  readonly args: string[];
  readonly env: Record<string, string>;
  readonly cwd?: string;
}

/** The outcome of {@link resolveMcpLaunch}: the launch, or why it cannot be built. */
export type McpLaunchResolution = { ok: true; launch: McpLaunch } | { ok: false; problem: string };

/**
 * Expands `${VAR}` references in a server's command, args, env and cwd from `env`.
 * The problem names the missing variables and where they are used, never their values.
 * @example resolveMcpLaunch('gh', { command: 'gh-mcp', args: [], env: { TOKEN: '${GH_TOKEN}' }, disabled: false }, {})
 * // { ok: false, problem: 'environment variable GH_TOKEN (used in env.TOKEN) is not set' }
 */
export function resolveMcpLaunch(
  server: McpServerConfig,
  env: Readonly<Record<string, string | undefined>>,
): McpLaunchResolution {
  const missing = new Map<string, string>();
  const expand = (text: string, where: string): string => {
    const result = expandVariables(text, env);
    if (result.ok) return result.text;
    for (const name of result.missing) if (!missing.has(name)) missing.set(name, where);
    return text;
  };
  const command = expand(server.command, 'command');
  const args = server.args.map((arg, i) => expand(arg, `args[${i}]`));
  const expandedEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(server.env)) expandedEnv[key] = expand(value, `env.${key}`);
  const cwd = server.cwd === undefined ? undefined : expand(server.cwd, 'cwd');
  if (missing.size > 0) {
    const list = [...missing].map(([name, where]) => `${name} (used in ${where})`).join(', ');
    return {
      ok: false,
      problem:
        `environment variable${missing.size > 1 ? 's' : ''} ${list} ${missing.size > 1 ? 'are' : 'is'} not set ` +
        "in the worker's environment; set it, or write ${NAME:-default} in the configuration",
    };
  }
  return { ok: true, launch: { command, args, env: expandedEnv, ...(cwd !== undefined ? { cwd } : {}) } };
}

/**
 * The server's command line as configured (references unexpanded), for error messages: it names
 * the program without revealing what the variables hold.
 */
export function describeMcpCommand(server: Pick<McpServerConfig, 'command' | 'args'>): string {
  const quote = (s: string) => (/^[\w@%+=:,./${}-]+$/.test(s) ? s : JSON.stringify(s));
  return [server.command, ...server.args].map(quote).join(' ');
}
