/**
 * Turning an error from `@anthropic-ai/sdk` into a retry decision. The SDK runs with retries off
 * (see `createAnthropicClient`); the activity layer turns this decision into an `ApplicationFailure`
 * so that Temporal's retry policy does the retrying, honouring `retryAfterMs`.
 */
import {
  AnthropicError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import { FailureType, FINAL_MODEL_CALL_FAILURES } from '../domain/failures';

/** What to do about a failed model request. */
export interface AnthropicErrorDecision {
  /** Whether sending the same request again may succeed (false for {@link FINAL_MODEL_CALL_FAILURES}). */
  retryable: boolean;
  /** baton's name for the failure, for retry policies and callers to match (`RateLimited`, …). */
  type: FailureType;
  /**
   * What went wrong and, when retrying cannot help, what to do, for people. It never says whether
   * the request will be retried: the workflow that gives up says so.
   */
  message: string;
  /** How long the server asked us to wait before retrying. */
  retryAfterMs?: number;
  /** The HTTP status, when there was a response. */
  status?: number;
  /** The API's own `error.type` (`rate_limit_error`, …), when it sent one, for diagnosis. */
  apiErrorType?: string;
  /** The API's `request-id`, to quote to Anthropic support. */
  requestId?: string;
}

interface StatusRule {
  type: FailureType;
  /** The API's `error.type` for this status, when the body names none. */
  apiType: string;
  /** Completes "The Anthropic API …". */
  what: string;
  /** What to do; only for failures that retrying cannot fix. */
  advice?: string;
  /** Whether the API's own message is worth quoting (it is for "what is wrong with my request"). */
  quote: boolean;
}

const FIX_REQUEST = 'fix the request; sending it again will not help.';

/** Every status the API documents, with baton's failure type; the retry decision follows the type. */
const STATUS_RULES: ReadonlyMap<number, StatusRule> = new Map([
  [400, { type: FailureType.InvalidModelRequest, apiType: 'invalid_request_error', what: 'rejected the request', advice: FIX_REQUEST, quote: true }],
  [401, { type: FailureType.AuthenticationFailed, apiType: 'authentication_error', what: 'rejected the key', advice: 'check ANTHROPIC_API_KEY.', quote: false }],
  [402, { type: FailureType.BillingRefused, apiType: 'billing_error', what: 'refused the request for billing reasons', advice: "check the account's plan and credit balance.", quote: true }],
  [403, { type: FailureType.PermissionDenied, apiType: 'permission_error', what: 'refused the key access', advice: "check that the key's workspace may use this model and feature.", quote: true }],
  [404, { type: FailureType.ModelNotFound, apiType: 'not_found_error', what: 'did not find what was asked for', advice: 'check the model id and ANTHROPIC_BASE_URL.', quote: true }],
  [408, { type: FailureType.ApiTimeout, apiType: 'timeout_error', what: 'timed out', quote: false }],
  [409, { type: FailureType.ApiConflict, apiType: 'conflict_error', what: 'reported a conflict', quote: true }],
  [413, { type: FailureType.RequestTooLarge, apiType: 'request_too_large', what: 'refused a request that is too large', advice: 'send less: compact the conversation or shorten large tool results.', quote: false }],
  [422, { type: FailureType.InvalidModelRequest, apiType: 'invalid_request_error', what: 'could not process the request', advice: FIX_REQUEST, quote: true }],
  [429, { type: FailureType.RateLimited, apiType: 'rate_limit_error', what: 'is rate limiting this key', quote: false }],
  [500, { type: FailureType.ApiUnavailable, apiType: 'api_error', what: 'had an internal error', quote: false }],
  [502, { type: FailureType.ApiUnavailable, apiType: 'api_error', what: 'is unreachable behind a gateway', quote: false }],
  [503, { type: FailureType.ApiUnavailable, apiType: 'api_error', what: 'is unavailable', quote: false }],
  [504, { type: FailureType.ApiTimeout, apiType: 'timeout_error', what: 'timed out behind a gateway', quote: false }],
  [529, { type: FailureType.ApiOverloaded, apiType: 'overloaded_error', what: 'is overloaded', quote: false }],
] satisfies [number, StatusRule][]); // prettier-ignore

/** The API's `error.type`s as they arrive inside a stream, without a status. */
const STREAM_ERROR_TYPES: ReadonlyMap<string, FailureType> = new Map([
  ['invalid_request_error', FailureType.InvalidModelRequest],
  ['authentication_error', FailureType.AuthenticationFailed],
  ['billing_error', FailureType.BillingRefused],
  ['permission_error', FailureType.PermissionDenied],
  ['not_found_error', FailureType.ModelNotFound],
  ['request_too_large', FailureType.RequestTooLarge],
  ['rate_limit_error', FailureType.RateLimited],
  ['api_error', FailureType.ApiUnavailable],
  ['timeout_error', FailureType.ApiTimeout],
  ['overloaded_error', FailureType.ApiOverloaded],
]);

const FINAL: ReadonlySet<FailureType> = new Set(FINAL_MODEL_CALL_FAILURES);

/** Whether a model-call failure of this type may succeed when sent again. */
const isRetryable = (type: FailureType): boolean => !FINAL.has(type);

function ruleFor(status: number): StatusRule {
  const known = STATUS_RULES.get(status);
  if (known) return known;
  return status >= 500
    ? { type: FailureType.ApiUnavailable, apiType: 'api_error', what: 'failed', quote: false }
    : {
        type: FailureType.InvalidModelRequest,
        apiType: 'invalid_request_error',
        what: 'refused the request',
        advice: FIX_REQUEST,
        quote: true,
      };
}

/**
 * Reads how long to wait from `retry-after-ms` (milliseconds) or else `retry-after` (seconds, or an
 * HTTP date), as the SDK's own retry loop does. Returns `undefined` when neither header is usable.
 * @param now the current time in ms, for `retry-after` dates.
 */
export function retryAfterMsFromHeaders(
  headers: Headers | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers || typeof headers.get !== 'function') return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null) {
    const value = Number.parseFloat(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = headers.get('retry-after');
  if (after === null || after.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(after)) return Number.parseFloat(after) * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Adds the optional fields only when known, as `exactOptionalPropertyTypes` wants. */
function decision(
  type: FailureType,
  message: string,
  extra: {
    status?: number | undefined;
    apiErrorType?: string | undefined;
    requestId?: string | null | undefined;
    retryAfterMs?: number | undefined;
  } = {},
): AnthropicErrorDecision {
  const out: AnthropicErrorDecision = { retryable: isRetryable(type), type, message };
  if (extra.status !== undefined) out.status = extra.status;
  if (extra.apiErrorType !== undefined) out.apiErrorType = extra.apiErrorType;
  if (extra.requestId) out.requestId = extra.requestId;
  if (extra.retryAfterMs !== undefined) out.retryAfterMs = extra.retryAfterMs;
  return out;
}

function formatWait(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms)} ms`;
}

function classifyStatusError(err: APIError, status: number, now: number): AnthropicErrorDecision {
  const rule = ruleFor(status);
  const retryAfterMs = retryAfterMsFromHeaders(err.headers, now);
  const apiType = err.type ?? rule.apiType;
  const detail = err.apiMessage ?? undefined;
  const extra = { status, apiErrorType: apiType, requestId: err.requestID, retryAfterMs };
  if (status === 400 && detail !== undefined && /prompt is too long/i.test(detail)) {
    return decision(
      FailureType.ContextOverflow,
      `The conversation no longer fits the model's context window (400 ${apiType}: ${detail}): ` +
        'compact the conversation or roll over to a new session; sending it again will not help.',
      extra,
    );
  }
  const quoted = rule.quote && detail !== undefined ? `: ${detail}` : '';
  const what = `The Anthropic API ${rule.what} (${status} ${apiType}${quoted})`;
  const ending =
    rule.advice !== undefined
      ? `: ${rule.advice}`
      : retryAfterMs !== undefined
        ? ` and asked to wait ${formatWait(retryAfterMs)}.`
        : '.';
  return decision(rule.type, what + ending, extra);
}

