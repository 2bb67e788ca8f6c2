/**
 * Task profiles and the optimization maths built on them: which MCP servers a kind of task needs,
 * what turning the others off saves, and which servers have sat idle long enough to turn off.
 * Pure and workflow-safe: the session workflow runs these on its own state and durable timers.
 */
import { UnknownMcpProfileError } from './errors';

/**
 * Built-in profiles. Server names are whatever a configuration calls its servers, so these list
 * the names the popular servers are usually given (`filesystem` for
 * `@modelcontextprotocol/server-filesystem`, `playwright` for `@playwright/mcp`, …); a profile of
 * the same name under `profiles` in the configuration file replaces the built-in one.
 */
export const BUILTIN_MCP_PROFILES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'code-analysis': ['filesystem', 'git', 'github', 'memory', 'sequential-thinking'],
  'browser-testing': ['playwright', 'puppeteer', 'browser', 'filesystem'],
  docs: ['filesystem', 'fetch', 'context7', 'memory'],
});

/** A profile resolved against the configured servers. */
export interface ResolvedMcpProfile {
  name: string;
  source: 'config' | 'builtin';
  /** Recommended servers that are configured, in the profile's order. */
  recommended: string[];
  /** Recommended servers that are not configured (worth telling the user about). */
  missing: string[];
}

/**
 * Looks a profile up (the configuration's first, then the built-ins) and splits its servers into
 * configured and missing ones.
 * @throws UnknownMcpProfileError listing the known profiles.
 * @example resolveMcpProfile('docs', {}, ['filesystem', 'memory']).recommended // ['filesystem', 'memory']
 */
export function resolveMcpProfile(
  name: string,
  configProfiles: Readonly<Record<string, readonly string[]>>,
  configured: readonly string[],
): ResolvedMcpProfile {
  const fromConfig = Object.hasOwn(configProfiles, name) ? configProfiles[name] : undefined;
  const builtin = Object.hasOwn(BUILTIN_MCP_PROFILES, name) ? BUILTIN_MCP_PROFILES[name] : undefined;
  const servers = fromConfig ?? builtin;
  if (servers === undefined) {
    const known = [...new Set([...Object.keys(configProfiles), ...Object.keys(BUILTIN_MCP_PROFILES)])].sort();
    throw new UnknownMcpProfileError(name, known);
  }
  return {
    name,
    source: fromConfig ? 'config' : 'builtin',
    recommended: servers.filter((s) => configured.includes(s)),
    missing: servers.filter((s) => !configured.includes(s)),
  };
}

/** A server as the optimizer sees it. */
export interface ServerCost {
  name: string;
  /** Tokens its tool definitions add to every request. */
  token_cost: number;
  enabled: boolean;
}

/** What {@link planOptimization} recommends and what it saves. */
export interface OptimizationPlan {
  /** Servers to turn on: recommended and currently off. */
  enable: string[];
  /** Servers to turn off: on and not recommended. */
  disable: string[];
  /** Tool-definition tokens per request now (servers currently on). */
  tokens_before: number;
  /** Tool-definition tokens per request after the plan (the recommended servers). */
  tokens_after: number;
  /** `tokens_before - tokens_after`; negative when the plan turns on more than it turns off. */
  tokens_freed: number;
  /** Recommended names that are not among `servers`, so nothing can be done about them. */
  unknown: string[];
}

/**
 * Plans a switch to exactly the `recommended` servers: which to turn on and off, and the tokens
 * per request before and after.
 * @example
 * planOptimization({ servers: [{ name: 'fs', token_cost: 900, enabled: true },
 *   { name: 'web', token_cost: 4000, enabled: true }], recommended: ['fs'] })
 * // { enable: [], disable: ['web'], tokens_before: 4900, tokens_after: 900, tokens_freed: 4000, unknown: [] }
 */
export function planOptimization(input: {
  servers: readonly ServerCost[];
  recommended: readonly string[];
}): OptimizationPlan {
  const wanted = new Set(input.recommended);
  const sum = (list: readonly ServerCost[]) => list.reduce((total, s) => total + s.token_cost, 0);
  const tokens_before = sum(input.servers.filter((s) => s.enabled));
  const tokens_after = sum(input.servers.filter((s) => wanted.has(s.name)));
  const names = new Set(input.servers.map((s) => s.name));
  return {
    enable: input.servers.filter((s) => !s.enabled && wanted.has(s.name)).map((s) => s.name),
    disable: input.servers.filter((s) => s.enabled && !wanted.has(s.name)).map((s) => s.name),
    tokens_before,
    tokens_after,
    tokens_freed: tokens_before - tokens_after,
    unknown: [...wanted].filter((name) => !names.has(name)),
  };
}

/** By default a server a session has not used for an hour (of workflow time) is turned off. */
export const DEFAULT_MCP_IDLE_MS = 60 * 60 * 1000;

/** A server as the idle rule sees it. */
export interface ServerActivity {
  name: string;
  enabled: boolean;
  /** When the session last called one of its tools, or when it was enabled if never used (ms). */
  last_used_ms: number;
}

/**
 * The enabled servers that have been idle for at least `idle_ms` at `now_ms`.
 * @example idleServers({ servers: [{ name: 'fs', enabled: true, last_used_ms: 0 }], now_ms: 3_600_000, idle_ms: 3_600_000 }) // ['fs']
 */
export function idleServers(input: {
  servers: readonly ServerActivity[];
  now_ms: number;
  idle_ms: number;
}): string[] {
  return input.servers
    .filter((s) => s.enabled && input.now_ms - s.last_used_ms >= input.idle_ms)
    .map((s) => s.name);
}

/**
 * When the next enabled server becomes idle (ms), or null when none is enabled: what the
 * workflow's durable timer should wait for.
 */
export function nextIdleAt(input: { servers: readonly ServerActivity[]; idle_ms: number }): number | null {
  const times = input.servers.filter((s) => s.enabled).map((s) => s.last_used_ms + input.idle_ms);
  return times.length === 0 ? null : Math.min(...times);
}
