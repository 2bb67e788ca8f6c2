/**
 * The offline model: a local HTTP server that speaks the Anthropic Messages API, so that baton runs
 * (and its tests exercise) the same SDK code path with or without an API key.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ModelSpec } from '../../domain/models';
import { FaultQueue } from './fault-queue';
import { handleControl } from './handle-control';
import { handleMessages } from './handle-messages';
import { handleModels } from './handle-models';
import { PromptCache } from './prompt-cache';
import type { HandlerContext } from './handler-context';
import { sendApiError } from './http-json';
import type { OfflineFault } from './offline-fault';
import type { OfflineScript } from './offline-script';
import { RequestLog } from './request-log';
import type { RequestLogEntry } from './request-log';

/** Where and how the offline model listens. */
export interface OfflineModelOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; `127.0.0.1` by default, so nothing outside the machine can reach it. */
  host?: string;
  /**
   * Models whose context window and output limit are enforced (the built-in registry by default;
   * pass `registry.models` to include configured ones). Unknown ids get a 200,000-token window.
   */
  models?: readonly ModelSpec[];
  /** A script of replies and tool calls (see `offline-script.ts`); unmatched turns get the ordinary replies. */
  script?: OfflineScript;
  /**
   * The prompt cache's clock in ms (`Date.now` by default). Tests move it with
   * {@link OfflineModel.advanceClock} to expire entries without waiting.
   */
  now?: () => number;
}

/**
 * A running offline model. Point the SDK at it with `new Anthropic({ baseURL: model.baseURL })`.
 *
 * @example
 * const model = await OfflineModel.start();
 * model.injectFaults([{ kind: 'http', status: 429, retry_after_s: 1 }]);
 * // ... the next POST /v1/messages gets a 429 ...
 * await model.stop();
 */
export class OfflineModel {
  readonly #server: Server;
  readonly #faults = new FaultQueue();
  readonly #log = new RequestLog();
  readonly #inflight = new Set<AbortController>();
  readonly #context: HandlerContext;
  readonly #cache: PromptCache;
  #clockOffsetMs = 0;
  #requestCount = 0;
  #script: OfflineScript | undefined;
  #stopping: Promise<void> | undefined;

  private constructor(options: OfflineModelOptions) {
    const clock = options.now ?? Date.now;
    const now = () => clock() + this.#clockOffsetMs;
    this.#cache = new PromptCache(now);
    this.#context = {
      faults: this.#faults,
      log: this.#log,
      cache: this.#cache,
      now,
      models: options.models,
      nextRequestId: () => `req_offline_${++this.#requestCount}`,
      script: () => this.#script,
      setScript: (script) => (this.#script = script),
      advanceClock: (ms) => this.advanceClock(ms),
    };
    this.#script = options.script;
    this.#server = createServer((req, res) => this.#handle(req, res));
  }

  /**
   * Starts a server and resolves once it is listening.
   * @throws Error from `listen` (for example `EADDRINUSE` when the port is taken).
   */
  static async start(options: OfflineModelOptions = {}): Promise<OfflineModel> {
    const model = new OfflineModel(options);
    const server = model.#server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return model;
  }

  /** The port the server listens on. */
  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** The base URL to give the SDK, like `http://127.0.0.1:8787` (no trailing slash). */
  get baseURL(): string {
    const { address, family } = this.#server.address() as AddressInfo;
    // A wildcard address is where the server listens, not where a client can connect.
    const host =
      address === '0.0.0.0'
        ? '127.0.0.1'
        : address === '::'
          ? '[::1]'
          : family === 'IPv6'
            ? `[${address}]`
            : address;
    return `http://${host}:${this.port}`;
  }

  /**
   * Queues faults for the next `POST /v1/messages` requests; see {@link OfflineFault}.
   * @throws InvalidFaultError when a fault is not well formed (then none is queued).
   */
  injectFaults(faults: readonly OfflineFault[]): void {
    this.#faults.add(faults);
  }

  /** Replaces the script (undefined removes it): from the next request on, its steps answer matching turns. */
  setScript(script: OfflineScript | undefined): void {
    this.#script = script;
  }

  /** Drops every fault not yet used. */
  clearFaults(): void {
    this.#faults.clear();
  }

  /** The faults still queued, each with the number of uses it has left as `times`. */
  get pendingFaults(): OfflineFault[] {
    return this.#faults.pending;
  }

  /** Every API request so far, oldest first (a copy). */
  get requests(): RequestLogEntry[] {
    return this.#log.entries;
  }

  /** Empties the request log. */
  clearRequests(): void {
    this.#log.clear();
  }

  /**
   * Moves the prompt cache's clock forward, so entries expire as if `ms` had passed (a 5-minute
   * entry unused for 6 minutes is gone). Nothing else depends on the clock.
   * @throws RangeError for a negative or non-finite `ms`.
   */
  advanceClock(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`advanceClock takes 0 or more milliseconds, got ${ms}.`);
    this.#clockOffsetMs += ms;
  }

  /** Empties the prompt cache. */
  clearCache(): void {
    this.#cache.clear();
  }

  /** How many prefixes the prompt cache holds that have not expired. */
  get cachedPrefixes(): number {
    return this.#cache.size;
  }

  /**
   * Stops listening and closes every connection at once, hanging and streaming requests included.
   * Safe to call more than once.
   */
  stop(): Promise<void> {
    this.#stopping ??= new Promise<void>((resolve, reject) => {
      for (const controller of this.#inflight) controller.abort();
      this.#server.close((err) => (err ? reject(err) : resolve()));
      this.#server.closeAllConnections();
    });
    return this.#stopping;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const controller = new AbortController();
    this.#inflight.add(controller);
    res.on('close', () => {
      controller.abort();
      this.#inflight.delete(controller);
    });
    this.#route(req, res, controller.signal).catch(() => {
      // A handler failed (usually the client left mid-body): answer if still possible, else drop.
      if (!res.headersSent && !res.destroyed) sendApiError(res, 500, this.#context.nextRequestId());
      else res.destroy();
    });
  }

  #route(req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://offline').pathname.replace(/\/+$/, '');
    if (path.startsWith('/_offline/')) return handleControl(req, res, path, this.#context);
    if (req.method === 'POST' && path === '/v1/messages') {
      return handleMessages(req, res, path, 'messages', this.#context, signal);
    }
    if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
      return handleMessages(req, res, path, 'count_tokens', this.#context, signal);
    }
    if (req.method === 'GET' && (path === '/v1/models' || path.startsWith('/v1/models/'))) {
      req.resume();
      handleModels(req, res, this.#context);
      return Promise.resolve();
    }
    req.resume();
    sendApiError(res, 404, this.#context.nextRequestId(), {
      message: `The offline model has no ${req.method ?? 'GET'} ${path}; it serves POST /v1/messages, POST /v1/messages/count_tokens, GET /v1/models and GET /v1/models/{model_id}.`,
    });
    return Promise.resolve();
  }
}
