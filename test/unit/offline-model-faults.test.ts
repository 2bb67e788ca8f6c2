/**
 * Fault injection and the `/_offline/*` controls, seen through the real SDK over real HTTP.
 */
import type Anthropic from '@anthropic-ai/sdk';
import {
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ContentTooLargeError,
  InternalServerError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  RateLimitError,
} from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FailureType } from '../../src/domain/failures';
import {
  classifyAnthropicError,
  createAnthropicClient,
  InvalidFaultError,
  OfflineModel,
} from '../../src/model';
import type { OfflineFault } from '../../src/model';

type Params = Anthropic.MessageCreateParamsNonStreaming;
/** How long to wait for the model's request log to catch up (vi.waitFor's default is 1 s). */
const WAIT = { timeout: 15_000 };

let model: OfflineModel;
let client: Anthropic;

beforeAll(async () => {
  model = await OfflineModel.start();
  client = createAnthropicClient({ baseURL: model.baseURL });
});

afterAll(async () => {
  await model.stop();
});

beforeEach(() => {
  model.clearFaults();
  model.clearRequests();
});

const ask = (text: string): Params => ({
  model: 'claude-haiku-4-5',
  max_tokens: 256,
  messages: [{ role: 'user', content: text }],
});

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (e: unknown) => e,
  );

describe('http faults', () => {
  it.each([
    [400, BadRequestError, 'invalid_request_error', FailureType.InvalidModelRequest, false],
    [401, AuthenticationError, 'authentication_error', FailureType.AuthenticationFailed, false],
    [403, PermissionDeniedError, 'permission_error', FailureType.PermissionDenied, false],
    [404, NotFoundError, 'not_found_error', FailureType.ModelNotFound, false],
    [413, ContentTooLargeError, 'request_too_large', FailureType.RequestTooLarge, false],
    [429, RateLimitError, 'rate_limit_error', FailureType.RateLimited, true],
    [500, InternalServerError, 'api_error', FailureType.ApiUnavailable, true],
    [529, OverloadedError, 'overloaded_error', FailureType.ApiOverloaded, true],
  ] as const)('%i surfaces as %o with type %s', async (status, errorClass, apiType, type, retryable) => {
    model.injectFaults([{ kind: 'http', status, retry_after_s: 2 }]);
    const err = await failure(client.messages.create(ask('fault me')));
    expect(err).toBeInstanceOf(errorClass);
    const apiError = err as APIError;
    expect(apiError.status).toBe(status);
    expect(apiError.type).toBe(apiType);
    expect(apiError.requestID).toBe(model.requests[0]?.request_id);
    expect(apiError.headers?.get('retry-after')).toBe('2');
    expect(classifyAnthropicError(err)).toMatchObject({
      retryable,
      type,
      status,
      apiErrorType: apiType,
      requestId: apiError.requestID,
      retryAfterMs: 2000,
    });
    expect(model.requests[0]).toMatchObject({ status, fault: 'http' });
  });

  it('uses the message given, and omits retry-after when not set', async () => {
    model.injectFaults([{ kind: 'http', status: 401, message: 'invalid x-api-key: offline test' }]);
    const err = (await failure(client.messages.create(ask('x')))) as AuthenticationError;
    expect(err.apiMessage).toBe('invalid x-api-key: offline test');
    expect(err.headers.get('retry-after')).toBeNull();
    expect(classifyAnthropicError(err).message).toBe(
      'The Anthropic API rejected the key (401 authentication_error): check ANTHROPIC_API_KEY.',
    );
  });

  it('hits a streaming request before the stream starts', async () => {
    model.injectFaults([{ kind: 'http', status: 429, retry_after_s: 1 }]);
    const err = await failure(client.messages.stream(ask('stream me')).finalMessage());
    expect(err).toBeInstanceOf(RateLimitError);
  });
});

