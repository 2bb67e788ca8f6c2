/** A session with the requested id already exists. */
export class SessionExistsError extends Error {
  override readonly name = 'SessionExistsError';
}

export function isSessionExistsError(err: unknown): err is SessionExistsError {
  return err instanceof SessionExistsError;
}
