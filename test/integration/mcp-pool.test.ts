/**
 * The MCP client pool against real servers: the published filesystem and memory servers, and
 * baton's own test server for crashes and slow calls. No mocks: every call crosses a real stdio pipe.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  McpPoolClosedError,
  isMcpServerCrashError,
  isMcpServerStartError,
  isMcpTimeoutError,
  UnknownMcpServerError,
  loadMcpConfig,
  McpClientPool,
} from '../../src/mcp';
import type { McpServerConfig } from '../../src/domain/mcp';
import {
  createMcpFixture,
  isRunning,
  MISSING_COMMAND,
  TEST_SERVER,
  type McpFixture,
} from '../fixtures/mcp-fixture';
import { waitUntil } from '../support/wait-until';

let fixture: McpFixture;
let servers: Record<string, McpServerConfig>;
/** The pool most tests share; a test that needs a pool's first moments or its end gets its own. */
let pool: McpClientPool;
const stderrLines: string[] = [];

/** A pool of its own over the same servers, closed after `use`. */
async function withOwnPool(use: (own: McpClientPool) => Promise<void>): Promise<void> {
  const own = new McpClientPool({ servers, env: {} });
  try {
    await use(own);
  } finally {
    await own.close();
  }
}

beforeAll(async () => {
  fixture = createMcpFixture();
  const { config } = await loadMcpConfig({ file: fixture.configPath, env: {} });
  servers = config.servers;
  pool = new McpClientPool({
    servers,
    env: {},
    onStderr: (server, line) => stderrLines.push(`${server}: ${line}`),
  });
});

afterAll(async () => {
  await pool.close();
  fixture.cleanup();
});

