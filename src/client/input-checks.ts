import { msToNumber } from '@temporalio/common/lib/time';
import type { Duration } from '@temporalio/common';
import { DEFAULT_MODEL_ID, type ModelSpec } from '../domain/models';
import { sendRequestProblem, sessionIdProblem, thinkingProblem, type SendRequest } from '../domain/session';
import { InvalidSessionSettingsError, resolveSessionSettings, type SessionSettings } from '../domain/session';
import { InvalidInputError } from './errors';
import type { ModelResolver } from './model-resolver';

/** @throws InvalidInputError for an id with path or shell characters, or an empty one. */
export function assertSessionId(id: string): void {
  const problem = sessionIdProblem(id);
  if (problem) throw new InvalidInputError(problem);
}

/** Settings as callers give them: the summarizer by name, resolved with the session's model. */
export type SettingsOptions = Partial<Omit<SessionSettings, 'summarizer_model'>>;

/** A session's model and its settings, resolved together. */
export interface ResolvedModel {
  model: ModelSpec;
  /** The settings with the summarizer model filled in. */
  settings: SessionSettings;
  /** Lifecycle warnings for the user (a deprecated model and its retirement date). */
  warnings: string[];
}

/**
 * Resolves a session's model (an id or a line, default claude-sonnet-4-6) and its summarizer
 * through a worker's model catalog, and checks the settings against them (a thinking budget must
 * fit the model). Settings are checked first, so a bad one costs no lookup.
 * @throws InvalidInputError for a bad setting, an unknown or retired model, or a thinking budget
 * the model cannot take.
 */
export async function resolveModelAndSettings(
  models: ModelResolver,
  options: {
    model?: string | undefined;
    summarizer_model?: string | undefined;
    settings?: SettingsOptions | undefined;
  },
): Promise<ResolvedModel> {
  const base = resolveSettings(options.settings);
  const lookup = await models.resolve({
    model: options.model ?? DEFAULT_MODEL_ID,
    ...(options.summarizer_model !== undefined ? { summarizer_model: options.summarizer_model } : {}),
  });
  const problem = thinkingProblem(base, lookup.model);
  if (problem) throw new InvalidInputError(problem);
  return {
    model: lookup.model,
    settings: { ...base, summarizer_model: lookup.summarizer },
    warnings: lookup.warnings,
  };
}

/** @throws InvalidInputError naming the setting and the rule. */
export function resolveSettings(partial: Partial<SessionSettings> | undefined): SessionSettings {
  try {
    return resolveSessionSettings(partial);
  } catch (err) {
    if (err instanceof InvalidSessionSettingsError) throw new InvalidInputError(err.message);
    throw err;
  }
}

/**
 * How long a failed phase or agent waits for a person's decision, in ms.
 * @throws InvalidInputError for something that is not a positive duration (`30m`, `2h`, ms).
 */
export function decisionTimeoutMs(fallbackMs: number, value?: Duration): number {
  if (value === undefined) return fallbackMs;
  let ms: number;
  try {
    ms = msToNumber(value);
  } catch {
    throw new InvalidInputError(`decision timeout '${String(value)}' is not a duration (try 30m, 2h).`);
  }
  if (!(ms > 0)) throw new InvalidInputError('The decision timeout must be longer than zero.');
  return ms;
}

/**
 * Checks a message before it is sent, the way the session will (empty, too large), so an obviously
 * bad one never reaches the server.
 * @throws InvalidInputError saying what is wrong with it.
 */
export function assertSendable(sessionId: string, request: SendRequest): void {
  const problem = sendRequestProblem(request, {
    session_id: sessionId,
    closed: false,
    context_window: Infinity,
  });
  if (problem) throw new InvalidInputError(problem);
}
