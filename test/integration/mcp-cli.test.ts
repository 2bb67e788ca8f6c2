/**
 * `baton mcp list` against real servers. The command tree here is a test-only program with just
 * the MCP commands, run the way `main` runs the real one: errors become exit code 1 and one line
 * on stderr, and nothing touches the process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/cli-io';
import { registerMcpCommands, type McpListOutput } from '../../src/cli/mcp-commands';
import { isMcpServerTools, type McpServerFailure, type McpServerTools } from '../../src/mcp';
import { countMessagesTokens, countTextTokens } from '../../src/model';
import { createMcpFixture, type McpFixture } from '../fixtures/mcp-fixture';
import { spawnCli } from '../support/run-cli';

async function runMcpCli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env };
  const program = new Command('baton')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerMcpCommands(program, io);
  let code = 0;
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    code = 1;
    if (!(err instanceof Error && err.name === 'CommanderError'))
      stderr += `baton: ${(err as Error).message}\n`;
  }
  return { code, stdout, stderr };
}

let fixture: McpFixture;
beforeAll(() => {
  fixture = createMcpFixture(['filesystem', 'memory', 'broken']);
});
afterAll(() => fixture.cleanup());

describe('baton mcp list', () => {
  it('--json lists each real server with its tools and token cost, and the failing one with its error', async () => {
    const { code, stdout, stderr } = await runMcpCli([
      'mcp',
      'list',
      '--config',
      fixture.configPath,
      '--json',
    ]);
    const out = JSON.parse(stdout) as McpListOutput;
    expect(out).toMatchObject({
      config: fixture.configPath,
      counted_with: 'local-tokenizer',
      model: 'claude-sonnet-4-6',
    });
    expect(out.servers.map((s) => s.server)).toEqual(['filesystem', 'memory', 'broken']);
    const ok = out.servers.filter(isMcpServerTools);
    expect(ok).toHaveLength(2);
    for (const s of ok) {
      expect(s.tool_count).toBeGreaterThan(5);
      expect(s.token_cost).toBe(
        countMessagesTokens({ messages: [{ role: 'user', content: '.' }], tools: s.tools }) -
          countMessagesTokens({ messages: [{ role: 'user', content: '.' }] }),
      );
    }
    expect(out.total_token_cost).toBe(ok.reduce((t, s) => t + s.token_cost, 0));
    const broken = out.servers[2] as McpServerFailure;
    expect(broken.server).toBe('broken');
    expect(broken.error).toContain(
      "MCP server 'broken' could not start (command: baton-test-no-such-mcp-server --stdio)",
    );
    // A server that fails makes the command fail, after the listing is printed.
    expect(code).toBe(1);
    expect(stderr).toBe(
      'baton: 1 of 3 MCP servers could not list their tools (broken); the errors are above.\n',
    );
  });

  it('prints a table with tools, tokens and a total, and exits 0 when every server starts', async () => {
    const config = fixture.writeConfig('two.json', {
      mcpServers: { filesystem: fixture.json.mcpServers.filesystem, memory: fixture.json.mcpServers.memory },
    });
    const json = await runMcpCli(['mcp', 'list', '--config', config, '--json']);
    const [files, memory] = (JSON.parse(json.stdout) as McpListOutput).servers as McpServerTools[];
    const { code, stdout, stderr } = await runMcpCli(['mcp', 'list'], { BATON_MCP_CONFIG: config });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const n = (x: number) => x.toLocaleString('en-US');
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^SERVER\s+STATUS\s+TOOLS\s+TOKENS$/);
    expect(lines[1]).toMatch(
      new RegExp(`^filesystem\\s+ok\\s+${files!.tool_count}\\s+${n(files!.token_cost)}$`),
    );
    expect(lines[2]).toMatch(
      new RegExp(`^memory\\s+ok\\s+${memory!.tool_count}\\s+${n(memory!.token_cost)}$`),
    );
    expect(stdout).toMatch(
      new RegExp(
        `total\\s+2/2 ok\\s+${files!.tool_count + memory!.tool_count}\\s+${n(files!.token_cost + memory!.token_cost)}`,
      ),
    );
    expect(stdout).toContain('counted with the local tokenizer');
    console.log(stdout);
    // Sanity check against the tokenizer directly: cost is the tokens of the definitions' JSON.
    expect(files!.token_cost).toBe(
      files!.tools.reduce((t, tool) => t + countTextTokens(JSON.stringify(tool)), 0),
    );
  });

  it('explains a configuration error naming the server and field', async () => {
    const bad = fixture.writeConfig('bad.json', {
      mcpServers: { fs: { args: ['.'] }, mem: { command: 'x', args: [1] } },
    });
    const { code, stderr, stdout } = await runMcpCli(['mcp', 'list', '--config', bad]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('mcpServers.fs.command: missing');
    expect(stderr).toContain('mcpServers.mem.args[0]: must be a string, got a number');
  });

  it('says so when there is no configuration at all', async () => {
    // The real command in an empty folder: the repository may hold a developer's own .mcp.json,
    // which the in-process CLI (working directory: the repository) would list instead.
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-no-mcp-'));
    try {
      const { code, stdout, stderr } = await spawnCli(['mcp', 'list'], {}, { cwd: empty });
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toMatch(/No MCP configuration: create \.mcp\.json/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
