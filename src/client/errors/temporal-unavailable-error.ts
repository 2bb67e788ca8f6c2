/** The Temporal server cannot be reached at the configured address. */
export class TemporalUnavailableError extends Error {
  override readonly name = 'TemporalUnavailableError';
}

export function isTemporalUnavailableError(err: unknown): err is TemporalUnavailableError {
  return err instanceof TemporalUnavailableError;
}
