/** Tool definitions, token cost, result text and truncation, and reading the configuration file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpConfigError } from '../../src/domain/mcp';
import {
  DEFAULT_MAX_RESULT_CHARS,
  loadMcpConfig,
  measureToolCosts,
  resolveMcpConfigPath,
  toAnthropicTools,
  toolResultText,
  truncateText,
  type McpTokenCounter,
} from '../../src/mcp';
import { StderrTail } from '../../src/mcp/stderr-tail';
import { countMessagesTokens, countTextTokens } from '../../src/model';

const readFile: Tool = {
  name: 'read_file',
  description: 'Read a file',
  inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
};
const titled: Tool = { name: 'graph', title: 'Read the graph', inputSchema: { type: 'object' } };

describe('toAnthropicTools', () => {
  it('namespaces names and keeps the schema as the server wrote it', () => {
    expect(toAnthropicTools('fs', [readFile, titled])).toEqual({
      tools: [
        {
          name: 'fs__read_file',
          description: 'Read a file',
          input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
        },
        { name: 'fs__graph', description: 'Read the graph', input_schema: { type: 'object' } },
      ],
      skipped: [],
    });
  });

  it('keeps tools from different servers apart', () => {
    const names = [
      ...toAnthropicTools('a', [readFile]).tools,
      ...toAnthropicTools('b', [readFile]).tools,
    ].map((t) => t.name);
    expect(names).toEqual(['a__read_file', 'b__read_file']);
  });

  it('skips and reports a tool whose name the API would refuse', () => {
    const dotted: Tool = { name: 'files.read', inputSchema: { type: 'object' } };
    const { tools, skipped } = toAnthropicTools('fs', [dotted, readFile]);
    expect(tools.map((t) => t.name)).toEqual(['fs__read_file']);
    expect(skipped.map((k) => k.tool)).toEqual(['files.read']);
    expect(skipped[0]?.reason).toContain('not a valid Anthropic tool name');
  });
});

describe('measureToolCosts', () => {
  const local: McpTokenCounter = (request) => Promise.resolve(countMessagesTokens(request));
  const fs1 = toAnthropicTools('fs', [readFile]).tools;
  const mem = toAnthropicTools('mem', [titled]).tools;

  it('is the difference in input tokens with and without the tools', async () => {
    const { costs, total } = await measureToolCosts(
      { fs: fs1, mem, none: [] },
      { countTokens: local, model: 'm' },
    );
    expect(costs.fs).toBe(countTextTokens(JSON.stringify(fs1[0])));
    expect(costs.mem).toBe(countTextTokens(JSON.stringify(mem[0])));
    expect(costs.none).toBe(0);
    expect(total).toBe((costs.fs ?? 0) + (costs.mem ?? 0));
  });

  it('measures the total together, so a per-request tool overhead is counted once', async () => {
    // The real API adds its tool-use instructions once to any request that has tools.
    const calls: number[] = [];
    const withOverhead: McpTokenCounter = (request) => {
      calls.push(request.tools?.length ?? 0);
      return Promise.resolve(countMessagesTokens(request) + (request.tools ? 300 : 0));
    };
    const { costs, total } = await measureToolCosts(
      { fs: fs1, mem },
      { countTokens: withOverhead, model: 'm' },
    );
    expect(costs.fs).toBe(countTextTokens(JSON.stringify(fs1[0])) + 300);
    expect(total).toBe((costs.fs ?? 0) + (costs.mem ?? 0) - 300);
    expect(calls.sort()).toEqual([0, 1, 1, 2]);
  });

  it('counts nothing when there are no tools', async () => {
    let calls = 0;
    const counter: McpTokenCounter = () => Promise.resolve(++calls);
    expect(await measureToolCosts({ a: [] }, { countTokens: counter, model: 'm' })).toEqual({
      costs: { a: 0 },
      total: 0,
    });
    expect(calls).toBe(0);
  });
});

describe('toolResultText', () => {
  it('joins text, describes media, and shows structured content when there is nothing else', () => {
    expect(
      toolResultText({
        content: [
          { type: 'text', text: 'first' },
          { type: 'image', data: 'AAAA', mimeType: 'image/png' },
          { type: 'resource', resource: { uri: 'file:///a.txt', text: 'inline' } },
          { type: 'resource', resource: { uri: 'file:///b.bin', blob: 'AAAA', mimeType: 'application/zip' } },
          { type: 'resource_link', uri: 'file:///c', name: 'c' },
        ],
      }),
    ).toBe(
      'first\n[image (image/png), 3 bytes, not shown]\ninline\n[binary resource file:///b.bin (application/zip), not shown]\n[resource file:///c "c"]',
    );
    expect(toolResultText({ content: [], structuredContent: { count: 2 } })).toBe('{"count":2}');
    expect(toolResultText({ content: [] })).toBe('');
  });
});

describe('truncateText', () => {
  it('leaves short text alone', () => {
    expect(truncateText('short', 100)).toEqual({ content: 'short', truncated: false, original_chars: 5 });
  });

  it('cuts to the limit, marker included, and says how much was cut', () => {
    const text = 'a'.repeat(1_234_567);
    const cut = truncateText(text, DEFAULT_MAX_RESULT_CHARS);
    expect(cut.truncated).toBe(true);
    expect(cut.original_chars).toBe(1_234_567);
    expect(cut.content.length).toBeLessThanOrEqual(DEFAULT_MAX_RESULT_CHARS);
    expect(cut.content.length).toBeGreaterThan(DEFAULT_MAX_RESULT_CHARS - 5);
    const kept = cut.content.indexOf('\n\n[baton:');
    expect(cut.content.slice(kept)).toBe(
      `\n\n[baton: tool result truncated. Showing the first ${kept.toLocaleString('en-US')} of 1,234,567 characters; ` +
        `${(1_234_567 - kept).toLocaleString('en-US')} characters were cut. Ask the tool for less (a narrower query, a range, head/tail) to see the rest.]`,
    );
  });

  it('never splits a surrogate pair', () => {
    const text = '🎉'.repeat(5_000);
    for (const limit of [1_000, 1_001, 1_002]) {
      const cut = truncateText(text, limit);
      expect(cut.content).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
      expect(cut.content.length).toBeLessThanOrEqual(limit);
    }
  });
});

describe('StderrTail', () => {
  it('keeps the last lines, joined across chunks', () => {
    const tail = new StderrTail(2);
    const seen: string[] = [];
    tail.push('one\ntw', (l) => seen.push(l));
    tail.push('o\nthree\nfou', (l) => seen.push(l));
    expect(seen).toEqual(['one', 'two', 'three']);
    expect(tail.text()).toBe('two\nthree\nfou');
  });
});

describe('loadMcpConfig', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-mcp-config-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const error = async (options: Parameters<typeof loadMcpConfig>[0]) => {
    const err = await loadMcpConfig(options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(McpConfigError);
    return err as Error;
  };

  it('picks --config, then BATON_MCP_CONFIG, then ./.mcp.json', () => {
    expect(resolveMcpConfigPath({ file: 'a.json', env: { BATON_MCP_CONFIG: 'b.json' }, cwd: '/w' })).toEqual({
      path: '/w/a.json',
      explicit: true,
    });
    expect(resolveMcpConfigPath({ env: { BATON_MCP_CONFIG: '/etc/b.json' }, cwd: '/w' })).toEqual({
      path: '/etc/b.json',
      explicit: true,
    });
    expect(resolveMcpConfigPath({ env: { BATON_MCP_CONFIG: ' ' }, cwd: '/w' })).toEqual({
      path: '/w/.mcp.json',
      explicit: false,
    });
  });

  it('runs servers in the file’s folder unless told otherwise', async () => {
    const file = write(
      'ok.json',
      JSON.stringify({
        mcpServers: {
          a: { command: 'x' },
          b: { command: 'y', cwd: 'sub' },
          c: { command: 'z', cwd: '${HOME}' },
        },
      }),
    );
    const { config, path: loaded } = await loadMcpConfig({ file, env: {} });
    expect(loaded).toBe(file);
    expect(config.servers.a?.cwd).toBe(dir);
    expect(config.servers.b?.cwd).toBe(path.join(dir, 'sub'));
    expect(config.servers.c?.cwd).toBe('${HOME}');
  });

  it('treats a missing default .mcp.json as no servers, but a missing named file as an error', async () => {
    expect(await loadMcpConfig({ cwd: dir, env: {} })).toEqual({
      config: { servers: {}, profiles: {}, unsupported: [] },
      path: null,
    });
    const err = await error({ env: { BATON_MCP_CONFIG: 'missing.json' }, cwd: dir });
    expect(err.message).toContain(
      `${path.join(dir, 'missing.json')}: the file does not exist; fix the path (from --config or BATON_MCP_CONFIG)`,
    );
  });

  it('reports bad JSON with the parser’s reason', async () => {
    const err = await error({
      file: write('bad.json', '{ "mcpServers": { "a": { "command": "x", } } }'),
      env: {},
    });
    expect(err.message).toMatch(/bad\.json: the file is not valid JSON \(.+\)/);
  });

  it('reports invalid content naming the file, server and field', async () => {
    const err = await error({
      file: write('invalid.json', JSON.stringify({ mcpServers: { fs: { command: 3 } } })),
      env: {},
    });
    expect(err.message).toContain('invalid.json: mcpServers.fs.command: must be a string, got a number');
  });

  it('accepts the sample configuration in the repository', async () => {
    const { config } = await loadMcpConfig({
      file: path.join(__dirname, '..', '..', '.mcp.example.json'),
      env: {},
    });
    expect(Object.keys(config.servers)).toEqual(['filesystem', 'memory', 'github']);
    expect(config.servers.github?.disabled).toBe(true);
  });
});
