/** The pure MCP rules in src/domain: names, configuration, variables, overrides, profiles, optimization. */
import { describe, expect, it } from 'vitest';
import { McpConfigError } from '../../src/domain/mcp';
import { enabledMcpServers, parseMcpConfig, parseMcpServers, type McpConfig } from '../../src/domain/mcp';
import { describeMcpCommand, resolveMcpLaunch } from '../../src/domain/mcp';
import {
  isValidMcpServerName,
  mcpServerNameProblem,
  namespaceToolName,
  splitToolName,
} from '../../src/domain/mcp';
import { applyMcpOverrides } from '../../src/domain/mcp';
import {
  BUILTIN_MCP_PROFILES,
  DEFAULT_MCP_IDLE_MS,
  idleServers,
  nextIdleAt,
  planOptimization,
  resolveMcpProfile,
} from '../../src/domain/mcp';
import { UnknownMcpProfileError } from '../../src/domain/mcp';
import { expandVariables, variableSyntaxProblem } from '../../src/domain/mcp';

/** The problems a config error lists, or a failure when it does not throw one. */
function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof McpConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected an McpConfigError');
}

describe('server and tool names', () => {
  it.each(['filesystem', 'memory', 'sequential-thinking', 'my_server', 'a', 'GitHub2'])(
    'accepts %j',
    (name) => {
      expect(isValidMcpServerName(name)).toBe(true);
    },
  );

  it.each(['', 'my server', 'a__b', '_a', 'a_', 'ünicode', 'a.b', 'x'.repeat(33)])('rejects %j', (name) => {
    expect(mcpServerNameProblem(name)).toBeTypeOf('string');
  });

  it('namespaces tools as <server>__<tool> within Anthropic’s rule', () => {
    expect(namespaceToolName('filesystem', 'read_file')).toBe('filesystem__read_file');
    expect(namespaceToolName('fs', 'get.file')).toBeUndefined();
    expect(namespaceToolName('fs', 'x'.repeat(124))).toBe(`fs__${'x'.repeat(124)}`);
    expect(namespaceToolName('fs', 'x'.repeat(125))).toBeUndefined();
    expect(namespaceToolName('bad__server', 'x')).toBeUndefined();
  });

  it('splits a namespaced name back exactly, even when the tool name has underscores', () => {
    for (const [server, tool] of [
      ['memory', 'read_graph'],
      ['a', '_leading'],
      ['a-b_c', '__double__inside__'],
      ['x', 'y'],
    ] as const) {
      const name = namespaceToolName(server, tool);
      expect(name).toBeDefined();
      expect(splitToolName(name as string)).toEqual({ server, tool });
    }
  });

  it('does not split names that are not namespaced', () => {
    for (const name of ['enable_mcp_server', '__x', 'fs__', 'a b__c', 'x'.repeat(129)]) {
      expect(splitToolName(name)).toBeUndefined();
    }
  });
});

describe('${VAR} references', () => {
  it('expands variables and defaults like the shell', () => {
    const env = { HOME: '/home/me', EMPTY: '' };
    expect(expandVariables('${HOME}/x', env)).toEqual({ ok: true, text: '/home/me/x' });
    expect(expandVariables('${NOPE:-/tmp}/x', env)).toEqual({ ok: true, text: '/tmp/x' });
    expect(expandVariables('${EMPTY:-fallback}', env)).toEqual({ ok: true, text: 'fallback' });
    expect(expandVariables('${EMPTY}', env)).toEqual({ ok: true, text: '' });
    expect(expandVariables('plain $HOME text', env)).toEqual({ ok: true, text: 'plain $HOME text' });
    expect(expandVariables('${A}${B}${A}', {})).toEqual({ ok: false, missing: ['A', 'B'] });
  });

  it('finds malformed references', () => {
    expect(variableSyntaxProblem('${OK} and ${OK:-x}')).toBeUndefined();
    expect(variableSyntaxProblem('${API KEY}')).toMatch(/not a variable reference/);
    expect(variableSyntaxProblem('${UNCLOSED')).toMatch(/no closing/);
  });

  it('resolves a launch, naming missing variables and where they are used, never values', () => {
    const server = {
      command: '${BIN:-node}',
      args: ['--root', '${ROOT}'],
      env: { TOKEN: '${GH_TOKEN}', MODE: 'fixed' },
      cwd: '${ROOT}',
      disabled: false,
    };
    expect(resolveMcpLaunch(server, { ROOT: '/srv', GH_TOKEN: 's3cret' })).toEqual({
      ok: true,
      launch: {
        command: 'node',
        args: ['--root', '/srv'],
        env: { TOKEN: 's3cret', MODE: 'fixed' },
        cwd: '/srv',
      },
    });
    const missing = resolveMcpLaunch(server, { ROOT: '/srv' });
    expect(missing.ok).toBe(false);
    expect(!missing.ok && missing.problem).toContain('GH_TOKEN (used in env.TOKEN) is not set');
    expect(describeMcpCommand(server)).toBe('${BIN:-node} --root ${ROOT}');
    expect(describeMcpCommand({ command: 'npx', args: ['-y', 'a b'] })).toBe('npx -y "a b"');
  });
});

