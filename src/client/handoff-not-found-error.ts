/** No handoff workflow has the given id. */
export class HandoffNotFoundError extends Error {
  override readonly name = 'HandoffNotFoundError';
}

export function isHandoffNotFoundError(err: unknown): err is HandoffNotFoundError {
  return err instanceof HandoffNotFoundError;
}
