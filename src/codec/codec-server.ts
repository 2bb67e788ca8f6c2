/**
 * A Temporal codec server: the HTTP endpoints (`POST …/encode`, `POST …/decode`) through which the
 * Temporal UI and CLI ask a process that holds the keys to turn encrypted payloads into readable
 * ones. The keys never leave this process; the UI sees plaintext only for payloads it shows.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PayloadCodec } from '@temporalio/common';
import { bearerMatches, checkCodecAccess } from './codec-auth';
import { CodecRequestError } from './errors';
import { payloadsFromJson, payloadsToJson } from './payloads-json';

/** Where the Temporal UI of `temporal server start-dev` runs. */
export const DEFAULT_UI_ORIGIN = 'http://localhost:8233';
export const DEFAULT_CODEC_PORT = 8888;

/** Options of {@link startCodecServer}. */
export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Port to listen on (default 8888; 0 picks a free one). */
  port?: number;
  /**
   * Address to listen on (default `127.0.0.1`: anyone who can reach the server can decrypt, so
   * it is not exposed beyond this machine unless asked, e.g. `0.0.0.0` in a container, and then
   * only with an `authToken`).
   */
  host?: string;
  /**
   * Bearer token every `/encode` and `/decode` request must carry (`Authorization: Bearer <token>`);
   * others get 401. Required when `host` is beyond loopback; optional (but enforced) on loopback.
   */
  authToken?: string;
  /**
   * Browser origins allowed to call it (CORS), e.g. the Temporal UI's `http://localhost:8080`
   * (default `http://localhost:8233`). `*` allows any origin. Requests without an `Origin` header
   * (the Temporal CLI, scripts) are always served.
   */
  origins?: readonly string[];
  /** Largest request body accepted (default 64 MiB; Temporal payloads are at most a few MB each). */
  maxBodyBytes?: number;
  /** Receives one line per failed request. */
  log?: (line: string) => void;
}

/** A running codec server. */
export interface CodecServer {
  /** `http://host:port`, to use as the UI's codec endpoint. */
  url: string;
  port: number;
  /** Stops accepting requests and closes open connections. */
  close(): Promise<void>;
}

const ALLOWED_HEADERS = 'Content-Type, X-Namespace, Authorization';

async function readBody(request: http.IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new CodecRequestError(`The request body is larger than ${limit} bytes.`, 413);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Starts a codec server for `codec`.
 *
 * Protocol (Temporal's remote codec protocol): `POST` a JSON `Payloads` message (`{"payloads":
 * [{"metadata": {"encoding": "<base64>"}, "data": "<base64>"}]}`) to any path ending in `/encode`
 * or `/decode`; the answer is the same shape. Invalid JSON and codec errors (such as a payload
 * encrypted with a key this process does not have) are `400` with a plain-text message. The UI's
 * `X-Namespace` header is accepted; one codec serves every namespace.
 *
 * CORS: requests from an allowed origin get `Access-Control-Allow-Origin` (and credentials);
 * `OPTIONS` preflights are answered with the methods and the `Content-Type`, `X-Namespace` and
 * `Authorization` headers the UI sends; other origins get `403`.
 *
 * Access: with an `authToken`, a request without `Authorization: Bearer <token>` gets `401` and
 * `WWW-Authenticate: Bearer` (preflights are exempt: browsers never send credentials on them).
 *
 * @throws CodecAuthConfigError when `host` is beyond loopback without an `authToken`, or the token
 * is too short; nothing is bound then.
 * @throws Error when the port cannot be bound (in use, no permission).
 * @example
 * const server = await startCodecServer({ codec, origins: ['http://localhost:8080'] });
 * // TEMPORAL_CODEC_ENDPOINT=http://localhost:8888 for the Temporal UI
 */
export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.authToken;
  checkCodecAccess(host, token);
  const origins = new Set(options.origins ?? [DEFAULT_UI_ORIGIN]);
  const limit = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const log = options.log ?? (() => undefined);
  const allowed = (origin: string) => origins.has('*') || origins.has(origin);

  const server = http.createServer((request, response) => {
    const origin = request.headers.origin;
    const send = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
      response.end(body);
    };
    if (origin !== undefined) {
      if (!allowed(origin)) {
        log(`codec-server: refused ${request.method ?? '?'} from origin ${origin}`);
        send(
          403,
          `Origin ${origin} is not allowed to use this codec server. Restart it with --origin ${origin} (the Temporal UI's address).`,
        );
        return;
      }
      response.setHeader('Access-Control-Allow-Origin', origin);
      response.setHeader('Access-Control-Allow-Credentials', 'true');
      response.setHeader('Vary', 'Origin');
    }
    if (request.method === 'OPTIONS') {
      response.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      response.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      response.setHeader('Access-Control-Max-Age', '600');
      // Chrome's Private Network Access asks before a page reaches a server on a private address.
      if (request.headers['access-control-request-private-network'] === 'true') {
        response.setHeader('Access-Control-Allow-Private-Network', 'true');
      }
      response.writeHead(204);
      response.end();
      return;
    }
    if (token !== undefined && !bearerMatches(request.headers.authorization, token)) {
      log(
        `codec-server: refused ${request.method ?? '?'} ${request.url ?? ''} (${request.headers.authorization ? 'wrong' : 'no'} bearer token)`,
      );
      response.setHeader('WWW-Authenticate', 'Bearer realm="baton codec server"');
      send(
        401,
        'This codec server needs `Authorization: Bearer <token>` with its BATON_CODEC_AUTH_TOKEN ' +
          "(the Temporal CLI: --codec-auth 'Bearer <token>').",
      );
      return;
    }
    // The protocol only looks at the last path segment, so the endpoints can be mounted anywhere
    // (for example /default/decode per namespace behind a proxy).
    const action = new URL(request.url ?? '/', 'http://codec').pathname.split('/').at(-1);
    if (action !== 'encode' && action !== 'decode') {
      send(404, 'Not found: POST to …/encode or …/decode.');
      return;
    }
    if (request.method !== 'POST') {
      response.setHeader('Allow', 'POST, OPTIONS');
      send(405, `Use POST for /${action}.`);
      return;
    }
    const handle = async () => {
      const text = await readBody(request, limit);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new CodecRequestError('The body is not valid JSON.');
      }
      const payloads = payloadsFromJson(body);
      const result =
        action === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
      send(200, JSON.stringify(payloadsToJson(result)), 'application/json');
    };
    handle().catch((error: unknown) => {
      const status = error instanceof CodecRequestError ? error.status : 400;
      const message = error instanceof Error ? error.message : String(error);
      log(`codec-server: /${action} failed (${status}): ${message}`);
      if (!response.headersSent) send(status, message);
      else response.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_CODEC_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  // A wildcard address is not one a browser can use; on this machine it is reachable as localhost.
  const shownHost =
    host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
