/**
 * Ends a command with an exit code after it has already printed what the user needs (for
 * example a SPEC that stopped to wait for a decision): `main` prints nothing more.
 */
export class CliExit extends Error {
  override readonly name = 'CliExit';
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

export function isCliExit(err: unknown): err is CliExit {
  return err instanceof CliExit;
}
