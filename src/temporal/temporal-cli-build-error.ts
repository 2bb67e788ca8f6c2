/** The Temporal CLI could not be found or built; the message says what to install. */
export class TemporalCliBuildError extends Error {
  override readonly name = 'TemporalCliBuildError';
}

export function isTemporalCliBuildError(err: unknown): err is TemporalCliBuildError {
  return err instanceof TemporalCliBuildError;
}