/** undici reports a connection dropped while a body is being read as `TypeError: terminated`. */
function isDroppedConnection(err: Error): boolean {
  const cause = err.cause as { code?: unknown } | undefined;
  const code = typeof cause?.code === 'string' ? cause.code : '';
  return (
    (err.name === 'TypeError' && err.message === 'terminated') ||
    ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_ABORTED'].includes(code)
  );
}

/**
 * Decides whether a failed model request is worth retrying, names it with a {@link FailureType},
 * and says what happened in words a person can act on. 400, 401, 402, 403, 404, 413, 422 and
 * other 4xx are final; 408, 409, 429, 5xx (529 included), connection failures and timeouts are
 * retryable, with `retryAfterMs` from `retry-after-ms` or `retry-after`. A request the caller
 * aborted is final (`ModelCallCancelled`). The API's own `error.type` stays in `apiErrorType`.
 * Never throws.
 * @param now the current time in ms, for `retry-after` headers that hold a date.
 * @example
 * try { await client.messages.create(params) }
 * catch (err) { const d = classifyAnthropicError(err); if (!d.retryable) throw nonRetryable(d) }
 */
export function classifyAnthropicError(err: unknown, now: number = Date.now()): AnthropicErrorDecision {
  if (err instanceof APIUserAbortError) {
    return decision(
      FailureType.ModelCallCancelled,
      'The request to the Anthropic API was cancelled before it finished.',
    );
  }
  if (err instanceof APIConnectionTimeoutError) {
    return decision(
      FailureType.ApiTimeout,
      'The request to the Anthropic API timed out; if this keeps happening, raise the client timeout or check the network.',
    );
  }
  if (err instanceof APIConnectionError) {
    const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
    return decision(
      FailureType.ApiConnectionFailed,
      `Could not reach the Anthropic API${cause}; if this keeps happening, check the network and ANTHROPIC_BASE_URL.`,
    );
  }
  if (err instanceof APIError) {
    // `instanceof` narrows to APIError<any, ...>; the default type arguments are the honest ones.
    const apiError = err as APIError;
    if (typeof apiError.status === 'number') return classifyStatusError(apiError, apiError.status, now);
    // An `error` event inside a 200 stream: there is no status, only the error's type.
    const apiType = apiError.type ?? 'api_error';
    const type = STREAM_ERROR_TYPES.get(apiType) ?? FailureType.ModelCallFailed;
    const what = `The Anthropic API stream failed part-way (${apiType}${apiError.apiMessage ? `: ${apiError.apiMessage}` : ''})`;
    return decision(type, isRetryable(type) ? `${what}.` : `${what}: sending it again will not help.`, {
      apiErrorType: apiType,
      requestId: apiError.requestID,
    });
  }
  if (err instanceof SyntaxError) {
    return decision(
      FailureType.MalformedResponse,
      `The Anthropic API answered with a body that is not valid JSON (${err.message}).`,
    );
  }
  if (err instanceof AnthropicError) {
    // MessageStream wraps every non-SDK error (a JSON syntax error, a dropped socket) in a plain
    // AnthropicError with the original as `cause`: judge the original.
    if (err.cause instanceof Error) return classifyAnthropicError(err.cause, now);
    if (/streaming is required/i.test(err.message)) {
      return decision(
        FailureType.StreamingRequired,
        `The SDK refused a long non-streaming request (${err.message}): use messages.stream() or a lower max_tokens.`,
      );
    }
    if (/stream ended without|request ended without sending any chunks/i.test(err.message)) {
      return decision(
        FailureType.IncompleteResponse,
        `The Anthropic API stream ended before the message was complete (${err.message}).`,
      );
    }
  }
  if (err instanceof Error && isDroppedConnection(err)) {
    return decision(
      FailureType.ApiConnectionFailed,
      `The connection to the Anthropic API dropped mid-response (${err.message}).`,
    );
  }
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return decision(
    FailureType.ModelCallFailed,
    `The model request failed in an unexpected way (${text}): this is likely a bug in baton; retrying will not help.`,
  );
}
