/**
 * The MCP activities against real servers, run in Temporal's activity test environment (a real
 * activity Context: heartbeats, cancellation). Token costs are checked independently with the
 * local tokenizer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMcpActivities,
  type CallMcpToolInput,
  type CallMcpToolResult,
  type ListMcpToolsInput,
  type ListMcpToolsResult,
  type McpActivities,
} from '../../src/activities/mcp-activities';
import { splitToolName } from '../../src/domain/mcp';
import { McpFailureType } from '../../src/domain/mcp';
import {
  isMcpServerTools,
  loadMcpConfig,
  McpClientPool,
  TOOL_COST_BASELINE,
  type McpServerFailure,
  type McpServerTools,
  type McpTokenCounter,
} from '../../src/mcp';
import { countMessagesTokens, countTextTokens } from '../../src/model';
import { createMcpFixture, isRunning, type McpFixture } from '../fixtures/mcp-fixture';
import { waitUntil } from '../support/wait-until';

let fixture: McpFixture;
let pool: McpClientPool;
let activities: McpActivities;
/** What the servers wrote to stderr, one line each as `<server>: <line>`. */
const stderrLines: string[] = [];
const countTokens: McpTokenCounter = (request) => Promise.resolve(countMessagesTokens(request));

beforeAll(async () => {
  fixture = createMcpFixture();
  const { config } = await loadMcpConfig({ file: fixture.configPath, env: {} });
  pool = new McpClientPool({
    servers: config.servers,
    env: {},
    onStderr: (server, line) => stderrLines.push(`${server}: ${line}`),
  });
  activities = createMcpActivities({ pool, countTokens, heartbeatIntervalMs: 50 });
});

afterAll(async () => {
  const pids = pool.snapshot().flatMap((c) => (c.pid === null ? [] : [c.pid]));
  await pool.close();
  for (const pid of pids) expect(isRunning(pid)).toBe(false);
  fixture.cleanup();
});

/** An activity context whose logger keeps expected failures out of the test output. */
const activityEnvironment = () =>
  new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });

// MockActivityEnvironment.run cannot infer an activity's result type, hence the type arguments.
const list = (input: ListMcpToolsInput = {}): Promise<ListMcpToolsResult> =>
  activityEnvironment().run<[ListMcpToolsInput], ListMcpToolsResult, McpActivities['listMcpTools']>(
    activities.listMcpTools,
    input,
  );
const call = (input: CallMcpToolInput): Promise<CallMcpToolResult> =>
  activityEnvironment().run<[CallMcpToolInput], CallMcpToolResult, McpActivities['callMcpTool']>(
    activities.callMcpTool,
    input,
  );

