import { BatonError } from '../errors';

/**
 * An MCP configuration (a `.mcp.json` file, session overrides, a profile list) that baton cannot
 * use. Lists every problem found, each naming the server and field, so one edit can fix them all.
 * Never quotes an `env` value: those are often secrets.
 */
export class McpConfigError extends BatonError {
  /** Each problem on its own, e.g. `mcpServers.fs.command: missing`. */
  readonly problems: readonly string[];
  /** Where the configuration came from (a file path, `session overrides`). */
  readonly source: string;

  constructor(source: string, problems: readonly string[]) {
    const list =
      problems.length === 1 ? ` ${problems[0] ?? ''}` : `\n${problems.map((p) => `  - ${p}`).join('\n')}`;
    super(
      `Invalid MCP configuration in ${source}:${list}\n` +
        'Expected { "mcpServers": { "<name>": { "command": "…", "args": ["…"], "env": { "KEY": "…" } } } }.',
    );
    this.source = source;
    this.problems = problems;
  }
}

/** A task profile name that is neither built in nor defined under `profiles` in the MCP configuration. */
export class UnknownMcpProfileError extends BatonError {
  readonly profile: string;
  readonly known: readonly string[];

  constructor(profile: string, known: readonly string[]) {
    super(
      `Unknown task profile '${profile}'. Known profiles: ${known.join(', ')}. ` +
        'Add your own under "profiles" in the MCP configuration file.',
    );
    this.profile = profile;
    this.known = known;
  }
}
