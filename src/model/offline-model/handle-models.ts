/**
 * `GET /v1/models` and `GET /v1/models/{id}`: the Models API, answered from the same table whose
 * windows and output limits the offline model enforces, in the API's shapes (a page of
 * `ModelInfo`, newest first; `lifecycle` filters, `limit`, `after_id`, `before_id`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ModelSpec } from '../../domain/models';
import { BUILTIN_MODELS } from '../../domain/models';
import type { HandlerContext } from './handler-context';
import { sendApiError, sendJson } from './http-json';

type Lifecycle = 'active' | 'deprecated' | 'retired';

const supported = (value: boolean) => ({ supported: value });

/** A table entry as the Models API describes a model. */
export function modelInfo(spec: ModelSpec): Record<string, unknown> {
  const lifecycle = spec.lifecycle ?? 'active';
  const thinking = spec.thinking ?? { enabled: false, adaptive: false };
  const claude = spec.id.startsWith('claude-');
  return {
    type: 'model',
    id: spec.id,
    display_name: displayName(spec.id),
    // The API sends the epoch when a date is unknown; the table has release dates only from the API.
    created_at: spec.released ?? '1970-01-01T00:00:00Z',
    deprecated_at: lifecycle === 'active' ? null : '1970-01-01T00:00:00Z',
    lifecycle,
    line: spec.line ?? null,
    max_input_tokens: spec.context_window,
    max_tokens: spec.max_output_tokens,
    retires_at: spec.retires_at ?? null,
    capabilities: {
      batch: supported(claude),
      citations: supported(claude),
      code_execution: supported(false),
      context_management: {
        supported: false,
        clear_thinking_20251015: null,
        clear_tool_uses_20250919: null,
        compact_20260112: null,
      },
      effort: {
        supported: false,
        low: supported(false),
        medium: supported(false),
        high: supported(false),
        max: supported(false),
        xhigh: null,
      },
      image_input: supported(claude),
      pdf_input: supported(claude),
      server_tools: { supported: false, code_execution: supported(false), web_search: supported(false) },
      structured_outputs: supported(claude),
      thinking: {
        supported: thinking.enabled || thinking.adaptive,
        types: {
          enabled: supported(thinking.enabled),
          adaptive: supported(thinking.adaptive),
          disabled: supported(true),
          between_tools: supported(false),
        },
      },
    },
  };
}

/** `claude-sonnet-4-6` → `Claude Sonnet 4.6`; other ids as they are. */
function displayName(id: string): string {
  const m = /^claude-([a-z]+)-(\d+)(?:-(\d+))?$/.exec(id);
  if (!m) return id;
  const line = m[1]!.charAt(0).toUpperCase() + m[1]!.slice(1);
  return `Claude ${line} ${m[3] ? `${m[2]}.${m[3]}` : m[2]}`;
}

/** Handles `GET /v1/models` and `GET /v1/models/{id}`. */
export function handleModels(req: IncomingMessage, res: ServerResponse, ctx: HandlerContext): void {
  const url = new URL(req.url ?? '/', 'http://offline');
  const requestId = ctx.nextRequestId();
  const entry = ctx.log.begin(url.pathname, requestId);
  res.on('finish', () => (entry.status = res.statusCode));
  const models = ctx.models ?? BUILTIN_MODELS;
  // Configured models override built-in ones with the same id, as in the registry.
  const table = [...new Map(models.map((m) => [m.id, m])).values()];
  const path = url.pathname.replace(/\/+$/, '');
  if (path !== '/v1/models') {
    const id = decodeURIComponent(path.slice('/v1/models/'.length));
    const spec = table.find((m) => m.id === id);
    entry.model = id;
    if (!spec) return sendApiError(res, 404, requestId, { message: `model: ${id}` });
    return sendJson(res, 200, modelInfo(spec), { 'request-id': requestId });
  }

  const lifecycles = [...url.searchParams.getAll('lifecycle'), ...url.searchParams.getAll('lifecycle[]')];
  const unknownStage = lifecycles.find((l) => !['active', 'deprecated', 'retired'].includes(l));
  if (unknownStage !== undefined) {
    return sendApiError(res, 400, requestId, {
      message: `lifecycle: Input should be 'active', 'deprecated' or 'retired', got '${unknownStage}'`,
    });
  }
  const wanted = new Set<Lifecycle>(
    lifecycles.length > 0 ? (lifecycles as Lifecycle[]) : ['active', 'deprecated'],
  );
  const limitRaw = url.searchParams.get('limit');
  const limit = limitRaw === null ? 20 : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    return sendApiError(res, 400, requestId, {
      message: 'limit: Input should be a whole number from 1 to 1000',
    });
  }
  let listed = table.filter((m) => wanted.has(m.lifecycle ?? 'active'));
  const after = url.searchParams.get('after_id');
  const before = url.searchParams.get('before_id');
  if (after !== null) listed = listed.slice(listed.findIndex((m) => m.id === after) + 1);
  if (before !== null) {
    const end = listed.findIndex((m) => m.id === before);
    listed = listed.slice(
      Math.max(0, (end < 0 ? listed.length : end) - limit),
      end < 0 ? listed.length : end,
    );
  }
  const page = listed.slice(0, limit);
  sendJson(
    res,
    200,
    {
      data: page.map(modelInfo),
      has_more: before === null ? listed.length > limit : false,
      first_id: page[0]?.id ?? null,
      last_id: page.at(-1)?.id ?? null,
    },
    { 'request-id': requestId },
  );
}
