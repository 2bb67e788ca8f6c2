import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Usage } from '../../src/domain/session';
import { loadMcpConfig } from '../../src/mcp';
import { createMcpFixture, type McpFixture } from '../fixtures/mcp-fixture';
import { runCli } from '../support/run-cli';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';

let env: TestEnvironment;
let fixture: McpFixture;
beforeAll(async () => {
  fixture = createMcpFixture(['filesystem', 'memory', 'testkit', 'broken']);
  // Parsed as the worker parses a .mcp.json, so the test runs the same configuration path.
  const { config } = await loadMcpConfig({ file: fixture.configPath, env: {} });
  env = await startTestEnvironment({ mcpServers: { ...config.servers } });
});
afterAll(async () => {
  await env?.teardown();
  fixture?.cleanup();
});

/** Every input token of a call: uncached, written to and read from the prompt cache. */
const allInput = (u: Usage) => u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens;

const useTool = (name: string, input: unknown) =>
  `Please do it. [[use_tool=${name} ${JSON.stringify(input)}]]`;

describe('tool use in a session, against real MCP servers', () => {
  it('offers the servers’ tools, runs a call as an activity and gives the result back', async () => {
    const file = path.join(fixture.filesRoot, 'notes.txt');
    fs.writeFileSync(file, 'The launch is on Tuesday.');
    const { session_id, status } = await env.baton.sessions.start({
      task: 'read notes',
      mcp_servers: ['filesystem', 'memory'],
    });
    const servers = status.mcp!.servers;
    expect(servers.map((s) => [s.name, s.enabled])).toEqual([
      ['filesystem', true],
      ['memory', true],
    ]);
    expect(servers.every((s) => s.token_cost > 0 && s.tool_count > 0)).toBe(true);
    expect(status.mcp!.tokens_per_request).toBe(servers[0]!.token_cost + servers[1]!.token_cost);

    const reply = await env.baton.sessions.send(
      session_id,
      useTool('filesystem__read_text_file', { path: file }),
    );
    expect(reply.tool_calls).toEqual([
      { server: 'filesystem', tool: 'read_text_file', is_error: false, truncated: false, result_chars: 25 },
    ]);
    expect(reply.reply).toContain('The launch is on Tuesday.');
    // Tool definitions are part of every request's input (most of it from the prompt cache).
    expect(allInput(reply.usage)).toBeGreaterThan(status.mcp!.tokens_per_request);

    const after = await env.baton.sessions.status(session_id);
    const fs1 = after.mcp!.servers.find((s) => s.name === 'filesystem')!;
    expect(fs1).toMatchObject({ calls: 1, errors: 0 });
    expect(fs1.last_used).not.toBeNull();
    // The tool result is stored as temporary context, right after the call.
    const pathNodes = await env.store.path(after.head!);
    const resultNode = pathNodes.find((n) => n.content.some((b) => b.type === 'tool_result'));
    expect(resultNode?.meta.class).toBe('temporary');
    // Each tool call is an activity whose summary names it in the Temporal UI.
    const history = await env.baton.temporal.workflow.getHandle(session_id).fetchHistory();
    const summaries = (history.events ?? []).flatMap((e) => {
      const data = e.activityTaskScheduledEventAttributes ? e.userMetadata?.summary?.data : undefined;
      return data ? [JSON.parse(Buffer.from(data).toString('utf8')) as string] : [];
    });
    expect(summaries).toEqual(
      expect.arrayContaining([
        'model: turn 1',
        'tool: filesystem.read_text_file',
        'model: turn 1, after tool round 1',
      ]),
    );
    // Tool definitions stay in the worker: the listing at the start carries counts and costs only.
    const listed = (history.events ?? []).find((e) => e.activityTaskCompletedEventAttributes)!;
    expect(JSON.stringify(history).length).toBeLessThan(40_000);
    expect(listed).toBeDefined();
  });

  it('starts a session that names an unknown server, with that server marked unavailable', async () => {
    const { session_id, status } = await env.baton.sessions.start({
      task: 'typo',
      mcp_servers: ['filesystem', 'filesytem'],
    });
    expect(status.mcp!.servers.map((s) => s.enabled)).toEqual([false, false]);
    expect(status.mcp!.servers[1]!.error).toMatch(/filesytem/);
    expect((await env.baton.sessions.send(session_id, 'still works')).turn).toBe(1);
  });

  it('gives tool errors back to the model, truncates huge output, and survives a crashing server', async () => {
    const big = path.join(fixture.filesRoot, 'big.txt');
    fs.writeFileSync(big, 'x'.repeat(50_000));
    const { session_id } = await env.baton.sessions.start({
      task: 'bad tools',
      mcp_servers: ['filesystem', 'testkit', 'broken'],
      settings: { max_tool_result_chars: 2_000 },
    });
    const status = await env.baton.sessions.status(session_id);
    const broken = status.mcp!.servers.find((s) => s.name === 'broken')!;
    expect(broken).toMatchObject({ enabled: false, disabled_reason: 'unavailable' });
    expect(broken.error).toMatch(/broken/);

    const missing = await env.baton.sessions.send(
      session_id,
      useTool('filesystem__read_text_file', { path: path.join(fixture.filesRoot, 'missing.txt') }),
    );
    expect(missing.tool_calls?.[0]).toMatchObject({ is_error: true });
    expect(missing.reply).toMatch(/Tool error received/);

    const huge = await env.baton.sessions.send(
      session_id,
      useTool('filesystem__read_text_file', { path: big }),
    );
    expect(huge.tool_calls?.[0]).toMatchObject({ is_error: false, truncated: true, result_chars: 50_000 });
    const node = (await env.store.path(huge.head)).findLast((n) =>
      n.content.some((b) => b.type === 'tool_result'),
    )!;
    const text = node.content[0]!.type === 'tool_result' ? node.content[0]!.content : '';
    expect(text.length).toBeLessThanOrEqual(2_000);
    expect(node.meta.class).toBe('temporary');

    const crash = await env.baton.sessions.send(session_id, useTool('testkit__crash', {}));
    expect(crash.tool_calls?.[0]).toMatchObject({ server: 'testkit', tool: 'crash', is_error: true });
    expect(crash.reply).toMatch(/Tool error received/);
    // The session is still usable, and the pool reconnects to the server afterwards.
    const echo = await env.baton.sessions.send(session_id, useTool('testkit__echo', { text: 'still alive' }));
    expect(echo.tool_calls?.[0]).toMatchObject({ is_error: false });
    expect(echo.reply).toContain('still alive');
  }, 60_000);

  it('stops a model that keeps calling tools at the round limit, and makes it answer without tools', async () => {
    const { session_id } = await env.baton.sessions.start({
      task: 'tool loop',
      mcp_servers: ['testkit'],
      settings: { max_tool_rounds: 2 },
    });
    env.model.clearRequests();
    const reply = await env.baton.sessions.send(
      session_id,
      `${useTool('testkit__echo', { text: 'again' })} [[repeat_tool]]`,
    );
    // Two rounds of tool calls, then a last model call with tool_choice none that answers.
    expect(reply.tool_calls?.map((c) => c.tool)).toEqual(['echo', 'echo']);
    expect(reply.stop_reason).toBe('end_turn');
    expect(reply.reply).toMatch(/^Tool result received/);
    expect(env.model.requests.filter((r) => r.path === '/v1/messages')).toHaveLength(3);
    // The conversation stays valid: every tool call is followed by its result.
    expect((await env.baton.sessions.send(session_id, 'thanks')).turn).toBe(2);
  });

  it('disables a server left idle, re-enables it when the model asks, and optimizes by task', async () => {
    const { session_id } = await env.baton.sessions.start({
      task: 'idle servers',
      mcp_servers: ['filesystem', 'memory', 'testkit'],
      settings: { mcp_idle_ms: 1_500 },
    });
    const before = await env.baton.sessions.send(session_id, 'hello');
    await expect
      .poll(
        async () =>
          (await env.baton.sessions.status(session_id)).mcp!.servers.filter((s) => s.enabled).length,
        {
          timeout: 10_000,
        },
      )
      .toBe(0);
    const idle = await env.baton.sessions.status(session_id);
    expect(idle.mcp!.servers.every((s) => s.disabled_reason === 'idle')).toBe(true);
    expect(idle.mcp!.tokens_freed_by_idle).toBe(allInput(before.usage) > 0 ? sumCost(idle) : 0);
    const lighter = await env.baton.sessions.send(session_id, 'hello again');
    expect(allInput(lighter.usage)).toBeLessThan(allInput(before.usage));

    await env.baton.sessions.send(session_id, useTool('enable_mcp_server', { server: 'memory' }));
    const reenabled = await env.baton.sessions.status(session_id);
    expect(reenabled.mcp!.servers.find((s) => s.name === 'memory')?.enabled).toBe(true);

    const optimized = await env.baton.sessions.optimizeMcp(session_id, { task: 'docs', env: {} });
    expect(optimized.profile).toBe('docs');
    expect(optimized.enable).toEqual(['filesystem']);
    expect(optimized.disable).toEqual([]);
    expect(optimized.tokens_after).toBe(sumCostOf(optimized.servers, ['filesystem', 'memory']));
    await expect(env.baton.sessions.optimizeMcp(session_id, { task: 'juggling', env: {} })).rejects.toThrow(
      /juggling/,
    );
  }, 60_000);

  it('baton mcp optimize prints the cost before and after', async () => {
    const { session_id } = await env.baton.sessions.start({
      task: 'cli optimize',
      mcp_servers: ['filesystem', 'testkit'],
    });
    const r = await runCli(['mcp', 'optimize', session_id, '--task', 'code-analysis'], {
      ...env.cliEnv,
      BATON_MCP_CONFIG: fixture.configPath,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Optimized .* for code-analysis: enabled nothing, disabled testkit\./);
    expect(r.stdout).toMatch(/tool tokens per request: [\d,]+ → [\d,]+ \([\d,]+ freed\)/);
  });
});

function sumCost(status: { mcp?: { servers: { token_cost: number }[] } }): number {
  return (status.mcp?.servers ?? []).reduce((s, x) => s + x.token_cost, 0);
}

function sumCostOf(servers: { name: string; token_cost: number }[], names: string[]): number {
  return servers.filter((s) => names.includes(s.name)).reduce((s, x) => s + x.token_cost, 0);
}
