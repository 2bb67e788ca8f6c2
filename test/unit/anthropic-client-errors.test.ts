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
  it.each([
    [400, 'invalid_request_error', false],
    [401, 'authentication_error', false],
    [403, 'permission_error', false],
    [404, 'not_found_error', false],
    [413, 'request_too_large', false],
    [422, 'invalid_request_error', false],
    [408, 'timeout_error', true],
    [409, 'conflict_error', true],
    [429, 'rate_limit_error', true],
    [500, 'api_error', true],
    [502, 'api_error', true],
    [503, 'api_error', true],
    [504, 'timeout_error', true],
    [529, 'overloaded_error', true],
    [599, 'api_error', true],
  ])('%i %s → retryable %s', (status, type, retryable) => {
    const decision = classifyAnthropicError(statusError(status, type, 'details from the API'));
    expect(decision).toMatchObject({ retryable, type, status, requestId: 'req_test_1' });
    expect(decision.message).toContain(`(${status} ${type}`);
  });

  it('falls back to a type by status when the body has none', () => {
    const err = APIError.generate(503, undefined, 'upstream connect error', new Headers());
    expect(classifyAnthropicError(err)).toMatchObject({ retryable: true, type: 'api_error', status: 503 });
    expect(classifyAnthropicError(err)).not.toHaveProperty('requestId');
  });

  it('treats other 4xx statuses as final', () => {
    expect(
      classifyAnthropicError(statusError(402, 'billing_error', 'Your credit balance is too low')),
    ).toMatchObject({
      retryable: false,
      type: 'billing_error',
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
    expect(decision).toMatchObject({ retryable: false, type: 'prompt_too_long', status: 400 });
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
    expect(classifyAnthropicError(err, now).message).toContain('retried after 1.5 s');
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
    expect(classifyAnthropicError(refused)).toMatchObject({ retryable: true, type: 'connection_error' });
    expect(classifyAnthropicError(refused).message).toContain('ECONNREFUSED');
    expect(classifyAnthropicError(new APIConnectionTimeoutError())).toMatchObject({
      retryable: true,
      type: 'timeout',
    });
  });

  it('does not retry a request the caller cancelled', () => {
    expect(classifyAnthropicError(new APIUserAbortError())).toEqual({
      retryable: false,
      type: 'cancelled',
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
      type: 'overloaded_error',
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
    expect(classifyAnthropicError(invalid).retryable).toBe(false);
  });

  it('retries a body that is not JSON, and an incomplete stream', () => {
    expect(classifyAnthropicError(new SyntaxError('Unexpected end of JSON input'))).toMatchObject({
      retryable: true,
      type: 'malformed_response',
    });
    expect(
      classifyAnthropicError(
        new AnthropicError('stream ended without producing a Message with role=assistant'),
      ),
    ).toMatchObject({
      retryable: true,
      type: 'incomplete_response',
    });
  });

  it('looks through the AnthropicError that MessageStream wraps around other errors', () => {
    const wrapped = new AnthropicError('terminated');
    wrapped.cause = new TypeError('terminated');
    expect(classifyAnthropicError(wrapped)).toMatchObject({ retryable: true, type: 'connection_error' });
  });

  it('does not retry the SDK refusing a long non-streaming request', () => {
    const err = new AnthropicError(
      'Streaming is required for operations that may take longer than 10 minutes.',
    );
    expect(classifyAnthropicError(err)).toMatchObject({ retryable: false, type: 'streaming_required' });
  });

  it('does not retry errors it does not recognise', () => {
    expect(classifyAnthropicError(new RangeError('boom'))).toMatchObject({
      retryable: false,
      type: 'unexpected_error',
    });
    expect(classifyAnthropicError('a string')).toMatchObject({ retryable: false, type: 'unexpected_error' });
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
      expect(classifyAnthropicError(err)).toMatchObject({ retryable: true, type: 'connection_error' });
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
    expect(classifyAnthropicError(err)).toMatchObject({ retryable: true, type: 'connection_error' });
  });
});
