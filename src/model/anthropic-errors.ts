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

/** What to do about a failed model request. */
export interface AnthropicErrorDecision {
  /** Whether sending the same request again may succeed. */
  retryable: boolean;
  /**
   * A stable name for the failure, for retry policies to match: the API's `error.type` (for
   * example `rate_limit_error`), `prompt_too_long` for a 400 about the context window, or one of
   * `cancelled`, `timeout`, `connection_error`, `malformed_response`, `incomplete_response`,
   * `streaming_required`, `unexpected_error`.
   */
  type: string;
  /** What went wrong and what to do, for people. */
  message: string;
  /** How long the server asked us to wait before retrying. */
  retryAfterMs?: number;
  /** The HTTP status, when there was a response. */
  status?: number;
  /** The API's `request-id`, to quote to Anthropic support. */
  requestId?: string;
}

interface StatusRule {
  retryable: boolean;
  type: string;
  /** Completes "The Anthropic API …". */
  what: string;
  advice: string;
  /** Whether the API's own message is worth quoting (it is for "what is wrong with my request"). */
  quote: boolean;
}

const STATUS_RULES: ReadonlyMap<number, StatusRule> = new Map([
  [400, { retryable: false, type: 'invalid_request_error', what: 'rejected the request', advice: 'fix the request; sending it again will not help.', quote: true }],
  [401, { retryable: false, type: 'authentication_error', what: 'rejected the key', advice: 'check ANTHROPIC_API_KEY.', quote: false }],
  [402, { retryable: false, type: 'billing_error', what: 'refused the request for billing reasons', advice: "check the account's plan and credit balance.", quote: true }],
  [403, { retryable: false, type: 'permission_error', what: 'refused the key access', advice: "check that the key's workspace may use this model and feature.", quote: true }],
  [404, { retryable: false, type: 'not_found_error', what: 'did not find what was asked for', advice: 'check the model id and ANTHROPIC_BASE_URL.', quote: true }],
  [408, { retryable: true, type: 'timeout_error', what: 'timed out', advice: 'the request will be retried.', quote: false }],
  [409, { retryable: true, type: 'conflict_error', what: 'reported a conflict', advice: 'the request will be retried.', quote: true }],
  [413, { retryable: false, type: 'request_too_large', what: 'refused a request that is too large', advice: 'send less: compact the conversation or shorten large tool results.', quote: false }],
  [422, { retryable: false, type: 'invalid_request_error', what: 'could not process the request', advice: 'fix the request; sending it again will not help.', quote: true }],
  [429, { retryable: true, type: 'rate_limit_error', what: 'is rate limiting this key', advice: 'the request will be retried after the wait the API asked for.', quote: false }],
  [500, { retryable: true, type: 'api_error', what: 'had an internal error', advice: 'the request will be retried.', quote: false }],
  [502, { retryable: true, type: 'api_error', what: 'is unreachable behind a gateway', advice: 'the request will be retried.', quote: false }],
  [503, { retryable: true, type: 'api_error', what: 'is unavailable', advice: 'the request will be retried.', quote: false }],
  [504, { retryable: true, type: 'timeout_error', what: 'timed out behind a gateway', advice: 'the request will be retried.', quote: false }],
  [529, { retryable: true, type: 'overloaded_error', what: 'is overloaded', advice: 'the request will be retried; this is temporary.', quote: false }],
] satisfies [number, StatusRule][]); // prettier-ignore

/** Error types that mean "try again later" when they arrive inside a stream, without a status. */
const RETRYABLE_TYPES: ReadonlySet<string> = new Set([
  'overloaded_error',
  'api_error',
  'rate_limit_error',
  'timeout_error',
]);

