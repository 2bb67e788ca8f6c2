/**
 * The `/_offline/*` endpoints: the in-process test controls (faults, request log) over HTTP, for
 * a model running in another process.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HandlerContext } from './handler-context';
import { readBody, sendJson } from './http-json';
import { isInvalidFaultError, isInvalidOfflineScriptError } from './errors';
import { parseOfflineScript } from './offline-script';

function sendControlError(res: ServerResponse, status: number, type: string, message: string): void {
  sendJson(res, status, { type: 'error', error: { type, message } });
}

const NO_BODY = Symbol('no body');

/** A control endpoint's JSON body; `NO_BODY` once a 400 saying `hint` has been sent for a body that is not JSON. */
async function readJsonBody(req: IncomingMessage, res: ServerResponse, hint: string): Promise<unknown> {
  const raw = await readBody(req);
  try {
    return JSON.parse(raw ?? '');
  } catch {
    sendControlError(res, 400, 'invalid_request_error', hint);
    return NO_BODY;
  }
}

async function addFaults(req: IncomingMessage, res: ServerResponse, ctx: HandlerContext): Promise<void> {
  const body = await readJsonBody(
    req,
    res,
    'Send a JSON body like {"faults":[{"kind":"http","status":529}]}.',
  );
  if (body === NO_BODY) return;
  const faults = (body as { faults?: unknown } | null)?.faults;
  if (!Array.isArray(faults)) {
    return sendControlError(
      res,
      400,
      'invalid_request_error',
      'The body needs a "faults" list, like {"faults":[{"kind":"hang"}]}.',
    );
  }
  try {
    ctx.faults.add(faults);
  } catch (e) {
    if (isInvalidFaultError(e)) return sendControlError(res, 400, 'invalid_request_error', e.message);
    throw e;
  }
  sendJson(res, 200, { ok: true, pending: ctx.faults.pending.length });
}

async function putScript(req: IncomingMessage, res: ServerResponse, ctx: HandlerContext): Promise<void> {
  const body = await readJsonBody(req, res, 'Send the script as JSON (format "baton.offline-script").');
  if (body === NO_BODY) return;
  try {
    const script = parseOfflineScript(body);
    ctx.setScript(script);
    return sendJson(res, 200, { ok: true, steps: script.steps.map((s) => s.name) });
  } catch (e) {
    if (isInvalidOfflineScriptError(e)) return sendControlError(res, 400, 'invalid_request_error', e.message);
    throw e;
  }
}

/** `POST /_offline/clock {"advance_ms": N}`: moves the prompt cache's clock forward. */
async function advanceClock(req: IncomingMessage, res: ServerResponse, ctx: HandlerContext): Promise<void> {
  const raw = await readBody(req);
  let ms: unknown;
  try {
    ms = (JSON.parse(raw ?? '') as { advance_ms?: unknown } | null)?.advance_ms;
  } catch {
    ms = undefined;
  }
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    return sendControlError(
      res,
      400,
      'invalid_request_error',
      'Send a JSON body like {"advance_ms": 360000}: how far to move the prompt cache\'s clock, 0 or more.',
    );
  }
  ctx.advanceClock(ms);
  sendJson(res, 200, { ok: true, now: new Date(ctx.now()).toISOString() });
}

/** Handles one request under `/_offline/`. */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  ctx: HandlerContext,
): Promise<void> {
  const route = `${req.method ?? 'GET'} ${path}`;
  switch (route) {
    case 'GET /_offline/health':
      return sendJson(res, 200, {
        ok: true,
        pending_faults: ctx.faults.pending.length,
        requests: ctx.log.entries.length,
      });
    case 'GET /_offline/faults':
      return sendJson(res, 200, { faults: ctx.faults.pending });
    case 'POST /_offline/faults':
      return addFaults(req, res, ctx);
    case 'DELETE /_offline/faults':
      ctx.faults.clear();
      return sendJson(res, 200, { ok: true });
    case 'POST /_offline/clock':
      return advanceClock(req, res, ctx);
    case 'DELETE /_offline/cache':
      ctx.cache.clear();
      return sendJson(res, 200, { ok: true });
    case 'GET /_offline/requests':
      return sendJson(res, 200, { requests: ctx.log.entries });
    case 'DELETE /_offline/requests':
      ctx.log.clear();
      return sendJson(res, 200, { ok: true });
    case 'PUT /_offline/script':
      return putScript(req, res, ctx);
    case 'DELETE /_offline/script':
      ctx.setScript(undefined);
      return sendJson(res, 200, { ok: true });
    default:
      return sendControlError(
        res,
        404,
        'not_found_error',
        `No control endpoint ${route}. Known: GET /_offline/health, GET|POST|DELETE /_offline/faults, GET|DELETE /_offline/requests, PUT|DELETE /_offline/script, POST /_offline/clock, DELETE /_offline/cache.`,
      );
  }
}
