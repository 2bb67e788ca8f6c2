/**
 * Reading request bodies and writing JSON answers, including Anthropic-shaped errors.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiErrorBody } from './api-error-body';

/** The API refuses bodies over 32 MB with a 413; the offline model does the same. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * Reads the whole body as UTF-8, or `null` when it is larger than {@link MAX_BODY_BYTES}. An
 * oversized body is still read to its end (and dropped), so that the 413 answer reaches a client
 * that is still sending.
 * @throws Error when the client goes away before the body is complete.
 */
export function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let ended = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => {
      ended = true;
      resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
    req.on('close', () => {
      if (!ended) reject(new Error('The client closed the connection before sending the whole body.'));
    });
  });
}

/** Sends `body` as JSON with `status` and any extra headers. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

/**
 * Sends an Anthropic-shaped error: `{type:'error', error:{type, message}, request_id}` with a
 * `request-id` header and, when given, `retry-after` in seconds.
 */
export function sendApiError(
  res: ServerResponse,
  status: number,
  requestId: string,
  options: { message?: string | undefined; retryAfterSeconds?: number | undefined } = {},
): void {
  const headers: Record<string, string> = { 'request-id': requestId };
  if (options.retryAfterSeconds !== undefined) headers['retry-after'] = String(options.retryAfterSeconds);
  sendJson(res, status, apiErrorBody(status, requestId, options.message), headers);
}
