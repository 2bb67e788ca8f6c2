/** A task profile name that is neither built in nor defined under `profiles` in the MCP configuration. */
export class UnknownMcpProfileError extends Error {
  override readonly name = 'UnknownMcpProfileError';
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

/** Type guard for {@link UnknownMcpProfileError}. */
export function isUnknownMcpProfileError(err: unknown): err is UnknownMcpProfileError {
  return err instanceof UnknownMcpProfileError;
}
