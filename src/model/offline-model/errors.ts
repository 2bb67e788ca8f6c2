import { BatonError } from '../../domain/errors';

/** A fault given to the offline model that is not one it knows how to inject. */
export class InvalidFaultError extends BatonError {}

/**
 * A request body the Messages API would refuse with a 400 `invalid_request_error`. The message is
 * worded like the API's (`field: problem`). The parser throws it from deep inside a check and turns
 * it back into a result, so callers never see it thrown.
 */
export class InvalidRequestBodyError extends BatonError {}

/** An offline script that is not well formed; the message names the field. Nothing is loaded. */
export class InvalidOfflineScriptError extends BatonError {}

/** True when `err` is an {@link InvalidOfflineScriptError}. */
export function isInvalidOfflineScriptError(err: unknown): err is InvalidOfflineScriptError {
  return err instanceof InvalidOfflineScriptError;
}

/** True when `err` is an {@link InvalidFaultError}. */
export function isInvalidFaultError(err: unknown): err is InvalidFaultError {
  return err instanceof InvalidFaultError;
}

/** True when `err` is an {@link InvalidRequestBodyError}. */
export function isInvalidRequestBodyError(err: unknown): err is InvalidRequestBodyError {
  return err instanceof InvalidRequestBodyError;
}
