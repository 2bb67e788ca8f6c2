/**
 * Building the Anthropic SDK client, and deciding from the environment which endpoint it talks to:
 * the real API, a custom gateway, or the offline model.
 */
import Anthropic from '@anthropic-ai/sdk';
import { MissingModelEndpointError } from './errors';

/** The Anthropic API's address, used when `ANTHROPIC_BASE_URL` does not say otherwise. */
export const ANTHROPIC_API_URL = 'https://api.anthropic.com';

/**
 * The key sent when there is no real one. The offline model ignores keys; a gateway that needs one
 * answers 401, which `classifyAnthropicError` explains.
 */
export const PLACEHOLDER_API_KEY = 'offline-no-key';

/** What {@link createAnthropicClient} needs. Nothing is read from the environment. */
export interface AnthropicClientOptions {
  /** Defaults to {@link PLACEHOLDER_API_KEY}. */
  apiKey?: string;
  /** Defaults to {@link ANTHROPIC_API_URL}. */
  baseURL?: string;
  /** Per-request timeout; the SDK's default (10 minutes) when omitted. */
  timeoutMs?: number;
}

/**
 * Creates an SDK client with retries off: retries belong to Temporal, whose activity retry policy
 * sees every attempt and survives worker restarts. Options are used as given and the environment is
 * not consulted (that is {@link resolveModelEndpoint}'s job), so one place decides where requests go.
 * @example createAnthropicClient(resolveModelEndpoint(process.env, offline.baseURL))
 */
export function createAnthropicClient(options: AnthropicClientOptions = {}): Anthropic {
  return new Anthropic({
    apiKey: options.apiKey ?? PLACEHOLDER_API_KEY,
    baseURL: options.baseURL ?? ANTHROPIC_API_URL,
    maxRetries: 0,
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
  });
}

/**
 * Where model requests go:
 * - `api`: the Anthropic API with the key from `ANTHROPIC_API_KEY` (at `ANTHROPIC_BASE_URL` if set);
 * - `custom`: no key, but `ANTHROPIC_BASE_URL` names a server (a gateway or a separately run
 *   offline model), which gets {@link PLACEHOLDER_API_KEY};
 * - `offline`: neither, so the embedded offline model.
 *
 * Holds the key: log {@link describeModelEndpoint} instead of this object.
 */
export interface ModelEndpoint {
  mode: 'api' | 'offline' | 'custom';
  apiKey: string;
  baseURL: string;
}

const setting = (env: NodeJS.ProcessEnv, name: string): string | undefined => {
  // A key pasted from a file often ends in a newline; an empty variable means unset.
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
};

/**
 * Whether the environment leaves model requests to the offline model, so the worker knows to start
 * one before calling {@link resolveModelEndpoint}.
 */
export function needsOfflineModel(env: NodeJS.ProcessEnv): boolean {
  return setting(env, 'ANTHROPIC_API_KEY') === undefined && setting(env, 'ANTHROPIC_BASE_URL') === undefined;
}

/**
 * Decides the model endpoint from the environment; see {@link ModelEndpoint} for the rules.
 * @param offlineBaseURL the running offline model's base URL, used when the environment names nothing.
 * @throws MissingModelEndpointError when the offline model is needed but `offlineBaseURL` is missing.
 * @example
 * const offline = needsOfflineModel(process.env) ? await OfflineModel.start() : undefined;
 * const client = createAnthropicClient(resolveModelEndpoint(process.env, offline?.baseURL));
 */
export function resolveModelEndpoint(env: NodeJS.ProcessEnv, offlineBaseURL?: string): ModelEndpoint {
  const apiKey = setting(env, 'ANTHROPIC_API_KEY');
  const baseURL = setting(env, 'ANTHROPIC_BASE_URL');
  if (apiKey !== undefined) return { mode: 'api', apiKey, baseURL: baseURL ?? ANTHROPIC_API_URL };
  if (baseURL !== undefined) return { mode: 'custom', apiKey: PLACEHOLDER_API_KEY, baseURL };
  if (offlineBaseURL === undefined) throw new MissingModelEndpointError();
  return { mode: 'offline', apiKey: PLACEHOLDER_API_KEY, baseURL: offlineBaseURL };
}

/**
 * A one-line description of an endpoint that is safe to log: it never contains the key.
 * @example describeModelEndpoint(endpoint) // 'Anthropic API at https://api.anthropic.com (key from ANTHROPIC_API_KEY)'
 */
export function describeModelEndpoint(endpoint: Pick<ModelEndpoint, 'mode' | 'baseURL'>): string {
  const where = withoutCredentials(endpoint.baseURL);
  switch (endpoint.mode) {
    case 'api':
      return `Anthropic API at ${where} (key from ANTHROPIC_API_KEY)`;
    case 'custom':
      return `model server at ${where} (from ANTHROPIC_BASE_URL, no API key)`;
    case 'offline':
      return `offline model at ${where} (no ANTHROPIC_API_KEY: replies are canned, not Claude)`;
  }
}

/** A gateway URL may carry `user:password@`; that is a secret too. */
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}