describe('parseMcpConfig', () => {
  it('reads the Claude Code format, with defaults filled in', () => {
    const config = parseMcpConfig(
      {
        mcpServers: {
          memory: {
            command: 'npx',
            args: ['-y', '@modelcontextprotocol/server-memory'],
            env: { MEMORY_FILE_PATH: '/m' },
          },
          fs: { type: 'stdio', command: 'mcp-server-filesystem', cwd: '/srv', disabled: true },
          remote: { type: 'http', url: 'https://example.com/mcp', headers: { Authorization: 'Bearer x' } },
        },
        profiles: { notes: ['memory', 'memory'] },
      },
      '.mcp.json',
    );
    expect(config.servers).toEqual({
      memory: {
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-memory'],
        env: { MEMORY_FILE_PATH: '/m' },
        disabled: false,
      },
      fs: { command: 'mcp-server-filesystem', args: [], env: {}, cwd: '/srv', disabled: true },
    });
    expect(config.profiles).toEqual({ notes: ['memory'] });
    expect(config.unsupported.map((u) => u.server)).toEqual(['remote']);
    expect(config.unsupported[0]?.reason).toContain("type 'http'");
    expect(enabledMcpServers(config)).toEqual(['memory']);
  });

  it('rejects a document that is not an object, or has the wrong top level', () => {
    expect(problemsOf(() => parseMcpConfig([], 'f.json'))).toEqual([
      'the file must hold a JSON object with "mcpServers", got an array',
    ]);
    expect(problemsOf(() => parseMcpConfig({ servers: {} }, 'f.json'))).toEqual([
      expect.stringMatching(
        /^servers: unknown top-level key; expected mcpServers and profiles \(VS Code spells it "servers"/,
      ),
      'mcpServers: missing: list the servers under "mcpServers"',
    ]);
    expect(problemsOf(() => parseMcpConfig({ mcpServers: ['a'] }, 'f.json'))[0]).toMatch(
      /^mcpServers: must be an object/,
    );
  });

  it('lists every problem at once, naming the server and field', () => {
    const err = (() => {
      try {
        parseMcpConfig(
          {
            mcpServers: {
              noCommand: { args: [] },
              badArgs: { command: 'x', args: ['ok', 3, null] },
              argsString: { command: 'x', args: '--verbose' },
              badEnv: { command: 'x', env: { TOKEN: 12345, OTHER: '${bad ref}' } },
              typo: { comand: 'x' },
              'bad name': { command: 'x' },
              notObject: 'npx server',
              badType: { type: 'grpc', command: 'x' },
              emptyCommand: { command: '  ' },
              badDisabled: { command: 'x', disabled: 'yes' },
            },
          },
          '/p/.mcp.json',
        );
      } catch (e) {
        return e as McpConfigError;
      }
      throw new Error('expected an error');
    })();
    expect(err).toBeInstanceOf(McpConfigError);
    expect(err.problems).toEqual([
      'mcpServers.noCommand.command: missing: name the program that starts the server',
      'mcpServers.badArgs.args[1]: must be a string, got a number',
      'mcpServers.badArgs.args[2]: must be a string, got null',
      'mcpServers.argsString.args: must be an array of strings, got a string',
      'mcpServers.badEnv.env.TOKEN: must be a string, got a number',
      'mcpServers.badEnv.env.OTHER: has a malformed ${…} reference',
      'mcpServers.typo.comand: unknown setting; a server takes type, command, args, env, cwd, disabled',
      'mcpServers.typo.command: missing: name the program that starts the server',
      expect.stringMatching(/^mcpServers: server name 'bad name' may only contain letters/),
      'mcpServers.notObject: must be an object with a "command", got a string',
      'mcpServers.badType.type: must be \'stdio\' (or absent), got "grpc"',
      'mcpServers.emptyCommand.command: is empty: name the program that starts the server',
      'mcpServers.badDisabled.disabled: must be true or false, got a string',
    ]);
    expect(err.message).toMatch(/^Invalid MCP configuration in \/p\/\.mcp\.json:\n {2}- /);
    // Env values may be secrets: never in the message.
    expect(err.message).not.toContain('12345');
    expect(err.message).not.toContain('bad ref');
  });

  it('rejects profiles that name unknown servers, listing the configured ones', () => {
    expect(
      problemsOf(() =>
        parseMcpConfig(
          { mcpServers: { fs: { command: 'x' } }, profiles: { review: ['fs', 'gihub'], 'bad name': [] } },
          'f',
        ),
      ),
    ).toEqual([
      "profiles.review[1]: unknown server 'gihub'; configured servers: fs",
      expect.stringMatching(/^profiles: profile name 'bad name'/),
    ]);
  });
});

describe('applyMcpOverrides', () => {
  const base: McpConfig = parseMcpConfig(
    {
      mcpServers: {
        fs: { command: 'fs-server' },
        memory: { command: 'memory-server' },
        github: { command: 'gh-server', disabled: true },
      },
    },
    '.mcp.json',
  );

  it('turns servers on and off for one session', () => {
    const merged = applyMcpOverrides(base, { enable: ['github'], disable: ['memory'] });
    expect(enabledMcpServers(merged)).toEqual(['fs', 'github']);
    // The base is untouched: other sessions keep their configuration.
    expect(enabledMcpServers(base)).toEqual(['fs', 'memory']);
  });

  it('adds and replaces server definitions, validated like the file', () => {
    const merged = applyMcpOverrides(base, {
      servers: { scratch: { command: 'scratch-server', args: ['--x'] }, fs: { command: 'other-fs' } },
      disable: ['scratch'],
    });
    expect(merged.servers.fs?.command).toBe('other-fs');
    expect(merged.servers.scratch).toEqual({
      command: 'scratch-server',
      args: ['--x'],
      env: {},
      disabled: true,
    });
    expect(problemsOf(() => applyMcpOverrides(base, { servers: { x: { args: [] } } }))).toEqual([
      'servers.x.command: missing: name the program that starts the server',
    ]);
  });

  it('rejects unknown names with the list of known servers, and a name in both lists', () => {
    const problems = problemsOf(() =>
      applyMcpOverrides(base, { enable: ['githb', 'fs'], disable: ['fs', 7 as unknown as string] }),
    );
    expect(problems).toEqual([
      "enable: unknown MCP server 'githb'; configured servers: fs, memory, github",
      "disable: unknown MCP server '7'; configured servers: fs, memory, github",
      "'fs' is in both enable and disable; keep it in one",
    ]);
    expect(() => applyMcpOverrides(base, { enable: ['nope'] })).toThrow(
      /Invalid MCP configuration in session overrides/,
    );
  });

  it('refuses remote servers in session definitions', () => {
    expect(
      problemsOf(() => parseMcpServers({ web: { type: 'sse', url: 'https://x' } }, 'session overrides')),
    ).toEqual([expect.stringMatching(/^servers\.web: type 'sse' \(a remote server\) is not supported yet/)]);
  });
});

describe('task profiles', () => {
  it('has the built-in profiles', () => {
    expect(Object.keys(BUILTIN_MCP_PROFILES).sort()).toEqual(['browser-testing', 'code-analysis', 'docs']);
  });

  it('resolves a built-in profile against the configured servers', () => {
    expect(resolveMcpProfile('code-analysis', {}, ['memory', 'filesystem', 'playwright'])).toEqual({
      name: 'code-analysis',
      source: 'builtin',
      recommended: ['filesystem', 'memory'],
      missing: ['git', 'github', 'sequential-thinking'],
    });
  });

  it('prefers a profile from the configuration file', () => {
    expect(resolveMcpProfile('docs', { docs: ['wiki'] }, ['wiki', 'filesystem'])).toMatchObject({
      source: 'config',
      recommended: ['wiki'],
    });
    expect(resolveMcpProfile('review', { review: ['fs'] }, ['fs']).recommended).toEqual(['fs']);
  });

  it('rejects an unknown profile, listing the known ones', () => {
    try {
      resolveMcpProfile('testing', { review: [] }, []);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UnknownMcpProfileError);
      expect((err as Error).message).toBe(
        "Unknown task profile 'testing'. Known profiles: browser-testing, code-analysis, docs, review. " +
          'Add your own under "profiles" in the MCP configuration file.',
      );
    }
  });
});