/** Runs an activity that must fail and returns its ApplicationFailure. */
async function failure(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

describe('listMcpTools', () => {
  it('lists both real servers with positive token costs equal to the measured difference', async () => {
    const result = await list({ servers: ['filesystem', 'memory'] });
    expect(result.model).toBe('claude-sonnet-4-6');
    const [files, memory] = result.servers as McpServerTools[];
    for (const [listing, server] of [
      [files, 'filesystem'],
      [memory, 'memory'],
    ] as const) {
      expect(isMcpServerTools(listing!)).toBe(true);
      expect(listing!.server).toBe(server);
      expect(listing!.tool_count).toBe(listing!.tools.length);
      expect(listing!.token_cost).toBeGreaterThan(0);
      // Independently: the difference the tokenizer sees between the request with and without them,
      // which for the local counter is exactly the tokens of each definition's JSON.
      const withTools = countMessagesTokens({ messages: TOOL_COST_BASELINE, tools: listing!.tools });
      const without = countMessagesTokens({ messages: TOOL_COST_BASELINE });
      expect(listing!.token_cost).toBe(withTools - without);
      expect(listing!.token_cost).toBe(
        listing!.tools.reduce((t, tool) => t + countTextTokens(JSON.stringify(tool)), 0),
      );
      for (const tool of listing!.tools) {
        expect(tool.name).toMatch(/^[a-zA-Z0-9_-]{1,128}$/);
        expect(splitToolName(tool.name)?.server).toBe(server);
        expect(tool.input_schema.type).toBe('object');
      }
    }
    expect(files!.tools.map((t) => t.name)).toContain('filesystem__read_text_file');
    expect(memory!.tools.map((t) => t.name)).toContain('memory__create_entities');
    expect(result.total_token_cost).toBe(files!.token_cost + memory!.token_cost);
    console.log(
      `token cost: filesystem ${files!.tool_count} tools = ${files!.token_cost} tokens, ` +
        `memory ${memory!.tool_count} tools = ${memory!.token_cost} tokens (local tokenizer)`,
    );
  });

  it('lists every server by default, with the one that cannot start as an error', async () => {
    const result = await list({});
    expect(result.servers.map((s) => s.server)).toEqual(['filesystem', 'memory', 'testkit', 'broken']);
    const broken = result.servers[3] as McpServerFailure;
    expect(Object.keys(broken)).toEqual(['server', 'error']);
    expect(broken.error).toMatch(
      /MCP server 'broken' could not start \(command: baton-test-no-such-mcp-server --stdio\)/,
    );
    expect(result.servers.slice(0, 3).every(isMcpServerTools)).toBe(true);
  });

  it('rejects an unknown server name without retrying, listing the configured ones', async () => {
    const f = await failure(list({ servers: ['filesystem', 'githb'] }));
    expect(f.type).toBe(McpFailureType.UnknownServer);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toBe(
      "Unknown MCP server 'githb'. Configured servers: filesystem, memory, testkit, broken.",
    );
  });
});

describe('callMcpTool', () => {
  it('reads a file through the filesystem server', async () => {
    const file = path.join(fixture.filesRoot, 'notes.txt');
    fs.writeFileSync(file, 'line one\nline two\n');
    const result = await call({
      server: 'filesystem',
      tool: 'read_text_file',
      input: { path: file },
    });
    expect(result).toEqual({
      content: 'line one\nline two\n',
      is_error: false,
      truncated: false,
      original_chars: 18,
    });
  });

  it('stores and finds an entity through the memory server, which writes its file', async () => {
    await call({
      server: 'memory',
      tool: 'create_entities',
      input: { entities: [{ name: 'Temporal', entityType: 'system', observations: ['durable execution'] }] },
    });
    const found = await call({
      server: 'memory',
      tool: 'open_nodes',
      input: { names: ['Temporal'] },
    });
    expect(found.is_error).toBe(false);
    expect(found.content).toContain('durable execution');
    expect(fs.readFileSync(fixture.memoryFile, 'utf8')).toContain('durable execution');
  });

  it('returns a tool error as an error result, not a failure', async () => {
    const missing = await call({
      server: 'filesystem',
      tool: 'read_text_file',
      input: { path: path.join(fixture.filesRoot, 'missing.txt') },
    });
    expect(missing.is_error).toBe(true);
    expect(missing.content).toMatch(/ENOENT: no such file or directory/);

    const fail = await call({ server: 'testkit', tool: 'fail', input: {} });
    expect(fail).toMatchObject({ is_error: true, content: 'this tool always fails' });

    const badArgs = await call({ server: 'testkit', tool: 'echo', input: { text: 42 } });
    expect(badArgs.is_error).toBe(true);
    expect(badArgs.content).toMatch(/Input validation error/);
  });

  it('truncates a huge result to max_result_chars and says how much was cut', async () => {
    const file = path.join(fixture.filesRoot, 'big.txt');
    fs.writeFileSync(file, 'x'.repeat(150_000));
    const cut = await call({
      server: 'filesystem',
      tool: 'read_text_file',
      input: { path: file },
    });
    expect(cut.truncated).toBe(true);
    expect(cut.original_chars).toBe(150_000);
    expect(cut.content.length).toBeLessThanOrEqual(20_000);
    expect(cut.content).toMatch(
      /\[baton: tool result truncated\. Showing the first 19,\d{3} of 150,000 characters; 13\d,\d{3} characters were cut\./,
    );

    const small = await call({
      server: 'testkit',
      tool: 'big',
      input: { chars: 50_000 },
      max_result_chars: 5_000,
    });
    expect(small).toMatchObject({ truncated: true, original_chars: 50_000, is_error: false });
    expect(small.content.length).toBeLessThanOrEqual(5_000);
    expect(small.content.startsWith('0123456789')).toBe(true);
  });

  it('rejects an unknown server and an unknown tool without retrying, listing what exists', async () => {
    const server = await failure(call({ server: 'nope', tool: 'x', input: {} }));
    expect(server).toMatchObject({ type: 'UnknownMcpServer', nonRetryable: true });
    expect(server.message).toContain('Configured servers: filesystem, memory, testkit, broken');

    const tool = await failure(call({ server: 'memory', tool: 'delete_everything', input: {} }));
    expect(tool).toMatchObject({ type: 'UnknownMcpTool', nonRetryable: true });
    expect(tool.message).toMatch(
      /MCP server 'memory' has no tool 'delete_everything'\. Its tools: create_entities, .*read_graph/,
    );
  });

  it('fails a call to a server that cannot start, while the others keep working', async () => {
    const f = await failure(call({ server: 'broken', tool: 'anything', input: {} }));
    expect(f.type).toBe(McpFailureType.ServerStartFailed);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toMatch(
      /MCP server 'broken' could not start \(command: baton-test-no-such-mcp-server --stdio\)/,
    );
    const ok = await call({ server: 'testkit', tool: 'echo', input: { text: 'fine' } });
    expect(ok.content).toBe('fine');
  });

  it('fails retryably when the server crashes mid-call, and the next call works', async () => {
    const before = await call({ server: 'testkit', tool: 'pid', input: {} });
    const f = await failure(call({ server: 'testkit', tool: 'crash', input: {} }));
    expect(f.type).toBe(McpFailureType.ServerCrashed);
    expect(f.nonRetryable).toBe(false);
    expect(f.message).toMatch(/MCP server 'testkit' exited while calling tool 'crash'/);
    const after = await call({ server: 'testkit', tool: 'pid', input: {} });
    expect(after.is_error).toBe(false);
    expect(after.content).not.toBe(before.content);
  });

  it('heartbeats while a call runs', async () => {
    const env = activityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (details: unknown) => beats.push(details));
    const running = env
      .run<[CallMcpToolInput], CallMcpToolResult, McpActivities['callMcpTool']>(activities.callMcpTool, {
        server: 'testkit',
        tool: 'slow',
        input: { ms: 600_001 },
      })
      .catch((e: unknown) => e);
    await waitUntil(
      () => beats.length,
      (n) => n >= 3,
      { what: 'three heartbeats from a running call' },
    );
    expect(beats[0]).toEqual({ server: 'testkit', tool: 'slow' });
    env.cancel('CANCELLED');
    expect(await running).toBeInstanceOf(CancelledFailure);
  });

  it('cancels the MCP request when the activity is cancelled', async () => {
    const env = activityEnvironment();
    const running = env.run(activities.callMcpTool, {
      server: 'testkit',
      tool: 'slow',
      input: { ms: 600_002 },
    });
    await waitUntil(() => stderrLines.includes('testkit: slow: waiting 600002 ms'), Boolean, {
      what: 'the call reaching the server',
    });
    env.cancel('CANCELLED');
    await expect(running).rejects.toBeInstanceOf(CancelledFailure);
    // The server heard about it (notifications/cancelled) and stopped waiting.
    await waitUntil(
      () => stderrLines.includes('testkit: slow: cancelled by the client (600002 ms)'),
      Boolean,
      { what: "the server's note that the call was cancelled" },
    );
  });

  it('fails retryably when the server does not answer in time', async () => {
    const f = await failure(call({ server: 'testkit', tool: 'slow', input: { ms: 5_000 }, timeout_ms: 150 }));
    expect(f).toMatchObject({ type: McpFailureType.Timeout, nonRetryable: false });
  });

  it('rejects malformed input without retrying', async () => {
    const f = await failure(call({ server: 'testkit', tool: 'echo', input: {}, max_result_chars: 10 }));
    expect(f).toMatchObject({ type: McpFailureType.InvalidInput, nonRetryable: true });
    const g = await failure(
      call({
        server: 'testkit',
        tool: 'echo',
        input: ['not', 'an', 'object'] as unknown as Record<string, unknown>,
      }),
    );
    expect(g.message).toMatch(/must be a JSON object/);
  });

  it('uses a session-defined server when the input carries its definition', async () => {
    const result = await call({
      server: 'scratch',
      tool: 'echo',
      input: { text: 'defined per session' },
      definition: {
        command: process.execPath,
        args: pool.serverConfig('testkit').args,
        env: {},
        cwd: pool.serverConfig('testkit').cwd!,
        disabled: false,
      },
    });
    expect(result.content).toBe('defined per session');
  });
});