describe('targeting', () => {
  it('consumes faults in order, one request each', async () => {
    model.injectFaults([
      { kind: 'http', status: 529 },
      { kind: 'http', status: 500 },
    ]);
    expect(await failure(client.messages.create(ask('a')))).toBeInstanceOf(OverloadedError);
    expect(await failure(client.messages.create(ask('b')))).toBeInstanceOf(InternalServerError);
    await expect(client.messages.create(ask('c'))).resolves.toMatchObject({ type: 'message' });
  });

  it('repeats a fault `times` times', async () => {
    model.injectFaults([{ kind: 'http', status: 529, times: 2 }]);
    expect(model.pendingFaults).toEqual([{ kind: 'http', status: 529, times: 2 }]);
    await failure(client.messages.create(ask('a')));
    expect(model.pendingFaults).toEqual([{ kind: 'http', status: 529, times: 1 }]);
    await failure(client.messages.create(ask('b')));
    expect(model.pendingFaults).toEqual([]);
    await expect(client.messages.create(ask('c'))).resolves.toBeDefined();
  });

  it('applies a fault with `match` only to requests whose last user text contains it', async () => {
    model.injectFaults([{ kind: 'http', status: 529, match: 'summarize' }]);
    await expect(client.messages.create(ask('hello'))).resolves.toBeDefined();
    expect(await failure(client.messages.create(ask('please summarize this')))).toBeInstanceOf(
      OverloadedError,
    );
    expect(model.requests.map((r) => r.fault)).toEqual([null, 'http']);
  });

  it('leaves faults for valid requests: an invalid one does not use one up', async () => {
    model.injectFaults([{ kind: 'http', status: 529 }]);
    expect(await failure(client.messages.create({ ...ask('x'), messages: [] }))).toBeInstanceOf(
      BadRequestError,
    );
    expect(model.pendingFaults).toHaveLength(1);
  });

  it('does not apply faults to count_tokens', async () => {
    model.injectFaults([{ kind: 'http', status: 529 }]);
    await client.messages.countTokens({
      model: 'claude-haiku-4-5',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(model.pendingFaults).toHaveLength(1);
  });

  it('refuses a fault that is not well formed, and queues none of the batch', () => {
    expect(() =>
      model.injectFaults([
        { kind: 'delay', ms: 10 },
        { kind: 'http', status: 200 },
      ]),
    ).toThrow(InvalidFaultError);
    expect(() => model.injectFaults([{ kind: 'explode' } as unknown as OfflineFault])).toThrow(
      /kind must be one of/,
    );
    expect(model.pendingFaults).toEqual([]);
  });
});

describe('stream and body faults', () => {
  it('mid_stream_error ends a stream with an overloaded_error event', async () => {
    model.injectFaults([{ kind: 'mid_stream_error' }]);
    const stream = client.messages.stream(ask('a long answer, please'));
    const texts: string[] = [];
    stream.on('text', (t) => texts.push(t));
    const err = await failure(stream.finalMessage());
    expect(err).toBeInstanceOf(APIError);
    const apiError = err as APIError;
    expect(apiError.status).toBeUndefined();
    expect(apiError.type).toBe('overloaded_error');
    expect(texts.length).toBeGreaterThan(0); // some text arrived before the error
    expect(classifyAnthropicError(err)).toMatchObject({
      retryable: true,
      type: FailureType.ApiOverloaded,
      apiErrorType: 'overloaded_error',
    });
    expect(model.requests[0]).toMatchObject({ status: 200, fault: 'mid_stream_error' });
  });

  it('mid_stream_error answers a non-streaming request with 529', async () => {
    model.injectFaults([{ kind: 'mid_stream_error' }]);
    expect(await failure(client.messages.create(ask('x')))).toBeInstanceOf(OverloadedError);
  });

  it('malformed_body answers 200 with a body that is not JSON', async () => {
    model.injectFaults([{ kind: 'malformed_body' }]);
    const err = await failure(client.messages.create(ask('x')));
    expect(err).toBeInstanceOf(SyntaxError);
    expect(classifyAnthropicError(err)).toMatchObject({
      retryable: true,
      type: FailureType.MalformedResponse,
    });
  });

  it('malformed_body breaks a stream too', async () => {
    const Anthropic = (await import('@anthropic-ai/sdk')).default;
    // The SDK logs unparseable events at error level; keep the test output clean.
    const quiet = new Anthropic({
      apiKey: 'offline-no-key',
      baseURL: model.baseURL,
      maxRetries: 0,
      logLevel: 'off',
    });
    model.injectFaults([{ kind: 'malformed_body' }]);
    const err = await failure(quiet.messages.stream(ask('x')).finalMessage());
    // MessageStream wraps the parse error in an AnthropicError whose cause is the SyntaxError.
    expect((err as Error).cause).toBeInstanceOf(SyntaxError);
    expect(classifyAnthropicError(err)).toMatchObject({
      retryable: true,
      type: FailureType.MalformedResponse,
    });
  });

  it('delay answers normally after waiting', async () => {
    model.injectFaults([{ kind: 'delay', ms: 300 }]);
    const reply = await client.messages.create(ask('slowly'));
    expect(reply.content[0]).toMatchObject({ type: 'text' });
    expect(model.requests[0]).toMatchObject({ status: 200, fault: 'delay' });
  });

  it('delay holds the answer back while it waits', async () => {
    // A delay far longer than the test: the request is in, and nothing has been answered.
    model.injectFaults([{ kind: 'delay', ms: 600_000 }]);
    const controller = new AbortController();
    let settled = false;
    const pending = failure(
      client.messages.create(ask('slowly'), { signal: controller.signal }).finally(() => (settled = true)),
    );
    await vi.waitFor(() => expect(model.requests[0]).toMatchObject({ fault: 'delay' }), WAIT);
    expect(model.requests[0]!.status).toBeNull();
    expect(settled).toBe(false);
    controller.abort();
    expect(await pending).toBeInstanceOf(APIUserAbortError);
    await vi.waitFor(() => expect(model.requests[0]?.status).toBe(499), WAIT);
  });

  it('hang never answers; the caller aborts', async () => {
    model.injectFaults([{ kind: 'hang' }]);
    const controller = new AbortController();
    const pending = failure(client.messages.create(ask('hello?'), { signal: controller.signal }));
    await vi.waitFor(() => expect(model.requests).toHaveLength(1), WAIT);
    expect(model.requests[0]).toMatchObject({ status: null, fault: 'hang' });
    controller.abort();
    const err = await pending;
    expect(err).toBeInstanceOf(APIUserAbortError);
    expect(classifyAnthropicError(err)).toMatchObject({
      retryable: false,
      type: FailureType.ModelCallCancelled,
    });
    await vi.waitFor(() => expect(model.requests[0]?.status).toBe(499), WAIT);
  });

  it('hang runs into the client timeout', async () => {
    const impatient = createAnthropicClient({ baseURL: model.baseURL, timeoutMs: 200 });
    model.injectFaults([{ kind: 'hang' }]);
    const err = await failure(impatient.messages.create(ask('hello?')));
    expect(err).toBeInstanceOf(APIConnectionTimeoutError);
    expect(classifyAnthropicError(err)).toMatchObject({ retryable: true, type: FailureType.ApiTimeout });
  });
});

describe('the /_offline control endpoints', () => {
  const control = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> => {
    const res = await fetch(`${model.baseURL}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: await res.json() };
  };

  it('reports health', async () => {
    expect(await control('GET', '/_offline/health')).toEqual({
      status: 200,
      json: { ok: true, pending_faults: 0, requests: 0 },
    });
  });

  it('queues, lists and clears faults', async () => {
    const added = await control('POST', '/_offline/faults', {
      faults: [{ kind: 'http', status: 429, retry_after_s: 3, match: 'rate me' }],
    });
    expect(added).toEqual({ status: 200, json: { ok: true, pending: 1 } });
    expect((await control('GET', '/_offline/faults')).json).toEqual({
      faults: [{ kind: 'http', status: 429, retry_after_s: 3, match: 'rate me', times: 1 }],
    });
    const err = await failure(client.messages.create(ask('please rate me')));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(classifyAnthropicError(err).retryAfterMs).toBe(3000);

    await control('POST', '/_offline/faults', { faults: [{ kind: 'hang' }] });
    expect(await control('DELETE', '/_offline/faults')).toEqual({ status: 200, json: { ok: true } });
    expect(model.pendingFaults).toEqual([]);
  });

  it('refuses a bad fault with a clear message', async () => {
    const { status, json } = await control('POST', '/_offline/faults', {
      faults: [{ kind: 'http', status: 'soon' }],
    });
    expect(status).toBe(400);
    expect(json).toMatchObject({
      error: {
        type: 'invalid_request_error',
        message: expect.stringContaining('faults[0].status') as string,
      },
    });
    expect((await control('POST', '/_offline/faults', { nope: true })).status).toBe(400);
  });

  it('shows and clears the request log', async () => {
    await client.messages.create(ask('log me'));
    const { json } = await control('GET', '/_offline/requests');
    expect(json).toMatchObject({
      requests: [{ path: '/v1/messages', last_user_text: 'log me', status: 200 }],
    });
    expect((await control('DELETE', '/_offline/requests')).status).toBe(200);
    expect(model.requests).toEqual([]);
  });

  it('answers an unknown control path with 404', async () => {
    expect((await control('GET', '/_offline/nothing')).status).toBe(404);
  });
});

describe('stop()', () => {
  it('closes hanging requests at once', async () => {
    const own = await OfflineModel.start();
    const ownClient = createAnthropicClient({ baseURL: own.baseURL });
    own.injectFaults([{ kind: 'hang' }]);
    const pending = failure(ownClient.messages.create(ask('wait forever')));
    await vi.waitFor(() => expect(own.requests).toHaveLength(1), WAIT);
    // Were the hanging connection left open, stop() would wait for it forever (and time out here).
    await own.stop();
    const err = await pending;
    expect(classifyAnthropicError(err)).toMatchObject({
      retryable: true,
      type: FailureType.ApiConnectionFailed,
    });
    await own.stop(); // a second stop is harmless
  });
});
