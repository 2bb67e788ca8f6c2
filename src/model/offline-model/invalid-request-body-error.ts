/**
 * A request body the Messages API would refuse with a 400 `invalid_request_error`. The message is
 * worded like the API's (`field: problem`). The parser throws it from deep inside a check and turns
 * it back into a result, so callers never see it thrown.
 */
export class InvalidRequestBodyError extends Error {
  override readonly name = 'InvalidRequestBodyError';
}

/** Type guard for {@link InvalidRequestBodyError}. */
export function isInvalidRequestBodyError(err: unknown): err is InvalidRequestBodyError {
  return err instanceof InvalidRequestBodyError;
}
