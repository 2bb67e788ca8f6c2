/**
 * The session refused a request (its validator said no) or the request failed (a model call that
 * could not succeed). The session itself is unchanged and still usable unless `type` says closed.
 */
export class SessionRequestError extends Error {
  override readonly name = 'SessionRequestError';
  constructor(
    message: string,
    /** The failure type (`ModelCallFailed`, `ContextOverflow`, `invalid_request_error`, …) when known. */
    readonly type?: string,
  ) {
    super(message);
  }
}

export function isSessionRequestError(err: unknown): err is SessionRequestError {
  return err instanceof SessionRequestError;
}