describe('planOptimization', () => {
  const servers = [
    { name: 'filesystem', token_cost: 1_775, enabled: true },
    { name: 'memory', token_cost: 942, enabled: true },
    { name: 'playwright', token_cost: 5_210, enabled: true },
    { name: 'github', token_cost: 8_400, enabled: false },
  ];

  it('turns off what the task does not need and reports the tokens freed', () => {
    expect(planOptimization({ servers, recommended: ['filesystem', 'memory', 'git'] })).toEqual({
      enable: [],
      disable: ['playwright'],
      tokens_before: 1_775 + 942 + 5_210,
      tokens_after: 1_775 + 942,
      tokens_freed: 5_210,
      unknown: ['git'],
    });
  });

  it('turns on recommended servers that are off; freed tokens go negative when the plan adds more', () => {
    const plan = planOptimization({ servers, recommended: ['github'] });
    expect(plan).toMatchObject({ enable: ['github'], disable: ['filesystem', 'memory', 'playwright'] });
    expect(plan.tokens_before).toBe(7_927);
    expect(plan.tokens_after).toBe(8_400);
    expect(plan.tokens_freed).toBe(-473);
  });

  it('changes nothing when the enabled servers are exactly the recommended ones', () => {
    const plan = planOptimization({
      servers: servers.slice(0, 3),
      recommended: ['filesystem', 'memory', 'playwright'],
    });
    expect(plan).toEqual({
      enable: [],
      disable: [],
      tokens_before: 7_927,
      tokens_after: 7_927,
      tokens_freed: 0,
      unknown: [],
    });
  });

  it('handles no servers at all', () => {
    expect(planOptimization({ servers: [], recommended: [] })).toEqual({
      enable: [],
      disable: [],
      tokens_before: 0,
      tokens_after: 0,
      tokens_freed: 0,
      unknown: [],
    });
  });
});

describe('idle servers', () => {
  const hour = DEFAULT_MCP_IDLE_MS;
  const servers = [
    { name: 'fs', enabled: true, last_used_ms: 0 },
    { name: 'memory', enabled: true, last_used_ms: 30 * 60_000 },
    { name: 'github', enabled: false, last_used_ms: 0 },
  ];

  it('defaults to one hour', () => {
    expect(DEFAULT_MCP_IDLE_MS).toBe(3_600_000);
  });

  it('finds enabled servers idle for at least the idle time', () => {
    expect(idleServers({ servers, now_ms: hour - 1, idle_ms: hour })).toEqual([]);
    expect(idleServers({ servers, now_ms: hour, idle_ms: hour })).toEqual(['fs']);
    expect(idleServers({ servers, now_ms: 2 * hour, idle_ms: hour })).toEqual(['fs', 'memory']);
  });

  it('says when the next enabled server goes idle, for a durable timer', () => {
    expect(nextIdleAt({ servers, idle_ms: hour })).toBe(hour);
    expect(nextIdleAt({ servers: servers.slice(1), idle_ms: hour })).toBe(30 * 60_000 + hour);
    expect(nextIdleAt({ servers: [servers[2]!], idle_ms: hour })).toBeNull();
  });
});