describe('McpClientPool with real servers', () => {
  it('starts servers lazily, each on its first use', async () => {
    await withOwnPool(async (own) => {
      expect(own.serverNames).toEqual(['filesystem', 'memory', 'testkit', 'broken']);
      expect(own.snapshot()).toEqual([]);
      await own.listTools('memory');
      expect(own.snapshot().map((c) => c.server)).toEqual(['memory']);
    });
  });

  it('lists the tools of the filesystem and memory servers', async () => {
    await withOwnPool(async (own) => {
      const [files, memory] = await Promise.all([own.listTools('filesystem'), own.listTools('memory')]);
      expect(files.map((t) => t.name)).toEqual(
        expect.arrayContaining(['read_text_file', 'write_file', 'list_directory']),
      );
      expect(memory.map((t) => t.name)).toEqual(
        expect.arrayContaining(['create_entities', 'read_graph', 'search_nodes']),
      );
      expect(
        own
          .snapshot()
          .map((c) => c.server)
          .sort(),
      ).toEqual(['filesystem', 'memory']);
    });
  });

  it('calls a filesystem tool and a memory tool', async () => {
    fs.writeFileSync(path.join(fixture.filesRoot, 'hello.txt'), 'hello from baton\n');
    const read = await pool.callTool('filesystem', 'read_text_file', {
      path: path.join(fixture.filesRoot, 'hello.txt'),
    });
    expect(read.isError).toBeFalsy();
    expect(read.content).toEqual([{ type: 'text', text: 'hello from baton\n' }]);

    await pool.callTool('memory', 'create_entities', {
      entities: [{ name: 'baton', entityType: 'project', observations: ['runs sessions on Temporal'] }],
    });
    const found = await pool.callTool('memory', 'search_nodes', { query: 'baton' });
    expect(JSON.stringify(found.content)).toContain('runs sessions on Temporal');
    expect(fs.readFileSync(fixture.memoryFile, 'utf8')).toContain('runs sessions on Temporal');
  });

  it('shares one connection among concurrent callers', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => pool.callTool('testkit', 'pid', {})));
    const servedBy = new Set(answers.map((a) => JSON.stringify(a.content)));
    expect(servedBy.size).toBe(1);
    expect(pool.snapshot().filter((c) => c.server === 'testkit')).toHaveLength(1);
  });

  it('returns tool errors as results, not exceptions', async () => {
    const missing = await pool.callTool('filesystem', 'read_text_file', {
      path: path.join(fixture.filesRoot, 'nope.txt'),
    });
    expect(missing.isError).toBe(true);
    expect(JSON.stringify(missing.content)).toContain('ENOENT');
    const fail = await pool.callTool('testkit', 'fail', {});
    expect(fail).toMatchObject({
      isError: true,
      content: [{ type: 'text', text: 'this tool always fails' }],
    });
  });

  it('reports a crash mid-call naming the server, then starts the server again on the next call', async () => {
    const before = await pool.callTool('testkit', 'pid', {});
    const error = await pool.callTool('testkit', 'crash', {}).catch((e: unknown) => e);
    expect(isMcpServerCrashError(error)).toBe(true);
    expect((error as Error).message).toMatch(/MCP server 'testkit' exited while calling tool 'crash'/);
    expect((error as Error).message).toContain('crashing on purpose');

    const after = await pool.callTool('testkit', 'pid', {});
    expect(after.content).not.toEqual(before.content);
  });

  it('starts a server again after it was killed from outside, for listTools too', async () => {
    await pool.callTool('memory', 'create_entities', {
      entities: [{ name: 'restart-witness', entityType: 'note', observations: ['outlives its server'] }],
    });
    const victim = pool.snapshot().find((c) => c.server === 'memory')?.pid;
    expect(victim).toBeTypeOf('number');
    process.kill(victim as number, 'SIGKILL');
    await expect.poll(() => pool.snapshot().some((c) => c.pid === victim), { timeout: 30_000 }).toBe(false);
    const tools = await pool.listTools('memory');
    expect(tools.length).toBeGreaterThan(0);
    const graph = await pool.callTool('memory', 'read_graph', {});
    // The memory server keeps its graph in the file, so the restarted process still knows it.
    expect(JSON.stringify(graph.content)).toContain('outlives its server');
  });

  it('fails only the server whose command does not exist, naming it and the command', async () => {
    const error = await pool.listTools('broken').catch((e: unknown) => e);
    expect(isMcpServerStartError(error)).toBe(true);
    expect((error as Error).message).toContain(
      `MCP server 'broken' could not start (command: ${MISSING_COMMAND} --stdio)`,
    );
    expect((error as Error).message).toMatch(/not found/);
    expect(isMcpServerStartError(error) && error.retryable).toBe(false);
    await expect(pool.callTool('broken', 'anything', {})).rejects.toThrow(/'broken' could not start/);
    // The others are unaffected.
    expect((await pool.listTools('filesystem')).length).toBeGreaterThan(0);
  });

  it('explains a server that exits during startup with its stderr', async () => {
    const exiting = new McpClientPool({
      servers: {
        early: {
          ...TEST_SERVER,
          env: { MCP_TEST_EXIT_ON_START: 'cannot open /no/such/folder' },
          disabled: false,
        },
      },
      env: {},
    });
    try {
      const error = await exiting.listTools('early').catch((e: unknown) => e);
      expect(isMcpServerStartError(error)).toBe(true);
      expect((error as Error).message).toMatch(/exited before completing the MCP handshake/);
      expect((error as Error).message).toContain('cannot open /no/such/folder');
    } finally {
      await exiting.close();
    }
  });

  it('gives up on a server that never completes the handshake, and stops its process', async () => {
    const pidFile = path.join(fixture.dir, 'silent.pid');
    const silent = new McpClientPool({
      servers: {
        silent: {
          command: process.execPath,
          args: [
            '-e',
            `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000)`,
          ],
          env: {},
          disabled: false,
        },
      },
      env: {},
      connectTimeoutMs: 500,
    });
    try {
      const error = await silent.listTools('silent').catch((e: unknown) => e);
      expect(isMcpServerStartError(error)).toBe(true);
      expect((error as Error).message).toMatch(
        /'silent' could not start .*did not complete the MCP handshake within 500 ms/,
      );
      const pid = Number(fs.readFileSync(pidFile, 'utf8'));
      expect(isRunning(pid)).toBe(false);
    } finally {
      await silent.close();
    }
  });

  it('times a slow call out, keeps the connection, and cancels through an AbortSignal', async () => {
    const error = await pool
      .callTool('testkit', 'slow', { ms: 10_000 }, { timeoutMs: 200 })
      .catch((e: unknown) => e);
    expect(isMcpTimeoutError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /'testkit' did not answer within 200 ms while calling tool 'slow'/,
    );

    const controller = new AbortController();
    const reason = new Error('stop');
    const calling = pool.callTool('testkit', 'slow', { ms: 600_003 }, { signal: controller.signal });
    await waitUntil(() => stderrLines.includes('testkit: slow: waiting 600003 ms'), Boolean, {
      what: 'the call reaching the server',
    });
    controller.abort(reason);
    await expect(calling).rejects.toBe(reason);
    // The server heard about it (notifications/cancelled) and stopped waiting.
    await waitUntil(
      () => stderrLines.includes('testkit: slow: cancelled by the client (600003 ms)'),
      Boolean,
      { what: "the server's note that the call was cancelled" },
    );
    expect((await pool.callTool('testkit', 'echo', { text: 'still here' })).content).toEqual([
      { type: 'text', text: 'still here' },
    ]);
  });

  it('rejects an unknown server, listing the configured ones', async () => {
    const error = await pool.listTools('nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownMcpServerError);
    expect((error as Error).message).toContain('Configured servers: filesystem, memory, testkit, broken');
  });

  it('expands ${VAR} from the given environment and never puts the value in an error', async () => {
    const secretive = new McpClientPool({
      servers: {
        gh: {
          command: `${MISSING_COMMAND}-\${SUFFIX}`,
          args: [],
          env: { TOKEN: '${SECRET_TOKEN}' },
          disabled: false,
        },
        unset: { command: 'node', args: [], env: { TOKEN: '${BATON_TEST_UNSET_VARIABLE}' }, disabled: false },
      },
      env: { SECRET_TOKEN: 'hunter2-secret', SUFFIX: 'x' },
    });
    try {
      const gh = await secretive.listTools('gh').catch((e: unknown) => e);
      expect((gh as Error).message).toContain(`${MISSING_COMMAND}-\${SUFFIX}`);
      expect((gh as Error).message).not.toContain('hunter2');
      const unset = await secretive.listTools('unset').catch((e: unknown) => e);
      expect(isMcpServerStartError(unset) && !unset.retryable).toBe(true);
      expect((unset as Error).message).toContain(
        'environment variable BATON_TEST_UNSET_VARIABLE (used in env.TOKEN) is not set',
      );
    } finally {
      await secretive.close();
    }
  });

  it('stops every child process on close() and refuses requests afterwards', async () => {
    const own = new McpClientPool({ servers, env: {} });
    await Promise.all(['filesystem', 'memory', 'testkit'].map((name) => own.listTools(name)));
    const pids = own.snapshot().flatMap((c) => (c.pid === null ? [] : [c.pid]));
    expect(pids).toHaveLength(3);
    await own.close();
    for (const pid of pids) expect(isRunning(pid), `process ${pid} still running`).toBe(false);
    expect(own.snapshot()).toEqual([]);
    const error = await own.listTools('memory').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpPoolClosedError);
  });
});
