import { BatonError } from '../domain/errors';

/**
 * Ends a command with an exit code after it has already printed what the user needs (for
 * example a SPEC that stopped to wait for a decision): `main` prints nothing more.
 */
export class CliExit extends BatonError {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

/** True when `err` is a {@link CliExit}. */
export function isCliExit(err: unknown): err is CliExit {
  return err instanceof CliExit;
}
