/**
 * Error responses in the Messages API's own shape, so that the SDK maps them to the same error
 * classes (and the same `type`, `requestID` and `retry-after` handling) as real API failures.
 */

/** The `error.type` values the Messages API uses. */
export type ApiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

/** The JSON body of an error response: `{type:'error', error:{type, message}, request_id}`. */
export interface ApiErrorBody {
  type: 'error';
  error: { type: ApiErrorType; message: string };
  request_id: string;
}

const TYPE_BY_STATUS: ReadonlyMap<number, ApiErrorType> = new Map<number, ApiErrorType>([
  [400, 'invalid_request_error'],
  [401, 'authentication_error'],
  [402, 'billing_error'],
  [403, 'permission_error'],
  [404, 'not_found_error'],
  [408, 'timeout_error'],
  [413, 'request_too_large'],
  [429, 'rate_limit_error'],
  [500, 'api_error'],
  [504, 'timeout_error'],
  [529, 'overloaded_error'],
]);

/** Messages close to the ones the API sends, so logs from offline runs read like real ones. */
const MESSAGE_BY_TYPE: Readonly<Record<ApiErrorType, string>> = {
  invalid_request_error: 'Invalid request.',
  authentication_error: 'invalid x-api-key',
  billing_error: 'Your credit balance is too low to access the Anthropic API.',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  not_found_error: 'Not found.',
  request_too_large: 'Request exceeds the maximum allowed number of bytes.',
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit.',
  api_error: 'Internal server error.',
  timeout_error: 'Request timed out.',
  overloaded_error: 'Overloaded',
};

/**
 * The API's error type for an HTTP status. Statuses the API does not document fall back by class:
 * 5xx to `api_error`, anything else to `invalid_request_error`.
 * @example errorTypeForStatus(529) // 'overloaded_error'
 */
export function errorTypeForStatus(status: number): ApiErrorType {
  return TYPE_BY_STATUS.get(status) ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/** Builds an error body; without a message, uses the API's usual wording for the status. */
export function apiErrorBody(status: number, requestId: string, message?: string): ApiErrorBody {
  const type = errorTypeForStatus(status);
  return { type: 'error', error: { type, message: message ?? MESSAGE_BY_TYPE[type] }, request_id: requestId };
}
