/**
 * classifyAnthropicError: every status the API uses, connection failures, aborts, and retry-after.
 * Status errors are built with the SDK's own `APIError.generate`, the factory its client uses.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AnthropicError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { FailureType, FINAL_MODEL_CALL_FAILURES } from '../../src/domain/failures';
import { classifyAnthropicError, createAnthropicClient, retryAfterMsFromHeaders } from '../../src/model';

const statusError = (
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): APIError =>
  APIError.generate(
    status,
    { type: 'error', error: { type, message } },
    undefined,
    new Headers({ 'request-id': 'req_test_1', ...headers }),
  );

describe('classifyAnthropicError: HTTP statuses', () => {
  // The mapping table: every status the API documents (and a 4xx and a 5xx it does not), baton's
  // failure type, and whether a retry may help. The API's own error.type stays in the message and
  // in apiErrorType.
  it.each([
    [400, 'invalid_request_error', FailureType.InvalidModelRequest, false],
    [401, 'authentication_error', FailureType.AuthenticationFailed, false],
    [402, 'billing_error', FailureType.BillingRefused, false],
    [403, 'permission_error', FailureType.PermissionDenied, false],
    [404, 'not_found_error', FailureType.ModelNotFound, false],
    [413, 'request_too_large', FailureType.RequestTooLarge, false],
    [418, 'invalid_request_error', FailureType.InvalidModelRequest, false],
    [422, 'invalid_request_error', FailureType.InvalidModelRequest, false],
    [408, 'timeout_error', FailureType.ApiTimeout, true],
    [409, 'conflict_error', FailureType.ApiConflict, true],
    [429, 'rate_limit_error', FailureType.RateLimited, true],
    [500, 'api_error', FailureType.ApiUnavailable, true],
    [502, 'api_error', FailureType.ApiUnavailable, true],
    [503, 'api_error', FailureType.ApiUnavailable, true],
    [504, 'timeout_error', FailureType.ApiTimeout, true],
    [529, 'overloaded_error', FailureType.ApiOverloaded, true],
    [599, 'api_error', FailureType.ApiUnavailable, true],
  ] as const)('%i %s → %s, retryable %s', (status, apiType, type, retryable) => {
    const decision = classifyAnthropicError(statusError(status, apiType, 'details from the API'));
    expect(decision).toMatchObject({
      retryable,
      type,
      status,
      apiErrorType: apiType,
      requestId: 'req_test_1',
    });
    expect(decision.message).toContain(`(${status} ${apiType}`);
    // Whether it is retried is the retry policy's business, not the message's.
    expect(decision.message).not.toMatch(/retried|retry/i);
    // The retry policy's list of final failures agrees with the decision.
    expect(FINAL_MODEL_CALL_FAILURES.includes(type)).toBe(!retryable);
  });

  it('says what to do only when a retry cannot help', () => {
    expect(classifyAnthropicError(statusError(529, 'overloaded_error', 'Overloaded')).message).toBe(
      'The Anthropic API is overloaded (529 overloaded_error).',
    );
    expect(classifyAnthropicError(statusError(413, 'request_too_large', 'too big')).message).toBe(
      'The Anthropic API refused a request that is too large (413 request_too_large): ' +
        'send less: compact the conversation or shorten large tool results.',
    );
  });

  it('falls back to a type by status when the body has none', () => {
    const err = APIError.generate(503, undefined, 'upstream connect error', new Headers());
    expect(classifyAnthropicError(err)).toMatchObject({
      retryable: true,
      type: FailureType.ApiUnavailable,
      status: 503,
      apiErrorType: 'api_error',
    });
    expect(classifyAnthropicError(err)).not.toHaveProperty('requestId');
  });

  it('treats other 4xx statuses as final', () => {
    expect(
      classifyAnthropicError(statusError(402, 'billing_error', 'Your credit balance is too low')),
    ).toMatchObject({
      retryable: false,
      type: FailureType.BillingRefused,
      apiErrorType: 'billing_error',
    });
    expect(classifyAnthropicError(statusError(418, 'invalid_request_error', 'teapot')).retryable).toBe(false);
  });

  it('says what to do about a bad key', () => {
    expect(
      classifyAnthropicError(statusError(401, 'authentication_error', 'invalid x-api-key')).message,
    ).toBe('The Anthropic API rejected the key (401 authentication_error): check ANTHROPIC_API_KEY.');
  });

  it('quotes the API on a bad request', () => {
    expect(
      classifyAnthropicError(statusError(400, 'invalid_request_error', 'max_tokens: Field required')).message,
    ).toBe(
      'The Anthropic API rejected the request (400 invalid_request_error: max_tokens: Field required): ' +
        'fix the request; sending it again will not help.',
    );
  });

  it('names a prompt that no longer fits the context window', () => {
    const err = statusError(
      400,
      'invalid_request_error',
      'prompt is too long: 210000 tokens > 200000 maximum',
    );
    const decision = classifyAnthropicError(err);
    expect(decision).toMatchObject({
      retryable: false,
      type: FailureType.ContextOverflow,
      status: 400,
      apiErrorType: 'invalid_request_error',
    });
    expect(decision.message).toContain('compact the conversation');
  });
});

describe('classifyAnthropicError: retry-after', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('prefers retry-after-ms', () => {
    const err = statusError(429, 'rate_limit_error', 'slow down', {
      'retry-after-ms': '1500',
      'retry-after': '9',
    });
    expect(classifyAnthropicError(err, now).retryAfterMs).toBe(1500);
    expect(classifyAnthropicError(err, now).message).toBe(
      'The Anthropic API is rate limiting this key (429 rate_limit_error) and asked to wait 1.5 s.',
    );
  });

  it('reads retry-after in seconds, fractions included', () => {
    expect(
      classifyAnthropicError(statusError(529, 'overloaded_error', 'Overloaded', { 'retry-after': '7' }), now)
        .retryAfterMs,
    ).toBe(7000);
    expect(retryAfterMsFromHeaders(new Headers({ 'retry-after': '0.25' }), now)).toBe(250);
  });

  it('reads retry-after as an HTTP date', () => {
    const headers = new Headers({ 'retry-after': new Date(now + 30_000).toUTCString() });
    expect(retryAfterMsFromHeaders(headers, now)).toBe(30_000);
    expect(
      retryAfterMsFromHeaders(new Headers({ 'retry-after': new Date(now - 5_000).toUTCString() }), now),
    ).toBe(0);
  });

  it('ignores missing or unreadable headers', () => {
    expect(classifyAnthropicError(statusError(429, 'rate_limit_error', 'x'))).not.toHaveProperty(
      'retryAfterMs',
    );
    expect(retryAfterMsFromHeaders(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMsFromHeaders(new Headers({ 'retry-after-ms': '-1' }), now)).toBeUndefined();
    expect(retryAfterMsFromHeaders(undefined, now)).toBeUndefined();
  });
});

describe('classifyAnthropicError: without a response', () => {
  it('retries connection errors and timeouts', () => {
    const refused = new APIConnectionError({ cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
    expect(classifyAnthropicError(refused)).toMatchObject({
      retryable: true,
      type: FailureType.ApiConnectionFailed,
    });
    expect(classifyAnthropicError(refused).message).toContain('ECONNREFUSED');
    expect(classifyAnthropicError(new APIConnectionTimeoutError())).toMatchObject({
      retryable: true,
      type: FailureType.ApiTimeout,
    });
  });

  it('does not retry a request the caller cancelled', () => {
    expect(classifyAnthropicError(new APIUserAbortError())).toEqual({
      retryable: false,
      type: FailureType.ModelCallCancelled,
      message: 'The request to the Anthropic API was cancelled before it finished.',
    });
  });

  it('judges an error event inside a stream by its type', () => {
    const overloaded = new APIError(
      undefined,
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      undefined,
      new Headers({ 'request-id': 'req_s' }),
      'overloaded_error',
    );
    expect(classifyAnthropicError(overloaded)).toMatchObject({
      retryable: true,
      type: FailureType.ApiOverloaded,
      apiErrorType: 'overloaded_error',
      requestId: 'req_s',
    });
    expect(classifyAnthropicError(overloaded)).not.toHaveProperty('status');
    const invalid = new APIError(
      undefined,
      { type: 'error', error: { type: 'invalid_request_error', message: 'bad' } },
      undefined,
      new Headers(),
      'invalid_request_error',
    );
    expect(classifyAnthropicError(invalid)).toMatchObject({
      retryable: false,
      type: FailureType.InvalidModelRequest,
    });
    expect(classifyAnthropicError(invalid).message).toBe(
      'The Anthropic API stream failed part-way (invalid_request_error: bad): sending it again will not help.',
    );
  });

  it('retries a body that is not JSON, and an incomplete stream', () => {
    expect(classifyAnthropicError(new SyntaxError('Unexpected end of JSON input'))).toMatchObject({
      retryable: true,
      type: FailureType.MalformedResponse,
    });
    expect(
      classifyAnthropicError(
        new AnthropicError('stream ended without producing a Message with role=assistant'),
      ),
    ).toMatchObject({
      retryable: true,
      type: FailureType.IncompleteResponse,
    });
  });

  it('looks through the AnthropicError that MessageStream wraps around other errors', () => {
    const wrapped = new AnthropicError('terminated');
    wrapped.cause = new TypeError('terminated');
    expect(classifyAnthropicError(wrapped)).toMatchObject({
      retryable: true,
      type: FailureType.ApiConnectionFailed,
    });
  });

  it('does not retry the SDK refusing a long non-streaming request', () => {
    const err = new AnthropicError(
      'Streaming is required for operations that may take longer than 10 minutes.',
    );
    expect(classifyAnthropicError(err)).toMatchObject({
      retryable: false,
      type: FailureType.StreamingRequired,
    });
  });

  it('does not retry errors it does not recognise', () => {
    expect(classifyAnthropicError(new RangeError('boom'))).toMatchObject({
      retryable: false,
      type: FailureType.ModelCallFailed,
    });
    expect(classifyAnthropicError('a string')).toMatchObject({
      retryable: false,
      type: FailureType.ModelCallFailed,
    });
  });

  it('retries a stream whose connection drops part-way (real socket)', async () => {
    // A server that starts a stream and then cuts the connection, as a failing proxy would.
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_drop' });
      res.write(
        'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}}\n\n',
        () => res.socket?.destroy(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const client = createAnthropicClient({ baseURL: `http://127.0.0.1:${port}` });
      const err = await client.messages
        .stream({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
        .finalMessage()
        .catch((e: unknown) => e);
      // undici reports it as `TypeError: terminated`, which MessageStream wraps in an AnthropicError.
      expect(classifyAnthropicError(err)).toMatchObject({
        retryable: true,
        type: FailureType.ApiConnectionFailed,
      });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('retries when nothing listens at the base URL (real socket)', async () => {
    const client = createAnthropicClient({ baseURL: 'http://127.0.0.1:1' });
    const err = await client.messages
      .create({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(classifyAnthropicError(err)).toMatchObject({
      retryable: true,
      type: FailureType.ApiConnectionFailed,
    });
  });
});
