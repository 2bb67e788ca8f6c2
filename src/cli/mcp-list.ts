/** `baton mcp list`: starts the configured servers, lists their tools and counts their cost. */
import {
  isMcpServerTools,
  listServerTools,
  loadMcpConfig,
  McpClientPool,
  MCP_CONFIG_ENV,
  type McpTokenCounter,
  type McpToolListing,
} from '../mcp';
import { countMessagesTokens, createAnthropicClient, resolveModelEndpoint } from '../model';
import type { CliIO } from './cli-io';
import { tableLines } from './text-table';
import { formatCount } from '../domain/format';

/** How tokens were counted, so the output says which number it is. */
export type TokenCountSource = 'anthropic-api' | 'local-tokenizer';

/** What `baton mcp list --json` prints. */
export interface McpListOutput extends McpToolListing {
  /** The configuration file read, or null when there is none. */
  config: string | null;
  counted_with: TokenCountSource;
  /** Servers in the file that baton cannot start (remote servers), with the reason. */
  unsupported: { server: string; reason: string }[];
}

/**
 * The counter `mcp list` uses: the API's `messages.countTokens` when `ANTHROPIC_API_KEY` is set
 * (exact for the model), the local tokenizer otherwise (the same count the offline model bills).
 */
export function mcpListTokenCounter(env: NodeJS.ProcessEnv): {
  countTokens: McpTokenCounter;
  source: TokenCountSource;
} {
  if (env.ANTHROPIC_API_KEY?.trim()) {
    const anthropic = createAnthropicClient(resolveModelEndpoint(env));
    return {
      source: 'anthropic-api',
      countTokens: async (request) => (await anthropic.messages.countTokens(request)).input_tokens,
    };
  }
  return {
    source: 'local-tokenizer',
    countTokens: (request) => Promise.resolve(countMessagesTokens(request)),
  };
}

/** The human form of `mcp list`: a table, the total, then each failing server's error. */
export function formatMcpList(out: McpListOutput): string {
  if (out.config === null) {
    return `No MCP configuration: create .mcp.json (see .mcp.example.json) or set ${MCP_CONFIG_ENV}.`;
  }
  if (out.servers.length === 0 && out.unsupported.length === 0)
    return `${out.config} configures no MCP servers.`;
  const header = ['SERVER', 'STATUS', 'TOOLS', 'TOKENS'];
  const rows = out.servers.map((s) =>
    isMcpServerTools(s)
      ? [s.server, 'ok', formatCount(s.tool_count), formatCount(s.token_cost)]
      : [s.server, 'error', '-', '-'],
  );
  for (const u of out.unsupported) rows.push([u.server, 'skipped', '-', '-']);
  const ok = out.servers.filter(isMcpServerTools);
  const footer = [
    'total',
    `${ok.length}/${out.servers.length} ok`,
    formatCount(ok.reduce((t, s) => t + s.tool_count, 0)),
    formatCount(out.total_token_cost),
  ];
  const table = tableLines([header, ...rows, footer], { rightAlignFrom: 2 });
  const footerLine = table.pop() ?? '';
  const lines = [...table, '-'.repeat(table[0]?.length ?? 0), footerLine, ''];
  lines.push(
    `Tokens: tool definitions added to every request, ${
      out.counted_with === 'anthropic-api'
        ? `counted by the Anthropic API for ${out.model}`
        : 'counted with the local tokenizer (set ANTHROPIC_API_KEY for the API’s count)'
    }. Config: ${out.config}`,
  );
  for (const s of out.servers) if (!isMcpServerTools(s)) lines.push(`  ${s.server}: ${s.error}`);
  for (const u of out.unsupported) lines.push(`  ${u.server}: skipped, ${u.reason}`);
  for (const s of ok)
    for (const k of s.skipped_tools) lines.push(`  ${s.server}: tool ${k.tool} skipped, ${k.reason}`);
  return lines.join('\n');
}

/** Runs `baton mcp list`; throws after printing when a server could not list its tools. */
export async function runMcpList(
  io: CliIO,
  o: { config?: string; model: string; json?: boolean },
): Promise<void> {
  const { config, path } = await loadMcpConfig({ file: o.config, env: io.env });
  const { countTokens, source } = mcpListTokenCounter(io.env);
  const pool = new McpClientPool({ servers: config.servers, env: io.env });
  let listing: McpToolListing;
  try {
    listing = await listServerTools({ pool, servers: pool.serverNames, countTokens, model: o.model });
  } finally {
    await pool.close();
  }
  const out: McpListOutput = {
    config: path,
    counted_with: source,
    ...listing,
    unsupported: config.unsupported.map((u) => ({ server: u.server, reason: u.reason })),
  };
  io.stdout(o.json ? `${JSON.stringify(out, null, 2)}\n` : `${formatMcpList(out)}\n`);
  const failed = out.servers.filter((s) => !isMcpServerTools(s)).map((s) => s.server);
  if (failed.length > 0) {
    throw new Error(
      `${failed.length} of ${out.servers.length} MCP servers could not list their tools (${failed.join(', ')}); the errors are above.`,
    );
  }
}
