/** No session (workflow) has the given id. */
export class SessionNotFoundError extends Error {
  override readonly name = 'SessionNotFoundError';
}

export function isSessionNotFoundError(err: unknown): err is SessionNotFoundError {
  return err instanceof SessionNotFoundError;
}
