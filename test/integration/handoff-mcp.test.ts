/**
 * MCP servers in a handoff, against real servers: the handoff's servers reach every agent's
 * session, an agent's own servers are added to its session only, and an agent calls a tool.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentDefinition } from '../../src/client';
import { loadMcpConfig } from '../../src/mcp';
import { createMcpFixture, type McpFixture } from '../fixtures/mcp-fixture';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { uniqueId } from '../support/unique-id';

let env: TestEnvironment;
let fixture: McpFixture;
beforeAll(async () => {
  fixture = createMcpFixture(['filesystem', 'memory']);
  const { config } = await loadMcpConfig({ file: fixture.configPath, env: {} });
  env = await startTestEnvironment({ mcpServers: { ...config.servers } });
});
afterAll(async () => {
  await env?.teardown();
  fixture?.cleanup();
});

describe('MCP servers in a handoff', () => {
  it('gives every agent the handoff’s servers and each agent its own, and the agent can call them', async () => {
    const file = path.join(fixture.filesRoot, 'brief.txt');
    fs.writeFileSync(file, 'The brief says: ship on Friday.');
    const definitions: AgentDefinition[] = [
      { name: 'planner', role_prompt: 'You plan.', work_message: 'Write the plan.' },
      {
        name: 'reader',
        role_prompt: 'You read the brief.',
        // The offline model calls the tool this directive names.
        work_message: `Read the brief. [[use_tool=filesystem__read_text_file ${JSON.stringify({ path: file })}]]`,
        mcp_servers: ['filesystem'],
      },
    ];
    const specId = uniqueId('SPEC-HMCP');
    const result = await env.baton.handoffs.run({
      spec: { spec_id: specId, title: 'Release', requirements: ['ship'], acceptance_criteria: [] },
      definitions,
      mcp_servers: ['memory'],
    });
    expect(result.state).toBe('completed');
    const [planner, reader] = result.agents;
    expect(planner!.mcp_servers).toEqual(['memory']);
    expect(reader!.mcp_servers).toEqual(['memory', 'filesystem']);

    // Each session had exactly those servers, and the reader's call ran against the real server.
    const plannerSession = await env.baton.sessions.status(planner!.session_id);
    expect(plannerSession.mcp!.servers.map((s) => s.name)).toEqual(['memory']);
    const readerSession = await env.baton.sessions.status(reader!.session_id);
    expect(readerSession.mcp!.servers.map((s) => s.name)).toEqual(['memory', 'filesystem']);
    expect(readerSession.mcp!.servers.find((s) => s.name === 'filesystem')).toMatchObject({
      calls: 1,
      errors: 0,
    });
    expect(reader!.output).toContain('ship on Friday');
  });

  it('refuses a server name that cannot be used, naming the field', async () => {
    await expect(
      env.baton.handoffs.run({
        spec: {
          spec_id: uniqueId('SPEC-HMCPBAD'),
          title: 'Release',
          requirements: ['ship'],
          acceptance_criteria: [],
        },
        mcp_servers: ['no spaces'],
      }),
    ).rejects.toThrow(/MCP server "no spaces": server name 'no spaces' may only contain letters/);
  });
});