function ruleFor(status: number): StatusRule {
  const known = STATUS_RULES.get(status);
  if (known) return known;
  return status >= 500
    ? {
        retryable: true,
        type: 'api_error',
        what: 'failed',
        advice: 'the request will be retried.',
        quote: false,
      }
    : {
        retryable: false,
        type: 'invalid_request_error',
        what: 'refused the request',
        advice: 'fix the request; sending it again will not help.',
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
  base: Pick<AnthropicErrorDecision, 'retryable' | 'type' | 'message'>,
  extra: {
    status?: number | undefined;
    requestId?: string | null | undefined;
    retryAfterMs?: number | undefined;
  },
): AnthropicErrorDecision {
  const out: AnthropicErrorDecision = { ...base };
  if (extra.status !== undefined) out.status = extra.status;
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
  const apiType = err.type ?? rule.type;
  const detail = err.apiMessage ?? undefined;
  const extra = { status, requestId: err.requestID, retryAfterMs };
  if (status === 400 && detail !== undefined && /prompt is too long/i.test(detail)) {
    return decision(
      {
        retryable: false,
        type: 'prompt_too_long',
        message:
          `The conversation no longer fits the model's context window (400 ${apiType}: ${detail}): ` +
          'compact the conversation or roll over to a new session; sending it again will not help.',
      },
      extra,
    );
  }
  const quoted = rule.quote && detail !== undefined ? `: ${detail}` : '';
  const advice =
    rule.retryable && retryAfterMs !== undefined
      ? `the request will be retried after ${formatWait(retryAfterMs)}, as the API asked.`
      : rule.advice;
  return decision(
    {
      retryable: rule.retryable,
      type: apiType,
      message: `The Anthropic API ${rule.what} (${status} ${apiType}${quoted}): ${advice}`,
    },
    extra,
  );
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
 * Decides whether a failed model request is worth retrying, and says why in words a person can act
 * on. 400, 401, 403, 404, 413, 422 and other 4xx are final; 408, 409, 429, 5xx (529 included),
 * connection failures and timeouts are retryable, with `retryAfterMs` from `retry-after-ms` or
 * `retry-after`. A request the caller aborted is final, with type `cancelled`. Never throws.
 * @param now the current time in ms, for `retry-after` headers that hold a date.
 * @example
 * try { await client.messages.create(params) }
 * catch (err) { const d = classifyAnthropicError(err); if (!d.retryable) throw nonRetryable(d) }
 */
export function classifyAnthropicError(err: unknown, now: number = Date.now()): AnthropicErrorDecision {
  if (err instanceof APIUserAbortError) {
    return {
      retryable: false,
      type: 'cancelled',
      message: 'The request to the Anthropic API was cancelled before it finished.',
    };
  }
  if (err instanceof APIConnectionTimeoutError) {
    return {
      retryable: true,
      type: 'timeout',
      message:
        'The request to the Anthropic API timed out: it will be retried; if this keeps happening, raise the client timeout or check the network.',
    };
  }
  if (err instanceof APIConnectionError) {
    const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
    return {
      retryable: true,
      type: 'connection_error',
      message: `Could not reach the Anthropic API${cause}: it will be retried; check the network and ANTHROPIC_BASE_URL if this keeps happening.`,
    };
  }
  if (err instanceof APIError) {
    // `instanceof` narrows to APIError<any, ...>; the default type arguments are the honest ones.
    const apiError = err as APIError;
    if (typeof apiError.status === 'number') return classifyStatusError(apiError, apiError.status, now);
    // An `error` event inside a 200 stream: there is no status, only the error's type.
    const type = apiError.type ?? 'api_error';
    const retryable = RETRYABLE_TYPES.has(type);
    return decision(
      {
        retryable,
        type,
        message:
          `The Anthropic API stream failed part-way (${type}${apiError.apiMessage ? `: ${apiError.apiMessage}` : ''}): ` +
          (retryable ? 'the request will be retried.' : 'sending it again will not help.'),
      },
      { requestId: apiError.requestID },
    );
  }
  if (err instanceof SyntaxError) {
    return {
      retryable: true,
      type: 'malformed_response',
      message: `The Anthropic API answered with a body that is not valid JSON (${err.message}): the request will be retried.`,
    };
  }
  if (err instanceof AnthropicError) {
    // MessageStream wraps every non-SDK error (a JSON syntax error, a dropped socket) in a plain
    // AnthropicError with the original as `cause`: judge the original.
    if (err.cause instanceof Error) return classifyAnthropicError(err.cause, now);
    if (/streaming is required/i.test(err.message)) {
      return {
        retryable: false,
        type: 'streaming_required',
        message: `The SDK refused a long non-streaming request (${err.message}): use messages.stream() or a lower max_tokens.`,
      };
    }
    if (/stream ended without|request ended without sending any chunks/i.test(err.message)) {
      return {
        retryable: true,
        type: 'incomplete_response',
        message: `The Anthropic API stream ended before the message was complete (${err.message}): the request will be retried.`,
      };
    }
  }
  if (err instanceof Error && isDroppedConnection(err)) {
    return {
      retryable: true,
      type: 'connection_error',
      message: `The connection to the Anthropic API dropped mid-response (${err.message}): the request will be retried.`,
    };
  }
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return {
    retryable: false,
    type: 'unexpected_error',
    message: `The model request failed in an unexpected way (${text}): this is likely a bug in baton; retrying will not help.`,
  };
}
